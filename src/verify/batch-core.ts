// One file of a batch: read it, pick its type, verify it. Shared by the
// in-process path and the worker threads.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { LockdownError } from "../errors.js";
import type { BatchItem } from "./batch.js";
import { detectType } from "./detect.js";
import type { Keyrings } from "./keyring.js";
import { openPeSparse, type SparsePe } from "./pe-file.js";
import { type FileType, refuse } from "./result.js";

export interface WorkerJob {
  index?: number;
  file: string;
  type: FileType | undefined;
  imaSigFile: string | undefined;
  /** Found by walking a directory: skip quietly unless it is of the type asked for. */
  skip?: boolean;
}

export interface WorkerReply {
  index: number;
  item: BatchItem;
}

/** security.ima of a file, through getfattr(1) (Node has no xattr API); undefined when absent. */
function readXattr(file: string): Uint8Array | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // Loaded here only: child_process costs start-up time every other run would pay.
    const { execFileSync } = process.getBuiltinModule("node:child_process");
    const v = execFileSync(
      "getfattr",
      ["--only-values", "-n", "security.ima", "--absolute-names", "--", file],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    return v.length ? v : undefined;
  } catch {
    return undefined;
  }
}

// One reusable read buffer per thread: thousands of modules would otherwise
// allocate (and collect) hundreds of MiB. Results never keep references into it.
let scratch = Buffer.alloc(0);

function readWhole(fd: number, size: number): Uint8Array {
  // exact for the first file (one big image costs no more than readFileSync), doubling after that
  if (size > scratch.length)
    scratch = Buffer.allocUnsafe(Math.max(size, Math.min(2 * scratch.length, 64 << 20)));
  let off = 0;
  while (off < size) {
    const n = readSync(fd, scratch, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return scratch.subarray(0, off);
}

const cannotRead = (file: string, e: unknown): BatchItem => ({
  file,
  error: `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
});

export async function verifyOne(job: WorkerJob, kr: Keyrings): Promise<BatchItem> {
  const { file } = job;
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    return cannotRead(file, e);
  }
  try {
    return await verifyOpen(job, fd, kr);
  } finally {
    closeSync(fd);
  }
}

async function verifyOpen(job: WorkerJob, fd: number, kr: Keyrings): Promise<BatchItem> {
  const { file } = job;
  let b: Uint8Array;
  let sparse: SparsePe | undefined;
  try {
    const size = fstatSync(fd).size;
    // A kernel image: read only what its check parses, stream the rest through the hash.
    if ((job.type === undefined || job.type === "pe") && !job.imaSigFile)
      sparse = openPeSparse(fd, size, file);
    b = sparse ? sparse.bytes : readWhole(fd, size);
  } catch (e) {
    return cannotRead(file, e);
  }
  try {
    const detected = detectType(b, file);
    if (job.skip && job.type !== "ima" && (detected === undefined || (job.type && job.type !== detected)))
      return { file, error: `${file}: not a ${job.type ?? "PE image or kernel module"}`, skipped: true };
    const type = job.type ?? (job.imaSigFile ? "ima" : detected);
    // Each verifier is loaded when first needed: a one-file run loads only its own.
    if (type === "pe")
      return { file, result: (await import("./pe.js")).verifyPe(b, kr, { digest: sparse?.digest }) };
    if (type === "module")
      return { file, result: await (await import("./module.js")).verifyModuleFile(b, kr) };
    if (type === "ima") {
      let sig: Uint8Array | undefined;
      if (job.imaSigFile) {
        try {
          sig = readFileSync(job.imaSigFile);
        } catch (e) {
          return {
            file,
            error: `${job.imaSigFile}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          };
        }
      } else sig = readXattr(file);
      if (!sig)
        return {
          file,
          result: {
            type: "ima",
            verdict: "unsigned",
            kernel: refuse(null, "missing-hash"),
            signatures: [],
            message: "no security.ima value given",
          },
        };
      return { file, result: (await import("./ima.js")).verifyIma({ content: b }, sig, kr) };
    }
    return { file, error: `${file}: not a PE image or kernel module (give --type)` };
  } catch (e) {
    if (e instanceof LockdownError) return { file, error: `${file}: ${e.message}` };
    throw e;
  }
}

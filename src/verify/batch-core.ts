// One file of a batch: read it, pick its type, verify it. Shared by the
// in-process path and the worker threads.
import { readFileSync } from "node:fs";
import { LockdownError } from "../errors.js";
import type { BatchItem } from "./batch.js";
import { detectType } from "./detect.js";
import { verifyIma } from "./ima.js";
import type { Keyrings } from "./keyring.js";
import { verifyModuleFile } from "./module.js";
import { verifyPe } from "./pe.js";
import { type FileType, refuse } from "./result.js";

export interface WorkerJob {
  index?: number;
  file: string;
  type: FileType | undefined;
  imaSigFile: string | undefined;
}

export interface WorkerReply {
  index: number;
  item: BatchItem;
}

function readXattr(file: string): Uint8Array | undefined {
  // Node has no xattr API; only an explicit --ima-sig value is read here.
  void file;
  return undefined;
}

export async function verifyOne(job: WorkerJob, kr: Keyrings): Promise<BatchItem> {
  const { file } = job;
  let b: Uint8Array;
  try {
    b = readFileSync(file);
  } catch (e) {
    return {
      file,
      error: `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    };
  }
  try {
    const type = job.type ?? (job.imaSigFile ? "ima" : detectType(b, file));
    if (type === "pe") return { file, result: verifyPe(b, kr) };
    if (type === "module") return { file, result: await verifyModuleFile(b, kr) };
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
      return { file, result: verifyIma({ content: b }, sig, kr) };
    }
    return { file, error: `${file}: not a PE image or kernel module (give --type)` };
  } catch (e) {
    if (e instanceof LockdownError) return { file, error: `${file}: ${e.message}` };
    throw e;
  }
}

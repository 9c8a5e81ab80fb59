// Many files per call: worker threads, each with the keyrings built once from
// the same certificate bytes, pulling paths from a shared queue. Results come
// back in input order. Small batches stay in-process (a worker costs more
// than it saves).
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { InputError, LockdownError } from "../errors.js";
import type { KernelVersion } from "../formats/oid-registry.js";
import { verifyOne, type WorkerJob, type WorkerReply } from "./batch-core.js";
import { certificatesIn, createKeyrings, type Keyrings, keyFromDer } from "./keyring.js";
import { FULL_CRYPTO, type KernelCrypto } from "./public-key.js";
import type { FileType, VerifyResult } from "./result.js";

export interface BatchOptions {
  type?: FileType;
  version?: KernelVersion;
  /** Number of worker threads; 0 = in-process. Default: CPUs, or 0 for small batches. */
  workers?: number;
  /** IMA: path of the raw security.ima value to use for every file (else the xattr is read). */
  imaSigFile?: string;
  /** The kernel's build (default: every algorithm; Debian's 6.1 has no ECDSA). */
  crypto?: Readonly<KernelCrypto>;
  /** Paths (found by walking a directory) to skip quietly when they are not of the type asked for. */
  skipUnclassified?: ReadonlySet<string>;
}

export type BatchItem =
  | { file: string; result: VerifyResult }
  | { file: string; error: string; skipped?: boolean };

/** The certificate files as DER blobs, read once; a bad file throws InputError naming it. */
export function loadAnchors(
  certFiles: readonly string[],
  version: KernelVersion,
): { file: string; der: Uint8Array[] }[] {
  const kr = createKeyrings(version);
  return certFiles.map((file) => {
    const keys = (() => {
      try {
        return certificatesIn(new Uint8Array(requireFile(file)));
      } catch (e) {
        if (e instanceof LockdownError && !(e instanceof InputError))
          throw new InputError(file, `bad certificate: ${e.message}`);
        throw e;
      }
    })();
    for (const der of keys) {
      try {
        keyFromDer(der, version, kr.blacklist, file);
      } catch (e) {
        if (e instanceof LockdownError) throw new InputError(file, `bad certificate: ${e.message}`);
        throw e;
      }
    }
    return { file, der: keys };
  });
}

function requireFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(
      file,
      `cannot read certificate: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

export function keyringsFromAnchors(
  anchors: { file: string; der: Uint8Array[] }[],
  version: KernelVersion,
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): Keyrings {
  const kr = createKeyrings(version, crypto);
  for (const a of anchors)
    for (const der of a.der) {
      const k = keyFromDer(der, version, kr.blacklist, a.file, crypto);
      kr.builtin.add(k);
      kr.ima.add(k);
    }
  return kr;
}

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCE ? "./batch-worker.ts" : "./batch-worker.js", import.meta.url);

/** A worker thread running batch-worker; from TypeScript sources (tests) tsx is registered in it first. */
function spawnWorker(workerData: unknown): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const boot = `import("tsx/esm/api").then((m) => m.register()).then(() => import(${JSON.stringify(WORKER_URL.href)}))`;
  return new Worker(boot, { eval: true, workerData, execArgv: [] });
}

/** How many worker threads a batch of `count` files deserves (none for small batches). */
export function poolSize(count: number, workers?: number): number {
  return workers ?? (count >= 64 ? Math.max(1, Math.min(availableParallelism(), 8)) : 0);
}

/**
 * Worker threads with the keyrings built once each. Started early (before the
 * file list is known) they load while the caller walks directories.
 */
export class VerifyPool {
  private readonly workers: Worker[] = [];
  private busy = false;
  private broken = false;
  private local: Keyrings | undefined;

  /**
   * `size` threads in all: the calling thread takes part (it would only wait
   * otherwise), so `size - 1` workers are started.
   */
  constructor(
    private readonly anchors: { file: string; der: Uint8Array[] }[],
    private readonly version: KernelVersion,
    size: number,
    private readonly crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
  ) {
    for (let i = 1; i < size; i++) this.workers.push(spawnWorker({ anchors, version, crypto }));
  }

  /**
   * Verifies `paths`, yielding results in input order. One run at a time.
   * The paths are pulled as work is handed out, so a directory walk behind
   * the iterable runs while the first files are verified; `skipUnclassified`
   * is consulted when a path is pulled.
   */
  async *run(paths: Iterable<string>, opts: BatchOptions = {}): AsyncGenerator<BatchItem> {
    if (this.busy) throw new Error("VerifyPool.run() is already running");
    if (this.broken) throw new Error("VerifyPool: a worker thread died; close this pool");
    this.busy = true;
    const source = paths[Symbol.iterator]();
    const taken: string[] = [];
    let exhausted = false;
    const results = new Map<number, BatchItem>();
    let nextOut = 0;
    let nextIn = 0;
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    const onError = (e: unknown) => {
      failure = e instanceof Error ? e : new Error(String(e));
      wake?.();
    };
    const onWorkerError = (e: unknown) => {
      this.broken = true; // a dead worker never answers its chunks
      onError(e);
      drained?.();
    };
    const pull = (): number | undefined => {
      if (nextIn < taken.length) return nextIn++;
      if (exhausted || failure) return undefined;
      try {
        const r = source.next();
        if (r.done) {
          exhausted = true;
          wake?.();
          return undefined;
        }
        taken.push(r.value);
        return nextIn++;
      } catch (e) {
        exhausted = true;
        onError(e);
        return undefined;
      }
    };
    const job = (i: number): WorkerJob => ({
      index: i,
      file: taken[i]!,
      type: opts.type,
      imaSigFile: opts.imaSigFile,
      skip: opts.skipUnclassified?.has(taken[i]!) ?? false,
    });
    const CHUNK = 32;
    const chunk = (): number[] => {
      const out: number[] = [];
      while (out.length < CHUNK) {
        const i = pull();
        if (i === undefined) break;
        out.push(i);
      }
      return out;
    };
    // Chunks sent and not answered yet: a run ends only when its workers are idle, so that no late
    // reply of this run lands in the next one.
    let inFlight = 0;
    let drained: (() => void) | undefined;
    const feed = (w: Worker) => {
      const jobs = chunk().map(job);
      if (!jobs.length) return;
      inFlight++;
      w.postMessage({ jobs });
    };
    const onMessage = (w: Worker) => (m: { replies: WorkerReply[] }) => {
      inFlight--;
      for (const r of m.replies) results.set(r.index, r.item);
      feed(w);
      wake?.();
      if (inFlight === 0) drained?.();
    };
    // The calling thread verifies chunks too, yielding to the event loop between files.
    this.local ??= keyringsFromAnchors(this.anchors, this.version, this.crypto);
    const kr = this.local;
    let stop = false;
    const localWork = (async () => {
      while (!stop && !failure) {
        const mine = chunk();
        if (mine.length === 0) break;
        for (const i of mine) {
          results.set(i, await verifyOne(job(i), kr));
          wake?.();
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    })().catch(onError);
    const handlers = this.workers.map((w) => [w, onMessage(w)] as const);
    for (const [w, h] of handlers) {
      w.on("message", h);
      w.on("error", onWorkerError);
      feed(w);
      feed(w); // two chunks in flight: a worker never waits for the next one
    }
    try {
      for (;;) {
        const item = results.get(nextOut);
        if (item) {
          results.delete(nextOut);
          nextOut++;
          yield item;
          continue;
        }
        if (failure) throw failure;
        if (exhausted && nextOut >= taken.length) break;
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
      }
    } finally {
      stop = true;
      await localWork;
      if (inFlight > 0 && !this.broken)
        await new Promise<void>((r) => {
          drained = r;
        });
      for (const [w, h] of handlers) {
        w.off("message", h);
        w.off("error", onWorkerError);
      }
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Verifies `paths` against the certificates of `certFiles`, yielding results in input order. */
export async function* verifyMany(
  paths: readonly string[],
  certFiles: readonly string[],
  opts: BatchOptions = {},
): AsyncGenerator<BatchItem> {
  const version = opts.version ?? "6.1";
  const anchors = loadAnchors(certFiles, version);
  const n = poolSize(paths.length, opts.workers);
  if (n === 0 || paths.length < 2) {
    const kr = keyringsFromAnchors(anchors, version, opts.crypto);
    for (const file of paths)
      yield await verifyOne(
        {
          file,
          type: opts.type,
          imaSigFile: opts.imaSigFile,
          skip: opts.skipUnclassified?.has(file) ?? false,
        },
        kr,
      );
    return;
  }
  const pool = new VerifyPool(anchors, version, Math.min(n, Math.ceil(paths.length / 32)), opts.crypto);
  try {
    yield* pool.run(paths, opts);
  } finally {
    await pool.close();
  }
}

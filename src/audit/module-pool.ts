// Module verification for the audit: worker threads that start reading the
// modules before the kernel's keys are known (the bzImage decompression runs
// meanwhile in its own process), then verify with the keys. Small sets run
// in-process: a worker costs more than it saves.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkModule, type KeyMaterial, moduleKeyrings } from "./module-check.js";
import { type ModuleResult, moduleImage } from "./verifier.js";

export interface ModuleBatch {
  /** Supplies the keys and resolves with one result per file, in input order. */
  verify(keys: KeyMaterial): Promise<ModuleResult[]>;
}

const IN_PROCESS_BELOW = 64;

function workerFor(): Worker {
  const self = import.meta.url;
  if (self.endsWith(".ts")) {
    // Development and tests run the TypeScript sources through tsx; a worker needs it registered too.
    const url = new URL("./module-worker.ts", self).href;
    return new Worker(
      `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url)}); });`,
      { eval: true },
    );
  }
  return new Worker(new URL("./module-worker.js", self));
}

export function startModuleBatch(
  files: string[],
  opts: { workers?: number; progress?: (done: number, total: number) => void } = {},
): ModuleBatch {
  const n =
    opts.workers ?? (files.length >= IN_PROCESS_BELOW ? Math.max(1, Math.min(availableParallelism(), 4)) : 0);
  if (n === 0) {
    return {
      async verify(keys) {
        const kr = moduleKeyrings(keys);
        const out: ModuleResult[] = [];
        for (const file of files) {
          try {
            out.push({ file, ...checkModule(await moduleImage(file, readFileSync(file)), kr) });
          } catch (e) {
            out.push({ file, verdict: "invalid", errno: "EBADMSG", detail: (e as Error).message });
          }
          opts.progress?.(out.length, files.length);
        }
        return out;
      },
    };
  }
  const results: (ModuleResult | undefined)[] = new Array(files.length);
  let done = 0;
  let finished = 0;
  let resolveAll: () => void = () => {};
  let rejectAll: (e: Error) => void = () => {};
  const all = new Promise<void>((res, rej) => {
    resolveAll = res;
    rejectAll = rej;
  });
  // Workers pull chunks of files; a chunk is small enough to keep them evenly loaded.
  const CHUNK = 48;
  let next = 0;
  const give = (w: Worker) => {
    if (next >= files.length) {
      w.postMessage({ end: true });
      return;
    }
    const chunk: { index: number; file: string }[] = [];
    for (; chunk.length < CHUNK && next < files.length; next++)
      chunk.push({ index: next, file: files[next] as string });
    w.postMessage({ files: chunk });
  };
  const workers: Worker[] = [];
  for (let w = 0; w < n; w++) {
    const worker = workerFor();
    worker.on(
      "message",
      (m: { results?: { index: number; result: ModuleResult }[]; done?: boolean; want?: boolean }) => {
        if (m.want) give(worker);
        if (m.results) {
          for (const r of m.results) {
            results[r.index] = r.result;
            done++;
          }
          opts.progress?.(done, files.length);
        }
        if (m.done && ++finished === n) resolveAll();
      },
    );
    worker.on("error", (e) => rejectAll(e instanceof Error ? e : new Error(String(e))));
    workers.push(worker);
  }
  return {
    async verify(keys) {
      for (const w of workers) w.postMessage({ keys });
      try {
        await all;
      } catch {
        // A worker died (out of memory, a bug): finish what is missing in this thread.
        const kr = moduleKeyrings(keys);
        for (let i = 0; i < files.length; i++) {
          if (results[i]) continue;
          const file = files[i] as string;
          try {
            results[i] = { file, ...checkModule(await moduleImage(file, readFileSync(file)), kr) };
          } catch (e) {
            results[i] = { file, verdict: "invalid", errno: "EBADMSG", detail: (e as Error).message };
          }
        }
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
      return results.map(
        (r, i) => r ?? { file: files[i] as string, verdict: "invalid", errno: "EIO", detail: "no result" },
      );
    },
  };
}

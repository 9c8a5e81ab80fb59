// Worker thread of the audit's module pool. It asks the main thread for
// chunks of module files, reads (and decompresses) them while the kernel's
// builtin certificates are still being extracted, then verifies with the keys
// once they arrive, posting results in batches. Pulling chunks keeps the
// workers evenly loaded.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { Keyrings } from "../verify/index.js";
import { checkModule, type KeyMaterial, moduleKeyrings } from "./module-check.js";
import { type ModuleResult, moduleImage } from "./verifier.js";

type Job = { index: number; file: string };
type Loaded = Job & { image?: Uint8Array; error?: string };
type Msg = { files: Job[] } | { keys: KeyMaterial } | { end: true };

const PREFETCH_BYTES = Number(process.env.KL_PREFETCH_MB ?? 64) * 1024 * 1024;
const queue: Job[] = [];
const loaded: Loaded[] = [];
let loadedBytes = 0;
let ended = false;
let asked = false;
let kr: Keyrings | undefined;
let wake: (() => void) | undefined;

function ask(): void {
  if (asked || ended) return;
  asked = true;
  parentPort?.postMessage({ want: true });
}

const nextMessage = () =>
  new Promise<void>((r) => {
    wake = r;
  });

async function load(j: Job): Promise<Loaded> {
  try {
    return { ...j, image: await moduleImage(j.file, readFileSync(j.file)) };
  } catch (e) {
    return { ...j, error: (e as Error).message };
  }
}

function check(l: Loaded, keys: Keyrings): { index: number; result: ModuleResult } {
  const result: ModuleResult = l.image
    ? { file: l.file, ...checkModule(l.image, keys) }
    : { file: l.file, verdict: "invalid", errno: "EBADMSG", detail: l.error ?? "unreadable" };
  return { index: l.index, result };
}

async function run(): Promise<void> {
  let out: { index: number; result: ModuleResult }[] = [];
  let n = 0;
  for (;;) {
    if (queue.length < 16) ask();
    if (!kr) {
      if (loadedBytes < PREFETCH_BYTES && queue.length > 0) {
        const l = await load(queue.shift() as Job);
        loadedBytes += l.image?.length ?? 0;
        loaded.push(l);
        if (++n % 8 === 0) await new Promise((r) => setImmediate(r));
      } else await nextMessage();
      continue;
    }
    let l = loaded.shift();
    if (l) loadedBytes -= l.image?.length ?? 0;
    else if (queue.length > 0) l = await load(queue.shift() as Job);
    else if (!ended) {
      await nextMessage();
      continue;
    } else break;
    out.push(check(l, kr));
    if (out.length >= 32) {
      parentPort?.postMessage({ results: out });
      out = [];
      await new Promise((r) => setImmediate(r));
    }
  }
  if (out.length) parentPort?.postMessage({ results: out });
  parentPort?.postMessage({ done: true });
}

parentPort?.on("message", (m: Msg) => {
  if ("files" in m) {
    queue.push(...m.files);
    asked = false;
  } else if ("end" in m) ended = true;
  else kr = moduleKeyrings(m.keys);
  const w = wake;
  wake = undefined;
  w?.();
});
void run();

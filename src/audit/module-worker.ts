// Worker thread of the audit's module pool. It gets its share of module files
// at once and starts reading (and decompressing) them while the main thread
// is still extracting the kernel's builtin certificates; when the keys arrive
// it verifies what it has read and then the rest, posting results in chunks.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { Keyrings } from "../verify/index.js";
import { checkModule, type KeyMaterial, moduleKeyrings } from "./module-check.js";
import { type ModuleResult, moduleImage } from "./verifier.js";

type Job = { index: number; file: string };
type Loaded = Job & { image?: Uint8Array; error?: string };
type Msg = { files: Job[] } | { keys: KeyMaterial };

const PREFETCH_BYTES = Number(process.env.KL_PREFETCH_MB ?? 64) * 1024 * 1024;
let jobs: Job[] = [];
let kr: Keyrings | undefined;
let gotKeys: () => void = () => {};
const keysReady = new Promise<void>((r) => {
  gotKeys = r;
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
  const pre: Loaded[] = [];
  let bytes = 0;
  let i = 0;
  while (!kr && i < jobs.length && bytes < PREFETCH_BYTES) {
    const l = await load(jobs[i++] as Job);
    bytes += l.image?.length ?? 0;
    pre.push(l);
    if (i % 8 === 0) await new Promise((r) => setImmediate(r));
  }
  await keysReady;
  const keys = kr as Keyrings;
  let out: { index: number; result: ModuleResult }[] = [];
  const flush = () => {
    if (out.length) parentPort?.postMessage({ results: out });
    out = [];
  };
  for (const l of pre) {
    out.push(check(l, keys));
    if (out.length >= 32) flush();
  }
  pre.length = 0;
  for (; i < jobs.length; i++) {
    out.push(check(await load(jobs[i] as Job), keys));
    if (out.length >= 32) flush();
  }
  flush();
  parentPort?.postMessage({ done: true });
}

parentPort?.on("message", (m: Msg) => {
  if ("files" in m) {
    jobs = m.files;
    void run();
  } else {
    kr = moduleKeyrings(m.keys);
    gotKeys();
  }
});

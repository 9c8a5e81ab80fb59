// Benchmark: the whole `kernel-lockdown audit` of a root holding the real
// Debian kernel package (all its modules) plus the planted problems, as a
// user runs it (the compiled CLI, a fresh process each time).
//
//   npm run build && node --import tsx bench/audit.ts [--runs N] [--root DIR]
//
// "cold" disables the builtin-certificate cache (the kernel image is
// decompressed every run); "warm" lets the first run fill it. Reports the
// median wall time and CPU (user+sys) per run, and checks the answer.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRoot, CACHE, type Expected } from "../test/fixtures/build-root.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] ?? 5) || 5;
const rootArg = args.includes("--root") ? args[args.indexOf("--root") + 1] : undefined;
const root = rootArg ?? join(CACHE, "root-full");
let expected: Expected | undefined;
if (!rootArg) {
  const t = performance.now();
  const e = buildRoot({ out: root, full: true });
  expected = e;
  console.log(
    `fixture: ${root} (${e.release}, ${e.findings.length} planted problems) ready in ${Math.round(performance.now() - t)} ms`,
  );
}
const cli = join(REPO, "bin", "kernel-lockdown.js");
if (!existsSync(join(REPO, "dist", "cli", "main.js")))
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: REPO, stdio: "inherit" });

type Json = {
  kernels: { modules: { total: number } }[];
  findings: { id: string; reason: string; breaksAt: string; subject: string }[];
  elapsedMs: number;
};

function once(env: Record<string, string>): { wall: number; cpu: number; json: Json } {
  const t = performance.now();
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "%U %S", process.execPath, cli, "audit", "--root", root, "--format", "json"],
    {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 28,
    },
  );
  const wall = performance.now() - t;
  const [u = "0", s = "0"] = r.stderr.toString().trim().split("\n").at(-1)?.split(" ") ?? [];
  return { wall, cpu: (Number(u) + Number(s)) * 1000, json: JSON.parse(r.stdout.toString()) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const cacheDir = mkdtempSync(join(tmpdir(), "kl-bench-cache-"));
try {
  for (const [label, env] of [
    ["cold (image decompressed every run)", { KERNEL_LOCKDOWN_CACHE: "off" }],
    ["warm (builtin certificates cached by image hash)", { KERNEL_LOCKDOWN_CACHE: cacheDir }],
  ] as const) {
    if (label.startsWith("warm")) once(env);
    const res = Array.from({ length: runs }, () => once(env));
    const j = res[0]?.json;
    console.log(
      `${label}: median ${Math.round(median(res.map((r) => r.wall)))} ms wall, ${Math.round(median(res.map((r) => r.cpu)))} ms CPU, audit-internal ${median(res.map((r) => r.json.elapsedMs))} ms; ${j?.kernels[0]?.modules.total} modules, ${j?.findings.length} findings; runs: ${res.map((r) => Math.round(r.wall)).join(", ")}`,
    );
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
if (expected) {
  // The answer must be right, not only fast: every planted problem, nothing else.
  const j = once({}).json;
  const missing = expected.findings.filter(
    (p) =>
      !j.findings.some(
        (f) =>
          f.id === p.id &&
          f.subject.includes(p.subject) &&
          f.reason === p.reason &&
          f.breaksAt === p.breaksAt,
      ),
  );
  const extra = j.findings.filter(
    (f) => !expected?.findings.some((p) => p.id === f.id && f.subject.includes(p.subject)),
  );
  console.log(
    `answer: ${expected.findings.length - missing.length}/${expected.findings.length} planted problems found, ${extra.length} unexpected finding(s)`,
  );
  for (const m of missing) console.log(`  missing: ${m.id} ${m.subject}`);
  for (const x of extra) console.log(`  unexpected: ${x.id} ${x.subject}`);
}
console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model}), Node ${process.version}`);

// Benchmark: scenarios of the probe battery on the simulated kernel. Start-up
// (module import) is excluded; each run boots a fresh kernel and runs every
// step, the files already read once (as a long-running tool would have them).
// Usage: node --import tsx bench/sim.ts [SCENARIO.json...]
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { loadScenario, runOnKernel, scenarioKernel } from "../src/kernel/index.js";

const shared = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "shared");
const paths = process.argv.slice(2);
if (paths.length === 0)
  for (const rel of ["6.1.0-56-amd64", "6.12.117+deb12-amd64"])
    for (const v of ["default", "integrity", "confidentiality", "secureboot"])
      paths.push(join(shared, "spec", "scenarios", rel, `${v}.json`));

for (const p of paths) {
  const s = loadScenario(p);
  const steps = s.steps.filter((x) => x.call !== "sleep").length;
  // First run: reads the files and fills the caches.
  let t = performance.now();
  let k = scenarioKernel(s);
  await k.prepare();
  runOnKernel(k.boot(), s.steps);
  const first = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    k = scenarioKernel(s);
    await k.prepare();
    runOnKernel(k.boot(), s.steps);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${p.split("/").slice(-2).join("/")}: ${steps} steps, first ${first.toFixed(1)} ms, median ${times[2]!.toFixed(1)} ms, per step ${(times[2]! / steps).toFixed(2)} ms`,
  );
}

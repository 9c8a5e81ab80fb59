// The 14 scenarios of ../shared/spec/scenarios: the published boots must agree
// probe by probe (result and "Lockdown:" lines), the others must run and be
// well formed.
import * as assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { loadScenario, probeResults, runScenario, type ScenarioOutput } from "../../src/kernel/index.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";
import { PUBLISHED, readPublished, type Variant } from "./published.js";

const RELEASES = ["6.1.0-56-amd64", "6.12.117+deb12-amd64"];
const line = (comm: string, reason: string) =>
  `Lockdown: ${comm}: ${reason} is restricted; see man kernel_lockdown.7`;

const cache = new Map<string, Promise<ScenarioOutput>>();
export function run(release: string, variant: string): Promise<ScenarioOutput> {
  const key = `${release}/${variant}`;
  let p = cache.get(key);
  if (!p) {
    p = runScenario(loadScenario(sharedPath("spec", "scenarios", release, `${variant}.json`)));
    cache.set(key, p);
  }
  return p;
}

describe("published 6.1 boots", { skip: SKIP_SHARED }, () => {
  for (const variant of PUBLISHED) {
    it(`${variant}: every probe's result and Lockdown lines`, async () => {
      const pub = readPublished();
      const want = pub.results.get(variant as Variant)!;
      const got = probeResults(await run("6.1.0-56-amd64", variant));
      const gotMap = new Map(got.map((p) => [p.probe, p]));
      const bad: string[] = [];
      for (const [probe, result] of want) {
        const g = gotMap.get(probe);
        if (!g) {
          bad.push(`${probe}: missing`);
          continue;
        }
        if (g.result !== result) bad.push(`${probe}: result ${g.result}, want ${result}`);
        const reason = variant === "default" ? undefined : pub.reasons.get(probe);
        const lines = reason ? [line("probe", reason)] : [];
        assert.ok(true);
        if (JSON.stringify(g.lockdown) !== JSON.stringify(lines))
          bad.push(`${probe}: lines ${JSON.stringify(g.lockdown)}, want ${JSON.stringify(lines)}`);
      }
      assert.deepEqual(bad, []);
      assert.ok(want.size >= 54, `parsed ${want.size} published probes`);
    });
  }
  it("integrity: the boot's Lockdown lines", async () => {
    const out = await run("6.1.0-56-amd64", "integrity");
    assert.deepEqual(
      out.boot.filter((l) => l.startsWith("Lockdown:")),
      readPublished().integrityBoot,
    );
  });
  it("default and runtime-integrity: no boot Lockdown line, table upgraded", async () => {
    for (const v of ["default", "runtime-integrity"]) {
      const out = await run("6.1.0-56-amd64", v);
      assert.deepEqual(
        out.boot.filter((l) => l.startsWith("Lockdown:")),
        [],
      );
      assert.ok(out.boot.includes("ACPI: Table Upgrade: install [SSDT-ORACLE-LOCKDOWN]"));
    }
  });
});

describe("all 14 scenarios run and are well formed", { skip: SKIP_SHARED }, () => {
  for (const release of RELEASES) {
    const dir = sharedPath("spec", "scenarios", release);
    const variants = SKIP_SHARED ? [] : readdirSync(dir).map((f) => f.replace(/\.json$/, ""));
    for (const variant of variants) {
      it(`${release} ${variant}`, async () => {
        const s = loadScenario(sharedPath("spec", "scenarios", release, `${variant}.json`));
        const out = await run(release, variant);
        const ids = s.steps.filter((st) => st.call !== "sleep").map((st) => st.id);
        assert.deepEqual(
          out.steps.map((o) => o.id),
          ids,
        );
        for (const o of out.steps) {
          assert.match(o.result, /^(ok|redacted|E[A-Z0-9]+)$/, o.id);
          assert.ok(Array.isArray(o.log));
          for (const l of o.log)
            if (l.startsWith("Lockdown:"))
              assert.match(l, /^Lockdown: probe: .+ is restricted; see man kernel_lockdown\.7$/);
        }
        assert.ok(Array.isArray(out.boot) && Array.isArray(out.dmesg));
        assert.ok(out.dmesg.length >= out.boot.length);
      });
    }
  }
});

describe("probe count", { skip: SKIP_SHARED }, () => {
  it("the 14 boots give the 767 scored probes", async () => {
    let n = 0;
    for (const release of RELEASES)
      for (const f of readdirSync(sharedPath("spec", "scenarios", release)))
        n += probeResults(await run(release, f.replace(/\.json$/, ""))).length;
    assert.equal(n, 767);
  });
});

// The held-out corpus of heldout-build.ts (peer tools on the shared corpus's
// real files, fresh TEST ONLY keys, byte-level mutations), each case checked
// through `kernel-lockdown verify --json` exactly as an acceptance run calls it:
// the verdict and the kernel's answer must be the ones written down in the
// builder from the kernel sources. A case whose tool is missing is skipped,
// saying which.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import { buildHeldout, type HeldoutCase } from "./heldout-build.js";

async function verifyJson(c: HeldoutCase): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const argv = [
    "verify",
    "--json",
    ...(c.forceType ? ["--type", c.type] : []),
    ...c.certs.flatMap((x) => ["--cert", x]),
    ...(c.imaSig ? ["--ima-sig", c.imaSig] : []),
    ...(c.detached ? ["--detached", c.detached] : []),
    ...(c.kernel ? ["--kernel", c.kernel] : []),
    c.file,
  ];
  const code = await main(argv, {
    out: (t) => {
      out += t.endsWith("\n") ? t : `${t}\n`;
    },
    err: (t) => {
      err += t.endsWith("\n") ? t : `${t}\n`;
    },
    isTTY: false,
  });
  return { code, out, err };
}

describe("held-out corpus (peer tools, fresh keys)", { skip: SKIP_SHARED }, () => {
  const dir = mkdtempSync(join(tmpdir(), "heldout-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cases = SKIP_SHARED ? [] : buildHeldout(dir);

  test("every case that was built has its files", () => {
    for (const c of cases.filter((x) => !x.skip))
      for (const f of [c.file, c.imaSig, c.detached])
        if (f) assert.ok(existsSync(f), `${c.id}: ${f} missing`);
  });

  test("the builder made cases of every type", () => {
    const made = cases.filter((c) => !c.skip);
    for (const t of ["module", "pe", "ima"] as const)
      if (!cases.some((c) => c.type === t && c.skip))
        assert.ok(
          made.some((c) => c.type === t),
          `no ${t} case built`,
        );
  });

  // a case without an explicit kernel is answered alike by 6.1 and 6.12 (same verify_pefile.c,
  // module signing and IMA paths for these files): run it under both
  const runs = cases.flatMap((c) => (c.kernel ? [c] : [c, { ...c, kernel: "6.12" as const }]));
  for (const c of runs) {
    const want = `${c.expect.verdict} / ${c.expect.kernel ?? "no errno"}`;
    test(`${c.id} (${c.kernel ?? "6.1"}): ${want} — ${c.why}`, { skip: c.skip ?? false }, async () => {
      const r = await verifyJson(c);
      assert.ok(r.out.trim(), `no output: ${r.err}`);
      const j = JSON.parse(r.out.trim().split("\n")[0]!);
      const kernel = j.kernel.accept ? "accept" : j.kernel.errno;
      assert.deepEqual(
        { verdict: j.verdict, kernel },
        { verdict: c.expect.verdict, kernel: c.expect.kernel },
        `${c.file}: ${j.message}`,
      );
      assert.equal(r.code, c.expect.verdict === "valid" ? 0 : 1);
    });
  }
});

// Live cross-checks against the peer tools (sbverify, osslsigncode, openssl cms,
// evmctl) on the corpus: every reference command of the manifest whose recorded
// answer agrees with the expected verdict is re-run here, and the peer's
// accept/reject must equal ours. Where the manifest shows a peer wrong (sbverify
// accepting untrusted chains, osslsigncode refusing multi-signature tables, ...)
// the peer is not consulted: our answer there is the kernel's (corpus.test.ts).
// Each peer is skipped, saying so, when its binary is absent.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { SKIP_SHARED } from "../helpers/shared.js";
import { CORPUS, corpusCases, run } from "./corpus-helpers.js";

const PEERS: Record<string, string> = {
  sbverify: "sbverify",
  osslsigncode: "osslsigncode",
  "openssl-cms": "openssl",
  evmctl: "evmctl",
};

function have(bin: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;
}

describe("peer cross-checks", { skip: SKIP_SHARED }, () => {
  const cases = corpusCases();
  for (const [tool, bin] of Object.entries(PEERS)) {
    const present = have(bin);
    const usable = cases.flatMap((c) =>
      c.references
        .filter((r) => r.tool === tool && !r.command.includes("$SIGN_FILE"))
        // the peer is right here: its recorded answer matches the expected verdict
        .filter((r) => (r.exit_code === 0) === (c.verdict === "valid"))
        .map((r) => ({ c, r })),
    );
    test(`${tool}: ${usable.length} reference commands agree with us`, {
      skip: present ? false : `${bin} not installed`,
    }, async () => {
      assert.ok(usable.length > 0);
      for (const { c, r } of usable) {
        const p = spawnSync("bash", ["-c", r.command], { cwd: CORPUS, stdio: "ignore", timeout: 30_000 });
        assert.equal(
          p.status === 0,
          r.exit_code === 0,
          `${tool} changed its answer on ${c.path}: ${r.command}`,
        );
        const ours = await run(c, "6.1");
        assert.equal(
          ours.verdict === "valid",
          p.status === 0,
          `${c.path} with ${c.anchor}: we say ${ours.verdict}, ${tool} exit ${p.status}`,
        );
      }
    });
  }
});

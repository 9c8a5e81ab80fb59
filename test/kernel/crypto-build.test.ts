// Debian's 6.1 is built without CONFIG_CRYPTO_ECDSA (profile.ts CRYPTO_ECDSA): its
// real kernel refuses an ECDSA certificate (tools/kernel-oracle: add_key ENOENT),
// so the simulated 6.1 does not load one into .builtin_trusted_keys and says so as
// certs/system_keyring.c does; 6.12 (CRYPTO_ECDSA=y) loads it. A scenario's config
// can turn it on for 6.1.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Kernel } from "../../src/kernel/index.js";
import type { KernelVersion } from "../../src/lsm/versions.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

function keyLines(version: KernelVersion, config: Record<string, boolean> = {}): string[] {
  const ec = readFileSync(sharedPath("corpus", "ima", "testkeys", "ima-test-ecdsa-p256.crt.der"));
  const k = new Kernel({
    version,
    cmdline: "console=ttyS0",
    config,
    keyrings: { builtin: [ec], secondary: [], platform: [], machine: [], blacklist: [] },
  });
  k.boot();
  return k.bootLog
    .map((l) => l.text)
    .filter((t) => /X\.509 cert/.test(t) && !t.startsWith("Loading compiled-in"));
}

describe("ECDSA certificates and the kernel's build", { skip: SKIP_SHARED }, () => {
  it("6.1 (no CONFIG_CRYPTO_ECDSA): not loaded, -ENOENT", () => {
    assert.deepEqual(keyLines("6.1"), ["Problem loading in-kernel X.509 certificate (-2)"]);
  });
  it("6.12: loaded", () => {
    assert.match(keyLines("6.12")[0] ?? "", /^Loaded X\.509 cert 'Corpus IMA Test Key ECDSA P-256/);
  });
  it("6.1 with CRYPTO_ECDSA=y in the scenario's config: loaded", () => {
    assert.match(keyLines("6.1", { CRYPTO_ECDSA: true })[0] ?? "", /^Loaded X\.509 cert/);
  });
});

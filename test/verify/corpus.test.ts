// Every entry of ../shared/corpus/manifest.json with an expected verdict:
// the verdict per trust anchor, and the kernel's errno. The manifest's
// "kernel-model" is an independent model; where it departs from the 6.1.192 /
// 6.12.117 sources, the source wins and the departure is asserted explicitly
// (KERNEL_SOURCE_DEPARTURES), by mechanism, never by file name.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { VerifyResult } from "../../src/verify/index.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import { type Case, corpusCases, run } from "./corpus-helpers.js";

/**
 * Where the corpus's kernel model and the kernel sources differ, what the
 * source says instead. Returns undefined when the model is followed. The two
 * signature departures were confirmed on the real 6.1.0-56-amd64 kernel
 * (test/verify/real-kernel.test.ts: pe.two-certs.*, pe.rsa-flip.*).
 */
const KERNEL_SOURCE_DEPARTURES: {
  why: string;
  applies: (c: Case, r: VerifyResult) => boolean;
  check: (c: Case, r: VerifyResult) => void;
}[] = [
  {
    why:
      "verify_pefile.c: pefile_strip_sig_wrapper() only requires dwLength <= the table size " +
      "(the round_up(dwLength, 8) == size rule was relaxed before 6.1.192); the first WIN_CERTIFICATE decides",
    applies: (c) => /round_up\(dwLength,8\)/.test(c.modelLine),
    check: (_c, r) => {
      const first = r.signatures.find((s) => !s.nested)!;
      if (first.verdict === "valid") assert.deepEqual([r.kernel.accept, r.kernel.errno], [true, null]);
      else assert.deepEqual([r.kernel.accept, r.kernel.errno], [false, "ENOKEY"]);
    },
  },
  {
    why:
      "a corrupted RSA signature checked against an embedded signer certificate (pkcs7_verify_one) or an IMA key " +
      "(asymmetric_verify) fails in rsa-pkcs1pad.c: pkcs1pad_verify_complete() with -EINVAL (no leading zero byte) " +
      "or -EBADMSG (bad padding), which is returned as is; only pkcs7_validate_trust() maps failures to -EKEYREJECTED",
    applies: (c, r) =>
      c.verdict === "invalid-signature" &&
      c.modelKernel === "EKEYREJECTED" &&
      r.signatures[0]?.signatureAlgorithm === "rsa" &&
      (c.kind === "pe-image" || c.kind.startsWith("ima")),
    check: (_c, r) => {
      assert.equal(r.kernel.accept, false);
      assert.ok(r.kernel.errno === "EINVAL" || r.kernel.errno === "EBADMSG", `errno ${r.kernel.errno}`);
    },
  },
  {
    why:
      "an IMA digest xattr under a signature-requiring policy fails in xattr_verify() with cause " +
      '"IMA-signature-required" before any signature check: no errno (the brief: errno only where a signature check ran)',
    applies: (c) => c.verdict === "not-a-signature",
    check: (_c, r) => assert.deepEqual([r.kernel.accept, r.kernel.errno], [false, null]),
  },
];

const cases = corpusCases();

for (const v of ["6.1", "6.12"] as const) {
  describe(`corpus manifest, kernel ${v}`, { skip: SKIP_SHARED }, () => {
    test("has cases", () => assert.ok(cases.length >= 90));
    for (const c of cases) {
      test(`${c.path} with ${c.anchor.split("/").pop()}: ${c.verdict}`, async () => {
        const r = await run(c, v);
        assert.equal(r.verdict, c.verdict, r.message);
        if (c.modelKernel === undefined) return;
        const dep = KERNEL_SOURCE_DEPARTURES.find((d) => d.applies(c, r));
        if (dep) {
          dep.check(c, r);
          return;
        }
        const got = r.kernel.accept ? "accept" : r.kernel.errno;
        assert.equal(got, c.modelKernel, `${r.kernel.reason} (model: ${c.modelLine})`);
      });
    }
  });
}

test("kernel-source departures are listed with their reasons", { skip: SKIP_SHARED }, async () => {
  const seen = new Map<string, number>();
  for (const c of cases) {
    if (c.modelKernel === undefined) continue;
    const r = await run(c, "6.1");
    const dep = KERNEL_SOURCE_DEPARTURES.find((d) => d.applies(c, r));
    if (dep) seen.set(dep.why, (seen.get(dep.why) ?? 0) + 1);
  }
  assert.equal(seen.size, KERNEL_SOURCE_DEPARTURES.length, "every departure is exercised by the corpus");
});

// The real kernel as the oracle: every case of
// test/fixtures/real-kernel/6.1.0-56-amd64.json was run on Debian's own
// 6.1.0-56-amd64 (signed vmlinuz, QEMU, tools/kernel-oracle/): PE images
// through kexec_file_load (the errno of "kexec_file: kernel signature
// verification failed (<errno>)."), modules through finit_module (its errno,
// or for the soft errors the reason of "Loading of <reason> is rejected" with
// sig_enforce=1). Here each case is rebuilt from ../shared/corpus by its
// recorded edits and our verifier must give the same kernel answer, with the
// keyrings that boot had: .builtin = the kernel's module signing key,
// .secondary -> .builtin, .machine and .platform empty (no UEFI).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  createKeyrings,
  type Keyrings,
  loadCertFile,
  type VerifyResult,
  verifyModuleFile,
  verifyPe,
} from "../../src/verify/index.js";
import { applyEdits, type Derivation, sha256 } from "../../tools/kernel-oracle/derivation.js";
import { REPO, SKIP_SHARED, sharedPath } from "../helpers/shared.js";

interface OracleRecord {
  id: string;
  kind: "pe" | "module";
  derivation: Derivation;
  syscall: { ret: number; errno: string | null };
  /** null: the signature was accepted. */
  kernelErrno: string | null;
  errnoFrom: string;
  log: string[];
}

interface Fixture {
  kernel: string;
  release: string;
  lockdown: string;
  bootKeyLines: string[];
  cases: OracleRecord[];
}

const FIXTURE: Fixture = JSON.parse(
  readFileSync(join(REPO, "test", "fixtures", "real-kernel", "6.1.0-56-amd64.json"), "utf8"),
);

/**
 * Cases where the real kernel's answer depends on the machine rather than on
 * the file: none of them is a verifier question. Each says why.
 */
const ENVIRONMENT: Record<string, string> = {};

function keyrings(): Keyrings {
  const kr = createKeyrings("6.1");
  for (const k of loadCertFile(sharedPath("corpus", "oracle", "6.1.0-56-amd64", "module-signing.der"), "6.1"))
    kr.builtin.add(k);
  return kr;
}

function rebuild(d: Derivation): Uint8Array {
  return applyEdits(readFileSync(sharedPath("corpus", d.base)), d.edits);
}

async function verify(c: OracleRecord, kr: Keyrings): Promise<VerifyResult> {
  const bytes = rebuild(c.derivation);
  assert.equal(sha256(bytes), c.derivation.sha256, "the rebuilt case is not the one the kernel saw");
  return c.kind === "pe" ? verifyPe(bytes, kr) : verifyModuleFile(bytes, kr);
}

describe("the real 6.1.0-56-amd64 kernel agrees with our kernel answer", { skip: SKIP_SHARED }, () => {
  test("the oracle boot is the one the keyrings here describe", () => {
    assert.equal(FIXTURE.release, "6.1.0-56-amd64");
    assert.match(FIXTURE.lockdown, /\[none\]/);
    const certs = FIXTURE.bootKeyLines.filter((l) => /Loaded X\.509 cert/.test(l));
    assert.equal(certs.length, 1, "one compiled-in certificate");
    const [key] = loadCertFile(sharedPath("corpus", "oracle", "6.1.0-56-amd64", "module-signing.der"), "6.1");
    const skid = Buffer.from(key!.ids[1]!).toString("hex");
    assert.ok(certs[0]!.includes(skid), `${certs[0]} names ${skid}`);
  });

  const kr = keyrings();
  for (const c of FIXTURE.cases) {
    const env = ENVIRONMENT[c.id];
    test(`${c.id} -> ${c.kernelErrno ?? "accept"}`, {
      skip: env ? `environment: ${env}` : false,
    }, async () => {
      const r = await verify(c, kr);
      const ours = r.kernel.accept ? "accept" : r.kernel.errno;
      const theirs = c.kernelErrno ?? "accept";
      assert.equal(
        ours,
        theirs,
        `${c.derivation.description}\n  ours: ${ours} (${r.kernel.reason})\n  kernel: ${theirs} (${c.errnoFrom})\n  ${c.log.join("\n  ")}`,
      );
    });
  }
});

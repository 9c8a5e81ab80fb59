// The system keyrings as the kernel wires and searches them: .secondary sees
// .builtin and .machine, .platform is the fallback, the blacklist's bin:
// hashes, tbs: hashes and revocation certificates.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createKeyrings, loadCertFile, verifyModule, verifyPe } from "../../src/verify/index.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import { CORPUS } from "./corpus-helpers.js";

const read = (p: string) => new Uint8Array(readFileSync(join(CORPUS, p)));
const MOD_CERT = "modules/certs/debian-6.1.0-56-amd64-module-signing.pem";

describe("keyrings", { skip: SKIP_SHARED }, () => {
  const ko = read("modules/debian/crc7.ko");
  const cert = () => loadCertFile(join(CORPUS, MOD_CERT))[0]!;

  test("a key in .machine or .builtin is found through .secondary; .platform is Debian's fallback", () => {
    for (const ring of ["builtin", "machine", "secondary", "platform"] as const) {
      const kr = createKeyrings("6.1");
      kr[ring].add(cert());
      const r = verifyModule(ko, kr);
      assert.deepEqual(
        [r.kernel.accept, r.kernel.keyring],
        [true, ring === "platform" ? ".platform" : ".secondary_trusted_keys"],
        ring,
      );
    }
    const none = verifyModule(ko, createKeyrings("6.1"));
    assert.deepEqual([none.verdict, none.kernel.errno], ["untrusted", "ENOKEY"]);
  });

  test("Debian's bin: hash of the whole module refuses it after a good signature", () => {
    const kr = createKeyrings("6.1");
    kr.builtin.add(cert());
    kr.blacklist.addHash(`bin:${createHash("sha256").update(ko).digest("hex")}`);
    const r = verifyModule(ko, kr);
    assert.deepEqual([r.kernel.accept, r.kernel.errno], [false, "EKEYREJECTED"]);
    assert.match(r.kernel.reason, /^Module hash [0-9a-f]{64} is blacklisted$/);
    assert.equal(r.verdict, "untrusted");
  });

  test("a tbs: hash keeps a certificate out of every keyring", () => {
    const kr = createKeyrings("6.1");
    kr.blacklist.addHash(`tbs:${Buffer.from(cert().checked.tbsDigest!).toString("hex")}`);
    assert.throws(() => loadCertFile(join(CORPUS, MOD_CERT), "6.1", kr.blacklist), /blacklisted/);
    assert.throws(() => kr.blacklist.addHash("sha256:00"), /tbs:<hex> or bin:<hex>/);
  });

  test("revocation certificates: 6.12 checks them for every keyring, 6.1 only for .platform", () => {
    for (const v of ["6.1", "6.12"] as const) {
      const kr = createKeyrings(v);
      const k = loadCertFile(join(CORPUS, MOD_CERT), v)[0]!;
      kr.builtin.add(k);
      kr.blacklist.certs.add(k);
      const r = verifyModule(ko, kr);
      assert.deepEqual(
        [r.kernel.accept, r.kernel.errno],
        v === "6.12" ? [false, "EKEYREJECTED"] : [true, null],
        v,
      );
      const p = createKeyrings(v);
      p.platform.add(k);
      p.blacklist.certs.add(k);
      assert.equal(verifyModule(ko, p).kernel.errno, "EKEYREJECTED", `${v} .platform`);
    }
  });

  test("kexec: the Debian CA in .platform (UEFI db) vouches for a Debian-signed kernel", () => {
    const kr = createKeyrings("6.1");
    for (const k of loadCertFile(join(CORPUS, "pe/certs/debian-secure-boot-ca.pem"))) kr.platform.add(k);
    const r = verifyPe(read("pe/debian/vmlinuz-6.1.0-56-amd64.efi"), kr);
    assert.deepEqual([r.verdict, r.kernel.accept, r.kernel.keyring], ["valid", true, ".platform"]);
  });
});

// Second opinions on our own readers and arithmetic: pkijs/asn1js re-parse
// every PKCS#7 and certificate of the corpus, node:crypto signs what our
// ECDSA-over-a-digest and PKCS#1 checks must accept (and its tampering what
// they must refuse).
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import * as asn1js from "asn1js";
import fc from "fast-check";
import * as pkijs from "pkijs";
import { parsePkcs7 } from "../../src/formats/pkcs7.js";
import { parseX509 } from "../../src/formats/x509.js";
import { certificatesIn } from "../../src/verify/keyring.js";
import { publicKeyVerify } from "../../src/verify/public-key.js";
import { HAVE_SHARED, SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const hex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");

function files(dir: string, ext: RegExp): string[] {
  return HAVE_SHARED
    ? readdirSync(sharedPath("corpus", dir))
        .filter((f) => ext.test(f))
        .map((f) => sharedPath("corpus", dir, f))
    : [];
}

test("pkijs reads every corpus PKCS#7 as we do", { skip: SKIP_SHARED }, () => {
  const p7s = [
    ...files("pe/signatures", /\.p7$/),
    ...files("modules/p7s", /\.p7s$/),
    ...files("pe/variants", /\.p7$/),
  ];
  assert.ok(p7s.length >= 10);
  for (const f of p7s) {
    const der = new Uint8Array(readFileSync(f));
    const ours = parsePkcs7(der, { version: "6.1" });
    const ci = new pkijs.ContentInfo({ schema: asn1js.fromBER(der).result });
    const sd = new pkijs.SignedData({ schema: ci.content });
    assert.equal(sd.version, ours.version, f);
    assert.equal(sd.signerInfos.length, ours.signers.length, f);
    assert.equal(sd.certificates?.length ?? 0, ours.certs.length, f);
    sd.signerInfos.forEach((si, i) => {
      const o = ours.signers[i]!;
      assert.equal(si.digestAlgorithm.algorithmId, o.digestOid, f);
      assert.equal(si.signatureAlgorithm.algorithmId, o.sigOid, f);
      assert.equal(hex(si.signature.valueBlock.valueHexView), hex(o.s), f);
      if (si.sid instanceof pkijs.IssuerAndSerialNumber)
        assert.equal(hex(si.sid.serialNumber.valueBlock.valueHexView), hex(o.rawSerial!), f);
      assert.equal(si.signedAttrs !== undefined, o.authattrs !== undefined, f);
    });
  }
});

test("pkijs reads every corpus certificate as we do", { skip: SKIP_SHARED }, () => {
  const certs = [
    ...files("pe/certs", /\.der$/),
    ...files("modules/certs", /\.der$/),
    ...files("pe/testkeys", /\.der$/),
  ];
  for (const f of certs) {
    const der = certificatesIn(readFileSync(f))[0]!;
    const ours = parseX509(der, "6.12");
    const c = new pkijs.Certificate({ schema: asn1js.fromBER(der).result });
    assert.equal(hex(c.serialNumber.valueBlock.valueHexView), hex(ours.rawSerial), f);
    assert.equal(c.signatureAlgorithm.algorithmId, ours.sig.sigOid, f);
    assert.equal(hex(c.signatureValue.valueBlock.valueHexView.subarray(0)), hex(ours.sig.s), f);
    assert.equal(Math.floor(c.notBefore.value.getTime() / 1000), ours.validFrom, f);
    assert.equal(Math.floor(c.notAfter.value.getTime() / 1000), ours.validTo, f);
    assert.equal(hex(c.tbsView), hex(ours.tbs), f);
  }
});

for (const [curve, algo, hash] of [
  ["P-256", "ecdsa-nist-p256", "sha256"],
  ["P-384", "ecdsa-nist-p384", "sha384"],
  ["P-256", "ecdsa-nist-p256", "sha512"],
] as const) {
  test(`ECDSA ${curve} over a ${hash} digest agrees with node:crypto`, () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
    const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
    const point = spki.subarray(spki.length - (curve === "P-256" ? 65 : 97));
    const pub = { pkeyAlgo: algo, key: point, spki };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (m, flip) => {
        const s = new Uint8Array(sign(hash, m, privateKey));
        const digest = createHash(hash).update(m).digest();
        const ok = publicKeyVerify(
          pub,
          { pkeyAlgo: "ecdsa", encoding: "x962", hashAlgo: hash, s, digest },
          "6.1",
        );
        assert.equal(ok.errno, null);
        // only the leftmost key-length bytes of a longer digest take part (ecdsa_verify())
        const bad = new Uint8Array(digest);
        const at = flip % Math.min(bad.length, curve === "P-256" ? 32 : 48);
        bad[at] = bad[at]! ^ 1;
        const no = publicKeyVerify(
          pub,
          { pkeyAlgo: "ecdsa", encoding: "x962", hashAlgo: hash, s, digest: bad },
          "6.1",
        );
        assert.equal(no.errno, "EKEYREJECTED");
      }),
      { numRuns: 20 },
    );
  });
}

test("RSA PKCS#1 v1.5: what node:crypto signs verifies; a changed digest is a content mismatch, a changed signature is not", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
  // a 2048-bit SPKI: the RSAPublicKey follows the 24-byte SPKI/AlgorithmIdentifier/BIT STRING headers
  const pub = { pkeyAlgo: "rsa", key: spki.subarray(24), spki };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(255), (m, at) => {
      const s = new Uint8Array(sign("sha256", m, privateKey));
      const digest = createHash("sha256").update(m).digest();
      const sig = { pkeyAlgo: "rsa", encoding: "pkcs1", hashAlgo: "sha256", s, digest };
      assert.equal(publicKeyVerify(pub, sig, "6.1").errno, null);
      const d2 = new Uint8Array(digest);
      d2[at % 32] = d2[at % 32]! ^ 0x80;
      const r = publicKeyVerify(pub, { ...sig, digest: d2 }, "6.1");
      assert.deepEqual([r.errno, r.contentMismatch], ["EKEYREJECTED", true]);
      const s2 = new Uint8Array(s);
      s2[at] = s2[at]! ^ 0x01;
      const q = publicKeyVerify(pub, { ...sig, s: s2 }, "6.12");
      assert.notEqual(q.errno, null);
      assert.notEqual(q.contentMismatch, true);
    }),
    { numRuns: 25 },
  );
});

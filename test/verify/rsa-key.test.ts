// RSA keys as crypto/rsa.c takes them, including the ones OpenSSL refuses: an
// even modulus (found by fuzzing: node's publicDecrypt threw "no inverse"),
// limb-granular key sizes (mpi_get_size()), e longer than n. The BigInt path
// must agree with OpenSSL's wherever both work.
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, it } from "node:test";
import type { PublicKeyInfo } from "../../src/formats/x509.js";
import { publicKeyVerify } from "../../src/verify/public-key.js";

function derLen(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let x = n; x > 0; x >>= 8) out.unshift(x & 0xff);
  return [0x80 | out.length, ...out];
}
const tlv = (tag: number, v: Uint8Array) => Uint8Array.from([tag, ...derLen(v.length), ...v]);
/** A positive INTEGER's content as DER writes it. */
const int = (b: Uint8Array) => tlv(0x02, b[0]! & 0x80 ? Uint8Array.from([0, ...b]) : b);

const RSA_ALG = Buffer.from("300d06092a864886f70d0101010500", "hex");

/** The key, with a SubjectPublicKeyInfo for OpenSSL holding the same n and e (or an unusable one). */
function rsaKey(n: Uint8Array, e: Uint8Array, openssl = true): PublicKeyInfo {
  const key = tlv(0x30, Uint8Array.from([...int(n), ...int(e)]));
  const spki = tlv(0x30, Uint8Array.from([...RSA_ALG, ...tlv(0x03, Uint8Array.from([0, ...key]))]));
  return { pkeyAlgo: "rsa", key, spki: openssl ? spki : new Uint8Array([0x30, 0x00]) };
}

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = publicKey.export({ format: "jwk" });
const N = Buffer.from(jwk.n!, "base64url");
const E = Buffer.from(jwk.e!, "base64url");
const DATA = Buffer.from("kernel-lockdown");
const DIGEST = (await import("node:crypto")).createHash("sha256").update(DATA).digest();
const SIG = sign("sha256", DATA, privateKey);
const check = (pub: PublicKeyInfo, s: Uint8Array, v: "6.1" | "6.12" = "6.1") =>
  publicKeyVerify(pub, { pkeyAlgo: "rsa", encoding: "pkcs1", hashAlgo: "sha256", s, digest: DIGEST }, v);

describe("RSA public keys the kernel's way", () => {
  it("a good signature verifies through OpenSSL and through BigInt alike", () => {
    assert.equal(check(rsaKey(N, E), SIG).errno, null);
    assert.equal(check(rsaKey(N, E, false), SIG).errno, null); // no usable SPKI: BigInt
    const bad = Buffer.from(SIG);
    bad[100]! ^= 1;
    for (const v of ["6.1", "6.12"] as const)
      assert.deepEqual(check(rsaKey(N, E), bad, v), check(rsaKey(N, E, false), bad, v));
  });

  it("an even modulus: an answer, never an exception", () => {
    const even = Buffer.from(N);
    even[even.length - 1]! &= 0xfe;
    for (const openssl of [true, false]) {
      const r = check(rsaKey(even, E, openssl), SIG);
      assert.ok(r.errno === "EINVAL" || r.errno === "EBADMSG", String(r.errno));
    }
  });

  it("key size counts whole 64-bit limbs (mpi_get_size)", () => {
    // 2040 bits = 255 bytes -> 32 limbs -> 2048: loaded; the signature must then be 256 bytes
    const n255 = Buffer.from(N.subarray(1));
    n255[0]! |= 0x80;
    const r = check(rsaKey(n255, E), SIG.subarray(1));
    assert.equal(r.errno, "EINVAL");
    assert.match(r.reason, /signature is 255 bytes, key is 256/);
    // 2056 bits = 257 bytes -> 33 limbs -> 2112: rsa_check_key_length() refuses the key
    const n257 = Buffer.concat([Buffer.from([0x80]), N]);
    assert.match(check(rsaKey(n257, E), SIG).reason, /cannot load/);
  });

  it("rsa_get_e(): e longer than n, or empty, is -EINVAL", () => {
    const longE = Buffer.concat([Buffer.from([1]), N]);
    assert.equal(check(rsaKey(N, longE), SIG).errno, "EINVAL");
    assert.equal(check(rsaKey(N, new Uint8Array(0)), SIG).errno, "EINVAL");
  });
});

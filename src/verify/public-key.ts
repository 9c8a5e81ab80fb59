// crypto/asymmetric_keys/public_key.c: public_key_verify_signature(), with the
// checks of the algorithms it instantiates (crypto/rsa.c + rsa-pkcs1pad.c,
// crypto/ecdsa.c) reproduced so that every failure carries the kernel's errno.
// The modular arithmetic itself is node:crypto (RSA) or BigInt (ECDSA).
import { constants, createPublicKey, type KeyObject, publicDecrypt } from "node:crypto";
import type { ErrnoName } from "../errno.js";
import { FormatError } from "../errors.js";
import { bytes, Cursor, expect, TAG } from "../formats/der.js";
import type { KernelVersion } from "../formats/oid-registry.js";
import type { PublicKeyInfo } from "../formats/x509.js";
import { CURVES, ecdsaVerifyDigest, onCurve, toBig } from "./ecdsa.js";

/**
 * The asymmetric algorithms the kernel was built with, where a build may lack
 * one (Debian's 6.1 has no CONFIG_CRYPTO_ECDSA: crypto_alloc_akcipher() of
 * "ecdsa-nist-*" fails with -ENOENT, so it loads no ECDSA certificate and
 * verifies no ECDSA signature). The default is a build with all of them.
 */
export interface KernelCrypto {
  ecdsa: boolean;
}
export const FULL_CRYPTO: Readonly<KernelCrypto> = { ecdsa: true };

/** A build's algorithms from its Kconfig (`symbol("CRYPTO_ECDSA")` is "y", "m" or undefined). */
export function kernelCryptoFromConfig(symbol: (name: string) => string | undefined): KernelCrypto {
  return { ecdsa: /^[ym]$/.test(symbol("CRYPTO_ECDSA") ?? "") };
}

/** struct public_key_signature, the parts verification reads. */
export interface SignatureToCheck {
  pkeyAlgo: string | undefined;
  encoding: string;
  hashAlgo: string;
  s: Uint8Array;
  digest: Uint8Array;
}

export interface VerifyOutcome {
  /** null = the signature verifies */
  errno: ErrnoName | null;
  reason: string;
  /**
   * RSA only: the signature decrypted to a well-formed PKCS#1 block for the
   * right hash, whose digest differs from ours - the signed content changed,
   * the signature value itself is intact.
   */
  contentMismatch?: boolean;
}

/** rsa-pkcs1pad.c: rsa_asn1_templates[] (DigestInfo prefixes). */
const DIGEST_INFO: Record<string, string> = {
  md5: "3020300c06082a864886f70d020505000410",
  sha1: "3021300906052b0e03021a05000414",
  rmd160: "3021300906052b2403020105000414",
  sha224: "302d300d06096086480165030402040500041c",
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
  "sha3-256": "3031300d060960864801650304020805000420",
  "sha3-384": "3041300d060960864801650304020905000430",
  "sha3-512": "3051300d060960864801650304020a05000440",
};
const SHA3 = new Set(["sha3-256", "sha3-384", "sha3-512"]);

interface RsaKey {
  kind: "rsa";
  n: bigint;
  e: bigint;
  /** ctx->key_size: mpi_get_size(n), whole 64-bit limbs (lib/mpi), the signature's required length. */
  keySize: number;
  /** OpenSSL's view of the key, when it takes it and its size is keySize (else BigInt arithmetic). */
  node: KeyObject | undefined;
}

/** Big-endian unsigned bytes -> bigint (leading zeros allowed). */
function big(b: Uint8Array): bigint {
  return b.length ? BigInt(`0x${Buffer.from(b).toString("hex")}`) : 0n;
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** Without leading zero bytes. */
function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

interface EcKey {
  kind: "ec";
  curve: string;
  x: bigint;
  y: bigint;
}

const caches = {
  "6.1": new WeakMap<Uint8Array, RsaKey | EcKey | ErrnoName>(),
  "6.12": new WeakMap<Uint8Array, RsaKey | EcKey | ErrnoName>(),
};

function ok(): VerifyOutcome {
  return { errno: null, reason: "signature verifies" };
}
function no(errno: ErrnoName, reason: string, contentMismatch?: boolean): VerifyOutcome {
  return contentMismatch === undefined ? { errno, reason } : { errno, reason, contentMismatch };
}

/** rsa_set_pub_key() / ecdsa_set_pub_key(): the key as the kernel would load it, or its errno. */
function loadKey(pub: PublicKeyInfo, v: KernelVersion): RsaKey | EcKey | ErrnoName {
  const cache = caches[v];
  const hit = cache.get(pub.key);
  if (hit) return hit;
  let r: RsaKey | EcKey | ErrnoName;
  try {
    if (pub.pkeyAlgo === "rsa") {
      const t = expect(pub.key, 0, pub.key.length, TAG.SEQUENCE, "RSAPublicKey");
      const c = new Cursor(pub.key, t);
      const nRaw = bytes(pub.key, c.next(TAG.INTEGER, "n"));
      const eRaw = bytes(pub.key, c.next(TAG.INTEGER, "e"));
      const n = stripZeros(nRaw);
      const e = stripZeros(eRaw);
      // rsa_helper.c rsa_get_n() / rsa_get_e(): values required, e no longer than n (raw lengths)
      if (nRaw.length === 0 || eRaw.length === 0 || eRaw.length > nRaw.length) r = "EINVAL";
      // rsa_set_pub_key(): mpi_read_raw_data() gives NULL over MAX_EXTERN_MPI_BITS -> -ENOMEM
      else if (e.length * 8 > 16384 || n.length * 8 > 16384) r = "ENOMEM";
      else {
        // rsa_check_key_length(mpi_get_size(n) << 3): mpi_get_size() counts whole 64-bit limbs
        const keySize = Math.ceil(n.length / 8) * 8;
        if (![512, 1024, 1536, 2048, 3072, 4096].includes(keySize * 8)) r = "EINVAL";
        else {
          let node: KeyObject | undefined;
          if (n.length === keySize)
            try {
              node = createPublicKey({ key: Buffer.from(pub.spki), format: "der", type: "spki" });
            } catch {
              node = undefined; // OpenSSL refuses keys the kernel takes (e.g. an even modulus)
            }
          r = { kind: "rsa", n: big(n), e: big(e), keySize, node };
        }
      }
    } else if (pub.pkeyAlgo.startsWith("ecdsa-")) {
      const c = CURVES[pub.pkeyAlgo];
      const curve = c && (!c.since || c.since === v) ? c : undefined;
      const k = pub.key;
      const digitlen = (k.length - 1) >> 1;
      const ndigits = curve ? curve.keylen / 8 : 0;
      // ecdsa_set_pub_key(), uncompressed point only. 6.1: digitlen a multiple of 8 and
      // digitlen / 8 == ndigits; 6.12: even length and DIV_ROUND_UP(digitlen, 8) == ndigits
      // (P-521: 66-byte coordinates in 9 digits)
      if (
        !curve ||
        k.length < 1 ||
        k[0] !== 4 ||
        (v === "6.1"
          ? digitlen % 8 !== 0 || digitlen / 8 !== ndigits
          : ((k.length - 1) & 1) !== 0 || Math.ceil(digitlen / 8) !== ndigits)
      )
        r = "EINVAL";
      else {
        const x = toBig(k.subarray(1, 1 + digitlen));
        const y = toBig(k.subarray(1 + digitlen));
        r = onCurve(curve, x, y) ? { kind: "ec", curve: pub.pkeyAlgo, x, y } : "EINVAL";
      }
    } else r = "ENOPKG";
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    r = "EBADMSG";
  }
  cache.set(pub.key, r);
  return r;
}

/** public_key_verify_signature(pkey, sig) for kernel version `v`. */
export function publicKeyVerify(
  pub: PublicKeyInfo,
  sig: SignatureToCheck,
  v: KernelVersion,
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): VerifyOutcome {
  // The signature's algorithm must match the key's ("ecdsa" matches any "ecdsa-*" key).
  if (
    sig.pkeyAlgo &&
    pub.pkeyAlgo !== sig.pkeyAlgo &&
    !(pub.pkeyAlgo.startsWith("ecdsa-") && sig.pkeyAlgo === "ecdsa")
  )
    return no("EKEYREJECTED", `signature algorithm ${sig.pkeyAlgo} does not match the ${pub.pkeyAlgo} key`);
  // software_key_determine_akcipher()
  if (pub.pkeyAlgo === "rsa") {
    if (sig.encoding !== "pkcs1") return no("EINVAL", `encoding ${sig.encoding} not usable with RSA`);
    // crypto_alloc_akcipher("pkcs1pad(rsa,<hash>)") fails for a hash without a DigestInfo template
    if (!DIGEST_INFO[sig.hashAlgo] || (v === "6.1" && SHA3.has(sig.hashAlgo)))
      return no("ENOENT", `no pkcs1pad(rsa,${sig.hashAlgo}) in the kernel`);
  } else if (pub.pkeyAlgo.startsWith("ecdsa")) {
    if (sig.encoding !== "x962") return no("EINVAL", `encoding ${sig.encoding} not usable with ECDSA`);
    const hashes = ["sha1", "sha224", "sha256", "sha384", "sha512"];
    if (v === "6.12") hashes.push("sha3-256", "sha3-384", "sha3-512");
    if (!hashes.includes(sig.hashAlgo)) return no("EINVAL", `ECDSA with ${sig.hashAlgo} not accepted`);
    if (!crypto.ecdsa)
      return no("ENOENT", `no ${pub.pkeyAlgo} in this kernel (built without CONFIG_CRYPTO_ECDSA)`);
  } else if (pub.pkeyAlgo === "ecrdsa" || pub.pkeyAlgo === "sm2") {
    return no("ENOPKG", `${pub.pkeyAlgo} verification is not implemented here`);
  } else return no("ENOPKG", `unknown public key algorithm ${pub.pkeyAlgo}`);
  const key = loadKey(pub, v);
  if (typeof key === "string") return no(key, `the kernel cannot load this ${pub.pkeyAlgo} key`);
  return key.kind === "rsa" ? rsaVerify(key, sig, v) : ecVerify(key, sig);
}

/**
 * s^e mod n as rsa_enc() writes it: keySize bytes, big-endian, right-aligned
 * (mpi_write_to_sgl()). OpenSSL when it has the key, BigInt otherwise or when
 * OpenSSL refuses the operation (the kernel's mpi_powm() refuses none).
 */
function rsaPublic(key: RsaKey, sBytes: Uint8Array, s: bigint): Uint8Array {
  if (key.node)
    try {
      return publicDecrypt({ key: key.node, padding: constants.RSA_NO_PADDING }, sBytes);
    } catch {
      // fall through
    }
  const hex = modPow(s, key.e, key.n)
    .toString(16)
    .padStart(key.keySize * 2, "0");
  return Buffer.from(hex, "hex");
}

/** pkcs1pad_verify() + rsa_enc() + pkcs1pad_verify_complete(). */
function rsaVerify(key: RsaKey, sig: SignatureToCheck, v: KernelVersion): VerifyOutcome {
  if (sig.digest.length === 0) return no("EINVAL", "empty digest");
  if (sig.s.length !== key.keySize)
    return no("EINVAL", `signature is ${sig.s.length} bytes, key is ${key.keySize}`);
  // rsa.c _rsa_enc(): 6.1 requires s < n; 6.12 (rsa_check_payload()) 1 < s < n - 1
  const s = big(sig.s);
  if (v === "6.1" ? s >= key.n : s <= 1n || s >= key.n - 1n)
    return no("EINVAL", "signature value out of range for the key");
  const em = rsaPublic(key, sig.s, s);
  if (em[0] !== 0x00) return no("EINVAL", "decrypted signature has no leading zero byte");
  const out = em.subarray(1);
  if (out[0] !== 0x01) return no("EBADMSG", "decrypted signature is not PKCS#1 type 1");
  let pos = 1;
  while (pos < out.length && out[pos] === 0xff) pos++;
  if (pos < 9 || pos === out.length || out[pos] !== 0x00) return no("EBADMSG", "bad PKCS#1 padding");
  pos++;
  const di = Buffer.from(DIGEST_INFO[sig.hashAlgo]!, "hex");
  if (di.length > out.length - pos || !di.equals(out.subarray(pos, pos + di.length)))
    return no("EBADMSG", `DigestInfo is not the one for ${sig.hashAlgo}`);
  pos += di.length;
  if (sig.digest.length !== out.length - pos)
    return no("EKEYREJECTED", "digest length differs from the signed one", true);
  if (!Buffer.from(sig.digest).equals(out.subarray(pos)))
    return no("EKEYREJECTED", "digest differs from the signed one", true);
  return ok();
}

/** ecdsa_verify(): X9.62 DER signature through the kernel's BER rules, then _ecdsa_verify(). */
function ecVerify(key: EcKey, sig: SignatureToCheck): VerifyOutcome {
  const curve = CURVES[key.curve]!;
  let r: bigint;
  let s: bigint;
  try {
    const t = expect(sig.s, 0, Math.min(sig.s.length, 65535), TAG.SEQUENCE, "ECDSASignature");
    const c = new Cursor(sig.s, t);
    const rb = bytes(sig.s, c.next(TAG.INTEGER, "r"));
    const sb = bytes(sig.s, c.next(TAG.INTEGER, "s"));
    if (!c.done) return no("EBADMSG", "trailing data in ECDSA signature");
    const rs = (b: Uint8Array): bigint | undefined => {
      // ecdsa_get_signature_rs(): one leading zero allowed, never longer than the key
      if (b.length === 0) return undefined;
      let d = b;
      if (d.length > curve.keylen) {
        if (d[0] === 0) d = d.subarray(1);
        if (d.length > curve.keylen) return undefined;
      }
      if (curve.keylen - d.length >= curve.keylen) return undefined;
      return toBig(d);
    };
    const rr = rs(rb);
    const ss = rs(sb);
    if (rr === undefined || ss === undefined) return no("EINVAL", "ECDSA r or s has a bad length");
    r = rr;
    s = ss;
  } catch (e) {
    if (e instanceof FormatError) return no("EBADMSG", "ECDSA signature is not valid DER");
    throw e;
  }
  if (r === 0n || r >= curve.n || s === 0n || s >= curve.n) return no("EBADMSG", "ECDSA r or s out of range");
  return ecdsaVerifyDigest(curve, key.x, key.y, sig.digest, r, s)
    ? ok()
    : no("EKEYREJECTED", "ECDSA signature mismatch");
}

// IMA appraisal of a security.ima value (security/integrity/ima/ima_appraise.c:
// xattr_verify(), ima_get_hash_algo(); digsig.c: integrity_digsig_verify();
// digsig_asymmetric.c: asymmetric_verify(), request_asymmetric_key()).
// IMA reports a cause rather than an errno for most refusals: `kernel.accept`
// is what counts, `kernel.errno` is the signature check's errno when one ran.
import type { ErrnoName } from "../errno.js";
import { HASH_ALGOS, hashAlgoById, hashAlgoByName } from "../formats/hash-algo.js";
import { IMA_XATTR, parseImaXattr, SIGNATURE_V2_HDR_SIZE } from "../formats/ima.js";
import { commonName } from "../formats/x509.js";
import { digestOf, equalBytes } from "./hash.js";
import { anchorsOf, findPartial, type Keyring, type Keyrings } from "./keyring.js";
import { publicKeyVerify } from "./public-key.js";
import { emptyReport } from "./report.js";
import {
  accept,
  type KernelDecision,
  refuse,
  type SignatureReport,
  type Verdict,
  type VerifyResult,
} from "./result.js";

/** The file, or its digest already computed (with the hash_algo number it was computed with). */
export type ImaSubject = { content: Uint8Array } | { digest: Uint8Array; hashAlgo: number };

export interface ImaOptions {
  /** The hash IMA uses when the xattr does not name one (CONFIG_IMA_DEFAULT_HASH; Debian: sha256). */
  defaultHash?: string;
  /** KEXEC_KERNEL_CHECK: a failure is retried against .platform. */
  kexec?: boolean;
  /** The appraise policy requires a signature (appraise_type=imasig). Default true. */
  signatureRequired?: boolean;
}

/** ima_get_hash_algo() */
function xattrHashAlgo(x: Uint8Array, last: number, dflt: number): number {
  if (x.length < 2) return dflt;
  switch (x[0]) {
    case IMA_XATTR.IMA_VERITY_DIGSIG:
      return x[1] !== 3 || x.length <= SIGNATURE_V2_HDR_SIZE || x[2]! >= last ? dflt : x[2]!;
    case IMA_XATTR.EVM_IMA_XATTR_DIGSIG:
      return x[1] !== 2 || x.length <= SIGNATURE_V2_HDR_SIZE || x[2]! >= last ? dflt : x[2]!;
    case IMA_XATTR.IMA_XATTR_DIGEST_NG:
      return x[1]! < last ? x[1]! : dflt;
    case IMA_XATTR.IMA_XATTR_DIGEST:
      if (x.length === 21) return x[17] === 0 && x[18] === 0 && x[19] === 0 && x[20] === 0 ? 1 : 2;
      if (x.length === 17) return 1;
      return dflt;
    default:
      return dflt;
  }
}

/** asymmetric_verify(keyring, xattr, digest) */
export function asymmetricVerify(
  kr: Keyring,
  x: Uint8Array,
  digest: Uint8Array,
  keyrings: Keyrings,
): { errno: ErrnoName | null; reason: string; contentMismatch?: boolean; key?: string } {
  if (x.length <= SIGNATURE_V2_HDR_SIZE)
    return { errno: "EBADMSG", reason: "signature shorter than its header" };
  const sigSize = (x[7]! << 8) | x[8]!;
  if (x.length - SIGNATURE_V2_HDR_SIZE !== sigSize)
    return { errno: "EBADMSG", reason: `sig_size ${sigSize} does not match the xattr length` };
  const algo = hashAlgoById(x[2]!, keyrings.version);
  if (!algo) return { errno: "ENOPKG", reason: `hash_algo ${x[2]} unknown` };
  const keyid = x.subarray(3, 7);
  const idHex = Buffer.from(keyid).toString("hex");
  const key = findPartial(kr, keyid);
  if (!key)
    return { errno: "ENOKEY", reason: `Request for unknown key 'id:${idHex}' in '${kr.name}' keyring` };
  const pk = key.checked.cert.pub;
  let encoding: string;
  if (pk.pkeyAlgo === "rsa") encoding = "pkcs1";
  else if (pk.pkeyAlgo.startsWith("ecdsa-")) encoding = "x962";
  else if (pk.pkeyAlgo === "ecrdsa" || (pk.pkeyAlgo === "sm2" && keyrings.version === "6.1"))
    encoding = "raw";
  else return { errno: "ENOPKG", reason: `key algorithm ${pk.pkeyAlgo}` };
  const r = publicKeyVerify(
    pk,
    { pkeyAlgo: pk.pkeyAlgo, encoding, hashAlgo: algo.name, s: x.subarray(SIGNATURE_V2_HDR_SIZE), digest },
    keyrings.version,
    keyrings.crypto,
  );
  return { ...r, key: key.description };
}

function report(
  x: Uint8Array,
  verdict: Verdict,
  message: string,
  kr: Keyring,
  anchor: string | null,
): SignatureReport {
  const parsed = parseImaXattr(x);
  if (parsed.kind !== "signature" || !parsed.hdr) return emptyReport(verdict, message);
  const key = findPartial(kr, x.subarray(3, 7));
  return {
    signer: key ? commonName(key.checked.cert.rawSubject) : null,
    issuer: key ? commonName(key.checked.cert.rawIssuer) : null,
    serial: key ? Buffer.from(key.checked.cert.rawSerial).toString("hex").toUpperCase() : null,
    keyId: parsed.hdr.keyid.toString(16).padStart(8, "0"),
    digestAlgorithm: HASH_ALGOS[parsed.hdr.hashAlgo]?.name ?? `hash_algo ${parsed.hdr.hashAlgo}`,
    signatureAlgorithm: key?.checked.cert.pub.pkeyAlgo ?? null,
    anchor,
    verdict,
    nested: false,
    message,
  };
}

/** Appraises `subject` against its security.ima value `x` with the .ima keyring (and .platform for kexec). */
export function verifyIma(
  subject: ImaSubject,
  x: Uint8Array,
  keyrings: Keyrings,
  opts: ImaOptions = {},
): VerifyResult {
  const v = keyrings.version;
  const last = v === "6.1" ? 20 : 23;
  const dflt = hashAlgoByName(opts.defaultHash ?? "sha256")?.id ?? 4;
  const done = (
    verdict: Verdict,
    kernel: KernelDecision,
    message: string,
    sigs: SignatureReport[] = [],
  ): VerifyResult => ({
    type: "ima",
    verdict,
    kernel,
    signatures: sigs,
    message,
  });
  const parsed = parseImaXattr(x);
  if (parsed.kind === "empty") return done("unsigned", refuse(null, "missing-hash"), "no security.ima value");
  // The file digest, with the algorithm the xattr asks for (ima_calc_file_hash())
  const algoId = xattrHashAlgo(x, last, dflt);
  const algo = HASH_ALGOS[algoId]!;
  let digest: Uint8Array | undefined;
  if ("content" in subject) digest = digestOf(algo.name, subject.content);
  else if (subject.hashAlgo === algoId) digest = subject.digest;
  if (!digest)
    return done("invalid", refuse(null, "hashing-error"), `cannot compute the ${algo.name} file digest here`);
  const required = opts.signatureRequired ?? true;
  if (parsed.kind === "digest") {
    if (required)
      return done(
        "not-a-signature",
        refuse(null, "IMA-signature-required"),
        "security.ima holds a digest, not a signature",
      );
    const start = parsed.type === IMA_XATTR.IMA_XATTR_DIGEST_NG ? 2 : 1;
    const okDigest =
      x.length >= start + digest.length && equalBytes(x.subarray(start, start + digest.length), digest);
    return okDigest
      ? done("not-a-signature", accept(null, "digest matches"), "security.ima digest matches (no signature)")
      : done("invalid-digest", refuse(null, "invalid-hash"), "security.ima digest does not match the file");
  }
  if (parsed.kind === "other")
    return done("invalid", refuse(null, "unknown-ima-data"), `xattr type ${parsed.type} is not an IMA value`);
  if (parsed.type === IMA_XATTR.EVM_XATTR_PORTABLE_DIGSIG)
    return done("invalid", refuse(null, "unknown-ima-data"), "an EVM portable signature is not an IMA value");
  if (parsed.type === IMA_XATTR.IMA_VERITY_DIGSIG)
    return done(
      "invalid",
      refuse(null, "invalid-verity-signature"),
      "fs-verity signatures need the file's fs-verity digest (not supported here)",
    );
  // EVM_IMA_XATTR_DIGSIG
  if ((x[1] ?? 0) >= 3)
    return done(
      "invalid",
      refuse(null, "invalid-signature-version"),
      `signature version ${x[1]} is not accepted by IMA`,
    );
  if (x.length < 2) return done("invalid", refuse("EINVAL", "invalid-signature"), "xattr too short");
  if (x[1] === 1) {
    // integrity_digsig_verify() -> lib/digsig.c digsig_verify() on the xattr minus its type byte:
    // a 16-byte struct signature_hdr plus 2, PUBKEY_ALGO_RSA (0), then a *user* key named by the
    // key id is searched in the keyring. .ima only ever holds asymmetric keys, so
    // keyring_search() finds nothing: -EAGAIN.
    const errno = x.length - 1 < 16 + 2 ? "EINVAL" : x[6] !== 0 ? "ENOTSUPP" : "EAGAIN";
    return done(
      "invalid",
      refuse(errno, "invalid-signature"),
      errno === "EAGAIN"
        ? "legacy v1 digsig signature: digsig_verify() looks for a user key, which .ima never holds"
        : `legacy v1 digsig signature refused by digsig_verify() (${errno})`,
    );
  }
  if (x[1] !== 2)
    return done(
      "invalid",
      refuse("EOPNOTSUPP", "signature version unsupported"),
      `signature version ${x[1]}`,
    );
  let r = asymmetricVerify(keyrings.ima, x, digest, keyrings);
  let krUsed = keyrings.ima;
  if (r.errno && opts.kexec) {
    r = asymmetricVerify(keyrings.platform, x, digest, keyrings);
    krUsed = keyrings.platform;
  }
  const kernel = r.errno ? refuse(r.errno, `invalid-signature: ${r.reason}`) : accept(krUsed.name);
  // The verdict, against every anchor
  const anchors = anchorsOf(keyrings, "ima");
  const a = asymmetricVerify(anchors, x, digest, keyrings);
  let verdict: Verdict;
  let message: string;
  if (!a.errno) [verdict, message] = ["valid", "signature verified"];
  else if (a.errno === "ENOKEY") [verdict, message] = ["untrusted", a.reason];
  else if (a.contentMismatch)
    [verdict, message] = ["invalid-digest", "file content does not match the signed digest"];
  else if (a.key) [verdict, message] = ["invalid-signature", `signature value does not verify (${a.reason})`];
  else [verdict, message] = ["invalid", a.reason];
  return done(verdict, kernel, message, [
    report(x, verdict, message, anchors, a.errno ? null : (a.key ?? null)),
  ]);
}

// The crypto half of x509_cert_parse() (crypto/asymmetric_keys/x509_public_key.c):
// x509_get_sig_params() - TBS digest, blacklist check - and
// x509_check_for_self_signed().
import { FormatError } from "../errors.js";
import type { KernelVersion } from "../formats/oid-registry.js";
import type { X509Cert } from "../formats/x509.js";
import { digestOf, equalBytes } from "./hash.js";
import { FULL_CRYPTO, type KernelCrypto, publicKeyVerify } from "./public-key.js";

export interface CheckedCert {
  cert: X509Cert;
  /** Digest of the TBSCertificate with the certificate's own signature hash (undefined: unsupported). */
  tbsDigest: Uint8Array | undefined;
  unsupportedSig: boolean;
  blacklisted: boolean;
  selfSigned: boolean;
}

/** Something that answers is_hash_blacklisted(hash, BLACKLIST_HASH_X509_TBS). */
export type TbsBlacklist = (tbsDigestHex: string) => boolean;

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && equalBytes(a, b);
}

export function checkCert(
  cert: X509Cert,
  v: KernelVersion,
  blacklisted: TbsBlacklist = () => false,
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): CheckedCert {
  const tbsDigest = digestOf(cert.sig.hashAlgo, cert.tbs);
  const out: CheckedCert = {
    cert,
    tbsDigest,
    unsupportedSig: tbsDigest === undefined,
    blacklisted: tbsDigest !== undefined && blacklisted(Buffer.from(tbsDigest).toString("hex")),
    selfSigned: false,
  };
  // x509_check_for_self_signed()
  if (!equalBytes(cert.rawSubject, cert.rawIssuer)) return out;
  const [aid0, aid1] = cert.authIds;
  if (aid0 || aid1) {
    const a = same(cert.skid, aid1);
    const b = same(cert.id, aid0);
    if (!a && !b) return out;
    if (((a && !b) || (b && !a)) && aid0 && aid1)
      throw new FormatError("X.509: self-signed certificate with a half-matching AKID", "EKEYREJECTED");
  }
  if (out.unsupportedSig || !tbsDigest) return out;
  const r = publicKeyVerify(cert.pub, { ...cert.sig, digest: tbsDigest }, v, crypto);
  if (r.errno === "ENOPKG") {
    out.unsupportedSig = true;
    return out;
  }
  if (r.errno) throw new FormatError(`X.509: self-signature does not verify (${r.reason})`, r.errno);
  out.selfSigned = true;
  return out;
}

// crypto/asymmetric_keys/pkcs7_verify.c (pkcs7_verify(), pkcs7_verify_one(),
// pkcs7_digest(), pkcs7_find_key(), pkcs7_verify_sig_chain()),
// pkcs7_trust.c (pkcs7_validate_trust()) and certs/system_keyring.c
// (verify_pkcs7_message_sig()), including the errno each step returns.
import type { ErrnoName } from "../errno.js";
import { FormatError } from "../errors.js";
import type { KernelVersion } from "../formats/oid-registry.js";
import { type Pkcs7Message, type Pkcs7SignerInfo, parsePkcs7 } from "../formats/pkcs7.js";
import { digestOf, equalBytes } from "./hash.js";
import { findAsymmetricKey, type Key, type Keyring, type Keyrings } from "./keyring.js";
import {
  type KernelCrypto,
  publicKeyVerify,
  type SignatureToCheck,
  type VerifyOutcome,
} from "./public-key.js";
import { type CheckedCert, checkCert } from "./x509-check.js";

export type Usage = "module" | "kexec-pe" | "firmware" | "unspecified";

/** An embedded certificate with the per-message state the kernel keeps on it. */
export interface CertNode {
  index: number;
  c: CheckedCert;
  signer: CertNode | undefined;
  seen: boolean;
  verified: boolean;
}

/** One SignerInfo with what verification found out about it. */
export interface SignerState {
  si: Pkcs7SignerInfo;
  sig: SignatureToCheck;
  signer: CertNode | undefined;
  blacklisted: boolean;
  unsupportedCrypto: boolean;
  /** pkcs7_verify_one() result */
  verifyErrno: ErrnoName | null;
  verifyReason: string;
  /** The signature check against the embedded signer certificate, when one was found. */
  embeddedCheck: VerifyOutcome | undefined;
  /** pkcs7_validate_trust_one() result */
  trustErrno: ErrnoName | null;
  trustReason: string;
  /** The trusted key that vouched for this signer and the check made with it. */
  trustedBy: Key | undefined;
  trustCheck: VerifyOutcome | undefined;
}

export interface ParsedPkcs7 {
  msg: Pkcs7Message;
  certs: CertNode[];
  signers: SignerState[];
  /** The keyrings' kernel build: what public_key_verify_signature() can instantiate. */
  crypto: Readonly<KernelCrypto>;
}

/** pkcs7_parse_message() including x509_cert_parse() of each embedded certificate. */
export function parseMessage(der: Uint8Array, keyrings: Keyrings): ParsedPkcs7 {
  const v = keyrings.version;
  const certs: CertNode[] = [];
  const msg = parsePkcs7(der, {
    version: v,
    onCert: (cert) => {
      certs.push({
        index: certs.length + 1,
        c: checkCert(cert, v, keyrings.blacklist.isTbsBlacklisted, keyrings.crypto),
        signer: undefined,
        seen: false,
        verified: false,
      });
    },
    // x509_cert_parse() runs on them too, so its failures count
    onCrlEntry: (cert) => void checkCert(cert, v, keyrings.blacklist.isTbsBlacklisted, keyrings.crypto),
  });
  // The embedded list is the [0]/[2] certificates only (CRL "certificates" were parsed and dropped).
  const embedded = certs.filter((n) => msg.certs.includes(n.c.cert));
  embedded.forEach((n, i) => {
    n.index = i + 1;
  });
  return {
    msg,
    certs: embedded,
    crypto: keyrings.crypto,
    signers: msg.signers.map((si) => ({
      si,
      sig: {
        pkeyAlgo: si.pkeyAlgo,
        encoding: si.encoding,
        hashAlgo: si.hashAlgo,
        s: si.s,
        digest: new Uint8Array(0),
      },
      signer: undefined,
      blacklisted: false,
      unsupportedCrypto: false,
      verifyErrno: null,
      verifyReason: "",
      embeddedCheck: undefined,
      trustErrno: null,
      trustReason: "",
      trustedBy: undefined,
      trustCheck: undefined,
    })),
  };
}

class Fail extends Error {
  constructor(
    readonly errno: ErrnoName,
    message: string,
  ) {
    super(message);
  }
}

/** pkcs7_digest() */
function pkcs7Digest(s: SignerState, data: Uint8Array): void {
  const d = digestOf(s.si.hashAlgo, data);
  if (!d) throw new Fail("ENOPKG", `digest ${s.si.hashAlgo} not available`);
  s.sig.digest = d;
  if (s.si.authattrs) {
    if (!s.si.msgDigest) throw new Fail("EKEYREJECTED", `Sig ${s.si.index}: No messageDigest`);
    if (s.si.msgDigest.length !== d.length)
      throw new Fail("EBADMSG", `Sig ${s.si.index}: Invalid digest size`);
    if (!equalBytes(d, s.si.msgDigest))
      throw new Fail("EKEYREJECTED", `Sig ${s.si.index}: Message digest doesn't match`);
    // The [0] IMPLICIT attribute block is hashed as a SET (0x31).
    s.sig.digest = digestOf(s.si.hashAlgo, [Uint8Array.of(0x31), s.si.authattrs])!;
  }
}

/** pkcs7_verify_sig_chain() */
function verifySigChain(p: ParsedPkcs7, s: SignerState, v: KernelVersion): void {
  for (const c of p.certs) c.seen = false;
  let x = s.signer!;
  for (;;) {
    x.seen = true;
    if (x.c.blacklisted) {
      s.blacklisted = true;
      return;
    }
    if (x.c.selfSigned) {
      if (!x.c.unsupportedSig) x.signer = x;
      return;
    }
    const [auth0, auth1] = x.c.cert.authIds;
    let issuer: CertNode | undefined;
    if (auth0) {
      issuer = p.certs.find((c) => equalBytes(c.c.cert.id, auth0));
      if (issuer && auth1 && !(issuer.c.cert.skid && equalBytes(issuer.c.cert.skid, auth1)))
        throw new Fail("EKEYREJECTED", `Sig ${s.si.index}: X.509 chain contains auth-skid nonmatch`);
    } else if (auth1) {
      issuer = p.certs.find((c) => c.c.cert.skid !== undefined && equalBytes(c.c.cert.skid, auth1));
    }
    if (!issuer) return; // the top of what the message carries
    if (issuer.seen) return; // "X.509 chain contains loop"
    const r = publicKeyVerify(issuer.c.cert.pub, certSig(x.c), v, p.crypto);
    if (r.errno)
      throw new Fail(
        r.errno,
        `certificate ${x.index} not signed by certificate ${issuer.index}: ${r.reason}`,
      );
    x.signer = issuer;
    if (x === issuer) return;
    x = issuer;
  }
}

/** A certificate's own signature as struct public_key_signature. */
export function certSig(c: CheckedCert): SignatureToCheck {
  return {
    pkeyAlgo: c.cert.sig.pkeyAlgo,
    encoding: c.cert.sig.encoding,
    hashAlgo: c.cert.sig.hashAlgo,
    s: c.cert.sig.s,
    digest: c.tbsDigest ?? new Uint8Array(0),
  };
}

/** pkcs7_verify_one() */
function verifyOne(p: ParsedPkcs7, s: SignerState, data: Uint8Array, v: KernelVersion): void {
  pkcs7Digest(s, data);
  // pkcs7_find_key(): serial||issuer of an embedded certificate against auth_ids[0]
  s.signer = p.certs.find((c) => equalBytes(c.c.cert.id, s.si.authId));
  if (!s.signer) return;
  const cert = s.signer.c.cert;
  if (
    s.si.signingTime !== undefined &&
    (s.si.signingTime < cert.validFrom || s.si.signingTime > cert.validTo)
  )
    throw new Fail("EKEYREJECTED", "Message signed outside of X.509 validity window");
  const r = publicKeyVerify(cert.pub, s.sig, v, p.crypto);
  s.embeddedCheck = r;
  if (r.errno)
    throw new Fail(r.errno, `signature does not verify with the embedded signer certificate: ${r.reason}`);
  verifySigChain(p, s, v);
}

/**
 * pkcs7_verify(): content type and authattr rules for the usage, then every
 * signer. Returns null (0) or the errno, in the kernel's priority.
 */
export function pkcs7Verify(
  p: ParsedPkcs7,
  usage: Usage,
  data: Uint8Array,
  v: KernelVersion,
): { errno: ErrnoName | null; reason: string } {
  const m = p.msg;
  switch (usage) {
    case "module":
      if (m.dataType !== "data")
        return { errno: "EKEYREJECTED", reason: "Invalid module sig (not pkcs7-data)" };
      if (m.haveAuthattrs) return { errno: "EKEYREJECTED", reason: "Invalid module sig (has authattrs)" };
      break;
    case "firmware":
      if (m.dataType !== "data")
        return { errno: "EKEYREJECTED", reason: "Invalid firmware sig (not pkcs7-data)" };
      if (!m.haveAuthattrs)
        return { errno: "EKEYREJECTED", reason: "Invalid firmware sig (missing authattrs)" };
      break;
    case "kexec-pe":
      if (m.dataType !== "msIndirectData")
        return { errno: "EKEYREJECTED", reason: "Invalid kexec sig (not Authenticode)" };
      break;
    case "unspecified":
      if (m.dataType !== "data")
        return { errno: "EKEYREJECTED", reason: "Invalid unspecified sig (not pkcs7-data)" };
      break;
  }
  let actual: ErrnoName | null = "ENOPKG";
  let reason = "no signer could be checked (unsupported crypto)";
  for (const s of p.signers) {
    let err: Fail | undefined;
    try {
      verifyOne(p, s, data, v);
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      err = e;
      s.verifyErrno = e.errno;
      s.verifyReason = e.message;
    }
    if (s.blacklisted) {
      if (actual === "ENOPKG") {
        actual = "EKEYREJECTED";
        reason = "signer certificate is blacklisted";
      }
      continue;
    }
    if (err) {
      if (err.errno === "ENOPKG") {
        s.unsupportedCrypto = true;
        continue;
      }
      return { errno: err.errno, reason: err.message };
    }
    actual = null;
    reason = "";
  }
  return { errno: actual, reason };
}

/** pkcs7_validate_trust_one() */
function validateTrustOne(
  s: SignerState,
  kr: Keyring,
  v: KernelVersion,
  crypto: Readonly<KernelCrypto>,
): { errno: ErrnoName | null; reason: string } {
  if (s.unsupportedCrypto) return { errno: "ENOPKG", reason: "unsupported crypto" };
  let sig = s.sig;
  let last: CertNode | undefined;
  let matched: { key: Key; x: CertNode | undefined } | undefined;
  for (let x = s.signer; x; x = x.signer) {
    if (x.seen) {
      if (x.verified) return { errno: null, reason: "" };
      return { errno: "ENOKEY", reason: "certificate chain loops without a trusted key" };
    }
    x.seen = true;
    const k = findAsymmetricKey(kr, x.c.cert.id, x.c.cert.skid);
    if ("key" in k) {
      matched = { key: k.key, x };
      break;
    }
    if (x.signer === x)
      return { errno: "ENOKEY", reason: `self-signed "${x.c.cert.subject}" is not in ${kr.name}` };
    last = x;
    sig = certSig(x.c);
  }
  if (!matched && last && (last.c.cert.authIds[0] || last.c.cert.authIds[1])) {
    const k = findAsymmetricKey(kr, last.c.cert.authIds[0], last.c.cert.authIds[1]);
    if ("key" in k) matched = { key: k.key, x: last };
    else if (k.errno !== "ENOKEY")
      return { errno: k.errno, reason: `issuer key of "${last.c.cert.subject}" rejected` };
  }
  if (!matched) {
    const k = findAsymmetricKey(kr, s.si.authId, undefined);
    if ("key" in k) {
      matched = { key: k.key, x: undefined };
      sig = s.sig;
    } else if (k.errno !== "ENOKEY") return { errno: k.errno, reason: "signer key rejected" };
  }
  if (!matched) return { errno: "ENOKEY", reason: `no key in ${kr.name} vouches for the signer` };
  // verify_signature(key, sig): any failure is -EKEYREJECTED here
  const r = publicKeyVerify(matched.key.checked.cert.pub, sig, v, crypto);
  s.trustedBy = matched.key;
  s.trustCheck = r;
  if (r.errno)
    return {
      errno: "EKEYREJECTED",
      reason: `signature does not verify with trusted key "${matched.key.description}": ${r.reason}`,
    };
  if (matched.x) {
    matched.x.verified = true;
    for (let q = s.signer; q && q !== matched.x; q = q.signer) q.verified = true;
  }
  return { errno: null, reason: "" };
}

/** pkcs7_validate_trust() */
export function validateTrust(
  p: ParsedPkcs7,
  kr: Keyring,
  v: KernelVersion,
): { errno: ErrnoName | null; reason: string } {
  let cached: ErrnoName | null = "ENOKEY";
  let reason = `no signer chains to a key in ${kr.name}`;
  for (const c of p.certs) c.seen = false;
  for (const s of p.signers) {
    const r = validateTrustOne(s, kr, v, p.crypto);
    s.trustErrno = r.errno;
    s.trustReason = r.reason;
    if (r.errno === "ENOKEY") {
      reason = r.reason;
      continue;
    }
    if (r.errno === "ENOPKG") {
      if (cached === "ENOKEY") {
        cached = "ENOPKG";
        reason = r.reason;
      }
      continue;
    }
    if (r.errno === null) {
      cached = null;
      reason = "";
      continue;
    }
    return r;
  }
  return { errno: cached, reason };
}

export interface Pkcs7Result {
  errno: ErrnoName | null;
  reason: string;
  /** The keyring searched, when trust was established. */
  keyring: string | undefined;
  parsed: ParsedPkcs7 | undefined;
}

/**
 * verify_pkcs7_signature() / verify_pkcs7_message_sig(): parse, supply the
 * detached data, pkcs7_verify(), revocation check, trust. `data` is the
 * detached content (modules) or undefined (embedded content, Authenticode).
 */
export function verifyPkcs7Signature(
  der: Uint8Array,
  data: Uint8Array | undefined,
  keyrings: Keyrings,
  trust: Keyring,
  usage: Usage,
): Pkcs7Result {
  const v = keyrings.version;
  let p: ParsedPkcs7;
  try {
    p = parseMessage(der, keyrings);
  } catch (e) {
    if (e instanceof FormatError)
      return { errno: e.errno ?? "EBADMSG", reason: e.message, keyring: undefined, parsed: undefined };
    throw e;
  }
  const done = (errno: ErrnoName | null, reason: string, keyring?: string): Pkcs7Result => ({
    errno,
    reason,
    keyring,
    parsed: p,
  });
  if (data && p.msg.data) return done("EBADMSG", "PKCS#7 signature with non-detached data");
  const content = data ?? p.msg.data;
  if (!content) {
    // pkcs7_digest() over a NULL buffer of length 0
    return run(new Uint8Array(0));
  }
  return run(content);

  function run(content: Uint8Array): Pkcs7Result {
    const r = pkcs7Verify(p, usage, content, v);
    if (r.errno) return done(r.errno, r.reason);
    // 6.12 checks the revocation list for every keyring, 6.1 only for .platform
    const revocationChecked = v === "6.12" || trust === keyrings.platform;
    if (revocationChecked && keyrings.blacklist.certs.size > 0) {
      // is_key_on_revocation_list(): trust against .blacklist; a match is -EKEYREJECTED
      const saved = p.signers.map((s) => [s.trustErrno, s.trustReason, s.trustedBy, s.trustCheck] as const);
      const rev = validateTrust(p, keyrings.blacklist.certs, v);
      p.signers.forEach((s, i) => {
        [s.trustErrno, s.trustReason, s.trustedBy, s.trustCheck] = saved[i]!;
      });
      if (rev.errno === null) return done("EKEYREJECTED", "PKCS#7 key is on the revocation list");
    }
    const t = validateTrust(p, trust, v);
    return done(t.errno, t.reason, t.errno === null ? trust.name : undefined);
  }
}

// PKCS#7 / CMS SignedData as the kernel parses it
// (crypto/asymmetric_keys/pkcs7.asn1, pkcs7_parser.c: pkcs7_parse_message()).
// The walk follows the grammar in order, so the first failure is the one the
// kernel's decoder meets first, with the errno its action returns.
import type { ErrnoName } from "../errno.js";
import { FormatError } from "../errors.js";
import {
  ASN1_MAX_DATALEN,
  bytes,
  Cursor,
  expect,
  lookUpOid,
  oidToString,
  TAG,
  type Tlv,
  walkName,
} from "./der.js";
import type { KernelVersion } from "./oid-registry.js";
import { decodeTime, parseX509, type X509Cert } from "./x509.js";

export interface Attribute {
  oid: string;
  values: Uint8Array[];
}

export interface Pkcs7SignerInfo {
  index: number;
  version: number;
  /** auth_ids[0]: serial||issuer (issuerAndSerialNumber) or the SKID. */
  authId: Uint8Array;
  sidKind: "issuer-serial" | "skid";
  rawIssuer: Uint8Array | undefined;
  rawSerial: Uint8Array | undefined;
  skid: Uint8Array | undefined;
  hashAlgo: string;
  digestOid: string;
  pkeyAlgo: "rsa" | "ecdsa" | "sm2" | "ecrdsa";
  encoding: "pkcs1" | "x962" | "raw";
  sigOid: string;
  /** encryptedDigest */
  s: Uint8Array;
  /** The [0] attribute block without its tag byte (hashed after a 0x31). */
  authattrs: Uint8Array | undefined;
  msgDigest: Uint8Array | undefined;
  signingTime: number | undefined;
  hasContentType: boolean;
  unauthAttrs: Attribute[];
}

export interface Pkcs7Message {
  version: number;
  /** Registry name of the encapsulated content type ("data", "msIndirectData"). */
  dataType: string;
  /** Embedded content: the value octets of the [0] content's inner element. */
  data: Uint8Array | undefined;
  dataHdrLen: number;
  certs: X509Cert[];
  signers: Pkcs7SignerInfo[];
  haveAuthattrs: boolean;
}

function fail(msg: string, errno: ErrnoName): never {
  throw new FormatError(`PKCS#7: ${msg}`, errno);
}

/** pkcs7_sig_note_digest_algo() per kernel version. */
const DIGEST_ALGOS: Record<string, { name: string; v61: boolean; v612: boolean }> = {
  md4: { name: "md4", v61: true, v612: false },
  md5: { name: "md5", v61: true, v612: false },
  sha1: { name: "sha1", v61: true, v612: true },
  sha256: { name: "sha256", v61: true, v612: true },
  sha384: { name: "sha384", v61: true, v612: true },
  sha512: { name: "sha512", v61: true, v612: true },
  sha224: { name: "sha224", v61: true, v612: true },
  sha3_256: { name: "sha3-256", v61: false, v612: true },
  sha3_384: { name: "sha3-384", v61: false, v612: true },
  sha3_512: { name: "sha3-512", v61: false, v612: true },
  sm3: { name: "sm3", v61: true, v612: true },
  gost2012Digest256: { name: "streebog256", v61: true, v612: true },
  gost2012Digest512: { name: "streebog512", v61: true, v612: true },
};

/** pkcs7_sig_note_pkey_algo() per kernel version. */
const PKEY_ALGOS: Record<
  string,
  {
    pkeyAlgo: Pkcs7SignerInfo["pkeyAlgo"];
    encoding: Pkcs7SignerInfo["encoding"];
    v61: boolean;
    v612: boolean;
  }
> = {
  rsaEncryption: { pkeyAlgo: "rsa", encoding: "pkcs1", v61: true, v612: true },
  id_ecdsa_with_sha1: { pkeyAlgo: "ecdsa", encoding: "x962", v61: true, v612: true },
  id_ecdsa_with_sha224: { pkeyAlgo: "ecdsa", encoding: "x962", v61: true, v612: true },
  id_ecdsa_with_sha256: { pkeyAlgo: "ecdsa", encoding: "x962", v61: true, v612: true },
  id_ecdsa_with_sha384: { pkeyAlgo: "ecdsa", encoding: "x962", v61: true, v612: true },
  id_ecdsa_with_sha512: { pkeyAlgo: "ecdsa", encoding: "x962", v61: true, v612: true },
  id_ecdsa_with_sha3_256: { pkeyAlgo: "ecdsa", encoding: "x962", v61: false, v612: true },
  id_ecdsa_with_sha3_384: { pkeyAlgo: "ecdsa", encoding: "x962", v61: false, v612: true },
  id_ecdsa_with_sha3_512: { pkeyAlgo: "ecdsa", encoding: "x962", v61: false, v612: true },
  SM2_with_SM3: { pkeyAlgo: "sm2", encoding: "raw", v61: true, v612: false },
  gost2012PKey256: { pkeyAlgo: "ecrdsa", encoding: "raw", v61: true, v612: true },
  gost2012PKey512: { pkeyAlgo: "ecrdsa", encoding: "raw", v61: true, v612: true },
};

function inVersion(e: { v61: boolean; v612: boolean } | undefined, v: KernelVersion): boolean {
  return e !== undefined && (v === "6.1" ? e.v61 : e.v612);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

function smallInt(buf: Uint8Array, t: Tlv): number | undefined {
  return t.len === 1 ? buf[t.value] : undefined;
}

/** AlgorithmIdentifier: SEQUENCE { OID, ANY OPTIONAL } -> the OID bytes. */
function algorithmId(buf: Uint8Array, c: Cursor, what: string): Uint8Array {
  const a = new Cursor(buf, c.next(TAG.SEQUENCE, what));
  const oid = bytes(buf, a.next(TAG.OID, `${what}.algorithm`));
  if (!a.done) a.any(`${what}.parameters`);
  if (!a.done) fail(`trailing data in ${what}`, "EBADMSG");
  return oid;
}

export interface Pkcs7ParseOptions {
  version: KernelVersion;
  /** Called for each embedded certificate, in order, as x509_cert_parse() would finish it (may throw). */
  onCert?: (cert: X509Cert) => void;
  /** The same for the "certificates" the grammar finds inside CRLs (parsed, then dropped). */
  onCrlEntry?: (cert: X509Cert) => void;
}

/** pkcs7_extract_cert(): the element must be a SEQUENCE; the X.509 parser takes it from its header. */
function extractCert(buf: Uint8Array, t: Tlv, opts: Pkcs7ParseOptions): X509Cert {
  if (t.tag !== TAG.SEQUENCE) fail(`cert tag 0x${t.tag.toString(16)} is not a SEQUENCE`, "EBADMSG");
  let vlen = t.end - t.start;
  if (t.indefinite) vlen += 2;
  const cert = parseX509(buf.subarray(t.start, Math.min(buf.length, t.start + vlen)), opts.version);
  opts.onCert?.(cert);
  return cert;
}

/** pkcs7_parse_message() followed by pkcs7_check_authattrs(). */
export function parsePkcs7(msg: Uint8Array, opts: Pkcs7ParseOptions): Pkcs7Message {
  const v = opts.version;
  if (msg.length > ASN1_MAX_DATALEN) fail("message larger than 65535 bytes", "EMSGSIZE");
  const top = expect(msg, 0, msg.length, TAG.SEQUENCE, "ContentInfo");
  const ci = new Cursor(msg, top);
  const ctype = lookUpOid(bytes(msg, ci.next(TAG.OID, "contentType")), v);
  if (ctype !== "signed_data") fail("Only support pkcs7_signedData type", "EINVAL");
  const out: Pkcs7Message = {
    version: 0,
    dataType: "",
    data: undefined,
    dataHdrLen: 0,
    certs: [],
    signers: [],
    haveAuthattrs: false,
  };
  const explicit = ci.optional(0xa0);
  if (explicit) {
    const sdT = expect(msg, explicit.value, explicit.value + explicit.len, TAG.SEQUENCE, "SignedData");
    parseSignedData(msg, sdT, out, opts);
    // the decoder checks each constructed element ends where its length says
    if (sdT.end !== explicit.value + explicit.len) fail("trailing data in content [0]", "EBADMSG");
  }
  if (!ci.done) fail("trailing data in ContentInfo", "EBADMSG");
  // pkcs7_check_authattrs()
  const first = out.signers[0];
  if (!first) fail("Inconsistently supplied authAttrs", "EINVAL");
  const want = first.authattrs !== undefined;
  out.haveAuthattrs = want;
  for (const s of out.signers.slice(1))
    if ((s.authattrs !== undefined) !== want) fail("Inconsistently supplied authAttrs", "EINVAL");
  return out;
}

function parseSignedData(msg: Uint8Array, sdT: Tlv, out: Pkcs7Message, opts: Pkcs7ParseOptions): void {
  const v = opts.version;
  const sd = new Cursor(msg, sdT);
  // pkcs7_note_signeddata_version()
  const ver = smallInt(msg, sd.next(TAG.INTEGER, "SignedData.version"));
  if (ver !== 1 && ver !== 3) fail("Unsupported SignedData version", "EINVAL");
  out.version = ver;
  // digestAlgorithms: SET OF or SEQUENCE OF AlgorithmIdentifier
  const das = sd.any("digestAlgorithms");
  if (!(das.tag === TAG.SET || das.tag === TAG.SEQUENCE || das.tag === 0x11 || das.tag === 0x10))
    fail("digestAlgorithms is not a SET or SEQUENCE", "EBADMSG");
  const dac = new Cursor(msg, das);
  while (!dac.done) algorithmId(msg, dac, "DigestAlgorithmIdentifier");
  // contentInfo ({ pkcs7_note_content })
  const inner = new Cursor(msg, sd.next(TAG.SEQUENCE, "contentInfo"));
  const dataType = lookUpOid(bytes(msg, inner.next(TAG.OID, "contentInfo.contentType")), v);
  const content = inner.optional(0xa0);
  if (content) {
    // Data ::= ANY inside the [0] EXPLICIT
    const wrapper = new Cursor(msg, content);
    const d = wrapper.any("content");
    if (!wrapper.done) fail("trailing data in content [0]", "EBADMSG");
    out.data = bytes(msg, d);
    out.dataHdrLen = d.hdr;
  }
  if (!inner.done) fail("trailing data in contentInfo", "EBADMSG");
  if (dataType !== "data" && dataType !== "msIndirectData") fail("Unsupported data type", "EINVAL");
  out.dataType = dataType;
  // certificates: [0] IMPLICIT SET OF / [2] IMPLICIT SEQUENCE OF
  const certs = sd.optional(0xa0) ?? sd.optional(0xa2);
  if (certs) {
    const cc = new Cursor(msg, certs);
    while (!cc.done) out.certs.push(extractCert(msg, cc.any("certificate"), opts));
  }
  // crls: [1] / [3]; the grammar reads each CRL as a SEQUENCE OF Certificate
  const crls = sd.optional(0xa1) ?? sd.optional(0xa3);
  if (crls) {
    const lists = new Cursor(msg, crls);
    while (!lists.done) {
      const l = new Cursor(msg, lists.next(TAG.SEQUENCE, "CertificateList"));
      while (!l.done) extractCert(msg, l.any("CRL entry"), { version: v, onCert: opts.onCrlEntry });
    }
  }
  const sis = sd.any("signerInfos");
  if (!(sis.tag === TAG.SET || sis.tag === TAG.SEQUENCE || sis.tag === 0x11 || sis.tag === 0x10))
    fail("signerInfos is not a SET or SEQUENCE", "EBADMSG");
  if (!sd.done) fail("trailing data in SignedData", "EBADMSG");
  const sc = new Cursor(msg, sis);
  // The kernel's parse context keeps the last serial/issuer/SKID seen across signers.
  const ctx: SidContext = { rawSerial: undefined, rawIssuer: undefined, rawSkid: undefined };
  while (!sc.done)
    out.signers.push(parseSignerInfo(msg, sc.next(TAG.SEQUENCE, "SignerInfo"), out, ctx, opts));
}

interface SidContext {
  rawSerial: Uint8Array | undefined;
  rawIssuer: Uint8Array | undefined;
  rawSkid: Uint8Array | undefined;
}

function parseSignerInfo(
  msg: Uint8Array,
  t: Tlv,
  out: Pkcs7Message,
  ctx: SidContext,
  opts: Pkcs7ParseOptions,
): Pkcs7SignerInfo {
  const v = opts.version;
  const c = new Cursor(msg, t);
  // pkcs7_note_signerinfo_version()
  const ver = smallInt(msg, c.next(TAG.INTEGER, "SignerInfo.version"));
  let expectSkid: boolean;
  if (ver === 1) {
    if (out.version !== 1) fail("SignedData-SignerInfo version mismatch", "EBADMSG");
    expectSkid = false;
  } else if (ver === 3) {
    if (out.version === 1) fail("SignedData-SignerInfo version mismatch", "EBADMSG");
    expectSkid = true;
  } else fail("Unsupported SignerInfo version", "EINVAL");
  // sid: IssuerAndSerialNumber | [0] IMPLICIT SubjectKeyIdentifier
  const sidTag = c.peekTag();
  if (sidTag === 0x80 || sidTag === 0xa0) {
    ctx.rawSkid = bytes(msg, c.any("subjectKeyIdentifier"));
  } else {
    const ias = new Cursor(msg, c.next(TAG.SEQUENCE, "IssuerAndSerialNumber"));
    const issuer = ias.next(TAG.SEQUENCE, "issuer");
    walkName(msg, issuer, (m) => fail(m, "EBADMSG"));
    ctx.rawIssuer = bytes(msg, issuer);
    ctx.rawSerial = bytes(msg, ias.next(TAG.INTEGER, "serialNumber"));
    if (!ias.done) fail("trailing data in IssuerAndSerialNumber", "EBADMSG");
  }
  // digestAlgorithm ({ pkcs7_sig_note_digest_algo })
  const digestOid = algorithmId(msg, c, "digestAlgorithm");
  const dname = lookUpOid(digestOid, v);
  const dalgo = dname === undefined ? undefined : DIGEST_ALGOS[dname];
  if (!dalgo || !inVersion(dalgo, v)) fail(`Unsupported digest algo ${oidToString(digestOid)}`, "ENOPKG");
  // authenticatedAttributes: [0] IMPLICIT SET OF (with actions) | [2] EXPLICIT SEQUENCE OF
  const si: Pkcs7SignerInfo = {
    index: out.signers.length + 1,
    version: ver,
    authId: new Uint8Array(0),
    sidKind: expectSkid ? "skid" : "issuer-serial",
    rawIssuer: undefined,
    rawSerial: undefined,
    skid: undefined,
    hashAlgo: dalgo.name,
    digestOid: oidToString(digestOid),
    pkeyAlgo: "rsa",
    encoding: "pkcs1",
    sigOid: "",
    s: new Uint8Array(0),
    authattrs: undefined,
    msgDigest: undefined,
    signingTime: undefined,
    hasContentType: false,
    unauthAttrs: [],
  };
  const aaSet = c.optional(0xa0);
  if (aaSet) {
    const seen = new Set<string>();
    parseAuthAttrs(msg, new Cursor(msg, aaSet), si, out, seen, v);
    // pkcs7_sig_note_set_of_authattrs()
    if (!seen.has("contentType") || !seen.has("messageDigest")) fail("Missing required AuthAttr", "EBADMSG");
    if (out.dataType !== "msIndirectData" && seen.has("msSpOpusInfo"))
      fail("Unexpected Authenticode AuthAttr", "EBADMSG");
    si.authattrs = msg.subarray(aaSet.start + 1, aaSet.end);
  } else {
    const aaSeq = c.optional(0xa2);
    if (aaSeq) {
      const inner = expect(msg, aaSeq.value, aaSeq.value + aaSeq.len, TAG.SEQUENCE, "aaSequence");
      parseAuthAttrs(msg, new Cursor(msg, inner), si, out, new Set(), v);
    }
  }
  // digestEncryptionAlgorithm ({ pkcs7_sig_note_pkey_algo })
  const sigOid = algorithmId(msg, c, "digestEncryptionAlgorithm");
  const palgo = PKEY_ALGOS[lookUpOid(sigOid, v) ?? ""];
  if (!palgo || !inVersion(palgo, v)) fail(`Unsupported pkey algo ${oidToString(sigOid)}`, "ENOPKG");
  si.pkeyAlgo = palgo.pkeyAlgo;
  si.encoding = palgo.encoding;
  si.sigOid = oidToString(sigOid);
  si.s = bytes(msg, c.next(TAG.OCTET_STRING, "encryptedDigest"));
  const ua = c.optional(0xa1) ?? c.optional(0xa3);
  if (ua) {
    const uc = new Cursor(msg, ua);
    while (!uc.done) {
      const a = new Cursor(msg, uc.next(TAG.SEQUENCE, "UnauthenticatedAttribute"));
      const oid = oidToString(bytes(msg, a.next(TAG.OID, "type")));
      const vals = new Cursor(msg, a.next(TAG.SET, "values"));
      const values: Uint8Array[] = [];
      while (!vals.done) {
        const x = vals.any("value");
        values.push(msg.subarray(x.start, x.end));
      }
      si.unauthAttrs.push({ oid, values });
    }
  }
  if (!c.done) fail("trailing data in SignerInfo", "EBADMSG");
  // pkcs7_note_signed_info()
  if (out.dataType === "msIndirectData" && !si.authattrs) fail("Authenticode requires AuthAttrs", "EBADMSG");
  if (!expectSkid) {
    si.authId = concat(ctx.rawSerial ?? new Uint8Array(0), ctx.rawIssuer ?? new Uint8Array(0));
    si.rawIssuer = ctx.rawIssuer;
    si.rawSerial = ctx.rawSerial;
  } else {
    si.authId = ctx.rawSkid ?? new Uint8Array(0);
    si.skid = ctx.rawSkid;
  }
  return si;
}

/** pkcs7_sig_note_authenticated_attr() for every value of every attribute. */
function parseAuthAttrs(
  msg: Uint8Array,
  c: Cursor,
  si: Pkcs7SignerInfo,
  out: Pkcs7Message,
  seen: Set<string>,
  v: KernelVersion,
): void {
  const once = (k: string) => {
    if (seen.has(k)) fail("Repeated/multivalue AuthAttrs not permitted", "EKEYREJECTED");
    seen.add(k);
  };
  while (!c.done) {
    const a = new Cursor(msg, c.next(TAG.SEQUENCE, "AuthenticatedAttribute"));
    const type = lookUpOid(bytes(msg, a.next(TAG.OID, "type")), v);
    const vals = new Cursor(msg, a.next(TAG.SET, "values"));
    if (!a.done) fail("trailing data in AuthenticatedAttribute", "EBADMSG");
    while (!vals.done) {
      const x = vals.any("value");
      const val = bytes(msg, x);
      switch (type) {
        case "contentType":
          once("contentType");
          si.hasContentType = true;
          if (lookUpOid(val, v) !== out.dataType)
            fail("Mismatch between global data type and sinfo", "EBADMSG");
          break;
        case "signingTime":
          once("signingTime");
          try {
            si.signingTime = decodeTime(x.tag, val);
          } catch {
            fail("bad signingTime", "EBADMSG");
          }
          break;
        case "messageDigest":
          once("messageDigest");
          if (x.tag !== TAG.OCTET_STRING) fail("messageDigest is not an OCTET STRING", "EBADMSG");
          si.msgDigest = val;
          break;
        case "smimeCapabilites":
          once("smimeCapabilites");
          if (out.dataType !== "msIndirectData")
            fail("S/MIME Caps only allowed with Authenticode", "EKEYREJECTED");
          break;
        case "msSpOpusInfo":
        case "msStatementType":
          once(type);
          if (out.dataType !== "msIndirectData")
            fail("Authenticode AuthAttrs only allowed with Authenticode", "EKEYREJECTED");
          break;
        default:
          break;
      }
    }
  }
}

/** The OID of a nested Authenticode signature (SPC_NESTED_SIGNATURE_OBJID) in unauthenticated attributes. */
export const OID_NESTED_SIGNATURE = "1.3.6.1.4.1.311.2.4.1";

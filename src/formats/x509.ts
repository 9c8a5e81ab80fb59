// X.509 certificates as the kernel reads them
// (crypto/asymmetric_keys/x509.asn1, x509_akid.asn1, x509_cert_parser.c).
// Structure only: the signature-parameter and self-signature steps of
// x509_cert_parse() need crypto and live in src/verify/x509-check.ts.
import { FormatError } from "../errors.js";
import { bytes, Cursor, expect, lookUpOid, oidToString, readTlv, TAG, type Tlv, walkName } from "./der.js";
import type { KernelVersion } from "./oid-registry.js";

/** What a signature names as its algorithms (struct public_key_signature). */
export interface SigAlgo {
  pkeyAlgo: "rsa" | "ecdsa" | "ecrdsa" | "sm2";
  encoding: "pkcs1" | "x962" | "raw";
  hashAlgo: string;
}

/** struct public_key: `pkeyAlgo` is the kernel's name ("rsa", "ecdsa-nist-p256", ...). */
export interface PublicKeyInfo {
  pkeyAlgo: string;
  /** subjectPublicKey BIT STRING content without its unused-bits byte. */
  key: Uint8Array;
  /** The whole SubjectPublicKeyInfo DER, for node:crypto. */
  spki: Uint8Array;
}

export interface X509Cert {
  /** The certificate's own DER (may be followed by bytes it does not cover). */
  der: Uint8Array;
  tbs: Uint8Array;
  rawSerial: Uint8Array;
  /** Content octets of the issuer / subject Name (the kernel keeps them without tag and length). */
  rawIssuer: Uint8Array;
  rawSubject: Uint8Array;
  issuer: string;
  subject: string;
  validFrom: number;
  validTo: number;
  sig: SigAlgo & { s: Uint8Array; sigOid: string };
  /** AKID: [0] serial||issuer (from authorityCertIssuer + serial), [1] keyIdentifier. */
  authIds: [Uint8Array | undefined, Uint8Array | undefined];
  skid: Uint8Array | undefined;
  /** asymmetric key id[0]: raw serial || raw issuer. */
  id: Uint8Array;
  pub: PublicKeyInfo;
}

function err(msg: string, errno: "EBADMSG" | "EINVAL" | "ENOPKG" = "EBADMSG"): never {
  throw new FormatError(`X.509: ${msg}`, errno);
}

/** x509_note_sig_algo(): signature OID -> algorithms, per kernel version. */
const SIG_ALGOS: Record<string, { algo: SigAlgo; v61: boolean; v612: boolean }> = {};
function sig(
  names: string[],
  pkeyAlgo: SigAlgo["pkeyAlgo"],
  encoding: SigAlgo["encoding"],
  hash: string,
  v61: boolean,
  v612: boolean,
) {
  for (const n of names) SIG_ALGOS[n] = { algo: { pkeyAlgo, encoding, hashAlgo: hash }, v61, v612 };
}
sig(["md4WithRSAEncryption"], "rsa", "pkcs1", "md4", true, false);
sig(["sha1WithRSAEncryption"], "rsa", "pkcs1", "sha1", true, true);
sig(["sha256WithRSAEncryption"], "rsa", "pkcs1", "sha256", true, true);
sig(["sha384WithRSAEncryption"], "rsa", "pkcs1", "sha384", true, true);
sig(["sha512WithRSAEncryption"], "rsa", "pkcs1", "sha512", true, true);
sig(["sha224WithRSAEncryption"], "rsa", "pkcs1", "sha224", true, true);
sig(["id_rsassa_pkcs1_v1_5_with_sha3_256"], "rsa", "pkcs1", "sha3-256", false, true);
sig(["id_rsassa_pkcs1_v1_5_with_sha3_384"], "rsa", "pkcs1", "sha3-384", false, true);
sig(["id_rsassa_pkcs1_v1_5_with_sha3_512"], "rsa", "pkcs1", "sha3-512", false, true);
sig(["id_ecdsa_with_sha1"], "ecdsa", "x962", "sha1", true, true);
sig(["id_ecdsa_with_sha224"], "ecdsa", "x962", "sha224", true, true);
sig(["id_ecdsa_with_sha256"], "ecdsa", "x962", "sha256", true, true);
sig(["id_ecdsa_with_sha384"], "ecdsa", "x962", "sha384", true, true);
sig(["id_ecdsa_with_sha512"], "ecdsa", "x962", "sha512", true, true);
sig(["id_ecdsa_with_sha3_256"], "ecdsa", "x962", "sha3-256", false, true);
sig(["id_ecdsa_with_sha3_384"], "ecdsa", "x962", "sha3-384", false, true);
sig(["id_ecdsa_with_sha3_512"], "ecdsa", "x962", "sha3-512", false, true);
sig(["gost2012Signature256"], "ecrdsa", "raw", "streebog256", true, true);
sig(["gost2012Signature512"], "ecrdsa", "raw", "streebog512", true, true);
sig(["SM2_with_SM3"], "sm2", "raw", "sm3", true, false);

/** x509_extract_key_data(): id-ecPublicKey curves, per kernel version. */
const EC_CURVES: Record<string, { name: string; v61: boolean; v612: boolean }> = {
  id_prime192v1: { name: "ecdsa-nist-p192", v61: true, v612: true },
  id_prime256v1: { name: "ecdsa-nist-p256", v61: true, v612: true },
  id_ansip384r1: { name: "ecdsa-nist-p384", v61: true, v612: true },
  id_ansip521r1: { name: "ecdsa-nist-p521", v61: false, v612: true },
  sm2: { name: "sm2", v61: true, v612: false },
};

export function sigAlgoFor(oidName: string | undefined, v: KernelVersion): SigAlgo | undefined {
  const e = oidName === undefined ? undefined : SIG_ALGOS[oidName];
  if (!e || !(v === "6.1" ? e.v61 : e.v612)) return undefined;
  return e.algo;
}

/** x509_decode_time(): strict UTCTime/GeneralizedTime -> seconds since the epoch. */
export function decodeTime(tag: number, v: Uint8Array): number {
  const d = (i: number) => {
    const x = (v[i] ?? 0) - 0x30;
    if (x < 0 || x > 9) err("invalid time");
    return x;
  };
  let p = 0;
  const dd = () => {
    const x = d(p) * 10 + d(p + 1);
    p += 2;
    return x;
  };
  let year: number;
  if (tag === TAG.UTC_TIME) {
    if (v.length !== 13) err("unsupported time");
    year = dd();
    year += year >= 50 ? 1900 : 2000;
  } else if (tag === TAG.GENERALIZED_TIME) {
    if (v.length !== 15) err("unsupported time");
    year = dd() * 100 + dd();
    if (year >= 1950 && year <= 2049) err("invalid time");
  } else err("unsupported time");
  const mon = dd();
  const day = dd();
  const hour = dd();
  const min = dd();
  const sec = dd();
  if (v[p] !== 0x5a) err("unsupported time");
  if (year < 1970 || mon < 1 || mon > 12) err("invalid time");
  let monLen = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mon - 1]!;
  if (mon === 2 && year % 4 === 0) monLen = year % 100 === 0 && year % 400 !== 0 ? 28 : 29;
  if (day < 1 || day > monLen || hour > 24 || min > 59 || sec > 60) err("invalid time");
  return Date.UTC(year, mon - 1, day, hour, min, sec) / 1000;
}

const NAME_ATTRS: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.8": "ST",
  "2.5.4.7": "L",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** A readable one-line rendering of a Name's content octets ("CN = x, O = y"). Never throws. */
export function nameToString(content: Uint8Array): string {
  try {
    const parts: string[] = [];
    const whole: Tlv = {
      tag: 0x30,
      start: 0,
      hdr: 0,
      value: 0,
      len: content.length,
      end: content.length,
      indefinite: false,
    };
    const rdns = new Cursor(content, whole);
    while (!rdns.done) {
      const rdn = rdns.any("RDN");
      const avas = new Cursor(content, rdn);
      while (!avas.done) {
        const ava = new Cursor(content, avas.any("AVA"));
        const type = oidToString(bytes(content, ava.next(TAG.OID, "attributeType")));
        const val = ava.any("attributeValue");
        const s = Buffer.from(bytes(content, val)).toString(val.tag === 0x1e ? "utf16le" : "utf8");
        parts.push(`${NAME_ATTRS[type] ?? type} = ${s}`);
      }
    }
    return parts.join(", ");
  } catch {
    return Buffer.from(content).toString("hex");
  }
}

/** The CN of a Name if it has one, else its rendering. */
export function commonName(content: Uint8Array): string {
  const s = nameToString(content);
  const m = /(?:^|, )CN = ([^,]*(?:,(?! [A-Za-z.0-9]+ = )[^,]*)*)/.exec(s);
  return m?.[1] ?? s;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

/** x509_akid.asn1 via x509_akid_note_kid/_name/_serial. */
function parseAkid(v: Uint8Array): [Uint8Array | undefined, Uint8Array | undefined] {
  const top = expect(v, 0, v.length, TAG.SEQUENCE, "AuthorityKeyIdentifier");
  const c = new Cursor(v, top);
  let kid: Uint8Array | undefined;
  let akidIssuer: Uint8Array | undefined;
  let id0: Uint8Array | undefined;
  const k = c.optional(0x80);
  if (k) kid = bytes(v, k);
  const names = c.optional(0xa1);
  if (names) {
    const gn = new Cursor(v, names);
    while (!gn.done) {
      const g = gn.any("GeneralName");
      if ((g.tag & 0x1f) === 4 && (g.tag & 0xc0) === 0x80) {
        const inner = expect(v, g.value, g.value + g.len, TAG.SEQUENCE, "directoryName");
        walkName(v, inner, err);
        akidIssuer = bytes(v, inner);
      }
    }
  }
  const serial = c.optional(0x82);
  if (serial && akidIssuer) id0 = concat(bytes(v, serial), akidIssuer);
  if (!c.done) err("trailing data in AuthorityKeyIdentifier");
  return [id0, kid];
}

/**
 * x509_cert_parse() minus crypto: parses `data` (which may extend past the
 * certificate: the kernel ignores what follows the outer SEQUENCE).
 */
export function parseX509(data: Uint8Array, v: KernelVersion): X509Cert {
  const end = Math.min(data.length, 65535);
  if (data.length > 65535) throw new FormatError("X.509: certificate larger than 65535 bytes", "EMSGSIZE");
  const certT = expect(data, 0, end, TAG.SEQUENCE, "Certificate");
  const cert = new Cursor(data, certT);
  const tbsT = cert.next(TAG.SEQUENCE, "TBSCertificate");
  const tbs = new Cursor(data, tbsT);
  tbs.optional(0xa0); // version [0] DEFAULT
  const serialT = tbs.next(TAG.INTEGER, "serialNumber");
  // signature AlgorithmIdentifier ({ x509_note_sig_algo }) at its end
  const tbsAlg = new Cursor(data, tbs.next(TAG.SEQUENCE, "signature"));
  const tbsSigOid = bytes(data, tbsAlg.next(TAG.OID, "algorithm"));
  if (!tbsAlg.done) tbsAlg.any("parameters");
  if (!tbsAlg.done) err("trailing data in AlgorithmIdentifier");
  const tbsSigName = lookUpOid(tbsSigOid, v);
  const algo = sigAlgoFor(tbsSigName, v);
  if (!algo) err(`unsupported signature algorithm ${oidToString(tbsSigOid)}`, "ENOPKG");
  const issuerT = tbs.next(TAG.SEQUENCE, "issuer");
  walkName(data, issuerT, err);
  const validity = new Cursor(data, tbs.next(TAG.SEQUENCE, "validity"));
  const timeOf = (what: string) => {
    const t = validity.any(what);
    if (t.tag !== TAG.UTC_TIME && t.tag !== TAG.GENERALIZED_TIME) err(`${what}: not a Time`);
    return decodeTime(t.tag, bytes(data, t));
  };
  const validFrom = timeOf("notBefore");
  const validTo = timeOf("notAfter");
  if (!validity.done) err("trailing data in Validity");
  const subjectT = tbs.next(TAG.SEQUENCE, "subject");
  walkName(data, subjectT, err);
  // SubjectPublicKeyInfo: AlgorithmIdentifier with x509_note_params, then the key
  const spkiT = tbs.next(TAG.SEQUENCE, "subjectPublicKeyInfo");
  const spki = new Cursor(data, spkiT);
  const keyAlg = new Cursor(data, spki.next(TAG.SEQUENCE, "algorithm"));
  const keyOid = bytes(data, keyAlg.next(TAG.OID, "algorithm"));
  const params = keyAlg.done ? undefined : keyAlg.any("parameters");
  if (!keyAlg.done) err("trailing data in AlgorithmIdentifier");
  const keyBits = spki.next(TAG.BIT_STRING, "subjectPublicKey");
  const keyName = lookUpOid(keyOid, v);
  let pkeyAlgo: string;
  if (keyName === "rsaEncryption") pkeyAlgo = "rsa";
  else if (keyName === "gost2012PKey256" || keyName === "gost2012PKey512") pkeyAlgo = "ecrdsa";
  else if (keyName === "sm2" && v === "6.1") pkeyAlgo = "sm2";
  else if (keyName === "id_ecPublicKey") {
    // parse_OID(ctx->params): the parameters must be exactly one OID
    if (!params || params.tag !== TAG.OID || params.hdr !== 2) err("EC parameters are not an OID");
    const curve = EC_CURVES[lookUpOid(bytes(data, params), v) ?? ""];
    if (!curve || !(v === "6.1" ? curve.v61 : curve.v612)) err("unsupported EC curve", "ENOPKG");
    pkeyAlgo = curve.name;
  } else err(`unsupported public key algorithm ${oidToString(keyOid)}`, "ENOPKG");
  if (keyBits.len < 1 || data[keyBits.value] !== 0) err("public key BIT STRING has unused bits");
  const pub: PublicKeyInfo = {
    pkeyAlgo,
    key: data.subarray(keyBits.value + 1, keyBits.end),
    spki: data.subarray(spkiT.start, spkiT.end),
  };
  if (!spki.done) err("trailing data in SubjectPublicKeyInfo");
  tbs.optional(0x81);
  tbs.optional(0x82);
  let skid: Uint8Array | undefined;
  let authIds: [Uint8Array | undefined, Uint8Array | undefined] = [undefined, undefined];
  let rawAkid: Uint8Array | undefined;
  const extsT = tbs.optional(0xa3);
  if (extsT) {
    const seq = expect(data, extsT.value, extsT.value + extsT.len, TAG.SEQUENCE, "Extensions");
    const exts = new Cursor(data, seq);
    while (!exts.done) {
      const ext = new Cursor(data, exts.next(TAG.SEQUENCE, "Extension"));
      const id = lookUpOid(bytes(data, ext.next(TAG.OID, "extnid")), v);
      ext.optional(TAG.BOOLEAN);
      const val = bytes(data, ext.next(TAG.OCTET_STRING, "extnValue"));
      if (!ext.done) err("trailing data in Extension");
      // x509_process_extension()
      if (id === "subjectKeyIdentifier") {
        if (skid || val.length < 3) err("bad subjectKeyIdentifier");
        if (val[0] !== TAG.OCTET_STRING || val[1] !== val.length - 2) err("bad subjectKeyIdentifier");
        skid = val.subarray(2);
      } else if (id === "authorityKeyIdentifier") {
        rawAkid = val; // decoded after the walk; the last one wins (ctx->raw_akid)
      }
    }
  }
  if (!tbs.done) err("trailing data in TBSCertificate");
  const outerAlg = new Cursor(data, cert.next(TAG.SEQUENCE, "signatureAlgorithm"));
  const outerOid = bytes(data, outerAlg.next(TAG.OID, "algorithm"));
  if (!outerAlg.done) outerAlg.any("parameters");
  if (!outerAlg.done) err("trailing data in AlgorithmIdentifier");
  const sigT = cert.next(TAG.BIT_STRING, "signature");
  // x509_note_signature(): both algorithm fields must name the same algorithm
  if (lookUpOid(outerOid, v) !== tbsSigName)
    err("signatureAlgorithm differs from tbsCertificate.signature", "EINVAL");
  if (sigT.len < 1 || data[sigT.value] !== 0) err("signature BIT STRING has unused bits");
  if (!cert.done) err("trailing data in Certificate");
  // The AKID is decoded after the certificate (x509_cert_parse()).
  if (rawAkid) {
    try {
      authIds = parseAkid(rawAkid);
    } catch (e) {
      if (e instanceof FormatError) err("couldn't decode AuthKeyIdentifier");
      throw e;
    }
  }
  const rawSerial = bytes(data, serialT);
  const rawIssuer = bytes(data, issuerT);
  const rawSubject = bytes(data, subjectT);
  return {
    der: data.subarray(0, certT.end),
    tbs: data.subarray(tbsT.start, tbsT.end),
    rawSerial,
    rawIssuer,
    rawSubject,
    issuer: nameToString(rawIssuer),
    subject: nameToString(rawSubject),
    validFrom,
    validTo,
    sig: { ...algo, s: data.subarray(sigT.value + 1, sigT.end), sigOid: oidToString(outerOid) },
    authIds,
    skid,
    id: concat(rawSerial, rawIssuer),
    pub,
  };
}

/** Reads one certificate from a buffer that holds exactly one DER certificate (tolerates nothing after it). */
export function parseX509Strict(der: Uint8Array, v: KernelVersion): X509Cert {
  const c = parseX509(der, v);
  const t = readTlv(der, 0, der.length);
  if (t.end !== der.length) throw new FormatError("X.509: trailing data after certificate", "EBADMSG");
  return c;
}

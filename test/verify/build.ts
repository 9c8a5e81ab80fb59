// Builders for the adversarial suite: a tiny DER writer and signers that make
// sign-file-style module signatures and sbsign-style Authenticode signatures
// with the corpus's TEST ONLY keys, so each bug class can be produced exactly.
import { createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseX509 } from "../../src/formats/x509.js";
import { certificatesIn } from "../../src/verify/index.js";
import { authenticodeDigest } from "../../src/verify/pe.js";
import { CORPUS } from "./corpus-helpers.js";

export function cat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  if (n < 0x10000) return Uint8Array.of(0x82, n >> 8, n & 0xff);
  return Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
}

export const tlv = (tag: number, ...c: Uint8Array[]) => {
  const body = cat(...c);
  return cat(Uint8Array.of(tag), len(body.length), body);
};
export const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);
export const set = (...c: Uint8Array[]) => tlv(0x31, ...c);
export const octet = (b: Uint8Array) => tlv(0x04, b);
export const int = (n: number) => tlv(0x02, Uint8Array.of(n));
export const nul = () => Uint8Array.of(0x05, 0x00);
export const ctx = (n: number, ...c: Uint8Array[]) => tlv(0xa0 | n, ...c);
export function oid(dotted: string): Uint8Array {
  const p = dotted.split(".").map(Number);
  const out: number[] = [];
  const push = (v: number) => {
    const t = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) t.unshift((v & 0x7f) | 0x80);
    out.push(...t);
  };
  push(p[0]! * 40 + p[1]!);
  for (const v of p.slice(2)) push(v);
  return tlv(0x06, Uint8Array.from(out));
}

export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSA: "1.2.840.113549.1.1.11",
  spcIndirectData: "1.3.6.1.4.1.311.2.1.4",
  spcPeImageData: "1.3.6.1.4.1.311.2.1.15",
  md5: "1.2.840.113549.2.5",
  sha1: "1.3.14.3.2.26",
  sha224: "2.16.840.1.101.3.4.2.4",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  sha3_256: "2.16.840.1.101.3.4.2.8",
} as const;

export const HASH_OID: Record<string, string> = {
  md5: OID.md5,
  sha1: OID.sha1,
  sha224: OID.sha224,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
  "sha3-256": OID.sha3_256,
};

export interface Signer {
  key: KeyObject;
  cert: Uint8Array;
  /** IssuerAndSerialNumber DER */
  ias: Uint8Array;
}

export function loadSigner(certPath: string, keyPath: string): Signer {
  const cert = certificatesIn(readFileSync(join(CORPUS, certPath)))[0]!;
  const x = parseX509(cert, "6.1");
  return {
    key: createPrivateKey(readFileSync(join(CORPUS, keyPath))),
    cert,
    ias: seq(seq(x.rawIssuer), tlv(0x02, x.rawSerial)),
  };
}

export const testSigner = () => loadSigner("pe/testkeys/test-signer.pem", "pe/testkeys/test-signer.key");
export const moduleSigner = () =>
  loadSigner("modules/testkeys/module-test-rsa2048.pem", "modules/testkeys/module-test-rsa2048.pem");

export interface SignerInfoSpec {
  digest?: string;
  /** Signed attributes (already DER attribute SEQUENCEs); undefined = none. */
  attrs?: Uint8Array[];
  /** What is signed when there are no attributes (defaults to the content). */
  version?: number;
  sid?: Uint8Array;
  sigAlgOid?: string;
  unauth?: Uint8Array[];
  /** Override the signature value. */
  signature?: (s: Uint8Array) => Uint8Array;
}

export function signerInfo(s: Signer, content: Uint8Array, spec: SignerInfoSpec = {}): Uint8Array {
  const digest = spec.digest ?? "sha256";
  const attrBlock = spec.attrs ? ctx(0, ...spec.attrs) : undefined;
  const signed = attrBlock ? cat(Uint8Array.of(0x31), attrBlock.subarray(1)) : content;
  let sig: Uint8Array = sign(digest, signed, s.key);
  if (spec.signature) sig = spec.signature(sig);
  return seq(
    int(spec.version ?? 1),
    spec.sid ?? s.ias,
    seq(oid(HASH_OID[digest]!), nul()),
    ...(attrBlock ? [attrBlock] : []),
    seq(oid(spec.sigAlgOid ?? OID.rsaEncryption), nul()),
    octet(sig),
    ...(spec.unauth ? [tlv(0xa1, ...spec.unauth)] : []),
  );
}

export function attr(type: string, ...values: Uint8Array[]): Uint8Array {
  return seq(oid(type), set(...values));
}

export function hash(algo: string, ...d: Uint8Array[]): Uint8Array {
  const h = createHash(algo);
  for (const x of d) h.update(x);
  return h.digest();
}

export interface SignedDataSpec {
  version?: number;
  contentType?: string;
  /** Embedded content value (the [0] EXPLICIT ANY), or undefined for detached. */
  content?: Uint8Array;
  certs?: Uint8Array[];
  signerInfos: Uint8Array[];
}

export function signedData(spec: SignedDataSpec): Uint8Array {
  return seq(
    oid(OID.signedData),
    ctx(
      0,
      seq(
        int(spec.version ?? 1),
        set(seq(oid(OID.sha256), nul())),
        seq(oid(spec.contentType ?? OID.data), ...(spec.content ? [ctx(0, spec.content)] : [])),
        ...(spec.certs ? [ctx(0, ...spec.certs)] : []),
        set(...spec.signerInfos),
      ),
    ),
  );
}

// --- modules -----------------------------------------------------------------

export const MAGIC = Buffer.from("~Module signature appended~\n", "latin1");

export function moduleTrailer(
  pkcs7: Uint8Array,
  fields: Partial<{
    algo: number;
    hash: number;
    idType: number;
    signerLen: number;
    keyIdLen: number;
    pad: number[];
    sigLen: number;
  }> = {},
): Uint8Array {
  const b = Buffer.alloc(12);
  b[0] = fields.algo ?? 0;
  b[1] = fields.hash ?? 0;
  b[2] = fields.idType ?? 2;
  b[3] = fields.signerLen ?? 0;
  b[4] = fields.keyIdLen ?? 0;
  const pad = fields.pad ?? [0, 0, 0];
  b[5] = pad[0]!;
  b[6] = pad[1]!;
  b[7] = pad[2]!;
  b.writeUInt32BE(fields.sigLen ?? pkcs7.length, 8);
  return cat(pkcs7, b, MAGIC);
}

/** sign-file: detached PKCS#7, no certificates, no signed attributes, issuer + serial. */
export function signModule(
  content: Uint8Array,
  s: Signer = moduleSigner(),
  spec: SignerInfoSpec = {},
  sd: Partial<SignedDataSpec> = {},
): Uint8Array {
  const p7 = signedData({ signerInfos: [signerInfo(s, content, spec)], ...sd });
  return cat(content, moduleTrailer(p7));
}

// --- PE ------------------------------------------------------------------------

export interface AuthenticodeSpec {
  imageDigest?: string;
  /** Replace the image digest value. */
  digestValue?: Uint8Array;
  signer?: SignerInfoSpec;
  /** Hash the SpcIndirectDataContent with its tag and length (a known verifier bug). */
  digestWholeIdc?: boolean;
  skipContentType?: boolean;
  skipMessageDigest?: boolean;
  certs?: Uint8Array[];
  extraAttrs?: Uint8Array[];
  peOid?: string;
}

/** An sbsign-style Authenticode PKCS#7 for `image` (an image without a certificate table). */
export function authenticode(
  image: Uint8Array,
  s: Signer = testSigner(),
  spec: AuthenticodeSpec = {},
): Uint8Array {
  const algo = spec.imageDigest ?? "sha256";
  const dv = spec.digestValue ?? authenticodeDigest(image, algo)!;
  const idc = seq(
    seq(oid(spec.peOid ?? OID.spcPeImageData), seq()),
    seq(seq(oid(HASH_OID[algo]!), nul()), octet(dv)),
  );
  const idcValue = idc.subarray(idc.length - (idc.length - (idc[1]! < 0x80 ? 2 : 2 + (idc[1]! & 0x7f))));
  const signerDigest = spec.signer?.digest ?? "sha256";
  const md = hash(signerDigest, spec.digestWholeIdc ? idc : idcValue);
  const attrs = [
    ...(spec.skipContentType ? [] : [attr(OID.contentType, oid(OID.spcIndirectData))]),
    ...(spec.skipMessageDigest ? [] : [attr(OID.messageDigest, octet(md))]),
    ...(spec.extraAttrs ?? []),
  ];
  return signedData({
    contentType: OID.spcIndirectData,
    content: idc,
    certs: spec.certs ?? [s.cert],
    signerInfos: [signerInfo(s, idcValue, { attrs, ...spec.signer })],
  });
}

/** The unsigned fbx64 image, padded to 8 bytes as sbsign does. */
export function unsignedImage(): Uint8Array {
  const b = readFileSync(join(CORPUS, "pe/variants/fbx64.unsigned.efi"));
  const pad = (8 - (b.length % 8)) % 8;
  return cat(b, new Uint8Array(pad));
}

/** Appends WIN_CERTIFICATE entries (each padded to 8) and points the certificate directory at them. */
export function attach(
  image: Uint8Array,
  entries: Uint8Array[],
  opts: {
    dwLength?: (i: number, real: number) => number;
    tableSize?: (real: number) => number;
    revision?: number;
    type?: number;
  } = {},
): Uint8Array {
  const wins = entries.map((p7, i) => {
    const real = p7.length + 8;
    const hdr = Buffer.alloc(8);
    hdr.writeUInt32LE(opts.dwLength ? opts.dwLength(i, real) : real, 0);
    hdr.writeUInt16LE(opts.revision ?? 0x0200, 4);
    hdr.writeUInt16LE(opts.type ?? 0x0002, 6);
    const padded = (real + 7) & ~7;
    return cat(hdr, p7, new Uint8Array(padded - real));
  });
  const table = cat(...wins);
  const out = Buffer.from(cat(image, table));
  const pe = out.readUInt32LE(0x3c);
  const magic = out.readUInt16LE(pe + 24);
  const dd = pe + 24 + (magic === 0x20b ? 112 : 96) + 4 * 8;
  out.writeUInt32LE(image.length, dd);
  out.writeUInt32LE(opts.tableSize ? opts.tableSize(table.length) : table.length, dd + 4);
  return new Uint8Array(out);
}

export function signPe(
  image: Uint8Array = unsignedImage(),
  s: Signer = testSigner(),
  spec: AuthenticodeSpec = {},
): Uint8Array {
  return attach(image, [authenticode(image, s, spec)]);
}

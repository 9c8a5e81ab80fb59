// The oracle's cases: PE images for kexec_file_load and modules for
// finit_module, each derived from a real file of ../shared/corpus by a few
// byte edits found by parsing (PE headers, WIN_CERTIFICATE, PKCS#7 DER,
// struct module_signature). Deterministic: the same corpus gives the same
// cases. The one case that needs an external tool (a second signature by
// sbsign) records sbsign's output as edits, so it rebuilds without sbsign.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyEdits, type Derivation, type Edit, sha256 } from "./derivation.js";

export interface OracleCase {
  id: string;
  kind: "pe" | "module" | "ima";
  /** Module name for delete_module() (modules only). */
  module?: string;
  /** finit_module() flags (modules only): 4 = MODULE_INIT_COMPRESSED_FILE. */
  flags?: number;
  /** IMA only: the file (under ../shared/corpus, unchanged) whose security.ima is the derivation's bytes. */
  content?: string;
  derivation: Derivation;
}

/** The kernels the oracle knows: where their image and their cases come from. */
export const RELEASES = {
  "6.1.0-56-amd64": {
    version: "6.1",
    image: "pe/debian/vmlinuz-6.1.0-56-amd64.efi",
    unsigned: "pe/debian/vmlinuz-6.1.0-56-amd64.unsigned.efi",
  },
  "6.12.117+deb12-amd64": {
    version: "6.12",
    image: "oracle/6.12.117+deb12-amd64/vmlinuz.signed",
    unsigned: "oracle/6.12.117+deb12-amd64/vmlinuz.unsigned",
  },
} as const;
export type Release = keyof typeof RELEASES;

// ---------------------------------------------------------------- DER walker

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  at: number;
  /** Offset of the contents. */
  start: number;
  end: number;
}

function tlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at]!;
  let n = b[at + 1]!;
  let start = at + 2;
  if (n & 0x80) {
    const k = n & 0x7f;
    n = 0;
    for (let i = 0; i < k; i++) n = n * 256 + b[at + 2 + i]!;
    start += k;
  }
  return { tag, at, start, end: start + n };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = tlv(b, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const le16 = (v: number) => hex(Uint8Array.of(v & 0xff, (v >> 8) & 0xff));
const le32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return hex(b);
};
const be32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return hex(b);
};

const OID_MESSAGE_DIGEST = "06092a864886f70d010904";
const OID_SIGNING_TIME = "06092a864886f70d010905";

/** Where the interesting parts of a PKCS#7 SignedData are, relative to its first byte. */
interface P7Layout {
  signatureValue: Tlv;
  messageDigest?: Tlv;
  signingTime?: Tlv;
  /** The signer's certificate (matched by serial), when the message carries it. */
  signerCert?: { spkiBits: Tlv; certSignature: Tlv };
}

function pkcs7Layout(p7: Uint8Array): P7Layout {
  const ci = tlv(p7, 0);
  const sd = children(p7, children(p7, ci)[1]!)[0]!;
  const sdc = children(p7, sd);
  const signerInfos = sdc[sdc.length - 1]!;
  const si = children(p7, signerInfos)[0]!;
  const sic = children(p7, si);
  const signatureValue = sic.find((c) => c.tag === 0x04)!;
  const out: P7Layout = { signatureValue };
  const attrs = sic.find((c) => c.tag === 0xa0);
  for (const a of attrs ? children(p7, attrs) : []) {
    const [oid, values] = children(p7, a);
    const oidHex = hex(p7.subarray(oid!.at, oid!.end));
    const v = children(p7, values!)[0]!;
    if (oidHex === OID_MESSAGE_DIGEST) out.messageDigest = v;
    if (oidHex === OID_SIGNING_TIME) out.signingTime = v;
  }
  const serial = children(p7, sic[1]!)[1]!;
  const serialHex = hex(p7.subarray(serial.at, serial.end));
  const certs = sdc.find((c) => c.tag === 0xa0);
  for (const cert of certs ? children(p7, certs) : []) {
    const [tbs, , certSignature] = children(p7, cert);
    const tc = children(p7, tbs!);
    const i = tc[0]!.tag === 0xa0 ? 1 : 0;
    if (hex(p7.subarray(tc[i]!.at, tc[i]!.end)) !== serialHex) continue;
    const spki = tc[i + 5]!;
    out.signerCert = { spkiBits: children(p7, spki)[1]!, certSignature: certSignature! };
  }
  return out;
}

// ---------------------------------------------------------------- PE

interface PeLayout {
  /** Offset of the optional header. */
  opt: number;
  headerSizeAt: number;
  nDirsAt: number;
  certVaAt: number;
  certSizeAt: number;
  certVa: number;
  certSize: number;
}

function peLayout(b: Uint8Array): PeLayout {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const pe = v.getUint32(0x3c, true);
  const opt = pe + 24;
  if (v.getUint16(opt, true) !== 0x20b) throw new Error("expected PE32+");
  const certVaAt = opt + 112 + 4 * 8;
  return {
    opt,
    headerSizeAt: opt + 60,
    nDirsAt: opt + 108,
    certVaAt,
    certSizeAt: certVaAt + 4,
    certVa: v.getUint32(certVaAt, true),
    certSize: v.getUint32(certVaAt + 4, true),
  };
}

/** Edits that turn `base` into `target`: changed runs within base's length, then the tail. */
function diffEdits(base: Uint8Array, target: Uint8Array): Edit[] {
  const out: Edit[] = [];
  const n = Math.min(base.length, target.length);
  for (let i = 0; i < n; i++) {
    if (base[i] === target[i]) continue;
    let j = i;
    while (j < n && base[j] !== target[j]) j++;
    out.push({ op: "set", offset: i, hex: hex(target.subarray(i, j)) });
    i = j;
  }
  if (target.length < base.length) out.push({ op: "truncate", length: target.length });
  if (target.length > base.length) out.push({ op: "append", hex: hex(target.subarray(base.length)) });
  return out;
}

function sbsignSecond(corpus: string, basePath: string, base: Uint8Array): Edit[] {
  const dir = mkdtempSync(join(tmpdir(), "kernel-oracle-"));
  try {
    const out = join(dir, "signed.efi");
    const keys = join(corpus, "pe", "testkeys");
    execFileSync(
      "sbsign",
      [
        "--key",
        join(keys, "test-signer.key"),
        "--cert",
        join(keys, "test-signer.pem"),
        "--output",
        out,
        join(corpus, basePath),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    return diffEdits(base, readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function peCases(corpus: string, release: Release): OracleCase[] {
  const basePath = RELEASES[release].image;
  const base = new Uint8Array(readFileSync(join(corpus, basePath)));
  const L = peLayout(base);
  // the descriptions below name these values
  if (new DataView(base.buffer, base.byteOffset).getUint32(L.nDirsAt, true) !== 6)
    throw new Error("expected 6 data directories");
  if (base[L.certVa + 9] !== 0x82) throw new Error("expected a 0x82 PKCS#7 length form");
  const w = L.certVa; // the WIN_CERTIFICATE
  const p7at = w + 8;
  const dwLength = new DataView(base.buffer, base.byteOffset).getUint32(w, true);
  const p7len = tlv(base, p7at).end - p7at;
  const p7 = pkcs7Layout(base.subarray(p7at, p7at + p7len));
  const sig = p7.signatureValue;
  const sigLen = sig.end - sig.start;
  const cases: OracleCase[] = [];
  const add = (id: string, description: string, edits: Edit[], b: string = basePath) =>
    cases.push({ id: `pe.${id}`, kind: "pe", derivation: { base: b, description, edits, sha256: "" } });

  add("unchanged", "the Debian-signed vmlinuz as shipped", []);
  add(
    "unsigned",
    "the corpus's sbattach --remove copy (no certificate table)",
    [],
    RELEASES[release].unsigned,
  );
  add("cert-dirent-zeroed", "certificate table data directory entry set to {0, 0}", [
    { op: "set", offset: L.certVaAt, hex: le32(0) + le32(0) },
  ]);

  // (A) two WIN_CERTIFICATEs
  const second = sbsignSecond(corpus, basePath, base);
  const signedTwice = applyEdits(base, second);
  const size2 = new DataView(signedTwice.buffer, signedTwice.byteOffset).getUint32(L.certSizeAt, true);
  add(
    "two-certs.sbsign",
    "sbsign --key testkeys/test-signer.key --cert testkeys/test-signer.pem over the signed image: a second " +
      `WIN_CERTIFICATE appended, table size ${L.certSize} -> ${size2} (first dwLength ${dwLength} < table size)`,
    second,
  );
  add(
    "two-certs.sbsign.first-dwlength-unaligned",
    `as two-certs.sbsign, and the first entry's dwLength ${dwLength} -> ${dwLength + 3} (not a multiple of 8; table size is)`,
    [...second, { op: "set", offset: w, hex: le32(dwLength + 3) }],
  );
  add(
    "two-certs.sbsign.first-rsa-flipped",
    "as two-certs.sbsign, and bit 0x01 of the middle byte of the FIRST signature's RSA value flipped",
    [...second, { op: "xor", offset: p7at + sig.start + (sigLen >> 1), mask: 0x01 }],
  );
  add(
    "one-cert.dwlength-unaligned-padded",
    `one entry, dwLength ${dwLength} -> ${dwLength + 3}, 8 zero bytes appended to the table (size ${L.certSize} -> ${L.certSize + 8})`,
    [
      { op: "set", offset: w, hex: le32(dwLength + 3) },
      { op: "set", offset: L.certSizeAt, hex: le32(L.certSize + 8) },
      { op: "append-zeros", length: 8 },
    ],
  );

  // (B) bit flips in the RSA signature value
  for (const [name, off, mask] of [
    ["first-byte-0x80", 0, 0x80],
    ["first-byte-0x01", 0, 0x01],
    ["middle-byte-0x10", sigLen >> 1, 0x10],
    ["last-byte-0x01", sigLen - 1, 0x01],
  ] as const)
    add(
      `rsa-flip.${name}`,
      `signature value (OCTET STRING of the SignerInfo, ${sigLen} bytes at PKCS#7+${sig.start}): byte ${off} ^= 0x${mask.toString(16)}`,
      [{ op: "xor", offset: p7at + sig.start + off, mask }],
    );

  // WIN_CERTIFICATE header
  for (const v of [dwLength + 8, 0, 4, 7, 8, 11, 12])
    add(`dwlength.${v}`, `first WIN_CERTIFICATE dwLength ${dwLength} -> ${v} (table size ${L.certSize})`, [
      { op: "set", offset: w, hex: le32(v) },
    ]);
  add("revision.0x100", "wRevision 0x200 -> 0x100", [{ op: "set", offset: w + 4, hex: le16(0x100) }]);
  add("type.1", "wCertificateType 2 (PKCS_SIGNED_DATA) -> 1 (X509)", [
    { op: "set", offset: w + 6, hex: le16(1) },
  ]);

  // PKCS#7 header
  add("p7.first-byte-0x31", "PKCS#7 first byte 0x30 -> 0x31", [{ op: "set", offset: p7at, hex: "31" }]);
  add("p7.length-form-0x83", "PKCS#7 length byte 0x82 -> 0x83", [{ op: "set", offset: p7at + 1, hex: "83" }]);
  add("p7.length-form-0x80", "PKCS#7 length byte 0x82 -> 0x80 (indefinite)", [
    { op: "set", offset: p7at + 1, hex: "80" },
  ]);
  add("p7.length-form-0x81", "PKCS#7 length byte 0x82 -> 0x81 (length = next byte)", [
    { op: "set", offset: p7at + 1, hex: "81" },
  ]);
  const outer = p7len - 4;
  add("p7.outer-length-plus-1", `PKCS#7 outer SEQUENCE length ${outer} -> ${outer + 1}`, [
    { op: "set", offset: p7at + 2, hex: hex(Uint8Array.of((outer + 1) >> 8, (outer + 1) & 0xff)) },
  ]);
  add("p7.outer-length-minus-16", `PKCS#7 outer SEQUENCE length ${outer} -> ${outer - 16}`, [
    { op: "set", offset: p7at + 2, hex: hex(Uint8Array.of((outer - 16) >> 8, (outer - 16) & 0xff)) },
  ]);
  add("p7.truncated", "file cut 700 bytes into the PKCS#7; dwLength and table size set to 708", [
    { op: "truncate", length: p7at + 700 },
    { op: "set", offset: w, hex: le32(708) },
    { op: "set", offset: L.certSizeAt, hex: le32(708) },
  ]);

  // inside the signature
  if (p7.messageDigest) {
    const m = p7.messageDigest;
    add("authattr.messagedigest-flip", "authenticatedAttributes messageDigest value: middle byte ^= 0x01", [
      { op: "xor", offset: p7at + m.start + ((m.end - m.start) >> 1), mask: 0x01 },
    ]);
  }
  if (p7.signingTime) {
    add("authattr.signingtime-flip", "authenticatedAttributes signingTime: last seconds digit ^= 0x01", [
      { op: "xor", offset: p7at + p7.signingTime.end - 2, mask: 0x01 },
    ]);
  }
  if (p7.signerCert) {
    const k = p7.signerCert.spkiBits;
    add("signer-cert.modulus-flip", "signer certificate subjectPublicKey BIT STRING: middle byte ^= 0x01", [
      { op: "xor", offset: p7at + k.start + ((k.end - k.start) >> 1), mask: 0x01 },
    ]);
    const s = p7.signerCert.certSignature;
    add("signer-cert.signature-flip", "signer certificate's own signatureValue: middle byte ^= 0x01", [
      { op: "xor", offset: p7at + s.start + ((s.end - s.start) >> 1), mask: 0x01 },
    ]);
  }

  // the table's place in the file
  add("table.size-past-eof", `certificate table size ${L.certSize} -> ${L.certSize + 8} (ends past EOF)`, [
    { op: "set", offset: L.certSizeAt, hex: le32(L.certSize + 8) },
  ]);
  add("table.va-past-eof", `certificate table address ${L.certVa} -> ${base.length} (EOF)`, [
    { op: "set", offset: L.certVaAt, hex: le32(base.length) },
  ]);
  add("table.data-appended", "4096 zero bytes appended after the certificate table (table unchanged)", [
    { op: "append-zeros", length: 4096 },
  ]);
  add("headers.ndirs-4", "NumberOfRvaAndSizes 6 -> 4 (the certificate entry is the 5th)", [
    { op: "set", offset: L.nDirsAt, hex: le32(4) },
  ]);
  add("headers.ndirs-0", "NumberOfRvaAndSizes 6 -> 0", [{ op: "set", offset: L.nDirsAt, hex: le32(0) }]);
  add("headers.sizeofheaders-filesize", `SizeOfHeaders -> ${base.length} (the file size)`, [
    { op: "set", offset: L.headerSizeAt, hex: le32(base.length) },
  ]);
  add("headers.sizeofheaders-0x100", "SizeOfHeaders -> 0x100 (too small for the section table)", [
    { op: "set", offset: L.headerSizeAt, hex: le32(0x100) },
  ]);
  return cases;
}

// ---------------------------------------------------------------- modules

const MARKER = Buffer.from("~Module signature appended~\n");

interface ModLayout {
  /** Length of the module content (what the signature covers). */
  content: number;
  sigLen: number;
  /** Offset of struct module_signature. */
  ms: number;
}

function modLayout(b: Uint8Array): ModLayout {
  const end = b.length - MARKER.length;
  if (!Buffer.from(b.subarray(end)).equals(MARKER)) throw new Error("module not signed");
  const ms = end - 12;
  const sigLen = Buffer.from(b.subarray(ms + 8, ms + 12)).readUInt32BE(0);
  return { content: ms - sigLen, sigLen, ms };
}

function moduleCases61(corpus: string): OracleCase[] {
  const cases: OracleCase[] = [];
  const add = (id: string, module: string, base: string, description: string, edits: Edit[]) =>
    cases.push({
      id: `mod.${id}`,
      kind: "module",
      module,
      derivation: { base, description, edits, sha256: "" },
    });

  for (const [name, mod, path] of [
    ["crc7", "crc7", "modules/debian/crc7.ko"],
    ["crc-itu-t", "crc_itu_t", "modules/debian/crc-itu-t.ko"],
  ] as const) {
    const b = new Uint8Array(readFileSync(join(corpus, path)));
    const L = modLayout(b);
    const p7 = pkcs7Layout(b.subarray(L.content, L.content + L.sigLen));
    const sig = p7.signatureValue;
    const sigLen = sig.end - sig.start;
    const rsa = (off: number, mask: number): Edit[] => [
      { op: "xor", offset: L.content + sig.start + off, mask },
    ];
    add(`${name}.unchanged`, mod, path, "as shipped (signed by the Debian module key)", []);
    add(
      `${name}.unsigned`,
      mod,
      path,
      `signature, struct module_signature and marker cut off (length ${L.content})`,
      [{ op: "truncate", length: L.content }],
    );
    add(
      `${name}.rsa-flip.middle-byte-0x10`,
      mod,
      path,
      `RSA signature value (${sigLen} bytes): middle byte ^= 0x10`,
      rsa(sigLen >> 1, 0x10),
    );
    add(`${name}.content-flip`, mod, path, `module content: byte ${L.content >> 1} ^= 0x01`, [
      { op: "xor", offset: L.content >> 1, mask: 0x01 },
    ]);
    if (name !== "crc7") continue;
    add(
      `${name}.rsa-flip.first-byte-0x80`,
      mod,
      path,
      "RSA signature value: first byte ^= 0x80",
      rsa(0, 0x80),
    );
    add(
      `${name}.rsa-flip.last-byte-0x01`,
      mod,
      path,
      "RSA signature value: last byte ^= 0x01",
      rsa(sigLen - 1, 0x01),
    );
    const fileLen = b.length - MARKER.length;
    add(
      `${name}.sig-len-file`,
      mod,
      path,
      `sig_len ${L.sigLen} -> ${fileLen} (larger than the file less the marker and struct)`,
      [{ op: "set", offset: L.ms + 8, hex: be32(fileLen) }],
    );
    add(
      `${name}.sig-len-max`,
      mod,
      path,
      `sig_len ${L.sigLen} -> ${fileLen - 13} (the largest mod_check_sig() allows)`,
      [{ op: "set", offset: L.ms + 8, hex: be32(fileLen - 13) }],
    );
    add(`${name}.sig-len-0xffffffff`, mod, path, `sig_len ${L.sigLen} -> 0xffffffff`, [
      { op: "set", offset: L.ms + 8, hex: "ffffffff" },
    ]);
    add(`${name}.sig-len-0`, mod, path, `sig_len ${L.sigLen} -> 0`, [
      { op: "set", offset: L.ms + 8, hex: be32(0) },
    ]);
    for (const [field, at, v] of [
      ["id_type-0", 2, 0],
      ["id_type-1", 2, 1],
      ["id_type-3", 2, 3],
      ["algo-1", 0, 1],
      ["hash-1", 1, 1],
      ["signer_len-1", 3, 1],
      ["key_id_len-1", 4, 1],
      ["pad0-1", 5, 1],
    ] as const)
      add(
        `${name}.ms.${field}`,
        mod,
        path,
        `struct module_signature byte ${at} (${field.replace(/-\d+$/, "")}) -> ${v}`,
        [{ op: "set", offset: L.ms + at, hex: hex(Uint8Array.of(v)) }],
      );
    const cut = 16;
    add(
      `${name}.p7-truncated`,
      mod,
      path,
      `PKCS#7 cut by its last ${cut} bytes, sig_len ${L.sigLen} -> ${L.sigLen - cut}`,
      [
        { op: "truncate", length: L.ms - cut },
        { op: "append", hex: hex(b.subarray(L.ms, L.ms + 8)) + be32(L.sigLen - cut) + hex(MARKER) },
      ],
    );
    add(`${name}.p7-first-byte-0x31`, mod, path, "PKCS#7 first byte 0x30 -> 0x31", [
      { op: "set", offset: L.content, hex: "31" },
    ]);
    add(`${name}.marker-damaged`, mod, path, "first byte of the marker '~' ^= 0x01", [
      { op: "xor", offset: b.length - MARKER.length, mask: 0x01 },
    ]);
    add(`${name}.marker-truncated`, mod, path, "the marker's final newline cut off", [
      { op: "truncate", length: b.length - 1 },
    ]);
  }

  // real files of the corpus, unchanged
  for (const [id, mod, path] of [
    ["variant.crc7.tampered", "crc7", "modules/variants/crc7.tampered.ko"],
    ["variant.crc7.tampered-sig", "crc7", "modules/variants/crc7.tampered-sig.ko"],
    ["variant.crc7.double-signed", "crc7", "modules/variants/crc7.double-signed.ko"],
    ["variant.crc7.resigned-rsa2048-sha256", "crc7", "modules/variants/crc7.resigned-rsa2048-sha256.ko"],
    ["variant.crc7.resigned-rsa2048-sha512", "crc7", "modules/variants/crc7.resigned-rsa2048-sha512.ko"],
    [
      "variant.crc7.resigned-ecdsa-p256-sha256",
      "crc7",
      "modules/variants/crc7.resigned-ecdsa-p256-sha256.ko",
    ],
    [
      "variant.tcp_scalable.resigned-rsa2048-sha256",
      "tcp_scalable",
      "modules/variants/tcp_scalable.resigned-rsa2048-sha256.ko",
    ],
    ["oracle.badsig", "crc8", "oracle/6.1.0-56-amd64/badsig.ko"],
    ["oracle.unsigned", "crc7", "oracle/6.1.0-56-amd64/unsigned.ko"],
    ["oracle.signed", "msr", "oracle/6.1.0-56-amd64/signed.ko"],
    ["oracle.forced", "ts_kmp", "oracle/6.1.0-56-amd64/forced.ko"],
  ] as const)
    add(id, mod, path, `the corpus file ${path}, unchanged`, []);
  return cases;
}

/** The DER SEQUENCE { INTEGER r, INTEGER s } of an X9.62 ECDSA signature value, relative to its first byte. */
function ecdsaLayout(b: Uint8Array, at: number): { seq: Tlv; r: Tlv; s: Tlv } {
  const seq = tlv(b, at);
  const [r, s] = children(b, seq);
  if (seq.tag !== 0x30 || r?.tag !== 0x02 || s?.tag !== 0x02) throw new Error("not an X9.62 ECDSA signature");
  return { seq, r, s };
}

/**
 * 6.12: Debian's modules are .ko.xz signed with ECDSA P-384. The bases are the oracle folder's
 * decompressed (xz -dc) copies; compressed.ko.xz is loaded as is with MODULE_INIT_COMPRESSED_FILE.
 */
function moduleCases612(corpus: string): OracleCase[] {
  const dir = "oracle/6.12.117+deb12-amd64";
  const cases: OracleCase[] = [];
  const add = (
    id: string,
    module: string,
    base: string,
    description: string,
    edits: Edit[],
    flags?: number,
  ) =>
    cases.push({
      id: `mod.${id}`,
      kind: "module",
      module,
      ...(flags ? { flags } : {}),
      derivation: { base, description, edits, sha256: "" },
    });
  for (const [name, mod, path, full] of [
    ["ts_kmp", "ts_kmp", `${dir}/forced.ko`, true],
    ["msr", "msr", `${dir}/signed.ko`, false],
  ] as const) {
    const b = new Uint8Array(readFileSync(join(corpus, path)));
    const L = modLayout(b);
    const p7 = pkcs7Layout(b.subarray(L.content, L.content + L.sigLen));
    const sig = p7.signatureValue;
    const sigLen = sig.end - sig.start;
    const at = L.content + sig.start; // the X9.62 DER in the file
    const E = ecdsaLayout(b, at);
    const flip = (off: number, mask: number): Edit[] => [{ op: "xor", offset: at + off, mask }];
    add(
      `${name}.unchanged`,
      mod,
      path,
      "as shipped (signed by the Debian 6.12 module key, ECDSA P-384), xz -dc",
      [],
    );
    add(
      `${name}.unsigned`,
      mod,
      path,
      `signature, struct module_signature and marker cut off (length ${L.content})`,
      [{ op: "truncate", length: L.content }],
    );
    add(
      `${name}.ecdsa-flip.middle-byte-0x10`,
      mod,
      path,
      `ECDSA signature value (${sigLen}-byte X9.62 DER): middle byte ^= 0x10`,
      flip(sigLen >> 1, 0x10),
    );
    add(`${name}.content-flip`, mod, path, `module content: byte ${L.content >> 1} ^= 0x01`, [
      { op: "xor", offset: L.content >> 1, mask: 0x01 },
    ]);
    if (!full) continue;
    const rLen = E.r.end - E.r.start;
    const sLen = E.s.end - E.s.start;
    add(
      `${name}.ecdsa-flip.last-byte-0x01`,
      mod,
      path,
      "ECDSA signature value: last byte (low bit of s) ^= 0x01",
      flip(sigLen - 1, 0x01),
    );
    add(
      `${name}.ecdsa-flip.seq-tag`,
      mod,
      path,
      "ECDSA signature value: SEQUENCE tag 0x30 -> 0x31",
      flip(0, 0x01),
    );
    add(
      `${name}.ecdsa-flip.r-tag`,
      mod,
      path,
      "ECDSA signature value: r's INTEGER tag 0x02 -> 0x03",
      flip(E.r.at - E.seq.at, 0x01),
    );
    add(
      `${name}.ecdsa-flip.r-first-byte-0x80`,
      mod,
      path,
      `ECDSA signature value: r (${rLen} bytes) first byte ^= 0x80`,
      flip(E.r.start - E.seq.at, 0x80),
    );
    add(`${name}.ecdsa.r-all-ff`, mod, path, `ECDSA r (${rLen} bytes) set to all 0xff (r >= n)`, [
      { op: "set", offset: at + E.r.start - E.seq.at, hex: "ff".repeat(rLen) },
    ]);
    add(`${name}.ecdsa.s-zero`, mod, path, `ECDSA s (${sLen} bytes) set to all zero`, [
      { op: "set", offset: at + E.s.start - E.seq.at, hex: "00".repeat(sLen) },
    ]);
    add(`${name}.ms.id_type-0`, mod, path, "struct module_signature byte 2 (id_type) -> 0", [
      { op: "set", offset: L.ms + 2, hex: "00" },
    ]);
    add(`${name}.ms.algo-1`, mod, path, "struct module_signature byte 0 (algo) -> 1", [
      { op: "set", offset: L.ms, hex: "01" },
    ]);
    const fileLen = b.length - MARKER.length;
    add(
      `${name}.sig-len-file`,
      mod,
      path,
      `sig_len ${L.sigLen} -> ${fileLen} (larger than the file less the marker and struct)`,
      [{ op: "set", offset: L.ms + 8, hex: be32(fileLen) }],
    );
    add(`${name}.sig-len-0`, mod, path, `sig_len ${L.sigLen} -> 0`, [
      { op: "set", offset: L.ms + 8, hex: be32(0) },
    ]);
    add(`${name}.p7-first-byte-0x31`, mod, path, "PKCS#7 first byte 0x30 -> 0x31", [
      { op: "set", offset: L.content, hex: "31" },
    ]);
    add(`${name}.marker-truncated`, mod, path, "the marker's final newline cut off", [
      { op: "truncate", length: b.length - 1 },
    ]);
  }
  // compressed: loaded with MODULE_INIT_COMPRESSED_FILE, decompressed by the kernel
  const cz = `${dir}/compressed.ko.xz`;
  add(
    "compressed.crc-itu-t.unchanged",
    "crc_itu_t",
    cz,
    "the Debian .ko.xz as shipped, finit_module(MODULE_INIT_COMPRESSED_FILE)",
    [],
    4,
  );
  add(
    "compressed.crc-itu-t.ecdsa-flip",
    "crc_itu_t",
    cz,
    "xz -dc, ECDSA signature value middle byte ^= 0x10, xz -c -6 --check=crc32 again (recorded as edits); finit_module(MODULE_INIT_COMPRESSED_FILE)",
    xzFlipped(corpus, cz),
    4,
  );
  add(
    "compressed.crc-itu-t.as-plain",
    "crc_itu_t",
    cz,
    "the Debian .ko.xz passed WITHOUT MODULE_INIT_COMPRESSED_FILE (the kernel sees xz bytes)",
    [],
  );
  // the oracle folder's own files, unchanged
  for (const [id, mod, file] of [
    ["oracle.badsig", "crc8", "badsig.ko"],
    ["oracle.unsigned", "crc7", "unsigned.ko"],
  ] as const)
    add(id, mod, `${dir}/${file}`, `the corpus file ${dir}/${file}, unchanged`, []);
  return cases;
}

/** The compressed module with its ECDSA signature's middle byte flipped, recompressed by xz: as edits. */
function xzFlipped(corpus: string, path: string): Edit[] {
  const base = new Uint8Array(readFileSync(join(corpus, path)));
  const plain = new Uint8Array(execFileSync("xz", ["-dc"], { input: base }));
  const L = modLayout(plain);
  const sig = pkcs7Layout(plain.subarray(L.content, L.content + L.sigLen)).signatureValue;
  const flipped = applyEdits(plain, [
    { op: "xor", offset: L.content + sig.start + ((sig.end - sig.start) >> 1), mask: 0x10 },
  ]);
  const z = new Uint8Array(execFileSync("xz", ["-c", "-6", "--check=crc32"], { input: flipped }));
  return diffEdits(base, z);
}

/**
 * IMA: a corpus file appraised on tmpfs with its security.ima set to a corpus value (or a byte edit of
 * one), under `appraise func=FILE_CHECK fsmagic=0x01021994 fowner=4242 appraise_type=imasig`, the two
 * IMA test certificates added to the _ima keyring.
 */
function imaCases(): OracleCase[] {
  const cases: OracleCase[] = [];
  const add = (id: string, content: string, base: string, description: string, edits: Edit[] = []) =>
    cases.push({
      id: `ima.${id}`,
      kind: "ima",
      content: `ima/files/${content}`,
      derivation: { base: `ima/sigs/${base}`, description, edits, sha256: "" },
    });
  const rsa = "hello.txt.rsa2048-sha256.ima.bin";
  const ec = "hello.txt.ecdsa-p256-sha256.ima.bin";
  const HDR = 9; // struct signature_v2_hdr
  add("rsa.valid", "hello.txt", rsa, "evmctl ima_sign RSA-2048 SHA-256, as in the corpus");
  add(
    "rsa.tampered-sig",
    "hello.txt",
    "hello.txt.rsa2048-sha256.tampered-sig.ima.bin",
    "the corpus's RSA value with one bit flipped",
  );
  add("rsa.flip.middle-byte-0x10", "hello.txt", rsa, "RSA signature (256 bytes): middle byte ^= 0x10", [
    { op: "xor", offset: HDR + 128, mask: 0x10 },
  ]);
  add("rsa.flip.first-byte-0x80", "hello.txt", rsa, "RSA signature: first byte ^= 0x80", [
    { op: "xor", offset: HDR, mask: 0x80 },
  ]);
  add("rsa.flip.last-byte-0x01", "hello.txt", rsa, "RSA signature: last byte ^= 0x01", [
    { op: "xor", offset: HDR + 255, mask: 0x01 },
  ]);
  add("rsa.other-file", "hello.tampered.txt", rsa, "hello.txt's valid RSA value on hello.tampered.txt");
  add("rsa.sha512.valid", "hello.txt", "hello.txt.rsa2048-sha512.ima.bin", "RSA-2048, hash_algo 6 (SHA-512)");
  add("rsa.keyid-flip", "hello.txt", rsa, "keyid's last byte ^= 0x01 (no such key)", [
    { op: "xor", offset: 6, mask: 0x01 },
  ]);
  add("rsa.sig-size-plus-1", "hello.txt", rsa, "sig_size 256 -> 257", [
    { op: "set", offset: 7, hex: "0101" },
  ]);
  add("ecdsa.valid", "hello.txt", ec, "evmctl ima_sign ECDSA P-256 SHA-256, as in the corpus");
  add(
    "ecdsa.tampered-sig",
    "hello.txt",
    "hello.txt.ecdsa-p256-sha256.tampered-sig.ima.bin",
    "the corpus's ECDSA value with one bit flipped",
  );
  add("ecdsa.flip.last-byte-0x01", "hello.txt", ec, "ECDSA signature: last byte (low bit of s) ^= 0x01", [
    { op: "xor", offset: 78, mask: 0x01 },
  ]);
  add("ecdsa.other-file", "hello.tampered.txt", ec, "hello.txt's valid ECDSA value on hello.tampered.txt");
  add(
    "digest-ng",
    "hello.txt",
    "hello.txt.digest-sha256.ima.bin",
    "evmctl ima_hash: type 0x04 IMA_XATTR_DIGEST_NG sha256, matching the file",
  );
  return cases;
}

/** Every case for that kernel, with its bytes; sha256 filled in. */
export function buildCases(corpus: string, release: Release): { c: OracleCase; bytes: Uint8Array }[] {
  const out: { c: OracleCase; bytes: Uint8Array }[] = [];
  const mods = release === "6.1.0-56-amd64" ? moduleCases61(corpus) : moduleCases612(corpus);
  for (const c of [...peCases(corpus, release), ...mods, ...imaCases()]) {
    const bytes = applyEdits(readFileSync(join(corpus, c.derivation.base)), c.derivation.edits);
    c.derivation.sha256 = sha256(bytes);
    out.push({ c, bytes });
  }
  const ids = new Set(out.map((x) => x.c.id));
  if (ids.size !== out.length) throw new Error("duplicate case ids");
  return out;
}

// PE/COFF images as crypto/asymmetric_keys/verify_pefile.c reads them
// (include/linux/pe.h): header walk, the WIN_CERTIFICATE wrapper and the
// byte ranges of the Authenticode digest. Every read is bounded; the kernel's
// own bounds rule (chkaddr) decides what is -ELIBBAD.
import type { ErrnoName } from "../errno.js";
import { FormatError } from "../errors.js";

export const MZ_MAGIC = 0x5a4d;
export const PE_MAGIC = 0x00004550;
export const PE_OPT_MAGIC_PE32 = 0x10b;
export const PE_OPT_MAGIC_PE32PLUS = 0x20b;
export const WIN_CERT_REVISION_2_0 = 0x0200;
export const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
const SECTION_HEADER_SIZE = 40;

export interface SectionHeader {
  index: number;
  /** File offset of this 40-byte header. */
  offset: number;
  name: string;
  virtualSize: number;
  virtualAddress: number;
  rawDataSize: number;
  dataAddr: number;
}

/** struct pefile_context, as filled by pefile_parse_binary(). */
export interface PeLayout {
  pe32plus: boolean;
  peOffset: number;
  checksumOffset: number;
  checksum: number;
  headerSize: number;
  nDataDirents: number;
  certDirentOffset: number;
  /** Certificate table: file offset and size from the data directory. */
  certsOffset: number;
  certsSize: number;
  sections: SectionHeader[];
  sectionTableOffset: number;
}

export class PeError extends FormatError {
  override name = "PeError";
}

function fail(msg: string, errno: ErrnoName = "ELIBBAD"): never {
  throw new PeError(`PE: ${msg}`, errno);
}

function u16(b: Uint8Array, o: number): number {
  if (o < 0 || o + 2 > b.length) fail(`read past end of file at ${o}`);
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  if (o < 0 || o + 4 > b.length) fail(`read past end of file at ${o}`);
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** pefile_parse_binary(): chkaddr(base, x, s) fails if x < base, s >= len or x > len - s. */
function chkaddr(base: number, x: number, s: number, len: number, what: string): void {
  if (x < base || s >= len || x > len - s) fail(`${what} out of range`);
}

/** Whether a buffer starts like a PE image ("MZ" and a plausible "PE\0\0"). */
export function looksLikePe(b: Uint8Array): boolean {
  if (b.length < 64 || (b[0]! | (b[1]! << 8)) !== MZ_MAGIC) return false;
  const lfanew = u32(b, 0x3c);
  return lfanew + 4 <= b.length && u32(b, lfanew) === PE_MAGIC;
}

/**
 * pefile_parse_binary(). Returns the layout, or throws PeError with
 * -ELIBBAD, or -ENODATA for an unsigned image ("Unsigned PE binary").
 */
export function parsePe(b: Uint8Array, opts: { allowUnsigned?: boolean } = {}): PeLayout {
  const len = b.length;
  chkaddr(0, 0, 64, len, "DOS header");
  if (u16(b, 0) !== MZ_MAGIC) fail("no MZ signature");
  const peOffset = u32(b, 0x3c);
  chkaddr(64, peOffset, 24, len, "PE header");
  if (u32(b, peOffset) !== PE_MAGIC) fail("no PE signature");
  const nSections = u16(b, peOffset + 6);
  let cursor = peOffset + 24;
  chkaddr(0, cursor, 2, len, "optional header magic");
  const magic = u16(b, cursor);
  let pe32plus: boolean;
  if (magic === PE_OPT_MAGIC_PE32) {
    chkaddr(0, cursor, 96, len, "PE32 optional header");
    pe32plus = false;
  } else if (magic === PE_OPT_MAGIC_PE32PLUS) {
    chkaddr(0, cursor, 112, len, "PE32+ optional header");
    pe32plus = true;
  } else fail(`Unknown PEOPT magic = ${magic.toString(16).padStart(4, "0")}`);
  const checksumOffset = cursor + 64;
  const headerSize = u32(b, cursor + 60);
  const nDataDirents = u32(b, cursor + (pe32plus ? 108 : 92));
  cursor += pe32plus ? 112 : 96;
  if (cursor >= headerSize || headerSize >= len) fail("SizeOfHeaders out of range");
  if (nDataDirents > Math.floor((headerSize - cursor) / 8)) fail("too many data directories");
  // The certificate entry is read at index 4 whatever NumberOfRvaAndSizes says.
  const certDirentOffset = cursor + 4 * 8;
  const certsOffset = u32(b, certDirentOffset);
  const certsSize = u32(b, certDirentOffset + 4);
  cursor += 8 * nDataDirents;
  const unsigned = !certsOffset || !certsSize;
  if (unsigned && !opts.allowUnsigned) fail("Unsigned PE binary", "ENODATA");
  if (!unsigned) chkaddr(headerSize, certsOffset, certsSize, len, "certificate table");
  if (nSections > Math.floor((headerSize - cursor) / SECTION_HEADER_SIZE)) fail("too many sections");
  const sections: SectionHeader[] = [];
  for (let i = 0; i < nSections; i++) {
    const o = cursor + i * SECTION_HEADER_SIZE;
    let name = "";
    for (let k = 0; k < 8 && b[o + k] !== 0; k++) name += String.fromCharCode(b[o + k]!);
    sections.push({
      index: i,
      offset: o,
      name,
      virtualSize: u32(b, o + 8),
      virtualAddress: u32(b, o + 12),
      rawDataSize: u32(b, o + 16),
      dataAddr: u32(b, o + 20),
    });
  }
  return {
    pe32plus,
    peOffset,
    checksumOffset,
    checksum: u32(b, checksumOffset),
    headerSize,
    nDataDirents,
    certDirentOffset,
    certsOffset: unsigned ? 0 : certsOffset,
    certsSize: unsigned ? 0 : certsSize,
    sections,
    sectionTableOffset: cursor,
  };
}

/**
 * pefile_strip_sig_wrapper(): the first WIN_CERTIFICATE of the table and the
 * PKCS#7 inside it, sized from its own DER header. Returns the PKCS#7 range.
 */
export function stripSigWrapper(b: Uint8Array, pe: PeLayout): { offset: number; length: number } {
  let sigLen = pe.certsSize;
  let sigOffset = pe.certsOffset;
  if (sigLen < 8) fail("Signature wrapper too short");
  const dwLength = u32(b, sigOffset);
  const revision = u16(b, sigOffset + 4);
  const certType = u16(b, sigOffset + 6);
  // sbsign rounds the table size up to 8, pesign (>= 0.110) does not: only dwLength <= Size is required.
  if (dwLength > sigLen) fail(`Signature wrapper bigger than sig len (${sigLen} < ${dwLength})`);
  if (revision !== WIN_CERT_REVISION_2_0) fail("Signature is not revision 2.0", "ENOTSUPP");
  if (certType !== WIN_CERT_TYPE_PKCS_SIGNED_DATA) fail("Signature certificate type is not PKCS", "ENOTSUPP");
  // ctx->sig_len is unsigned: a dwLength below 8 wraps around to a huge length.
  sigLen = (dwLength - 8) >>> 0;
  sigOffset += 8;
  if (sigLen < 4) fail("Signature data missing", "EKEYREJECTED");
  const at = (i: number) => {
    if (sigOffset + i >= b.length)
      fail("PKCS#7 header outside the file (the kernel would read out of bounds)");
    return b[sigOffset + i]!;
  };
  if (at(0) !== 0x30) fail("Signature data not PKCS#7");
  const l1 = at(1);
  let n: number;
  if (l1 <= 0x7f) n = l1 + 2;
  else if (l1 === 0x80) n = sigLen;
  else if (l1 === 0x81) n = at(2) + 3;
  else if (l1 === 0x82) n = ((at(2) << 8) | at(3)) + 4;
  else fail("Signature data length form too large", "EMSGSIZE");
  if (n > sigLen) fail("Signature data not PKCS#7");
  // pkcs7_parse_message() -> asn1_ber_decoder() refuses anything over 65535 bytes first.
  if (n > 65535) fail("PKCS#7 larger than 65535 bytes", "EMSGSIZE");
  if (sigOffset + n > b.length)
    fail("PKCS#7 extends past the end of the file (the kernel would read out of bounds)");
  return { offset: sigOffset, length: n };
}

/** strcmp() over the section header bytes from the name on (an 8-byte name has no NUL and runs on). */
function strcmpAt(b: Uint8Array, a: number, c: number): number {
  for (let i = 0; ; i++) {
    const x = b[a + i] ?? 0;
    const y = b[c + i] ?? 0;
    if (x !== y) return x - y;
    if (x === 0) return 0;
  }
}

/** pefile_compare_shdrs() */
function compareShdrs(b: Uint8Array, x: SectionHeader, y: SectionHeader): number {
  if (x.dataAddr !== y.dataAddr) return x.dataAddr > y.dataAddr ? 1 : -1;
  if (x.virtualAddress !== y.virtualAddress) return x.virtualAddress > y.virtualAddress ? 1 : -1;
  const rc = strcmpAt(b, x.offset, y.offset);
  if (rc !== 0) return rc;
  if (x.virtualSize !== y.virtualSize) return x.virtualSize > y.virtualSize ? 1 : -1;
  if (x.rawDataSize !== y.rawDataSize) return x.rawDataSize > y.rawDataSize ? 1 : -1;
  return 0;
}

/**
 * The kernel's canonical section order (pefile_digest_pe_contents() sorts by
 * insertion, each section going before the first one that compares greater).
 * For a consistent comparator that is exactly a stable sort, done here in
 * O(n log n) so that 65535 hostile sections cannot stall us.
 */
export function canonicalSections(b: Uint8Array, secs: SectionHeader[]): SectionHeader[] {
  return [...secs].sort((x, y) => compareShdrs(b, x, y));
}

/** A half-open byte range [start, end) fed to the hash. */
export type Range = readonly [number, number];

/**
 * pefile_digest_pe_contents(): the ranges hashed for the Authenticode digest,
 * in order. Arithmetic on hashed_bytes is 32-bit as in the kernel.
 */
export function authenticodeRanges(b: Uint8Array, pe: PeLayout): Range[] {
  const len = b.length;
  const r: Range[] = [];
  let push = (s: number, e: number, what: string) => {
    if (e < s || e > len) fail(`${what} outside the file (the kernel would read out of bounds)`);
    if (e > s) r.push([s, e]);
  };
  // NumberOfSections (u16) headers may all name the same huge range: the kernel would hash
  // every copy. We hash at most this much and call the rest unparseable (a documented deviation).
  let budget = 4 * len + (64 << 20);
  const push0 = push;
  push = (s0: number, e0: number, what: string) => {
    budget -= Math.max(0, e0 - s0);
    if (budget < 0)
      fail("sections would have us hash more than 4x the image; refused (the kernel would hash them all)");
    push0(s0, e0, what);
  };
  push(0, pe.checksumOffset, "header");
  push(pe.checksumOffset + 4, pe.certDirentOffset, "header");
  push(pe.certDirentOffset + 8, pe.headerSize, "header");
  let hashed = pe.headerSize >>> 0;
  for (const s of canonicalSections(b, pe.sections)) {
    if (s.rawDataSize === 0) continue;
    push(s.dataAddr, s.dataAddr + s.rawDataSize, `section ${JSON.stringify(s.name)}`);
    hashed = (hashed + s.rawDataSize) >>> 0;
  }
  if (len > hashed && pe.certsSize === 0) push(hashed, len, "extra data");
  else if (len > hashed) {
    const tmp = (hashed + pe.certsSize) >>> 0;
    if (tmp <= hashed || len < tmp) fail("certificate table does not fit after the hashed data");
    push(hashed, hashed + (len - tmp), "extra data");
  }
  return r;
}

/** One WIN_CERTIFICATE entry of the table (all of them; the kernel only reads the first). */
export interface WinCertificate {
  offset: number;
  dwLength: number;
  revision: number;
  certType: number;
  /** bCertificate */
  data: Uint8Array;
}

/**
 * Walks the whole certificate table the way the PE specification lays it out
 * (entries 8-byte aligned). `exact` says whether the entries tile the table
 * with nothing left over.
 */
export function listWinCertificates(
  b: Uint8Array,
  pe: PeLayout,
): { entries: WinCertificate[]; exact: boolean } {
  const entries: WinCertificate[] = [];
  const end = Math.min(b.length, pe.certsOffset + pe.certsSize);
  let o = pe.certsOffset;
  while (o + 8 <= end) {
    const dwLength = u32(b, o);
    if (dwLength < 8 || o + dwLength > end) return { entries, exact: false };
    entries.push({
      offset: o,
      dwLength,
      revision: u16(b, o + 4),
      certType: u16(b, o + 6),
      data: b.subarray(o + 8, o + dwLength),
    });
    o += (dwLength + 7) & ~7;
  }
  return { entries, exact: o >= end && end === pe.certsOffset + pe.certsSize };
}

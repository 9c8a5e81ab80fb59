// Compressed modules (.ko.xz, .ko.zst, .ko.gz), decompressed before the
// signature check as CONFIG_MODULE_DECOMPRESS does (kernel/module/decompress.c).
// Like the kernel's decoders, only the first xz stream / zstd frame / deflate
// stream is read and whatever follows it is ignored: module_xz_decompress()
// stops at XZ_STREAM_END, module_zstd_decompress() when zstd_decompress_stream()
// returns 0, module_gzip_decompress() at Z_STREAM_END. So a module signed
// *after* compression (sign-file run on the .ko.xz) decompresses to an unsigned
// module: -ENODATA. (Unlike the kernel's xz decoder, any xz check type is read,
// as kmod's liblzma reads it: `xz` writes CRC64 by default, Kbuild CRC32.)
import { FormatError } from "../errors.js";

export type Compression = "xz" | "zstd" | "gzip" | undefined;

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const GZIP_MAGIC = [0x1f, 0x8b];

function starts(b: Uint8Array, m: number[]): boolean {
  return b.length >= m.length && m.every((x, i) => b[i] === x);
}

export function detectCompression(b: Uint8Array): Compression {
  if (starts(b, XZ_MAGIC)) return "xz";
  if (starts(b, ZSTD_MAGIC)) return "zstd";
  if (starts(b, GZIP_MAGIC)) return "gzip";
  return undefined;
}

/** Upper bound on a decompressed module (the kernel caps at what vmalloc gives; 1 GiB here). */
export const MAX_DECOMPRESSED = 1 << 30;

/** module_gzip_header_len(): 1f 8b 08, a 10-byte header, and a file name when FNAME is set; 0 = not gzip. */
function gzipHeaderLen(b: Uint8Array): number {
  let len = 10;
  if (b.length < len || b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 0x08) return 0;
  if (b[3]! & 0x08)
    do {
      if (len === b.length) return 0;
    } while (b[len++] !== 0);
  return len;
}

/** Length of the first zstd frame (header, blocks, optional checksum), or undefined when it does not parse. */
export function zstdFrameLength(b: Uint8Array): number | undefined {
  if (b.length < 5 || !starts(b, ZSTD_MAGIC)) return undefined;
  const fhd = b[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const checksum = (fhd >> 2) & 1;
  const did = [0, 1, 2, 4][fhd & 3]!;
  const fcs = [single ? 1 : 0, 2, 4, 8][fcsFlag]!;
  let p = 5 + (single ? 0 : 1) + did + fcs;
  for (;;) {
    if (p + 3 > b.length) return undefined;
    const h = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
    const type = (h >> 1) & 3;
    if (type === 3) return undefined;
    p += 3 + (type === 1 ? 1 : h >>> 3);
    if (h & 1) break;
  }
  p += checksum ? 4 : 0;
  return p <= b.length ? p : undefined;
}

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
const xround = (acc: bigint, input: bigint) => (rotl((acc + input * P2) & M64, 31n) * P1) & M64;
const merge = (acc: bigint, v: bigint) => ((acc ^ xround(0n, v)) * P1 + P4) & M64;

/** XXH64 with seed 0 (the zstd frame content checksum keeps its low 32 bits). */
export function xxh64(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = b.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M64 + 1n - P1) & M64;
    for (; p + 32 <= len; p += 32) {
      v1 = xround(v1, dv.getBigUint64(p, true));
      v2 = xround(v2, dv.getBigUint64(p + 8, true));
      v3 = xround(v3, dv.getBigUint64(p + 16, true));
      v4 = xround(v4, dv.getBigUint64(p + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else h = P5;
  h = (h + BigInt(len)) & M64;
  for (; p + 8 <= len; p += 8) h = (rotl(h ^ xround(0n, dv.getBigUint64(p, true)), 27n) * P1 + P4) & M64;
  if (p + 4 <= len) {
    h = (rotl(h ^ ((BigInt(dv.getUint32(p, true)) * P1) & M64), 23n) * P2 + P3) & M64;
    p += 4;
  }
  for (; p < len; p++) h = (rotl(h ^ ((BigInt(b[p]!) * P5) & M64), 11n) * P1) & M64;
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

let CRC_TABLE: Uint32Array | undefined;
function crc32(b: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The kernel's own xz decoder on a stream header (lib/xz/xz_dec_stream.c
 * dec_stream_header(), after the magic): 0 (XZ_OK), or the xz_ret it fails
 * with: 7 XZ_DATA_ERROR (flags CRC32), 6 XZ_OPTIONS_ERROR (reserved flags, or
 * an integrity check other than none/CRC32: the kernel has no CRC64 or SHA-256,
 * which is why Kbuild compresses with xz --check=crc32).
 */
export function kernelXzHeaderStatus(b: Uint8Array): number {
  if (b.length < 12) return 0; // the decoder waits for more input; a later failure decides
  const crc = (b[8]! | (b[9]! << 8) | (b[10]! << 16) | (b[11]! << 24)) >>> 0;
  if (crc32(b.subarray(6, 8)) !== crc) return 7;
  if (b[6] !== 0) return 6;
  if (b[7]! > 1) return 6;
  return 0;
}

/** Ends of complete-looking xz streams: a 4-aligned "YZ" footer whose flags match the header's and whose CRC32 holds. */
export function xzStreamEnds(b: Uint8Array): number[] {
  const out: number[] = [];
  if (b.length < 24 || !starts(b, XZ_MAGIC)) return out;
  for (let p = 24; p <= b.length; p += 4) {
    if (b[p - 2] !== 0x59 || b[p - 1] !== 0x5a || b[p - 4] !== b[6] || b[p - 3] !== b[7]) continue;
    const crc = (b[p - 12]! | (b[p - 11]! << 8) | (b[p - 10]! << 16) | (b[p - 9]! << 24)) >>> 0;
    if (crc32(b.subarray(p - 8, p - 2)) === crc) out.push(p);
  }
  return out;
}

export async function decompress(b: Uint8Array, kind: Exclude<Compression, undefined>): Promise<Uint8Array> {
  try {
    if (kind === "gzip") {
      // module_gzip_decompress(): raw inflate after the header; the gzip trailer and anything after
      // the deflate stream are not looked at
      const h = gzipHeaderLen(b);
      if (!h) throw new FormatError("gzip: not a gzip compressed module", "EINVAL");
      const { inflateRawSync } = await import("node:zlib");
      return inflateRawSync(b.subarray(h), { maxOutputLength: MAX_DECOMPRESSED });
    }
    if (kind === "zstd") {
      const { decompress: unzstd } = await import("fzstd");
      const n = zstdFrameLength(b);
      const out = unzstd(n === undefined ? b : b.subarray(0, n));
      // zstd_decompress_stream() checks the frame's XXH64 content checksum (fzstd does not):
      // a mismatch is an error, so module_zstd_decompress() fails with -EINVAL
      if (n !== undefined && (b[4]! >> 2) & 1) {
        const want = (b[n - 4]! | (b[n - 3]! << 8) | (b[n - 2]! << 16) | (b[n - 1]! << 24)) >>> 0;
        if (Number(xxh64(out) & 0xffffffffn) !== want)
          throw new FormatError(
            "zstd: cannot decompress (restored data does not match the frame checksum)",
            "EINVAL",
          );
      }
      return out;
    }
    try {
      return await unxz(b);
    } catch (e) {
      if (e instanceof FormatError) throw e;
      // data after the first stream: module_xz_decompress() stops at XZ_STREAM_END
      for (const end of xzStreamEnds(b)) {
        if (end === b.length) break;
        try {
          return await unxz(b.subarray(0, end));
        } catch (e2) {
          if (e2 instanceof FormatError) throw e2;
        }
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${kind}: cannot decompress (${(e as Error)?.message ?? String(e)})`, "EINVAL");
  }
}

async function unxz(b: Uint8Array): Promise<Uint8Array> {
  type XzCtor = new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  const mod = (await import("xz-decompress")) as unknown as {
    XzReadableStream?: XzCtor;
    default?: { XzReadableStream?: XzCtor };
  };
  const XzReadableStream = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  if (!XzReadableStream) throw new Error("xz-decompress has no XzReadableStream");
  const src = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(b);
      c.close();
    },
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = new XzReadableStream(src).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_DECOMPRESSED) throw new FormatError("decompressed module too large", "EFBIG");
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

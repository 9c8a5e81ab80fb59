// A large PE image (a kernel is 8-15 MB) read the way its check uses it:
// verify_pefile.c parses only the headers and the certificate table, and the
// Authenticode digest reads the rest once, in order. So only those parts are
// read into a lazily zero-filled buffer, and the hashed ranges stream from the
// file through one small buffer: no image-sized buffer to fault in (~5 ms for
// an 8 MB kernel on a VM), and memory stays flat.
import { readSync } from "node:fs";
import { FormatError, InputError } from "../errors.js";
import { looksLikePe, type PeLayout, parsePe, type Range } from "../formats/pe.js";
import { newHash } from "./hash.js";
import type { RangeDigester } from "./pe.js";

/** Smaller files are read whole: there is nothing to save. */
export const SPARSE_MIN = 2 << 20;
const HEAD = 64 << 10;
const CHUNK = 256 << 10;
/** The most the PKCS#7 header walk may read past a WIN_CERTIFICATE (stripSigWrapper: 0x82 form + wrapper). */
const PAST_TABLE = 8 + 4 + 0xffff;

export interface SparsePe {
  /** As long as the file; holds the headers and the certificate table, zeros elsewhere. */
  bytes: Uint8Array;
  /** The Authenticode digest over the given ranges, streamed from the file. */
  digest: RangeDigester;
}

/** Reads [start, end) of the file into the same place of `b`; false if the file is shorter. */
function fill(fd: number, b: Uint8Array, start: number, end: number): boolean {
  for (let o = start; o < end; ) {
    const n = readSync(fd, b, o, end - o, o);
    if (n === 0) return false;
    o += n;
  }
  return true;
}

/**
 * Opens a large PE image sparsely, or returns undefined when it should be read
 * whole (small, not PE, or a layout whose parse could reach unread bytes:
 * the ordinary path then answers it, malformed or not).
 */
export function openPeSparse(fd: number, size: number, file: string, min = SPARSE_MIN): SparsePe | undefined {
  if (size < min) return undefined;
  const b = Buffer.alloc(size); // fresh zero pages: only what is read below is ever touched
  const head = Math.min(HEAD, size);
  if (!fill(fd, b, 0, head) || !looksLikePe(b)) return undefined;
  const peOffset = b.readUInt32LE(0x3c);
  if (peOffset + 24 + 112 > head) return undefined;
  const headerSize = b.readUInt32LE(peOffset + 24 + 60);
  if (headerSize >= size || headerSize > 16 << 20) return undefined;
  const filled = Math.max(head, headerSize);
  if (!fill(fd, b, head, filled)) return undefined;
  let pe: PeLayout;
  try {
    pe = parsePe(b, { allowUnsigned: true });
  } catch (e) {
    if (e instanceof FormatError) return undefined;
    throw e;
  }
  // Section order compares names with strcmp(), which runs on until a NUL: it must stop in what was read.
  for (const s of pe.sections) {
    const nul = b.indexOf(0, s.offset);
    if (nul < 0 || nul >= filled) return undefined;
  }
  if (pe.certsSize > 0) {
    const end = Math.min(size, pe.certsOffset + pe.certsSize + PAST_TABLE);
    if (!fill(fd, b, pe.certsOffset, end)) return undefined;
  }
  let chunk: Buffer | undefined;
  const digest: RangeDigester = (algo, ranges: readonly Range[]) => {
    const h = newHash(algo);
    if (!h) return undefined;
    for (const [s, e] of ranges) {
      if (e <= filled) {
        h.update(b.subarray(s, e));
        continue;
      }
      chunk ??= Buffer.allocUnsafe(CHUNK);
      for (let o = s; o < e; ) {
        const n = readSync(fd, chunk, 0, Math.min(CHUNK, e - o), o);
        if (n === 0) throw new InputError(file, "file shrank while being read");
        h.update(n === CHUNK ? chunk : chunk.subarray(0, n));
        o += n;
      }
    }
    return h.digest();
  };
  return { bytes: b, digest };
}

// Hashing through node:crypto under the kernel's crypto names, one pass over
// possibly many byte ranges of one buffer (no copies).
import { createHash, getHashes, type Hash } from "node:crypto";
import type { Range } from "../formats/pe.js";

/** Kernel crypto name -> OpenSSL name. Streebog and Tiger/Whirlpool have no OpenSSL 3 default implementation. */
const NODE_NAMES: Record<string, string> = {
  md4: "md4",
  md5: "md5",
  sha1: "sha1",
  rmd160: "ripemd160",
  sha224: "sha224",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  "sha3-256": "sha3-256",
  "sha3-384": "sha3-384",
  "sha3-512": "sha3-512",
  sm3: "sm3",
};

export const DIGEST_SIZES: Record<string, number> = {
  md4: 16,
  md5: 16,
  sha1: 20,
  rmd160: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  "sha3-256": 32,
  "sha3-384": 48,
  "sha3-512": 64,
  sm3: 32,
  streebog256: 32,
  streebog512: 64,
};

let available: Set<string> | undefined;

/** A node:crypto Hash for a kernel hash name, or undefined if this runtime cannot compute it. */
export function newHash(kernelName: string): Hash | undefined {
  const n = NODE_NAMES[kernelName];
  if (!n) return undefined;
  available ??= new Set(getHashes());
  if (!available.has(n)) return undefined;
  try {
    return createHash(n);
  } catch {
    return undefined;
  }
}

export function digestOf(
  kernelName: string,
  data: Uint8Array | readonly Uint8Array[],
): Uint8Array | undefined {
  const h = newHash(kernelName);
  if (!h) return undefined;
  if (data instanceof Uint8Array) h.update(data);
  else for (const d of data) h.update(d);
  return h.digest();
}

export function digestRanges(
  kernelName: string,
  buf: Uint8Array,
  ranges: readonly Range[],
): Uint8Array | undefined {
  const h = newHash(kernelName);
  if (!h) return undefined;
  for (const [s, e] of ranges) h.update(buf.subarray(s, e));
  return h.digest();
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

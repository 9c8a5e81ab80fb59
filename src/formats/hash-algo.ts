// enum hash_algo (include/uapi/linux/hash_info.h) and hash_algo_name[] /
// hash_digest_size[] (crypto/hash_info.c): the numbering IMA xattrs use.
import type { KernelVersion } from "./oid-registry.js";

export interface HashAlgo {
  id: number;
  name: string;
  size: number;
}

export const HASH_ALGOS: readonly HashAlgo[] = [
  { id: 0, name: "md4", size: 16 },
  { id: 1, name: "md5", size: 16 },
  { id: 2, name: "sha1", size: 20 },
  { id: 3, name: "rmd160", size: 20 },
  { id: 4, name: "sha256", size: 32 },
  { id: 5, name: "sha384", size: 48 },
  { id: 6, name: "sha512", size: 64 },
  { id: 7, name: "sha224", size: 28 },
  { id: 8, name: "rmd128", size: 16 },
  { id: 9, name: "rmd256", size: 32 },
  { id: 10, name: "rmd320", size: 40 },
  { id: 11, name: "wp256", size: 32 },
  { id: 12, name: "wp384", size: 48 },
  { id: 13, name: "wp512", size: 64 },
  { id: 14, name: "tgr128", size: 16 },
  { id: 15, name: "tgr160", size: 20 },
  { id: 16, name: "tgr192", size: 24 },
  { id: 17, name: "sm3", size: 32 },
  { id: 18, name: "streebog256", size: 32 },
  { id: 19, name: "streebog512", size: 64 },
  { id: 20, name: "sha3-256", size: 32 },
  { id: 21, name: "sha3-384", size: 48 },
  { id: 22, name: "sha3-512", size: 64 },
];

/** HASH_ALGO__LAST per version. */
export const HASH_ALGO_LAST: Record<KernelVersion, number> = { "6.1": 20, "6.12": 23 };

export function hashAlgoById(id: number, v: KernelVersion): HashAlgo | undefined {
  return id < HASH_ALGO_LAST[v] ? HASH_ALGOS[id] : undefined;
}

export function hashAlgoByName(name: string): HashAlgo | undefined {
  return HASH_ALGOS.find((h) => h.name === name);
}

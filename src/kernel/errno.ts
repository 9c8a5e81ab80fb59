// Errno names the simulated kernel may return, beyond the shared table
// (include/uapi/asm-generic/errno-base.h, errno.h).
import { ERRNO, errnoName } from "../errno.js";

export const EXTRA_ERRNO: Readonly<Record<string, number>> = {
  ESRCH: 3,
  E2BIG: 7,
  EAGAIN: 11,
  EPIPE: 32,
  ENAMETOOLONG: 36,
  EPROTONOSUPPORT: 93,
  EAFNOSUPPORT: 97,
  EADDRNOTAVAIL: 99,
};

/** "ok" for a non-negative return, else the errno's name. */
export function resultName(ret: number): string {
  if (ret >= 0) return "ok";
  const n = errnoName(-ret);
  if (n && ERRNO[n] === -ret) return n;
  for (const [k, v] of Object.entries(EXTRA_ERRNO)) if (v === -ret) return k;
  return `E${-ret}`;
}

export function errno(name: string): number {
  const v = (ERRNO as Record<string, number>)[name] ?? EXTRA_ERRNO[name];
  if (v === undefined) throw new RangeError(`unknown errno ${name}`);
  return -v;
}

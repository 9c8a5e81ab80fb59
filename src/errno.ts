// Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h, and the
// kernel-internal ENOTSUPP from include/linux/errno.h). A leaf table: every
// layer may import it, it imports nothing.

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  EPIPE: 32,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENODATA: 61,
  ENOPKG: 65,
  EBADMSG: 74,
  EOVERFLOW: 75,
  ELIBBAD: 80,
  EMSGSIZE: 90,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRNOTAVAIL: 99,
  ENOKEY: 126,
  EKEYEXPIRED: 127,
  EKEYREVOKED: 128,
  EKEYREJECTED: 129,
  ENOTSUPP: 524,
} as const;

export type ErrnoName = keyof typeof ERRNO;

export function errnoValue(name: ErrnoName): number {
  return ERRNO[name];
}

export function errnoName(value: number): ErrnoName | undefined {
  const v = Math.abs(value);
  for (const [k, n] of Object.entries(ERRNO)) if (n === v) return k as ErrnoName;
  return undefined;
}

export function isErrnoName(s: string): s is ErrnoName {
  return Object.hasOwn(ERRNO, s);
}

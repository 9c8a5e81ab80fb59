// security/lockdown/lockdown.c lockdown_read() / lockdown_write(): the file
// /sys/kernel/security/lockdown (mode 0644, created by a core_initcall).
import { ERRNO } from "../errno.js";
import { LEVELS } from "./levels.js";
import type { Lockdown } from "./lockdown.js";

export const SECURITYFS_LOCKDOWN = "/sys/kernel/security/lockdown";
export const SECURITYFS_MODE = 0o644;

/** The whole file: every level, the current one in brackets, last space -> '\n'. */
export function lockdownFileContent(lsm: Lockdown): string {
  const cur = lsm.level;
  return `${LEVELS.map((l) => (l === cur ? `[${l}]` : l)).join(" ")}\n`;
}

/** read(2) at `offset` of up to `count` bytes (simple_read_from_buffer). */
export function lockdownRead(lsm: Lockdown, offset = 0, count = Number.MAX_SAFE_INTEGER): string {
  const s = lockdownFileContent(lsm);
  if (offset < 0) return "";
  return s.slice(offset, offset + count);
}

/**
 * write(2) of `data`: returns the byte count on success, else -errno.
 * memdup_user_nul + strlen (cut at the first NUL), one trailing '\n'
 * removed, exact match, then lock_kernel_down("securityfs", level).
 */
export function lockdownWrite(lsm: Lockdown, data: Uint8Array | string): number {
  const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
  const n = bytes.length;
  const nul = bytes.indexOf(0);
  let state = bytes.subarray(0, nul === -1 ? n : nul).toString("latin1");
  if (state.length && state.endsWith("\n")) state = state.slice(0, -1);
  let err: number = -ERRNO.EINVAL;
  for (const level of LEVELS) if (state === level) err = lsm.lockKernelDown("securityfs", level);
  return err ? err : n;
}

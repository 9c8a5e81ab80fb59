// arch/x86/kernel/ioport.c: ioperm(2) (ksys_ioperm) and iopl(2).
import type { Kernel } from "./kernel.js";
import { neg } from "./vfs.js";

/** IO_BITMAP_BITS */
export const IO_BITMAP_BITS = 65536;

/**
 * ksys_ioperm(): range check (EINVAL), then for turn_on only CAP_SYS_RAWIO and
 * security_locked_down(LOCKDOWN_IOPORT) (EPERM). Dropping access always works.
 */
export function ksysIoperm(k: Kernel, from: number, num: number, turnOn: number): number {
  if (from + num <= from || from + num > IO_BITMAP_BITS) return neg("EINVAL");
  if (turnOn && k.lockedDown("LOCKDOWN_IOPORT")) return neg("EPERM");
  for (let p = from; p < from + num; p++) {
    if (turnOn) k.ioBitmap.add(p);
    else k.ioBitmap.delete(p);
  }
  return 0;
}

export function ioperm(k: Kernel, from: number, num: number, turnOn: number): number {
  if (!k.config.X86_IOPL_IOPERM) return neg("ENOSYS");
  return ksysIoperm(k, from, num, turnOn);
}

/** SYSCALL_DEFINE1(iopl): level > 3 EINVAL; same level 0; raising is gated. */
export function iopl(k: Kernel, level: number): number {
  if (!k.config.X86_IOPL_IOPERM) return neg("ENOSYS");
  if (level > 3 || level < 0) return neg("EINVAL");
  const old = k.ioplLevel;
  if (level === old) return 0;
  if (level > old && k.lockedDown("LOCKDOWN_IOPORT")) return neg("EPERM");
  k.ioplLevel = level;
  return 0;
}

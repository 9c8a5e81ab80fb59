// The Kconfig symbols that shape lockdown (security/lockdown/Kconfig, plus
// Debian's LOCK_DOWN_IN_EFI_SECURE_BOOT) and the default LSM order.
import type { Level } from "./levels.js";

export interface LockdownConfig {
  SECURITY_LOCKDOWN_LSM: boolean;
  /** Registered from early_security_init(), before setup_arch(). */
  SECURITY_LOCKDOWN_LSM_EARLY: boolean;
  /** The "Kernel default lockdown mode" choice: LOCK_DOWN_KERNEL_FORCE_{NONE,INTEGRITY,CONFIDENTIALITY}. */
  LOCK_DOWN_KERNEL_FORCE: Level;
  /** Debian patch; `select SECURITY_LOCKDOWN_LSM_EARLY`. */
  LOCK_DOWN_IN_EFI_SECURE_BOOT: boolean;
  /** CONFIG_LSM, the builtin order used when lsm= is absent. */
  LSM: string;
}

/**
 * Debian's amd64 configuration. The lockdown symbols are the same for 6.1 and
 * 6.12; LSM is 6.1's (6.12 appends ",ipe": src/kernel/profile.ts).
 */
export const DEBIAN_LOCKDOWN_CONFIG: Readonly<LockdownConfig> = {
  SECURITY_LOCKDOWN_LSM: true,
  SECURITY_LOCKDOWN_LSM_EARLY: true,
  LOCK_DOWN_KERNEL_FORCE: "none",
  LOCK_DOWN_IN_EFI_SECURE_BOOT: true,
  LSM: "landlock,lockdown,yama,loadpin,safesetid,integrity,apparmor,selinux,smack,tomoyo,bpf",
};

/** Kconfig `select`: the EFI Secure Boot option forces the early LSM. */
export function effectiveEarly(c: LockdownConfig): boolean {
  return c.SECURITY_LOCKDOWN_LSM && (c.SECURITY_LOCKDOWN_LSM_EARLY || c.LOCK_DOWN_IN_EFI_SECURE_BOOT);
}

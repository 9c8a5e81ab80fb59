// securityfs (security/inode.c) with the files the simulated kernel has:
// security/lockdown/lockdown.c lockdown_read()/lockdown_write() behind
// /sys/kernel/security/lockdown (mode 0644), and security/security.c's `lsm`.
import { lockdownRead, lockdownWrite, SECURITYFS_MODE } from "../lsm/securityfs.js";
import type { KernelVersion } from "../lsm/versions.js";
import type { Kernel } from "./kernel.js";
import { type Inode, mapFs } from "./vfs.js";

/**
 * /sys/kernel/security/lsm as measured on Debian's kernels booted without lsm= or
 * security= (the simulated file computes it: src/kernel/lsm-order.ts lsmInit()).
 * security/inode.c lsm_read() returns security/security.c's lsm_names, without a newline.
 * security_init() appends the early LSMs first (lockdown: SECURITY_LOCKDOWN_LSM_EARLY);
 * ordered_lsm_init() -> ordered_lsm_parse(CONFIG_LSM) orders LSM_ORDER_FIRST (capability),
 * the built-in LSM_ORDER_MUTABLE entries of CONFIG_LSM (selinux is refused by prepare_lsm():
 * apparmor, earlier in CONFIG_LSM, is the exclusive LSM; 6.1's "integrity" registers no hooks;
 * 6.12 has no "integrity" LSM), then LSM_ORDER_LAST (6.12: ima, evm, in link order); each
 * init's security_add_hooks() -> lsm_append() adds its name once.
 */
export const LSM_NAMES: Readonly<Record<KernelVersion, string>> = {
  "6.1": "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf",
  "6.12": "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf,ipe,ima,evm",
};

/** `lsmNames`: lsm_names as security_init() left them (lsm-order.ts lsmInit()). */
export function installSecurityfs(k: Kernel, lsmNames: string): void {
  const lockdown: Inode = {
    mode: SECURITYFS_MODE,
    read: (kk) => Buffer.from(lockdownRead(kk.lsm), "latin1"),
    write: (kk, _f, data) => lockdownWrite(kk.lsm, data),
  };
  const lsm: Inode = { mode: 0o444, read: () => Buffer.from(lsmNames, "latin1") };
  const files = new Map<string, Inode>([
    ["lockdown", lockdown],
    ["lsm", lsm],
  ]);
  k.filesystems.set(
    "securityfs",
    mapFs("securityfs", () => files),
  );
  k.vfs.add("/sys/kernel/security", { mode: 0o755, dir: true });
}

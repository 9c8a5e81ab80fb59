// securityfs (security/inode.c) with the files the simulated kernel has:
// security/lockdown/lockdown.c lockdown_read()/lockdown_write() behind
// /sys/kernel/security/lockdown (mode 0644), and security/security.c's `lsm`.
import { lockdownRead, lockdownWrite, SECURITYFS_MODE } from "../lsm/securityfs.js";
import type { Kernel } from "./kernel.js";
import { type Inode, mapFs } from "./vfs.js";

/** /sys/kernel/security/lsm of Debian's kernels (PROBES.md). */
export const LSM_LIST = "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf";

export function installSecurityfs(k: Kernel): void {
  const lockdown: Inode = {
    mode: SECURITYFS_MODE,
    read: (kk) => Buffer.from(lockdownRead(kk.lsm), "latin1"),
    write: (kk, _f, data) => lockdownWrite(kk.lsm, data),
  };
  const lsm: Inode = { mode: 0o444, read: () => Buffer.from(LSM_LIST, "latin1") };
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

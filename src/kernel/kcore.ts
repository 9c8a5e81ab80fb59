// fs/proc/kcore.c open_kcore(): security_locked_down(LOCKDOWN_KCORE) first,
// then CAP_SYS_RAWIO.
import type { Kernel } from "./kernel.js";

export function openKcore(k: Kernel): number {
  const ret = k.lockedDown("LOCKDOWN_KCORE");
  if (ret) return ret;
  return 0;
}

export function installKcore(k: Kernel): void {
  if (!k.config.PROC_KCORE) return;
  k.vfs.add("/proc/kcore", {
    mode: 0o400,
    open: (kk) => openKcore(kk),
    read: () => new Uint8Array(0),
  });
}

// drivers/char/mem.c: /dev/mem and /dev/port share open_port(): CAP_SYS_RAWIO
// first (EPERM, no log), then security_locked_down(LOCKDOWN_DEV_MEM).
// /dev/kmem does not exist in these trees.
import type { Kernel } from "./kernel.js";
import type { Inode } from "./vfs.js";

/** drivers/char/mem.c open_port(); the caller is root (CAP_SYS_RAWIO). */
export function openPort(k: Kernel): number {
  return k.lockedDown("LOCKDOWN_DEV_MEM");
}

export function installDevmem(k: Kernel): void {
  const mem: Inode = {
    mode: 0o640,
    open: (kk) => openPort(kk),
    read: () => new Uint8Array(0),
    write: (_k, _f, d) => d.length,
    mmap: () => 0,
  };
  k.vfs.add("/dev/mem", mem);
  if (k.config.DEVPORT) k.vfs.add("/dev/port", { ...mem, mmap: undefined });
}

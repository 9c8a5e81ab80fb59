// arch/x86/kernel/msr.c: /dev/cpu/N/msr, created when the msr module loads.
// Reads are never gated; msr_write() asks security_locked_down(LOCKDOWN_MSR)
// before its 8-byte-multiple check.
import type { Kernel } from "./kernel.js";
import { type Inode, neg } from "./vfs.js";

function msrInode(): Inode {
  return {
    mode: 0o600,
    pread: (k, _f, offset, size) => {
      if (size % 8 !== 0) return neg("EINVAL");
      const out = new Uint8Array(size);
      const dv = new DataView(out.buffer);
      for (let i = 0; i < size; i += 8) {
        const v = k.machine.msrs.get(offset);
        if (v === undefined) return neg("EIO");
        dv.setBigUint64(i, v, true);
      }
      return out;
    },
    pwrite: (k, _f, offset, data) => {
      const err = k.lockedDown("LOCKDOWN_MSR");
      if (err) return err;
      if (data.length % 8 !== 0) return neg("EINVAL");
      if (!k.machine.msrs.has(offset)) return neg("EIO");
      // msr.allow_writes defaults to "default": the write goes through with a
      // one-time warning about an unrecognised MSR (arch/x86/kernel/msr.c filter_write()).
      const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
      (k.machine.msrs as Map<number, bigint>).set(offset, dv.getBigUint64(data.length - 8, true));
      return data.length;
    },
  };
}

/** msr_init(): one device per online CPU. */
export function msrModuleInit(k: Kernel): void {
  for (let cpu = 0; cpu < k.machine.cpus; cpu++) k.vfs.add(`/dev/cpu/${cpu}/msr`, msrInode());
}

// arch/x86/kernel/msr.c: /dev/cpu/N/msr, created when the msr module loads.
// Reads are never gated; msr_write() asks security_locked_down(LOCKDOWN_MSR)
// before its 8-byte-multiple check.
import { RateLimit } from "../lsm/ratelimit.js";
import type { Kernel } from "./kernel.js";
import { type Inode, neg } from "./vfs.js";

/** msr.allow_writes: MSR_WRITES_DEFAULT / ON / OFF. */
export type MsrAllowWrites = "default" | "on" | "off";

/** set_allow_writes(): "on", "off", anything else is "default"; never fails. */
export function setAllowWrites(k: Kernel, val: string): number {
  const s = val.trim();
  k.msr.allowWrites = s === "on" ? "on" : s === "off" ? "off" : "default";
  return 0;
}

/** filter_write(): after the lockdown check; one warning per 30 s at "default". */
function filterWrite(k: Kernel, reg: number): number {
  if (k.msr.allowWrites === "on") return 0;
  if (k.msr.allowWrites === "off") return neg("EPERM");
  k.msr.ratelimit ??= new RateLimit(k.clock.now, "filter_write", 30 * 250, 1);
  const { ok, suppressed } = k.msr.ratelimit.check();
  if (suppressed) k.printk(suppressed, "warn");
  if (!ok) return 0;
  k.printk(`msr: Write to unrecognized MSR 0x${reg.toString(16)} by ${k.comm} (pid: ${k.pid}).`, "warn");
  k.printk("msr: See https://git.kernel.org/pub/scm/linux/kernel/git/tip/tip.git/about for details.", "warn");
  return 0;
}

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
      const f = filterWrite(k, offset);
      if (f) return f;
      if (data.length % 8 !== 0) return neg("EINVAL");
      if (!k.machine.msrs.has(offset)) return neg("EIO");
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

// Small kernels for call-site tests: no files, a table-driven signature checker.
import { ERRNO } from "../../src/errno.js";
import { Kernel, type KernelOptions, TableChecker } from "../../src/kernel/index.js";
import type { KernelVersion } from "../../src/lsm/index.js";

export const VERSIONS: readonly KernelVersion[] = ["6.1", "6.12"];
export const LEVELS = ["none", "integrity", "confidentiality"] as const;

export const line = (reason: string, comm = "probe") =>
  `Lockdown: ${comm}: ${reason} is restricted; see man kernel_lockdown.7`;

/** Signed modules/images contain the byte string "GOOD"; "BAD" ones fail; else the key is unknown. */
export const tableChecker = new TableChecker(
  (m) => {
    const s = Buffer.from(m).toString("latin1");
    if (s.includes("GOOD")) return { ret: 0, log: [] };
    if (s.includes("BAD")) return { ret: -ERRNO.EKEYREJECTED, log: [] };
    return { ret: -ERRNO.ENOKEY, log: [] };
  },
  (m) => {
    const s = Buffer.from(m).toString("latin1");
    if (s.includes("GOOD")) return { ret: 0, log: [] };
    if (s.includes("UNSIGNED")) return { ret: -ERRNO.ENODATA, log: ["PEFILE: Unsigned PE binary"] };
    return { ret: -ERRNO.ENOKEY, log: [] };
  },
);

/** A booted kernel at a boot-time level, past the boot's rate-limit window. */
export function boot(
  version: KernelVersion,
  level: (typeof LEVELS)[number] = "none",
  extra: Partial<KernelOptions> = {},
): Kernel {
  const cmdline = `console=ttyS0${level === "none" ? "" : ` lockdown=${level}`}${extra.cmdline ? ` ${extra.cmdline}` : ""}`;
  const k = new Kernel({ checker: tableChecker, ...extra, version, cmdline }).boot();
  k.sleep(5500);
  return k;
}

/** A booted kernel raised at run time through securityfs. */
export function bootRuntime(
  version: KernelVersion,
  level: "integrity" | "confidentiality",
  extra: Partial<KernelOptions> = {},
): Kernel {
  const k = boot(version, "none", extra);
  k.mount("securityfs", "/sys/kernel/security");
  k.write("/sys/kernel/security/lockdown", level);
  k.sleep(5500);
  return k;
}

/**
 * A minimal bzImage64 that bzImage64_probe() and bzImage64_load() accept: one setup
 * sector, boot flag, "HdrS", protocol 2.15, LOADED_HIGH, XLF_KERNEL_64 |
 * XLF_CAN_BE_LOADED_ABOVE_4G | XLF_5LEVEL, cmdline_size 2047, plus a marker.
 */
export function bzImage(marker: string): Uint8Array {
  const b = Buffer.alloc(0x400);
  b[0x1f1] = 1;
  b.writeUInt16LE(0xaa55, 0x1fe);
  b.write("HdrS", 0x202, "latin1");
  b.writeUInt16LE(0x020f, 0x206);
  b[0x211] = 0x01;
  b.writeUInt32LE(0x200000, 0x230);
  b.writeUInt16LE(0x23, 0x236);
  b.writeUInt32LE(2047, 0x238);
  b.writeUInt32LE(0x1000000, 0x260);
  b.write(marker, 0x300, "latin1");
  return new Uint8Array(b);
}

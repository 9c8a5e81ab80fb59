// ACPI table overrides: tables placed under kernel/firmware/acpi/ in the
// uncompressed early cpio at the start of an initramfs are loaded by
// acpi_table_upgrade() (drivers/acpi/tables.c), which drops them all under
// lockdown ("kernel is locked down, ignoring table override"). The kernel
// reads that prefix with lib/earlycpio.c find_cpio_data: newc archives,
// zero padding between them, and it stops at the first non-cpio byte (the
// compressed main archive), so only the uncompressed prefix matters.
import { type Finding, type Fine, finding } from "./findings.js";
import type { Root } from "./rootfs.js";

export interface CpioEntry {
  name: string;
  offset: number;
  size: number;
}

/** Walks the uncompressed newc cpio prefix as find_cpio_data does; bounded by the buffer. */
export function earlyCpioEntries(b: Uint8Array, limit = 100_000): CpioEntry[] {
  const out: CpioEntry[] = [];
  const ascii = (at: number, n: number) => Buffer.from(b.subarray(at, at + n)).toString("latin1");
  let p = 0;
  while (p + 110 <= b.length && out.length < limit) {
    if (b[p] === 0) {
      // zero padding between archives (kept 4-byte aligned)
      p += 4 - (p & 3) || 4;
      continue;
    }
    const magic = ascii(p, 6);
    if (magic !== "070701" && magic !== "070702") break;
    const hex = (i: number) => Number.parseInt(ascii(p + 6 + i * 8, 8), 16);
    const mode = hex(1);
    const fileSize = hex(6);
    const nameSize = hex(11);
    if (!Number.isFinite(fileSize) || !Number.isFinite(nameSize) || nameSize < 1) break;
    const nameAt = p + 110;
    const dataAt = (nameAt + nameSize + 3) & ~3;
    if (dataAt + fileSize > b.length) break;
    const name = ascii(nameAt, nameSize - 1);
    if (name === "TRAILER!!!") {
      p = (dataAt + fileSize + 3) & ~3;
      continue;
    }
    if ((mode & 0o170000) === 0o100000) out.push({ name, offset: dataAt, size: fileSize });
    p = (dataAt + fileSize + 3) & ~3;
  }
  return out;
}

export function acpiFindings(root: Root): { findings: Finding[]; fine: Fine[] } {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  for (const n of root.names("/boot")) {
    if (!/^initrd\.img-|^initramfs-.*\.img$/.test(n)) continue;
    const path = `/boot/${n}`;
    const b = root.bytes(path, 1024 * 1024 * 1024);
    if (!b) continue;
    const entries = earlyCpioEntries(b);
    const tables = entries.filter((e) => /^(\.\/)?kernel\/firmware\/acpi\/[^/]+$/.test(e.name));
    if (tables.length === 0) {
      fine.push({
        check: "acpi",
        subject: path,
        detail: `no ACPI tables in the early cpio (${entries.length} early file(s))`,
      });
      continue;
    }
    const desc = tables.map((t) => {
      const sig = t.size >= 36 ? Buffer.from(b.subarray(t.offset, t.offset + 4)).toString("latin1") : "?";
      const len = t.size >= 8 ? b.readUInt32LE(t.offset + 4) : 0;
      return `${t.name} (${/^[A-Z0-9_]{4}$/.test(sig) && len === t.size ? sig : "not a valid table"}, ${t.size} bytes)`;
    });
    findings.push(
      finding({
        id: "acpi.initrd-override",
        reason: "LOCKDOWN_ACPI_TABLES",
        subject: path,
        evidence: `${path}: early (uncompressed) cpio holds ${desc.join(", ")}; acpi_table_upgrade() drops every override under lockdown ("kernel is locked down, ignoring table override")`,
        remedy:
          "Get the fix into the firmware (BIOS update) or the kernel (a quirk/driver parameter); remove the table from the initramfs hook (/etc/initramfs-tools/hooks, kernel/firmware/acpi) and run update-initramfs -u.",
      }),
    );
  }
  return { findings, fine };
}

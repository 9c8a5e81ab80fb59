// drivers/acpi/tables.c acpi_table_upgrade(): ACPI tables from the initrd's
// kernel/firmware/acpi/, validated, then dropped as a whole when
// security_locked_down(LOCKDOWN_ACPI_TABLES) says so. It runs inside
// setup_arch(): on 6.12 that is before early_security_init(), so the hook is
// not registered yet and the tables are installed whatever the level.
import { splitCmdline } from "../lsm/cmdline.js";
import type { Kernel } from "./kernel.js";
import { type Inode, neg } from "./vfs.js";

/** drivers/acpi/tables.c table_sigs[] (6.1 = 6.12). */
export const TABLE_SIGS = [
  "BERT",
  "BGRT",
  "CPEP",
  "ECDT",
  "EINJ",
  "ERST",
  "HEST",
  "APIC",
  "MSCT",
  "SBST",
  "SLIT",
  "SRAT",
  "ASF!",
  "BOOT",
  "DBGP",
  "DMAR",
  "HPET",
  "IBFT",
  "IVRS",
  "MCFG",
  "MCHI",
  "SLIC",
  "SPCR",
  "SPMI",
  "TCPA",
  "UEFI",
  "WAET",
  "WDAT",
  "WDDT",
  "WDRT",
  "DSDT",
  "FACP",
  "PSDT",
  "RSDT",
  "XSDT",
  "SSDT",
  "IORT",
  "NFIT",
  "HMAT",
  "PPTT",
  "NHLT",
  "AEST",
  "CEDT",
  "AGDI",
  "NBFT",
];
/** NR_ACPI_INITRD_TABLES */
const NR_ACPI_INITRD_TABLES = 64;
const ACPI_HEADER_SIZE = 36;

function latin1(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.subarray(from, to)).toString("latin1");
}

export function acpiTableUpgrade(k: Kernel): void {
  if (!k.config.ACPI_TABLE_UPGRADE || k.acpiTables.length === 0) return;
  const path = "kernel/firmware/acpi/";
  const found: Uint8Array[] = [];
  for (const t of k.acpiTables.slice(0, NR_ACPI_INITRD_TABLES)) {
    const d = t.data;
    if (d.length < ACPI_HEADER_SIZE) {
      k.printk(`ACPI: OVERRIDE: Table smaller than ACPI header [${path}${t.name}]`, "err");
      continue;
    }
    const sig = latin1(d, 0, 4);
    if (!TABLE_SIGS.includes(sig)) {
      k.printk(`ACPI: OVERRIDE: Unknown signature [${path}${t.name}]`, "err");
      continue;
    }
    const len = new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(4, true);
    if (d.length !== len) {
      k.printk(`ACPI: OVERRIDE: File length does not match table length [${path}${t.name}]`, "err");
      continue;
    }
    let sum = 0;
    for (const b of d) sum = (sum + b) & 0xff;
    if (sum !== 0) {
      k.printk(`ACPI: OVERRIDE: Bad table checksum [${path}${t.name}]`, "err");
      continue;
    }
    k.printk(`ACPI: ${sig} ACPI table found in initrd [${path}${t.name}][0x${len.toString(16)}]`);
    found.push(d);
  }
  if (found.length === 0) return;
  if (k.lockedDown("LOCKDOWN_ACPI_TABLES")) {
    k.printk("ACPI: kernel is locked down, ignoring table override", "notice");
    return;
  }
  // acpi_table_initrd_scan() (from acpi_boot_table_init()): install each.
  for (const d of found) {
    const sig = latin1(d, 0, 4);
    const oem = latin1(d, 10, 16).replace(/\0+$/, "");
    const tid = latin1(d, 16, 24).replace(/\0+$/, "");
    k.printk(`ACPI: Table Upgrade: install [${sig}-${oem.padEnd(6)}-${tid.padEnd(8)}]`);
    k.acpiInstalled.push({ signature: sig, data: d });
  }
}

/** /sys/firmware/acpi/tables/<SIG>[N] (drivers/acpi/sysfs.c): SSDT is the machine's only SSDT. */
export function installAcpi(k: Kernel): void {
  const count = new Map<string, number>();
  for (const t of k.acpiInstalled) count.set(t.signature, (count.get(t.signature) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const t of k.acpiInstalled) {
    const n = (seen.get(t.signature) ?? 0) + 1;
    seen.set(t.signature, n);
    const name = count.get(t.signature)! > 1 ? `${t.signature}${n}` : t.signature;
    const inode: Inode = { mode: 0o400, read: () => t.data, write: () => neg("EACCES") };
    k.vfs.add(`/sys/firmware/acpi/tables/${name}`, inode);
  }
  k.vfs.add("/sys/firmware/acpi/tables", { mode: 0o755, dir: true });
}

/**
 * drivers/acpi/osl.c acpi_os_get_root_pointer() (from acpi_boot_table_init()
 * in setup_arch()): an `acpi_rsdp=` address (early_param, CONFIG_KEXEC) is used
 * only if security_locked_down(LOCKDOWN_ACPI_TABLES) allows; else silently ignored.
 */
export function acpiRsdp(k: Kernel): void {
  if (!k.config.KEXEC) return;
  const arg = splitCmdline(k.cmdline)
    .args.filter((a) => a.param === "acpi_rsdp")
    .pop();
  if (!arg?.val || !/^(0[xX])?[0-9a-fA-F]+$/.test(arg.val) || /^(0[xX])?0+$/.test(arg.val)) return;
  if (k.lockedDown("LOCKDOWN_ACPI_TABLES")) return;
  k.acpiRsdpOverride = arg.val;
}

/**
 * drivers/firmware/efi/efi.c efivar_ssdt_setup(), a __setup handler run by
 * parse_args("Booting kernel"): refused names are dropped (the -EPERM counts as
 * "handled"), so no SSDT is loaded from EFI variables.
 */
export function efivarSsdtSetup(k: Kernel): void {
  if (!k.config.EFI_CUSTOM_SSDT_OVERLAYS) return;
  for (const a of splitCmdline(k.cmdline).args) {
    if (a.param !== "efivar_ssdt" || a.val === null) continue;
    if (k.lockedDown("LOCKDOWN_ACPI_TABLES")) continue;
    if (a.val.length < 16) k.efivarSsdt = a.val;
    else k.printk(`efivar_ssdt: name too long: ${a.val}`, "warn");
  }
}

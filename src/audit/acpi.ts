// ACPI table overrides: tables placed under kernel/firmware/acpi/ in the
// uncompressed early cpio at the start of an initramfs are loaded by
// acpi_table_upgrade() (drivers/acpi/tables.c), which drops them all under
// lockdown ("kernel is locked down, ignoring table override"). The kernel
// reads that prefix with lib/earlycpio.c find_cpio_data: newc archives,
// zero padding between them, and it stops at the first non-cpio byte (the
// compressed main archive), so only the uncompressed prefix matters.
import { spawn } from "node:child_process";
import { type Finding, type Fine, finding } from "./findings.js";
import { type Root, shellVars } from "./rootfs.js";

export interface CpioEntry {
  name: string;
  offset: number;
  size: number;
}

/** Walks the uncompressed newc cpio prefix as find_cpio_data does; bounded by the buffer. */
export function earlyCpioEntries(b: Uint8Array, limit = 100_000): CpioEntry[] {
  return walkCpio(b, limit).entries;
}

/** The walk itself, also returning where it stopped (the start of compressed data, if any). */
export function walkCpio(b: Uint8Array, limit = 100_000): { entries: CpioEntry[]; end: number } {
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
  return { entries: out, end: p };
}

const DECOMPRESSORS: [number[], string, string[]][] = [
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd", ["-dcq"]],
  [[0x1f, 0x8b], "gzip", ["-dc"]],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz", ["-dc"]],
  [[0x02, 0x21, 0x4c, 0x18], "lz4", ["-dcq"]],
  [[0x42, 0x5a, 0x68], "bzip2", ["-dc"]],
  [[0x5d, 0x00, 0x00], "xz", ["-dc", "--format=lzma"]],
];

/** Decompresses the main (compressed) initramfs archive with the system's tool; bounded. */
function decompressRest(rest: Uint8Array): Promise<Uint8Array | undefined> {
  const d = DECOMPRESSORS.find(([m]) => m.every((x, i) => rest[i] === x));
  if (!d) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(d[1], d[2], { stdio: ["pipe", "pipe", "ignore"] });
    } catch {
      return resolve(undefined);
    }
    child.on("error", () => resolve(undefined));
    child.stdout?.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024 * 1024) child.kill();
      else chunks.push(c);
    });
    child.on("close", () => resolve(size > 0 ? Buffer.concat(chunks) : undefined));
    child.stdin?.on("error", () => {});
    child.stdin?.end(rest);
  });
}

const ACPI_DIR = /^(\.\/)?kernel\/firmware\/acpi\/.+/;

function describe(b: Uint8Array, t: CpioEntry): string {
  const sig = t.size >= 36 ? Buffer.from(b.subarray(t.offset, t.offset + 4)).toString("latin1") : "?";
  const len = t.size >= 8 ? Buffer.from(b.subarray(t.offset + 4, t.offset + 8)).readUInt32LE(0) : 0;
  return `${t.name} (${/^[A-Z0-9_]{4}$/.test(sig) && len === t.size ? sig : "not a valid ACPI table"}, ${t.size} bytes)`;
}

/**
 * The initrds the boot loader hands the kernel: /boot/initrd.img-* (initramfs-*.img), plus
 * extra early initrds loaded before them: GRUB_EARLY_INITRD_LINUX_CUSTOM/_STOCK (the usual way
 * to add an acpi_override.cpio) and `initrd` lines of boot loader entries.
 */
function initrdFiles(root: Root): string[] {
  const out = new Set<string>();
  for (const n of root.names("/boot"))
    if (/^initrd\.img-|^initramfs-.*\.img$/.test(n) && !/\.(old|bak|old-dkms|dpkg-[a-z]+)$/.test(n))
      out.add(`/boot/${n}`);
  let acc = "";
  for (const f of [
    "/etc/default/grub",
    ...root
      .names("/etc/default/grub.d")
      .filter((n) => n.endsWith(".cfg"))
      .map((n) => `/etc/default/grub.d/${n}`),
  ])
    acc += `\n${root.text(f) ?? ""}`;
  const v = shellVars(acc);
  for (const name of ["GRUB_EARLY_INITRD_LINUX_CUSTOM", "GRUB_EARLY_INITRD_LINUX_STOCK"])
    for (const w of (v.get(name) ?? "").split(/\s+/).filter(Boolean))
      if (root.isFile(`/boot/${w.replace(/^\/+/, "")}`)) out.add(`/boot/${w.replace(/^\/+/, "")}`);
  for (const esp of ["/boot", "/efi", "/boot/efi"])
    for (const n of root.names(`${esp}/loader/entries`)) {
      if (!n.endsWith(".conf")) continue;
      for (const l of (root.text(`${esp}/loader/entries/${n}`) ?? "").split("\n")) {
        const m = /^\s*initrd\s+(\S+)/.exec(l);
        if (m?.[1] && root.isFile(`${esp}/${m[1].replace(/^\/+/, "")}`))
          out.add(`${esp}/${m[1].replace(/^\/+/, "")}`);
      }
    }
  return [...out];
}

export async function acpiFindings(root: Root): Promise<{ findings: Finding[]; fine: Fine[] }> {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  const REMEDY =
    "Get the fix into the firmware (BIOS update) or the kernel (a quirk or driver parameter); remove the table from the initramfs (the hook that adds kernel/firmware/acpi/) and run update-initramfs -u.";
  for (const path of initrdFiles(root)) {
    const b = root.bytes(path, 1024 * 1024 * 1024);
    if (!b) continue;
    const early = walkCpio(b);
    const tables = early.entries.filter((e) => ACPI_DIR.test(e.name));
    if (tables.length > 0) {
      const dotted = tables.some((t) => t.name.startsWith("./"));
      findings.push(
        finding({
          id: "acpi.initrd-override",
          reason: "LOCKDOWN_ACPI_TABLES",
          subject: path,
          evidence: `${path}: the early (uncompressed) cpio holds ${tables.map((t) => describe(b, t)).join(", ")}; acpi_table_upgrade() drops every override under lockdown ("kernel is locked down, ignoring table override")${dotted ? '; note: names starting with "./" are not matched by the kernel even now' : ""}`,
          remedy: REMEDY,
        }),
      );
      continue;
    }
    // Tables only in the compressed main archive are never used by the kernel (it reads the
    // uncompressed prefix only), but someone meant them as an override: say so.
    const rest = await decompressRest(b.subarray(early.end));
    const late = rest ? walkCpio(rest).entries.filter((e) => ACPI_DIR.test(e.name)) : [];
    if (rest && late.length > 0) {
      findings.push(
        finding({
          id: "acpi.initrd-override",
          reason: "LOCKDOWN_ACPI_TABLES",
          subject: path,
          evidence: `${path}: the compressed main archive holds ${late.map((t) => describe(rest, t)).join(", ")}; an ACPI override is refused under lockdown (acpi_table_upgrade), and in the compressed part the kernel does not even find it today (it only reads the uncompressed early cpio)`,
          remedy: REMEDY,
        }),
      );
      continue;
    }
    fine.push({
      check: "acpi",
      subject: path,
      detail: `no ACPI table override (${early.entries.length} file(s) in the early cpio${rest ? ", main archive checked" : ""})`,
    });
  }
  return { findings, fine };
}

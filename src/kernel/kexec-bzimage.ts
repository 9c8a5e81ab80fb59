// arch/x86/kernel/kexec-bzimage64.c bzImage64_probe() and the segments
// bzImage64_load() adds through kernel/kexec_file.c kexec_add_buffer(), placed
// as kexec_locate_mem_hole() places them, for kexec_file_load's
// "Loading segment" pr_debug() lines (6.1).
import type { Kernel } from "./kernel.js";
import { neg } from "./vfs.js";

const PAGE = 0x1000;
const align = (x: number, a: number) => Math.ceil(x / a) * a;

/** arch/x86/include/uapi/asm/bootparam.h */
const LOADED_HIGH = 1 << 0;
const XLF_KERNEL_64 = 1 << 0;
const XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;
const XLF_5LEVEL = 1 << 5;

interface Header {
  len: number;
  magic: string;
  bootFlag: number;
  version: number;
  loadflags: number;
  xloadflags: number;
}

/** bzImage64_probe(): each check and its pr_err() ("kexec-bzImage64: " is the file's pr_fmt), in order. */
const PROBE: readonly { fails: (h: Header, k: Kernel) => boolean; err: string }[] = [
  { fails: (h) => h.len < 2 * 512, err: "File is too short to be a bzImage" },
  { fails: (h) => h.magic !== "HdrS", err: "Not a bzImage" },
  { fails: (h) => h.bootFlag !== 0xaa55, err: "No x86 boot sector present" },
  { fails: (h) => h.version < 0x020c, err: "Must be at least protocol version 2.12" },
  { fails: (h) => !(h.loadflags & LOADED_HIGH), err: "zImage not a bzImage" },
  { fails: (h) => !(h.xloadflags & XLF_KERNEL_64), err: "Not a bzImage64. XLF_KERNEL_64 is not set." },
  {
    fails: (h) => !(h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G),
    err: "XLF_CAN_BE_LOADED_ABOVE_4G is not set.",
  },
  // (32-bit EFI: a pr_debug() of this file; the simulated firmware is 64-bit.)
  {
    fails: (h, k) => !(h.xloadflags & XLF_5LEVEL) && k.machine.pgtableL5,
    err: "bzImage cannot handle 5-level paging mode.",
  },
];

function u16(b: Uint8Array, off: number): number {
  return off + 2 <= b.length ? b[off]! | (b[off + 1]! << 8) : 0;
}
function u32(b: Uint8Array, off: number): number {
  return off + 4 <= b.length ? (u16(b, off) + u16(b, off + 2) * 0x10000) >>> 0 : 0;
}

/** bzImage64_probe() */
export function bzImage64Probe(k: Kernel, image: Uint8Array): number {
  const h: Header = {
    len: image.length,
    magic: Buffer.from(image.subarray(0x202, 0x206)).toString("latin1"),
    bootFlag: u16(image, 0x1fe),
    version: u16(image, 0x206),
    loadflags: image[0x211] ?? 0,
    xloadflags: u16(image, 0x236),
  };
  for (const c of PROBE)
    if (c.fails(h, k)) {
      k.printk(`kexec-bzImage64: ${c.err}`, "err");
      return neg("ENOEXEC");
    }
  return 0;
}

export interface Segment {
  bufsz: number;
  mem: number;
  memsz: number;
}

/**
 * kexec_purgatory_setup_kbuf() over the SHF_ALLOC sections of the purgatory.ro
 * that Debian's 6.1.0-56 and 6.12.117 vmlinux embed (kexec_purgatory): .text,
 * .rodata, .modinfo, .rodata.str1.8, .data (4096-aligned), .kexec-purgatory,
 * then .bss 0x1000. A build fact, read from the images, not from the source.
 */
const PURGATORY = { bufsz: 0x4000, memsz: 0x5000, align: PAGE };
/** bzImage64_load() */
const MIN_PURGATORY_ADDR = 0x3000;
const MIN_BOOTPARAM_ADDR = 0x3000;
const MIN_KERNEL_LOAD_ADDR = 0x100000;
const MAX_ELFCOREHDR_STR_LEN = 30;
const RNG_SEED_LENGTH = 32;
/** sizeof(struct boot_params), struct setup_data, struct efi_setup_data (arch/x86/include). */
const BOOT_PARAMS = 4096;
const SETUP_DATA = 16;
const EFI_SETUP_DATA = 96;
/**
 * efi_get_runtime_map_size(): 0 without EFI. On an EFI boot it is the firmware's
 * runtime map (nr_map * desc_size), which the simulator cannot know: 20 OVMF
 * descriptors of 48 bytes, a plausible value.
 */
const EFI_RUNTIME_MAP_SIZE = 20 * 48;

/** kexec_file.c locate_mem_hole_top_down() within one System RAM range; kimage_is_destination_range(). */
function topDown(
  ram: readonly [number, number],
  segs: Segment[],
  memsz: number,
  alignTo: number,
  min: number,
): number | null {
  const [start, end] = ram;
  if (end - start + 1 < memsz || end < min) return null;
  let s = end - memsz + 1;
  for (;;) {
    s = Math.floor(s / alignTo) * alignTo;
    if (s < start || s < min) return null;
    const e = s + memsz - 1;
    if (!segs.some((g) => e > g.mem && s < g.mem + g.memsz)) return s;
    s -= PAGE;
  }
}

/**
 * The segments of a bzImage loaded without initrd, in kexec_add_buffer() order:
 * purgatory, boot_params + command line + setup_data, the kernel. Every kexec_buf
 * of bzImage64_load() is top_down; kexec_add_buffer() page-aligns memsz and
 * buf_align; kexec_walk_resources() walks System RAM upwards (the machine's
 * firmware memory map: runtime state, see machine.ts).
 */
export function bzImage64Segments(k: Kernel, image: Uint8Array, cmdlineLen: number): Segment[] {
  const setupSects = image[0x1f1] || 4;
  const kern16 = (setupSects + 1) * 512;
  const efiMap = k.secureBoot ? EFI_RUNTIME_MAP_SIZE : 0;
  const params =
    align(BOOT_PARAMS + cmdlineLen + MAX_ELFCOREHDR_STR_LEN, 16) +
    align(efiMap, 16) +
    SETUP_DATA +
    EFI_SETUP_DATA +
    SETUP_DATA +
    RNG_SEED_LENGTH;
  const bufs = [
    { bufsz: PURGATORY.bufsz, memsz: PURGATORY.memsz, align: PURGATORY.align, min: MIN_PURGATORY_ADDR },
    { bufsz: params, memsz: params, align: 16, min: MIN_BOOTPARAM_ADDR },
    {
      bufsz: image.length - kern16,
      memsz: align(u32(image, 0x260), PAGE),
      align: u32(image, 0x230),
      min: MIN_KERNEL_LOAD_ADDR,
    },
  ];
  const segs: Segment[] = [];
  for (const b of bufs) {
    const memsz = align(b.memsz, PAGE);
    let mem: number | null = null;
    for (const r of k.machine.systemRam) {
      mem = topDown(r, segs, memsz, Math.max(b.align, PAGE), b.min);
      if (mem !== null) break;
    }
    segs.push({ bufsz: b.bufsz, mem: mem ?? 0, memsz });
  }
  return segs;
}

/**
 * kernel/kexec_file.c kexec_file_load() (6.1): "Loading segment %d: buf=0x%p ...".
 * buf is a kernel buffer printed through %p, hashed with a per-boot key: these
 * 32-bit hashes are plausible stand-ins.
 */
export function segmentDebugLines(segs: Segment[]): string[] {
  return segs.map((s, i) => {
    const hash = ((0x9e3779b1 * (i + 1)) ^ s.bufsz) >>> 0;
    const p = hash.toString(16).padStart(16, "0");
    return `kexec_file: Loading segment ${i}: buf=0x${p} bufsz=0x${s.bufsz.toString(16)} mem=0x${s.mem.toString(16)} memsz=0x${s.memsz.toString(16)}`;
  });
}

/** bzImage64_load()'s checks before it adds a segment, each with its errno and pr_err() if any. */
export function bzImage64LoadCheck(k: Kernel, image: Uint8Array, cmdlineLen: number): number {
  const kern16 = ((image[0x1f1] || 4) + 1) * 512;
  if (image.length < kern16) {
    k.printk("kexec-bzImage64: bzImage truncated", "err");
    return neg("ENOEXEC");
  }
  const cmdlineSize = u32(image, 0x238);
  if (cmdlineLen > cmdlineSize) {
    k.printk("kexec-bzImage64: Kernel command line too long", "err");
    return neg("EINVAL");
  }
  // "Appending elfcorehdr=<addr> ..." is a pr_debug() of this file: not enabled.
  if (cmdlineLen + MAX_ELFCOREHDR_STR_LEN > cmdlineSize) return neg("EINVAL");
  return 0;
}

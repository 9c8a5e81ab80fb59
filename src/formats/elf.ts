// A bounded ELF64 little-endian reader for kernel modules (.ko): section
// headers, symbols, .modinfo and the `__param` table with its relocations
// (.rela__param), which resolve each `struct kernel_param`'s name and ops
// pointers (include/linux/moduleparam.h). Every offset is bounds-checked; a
// malformed file is a FormatError with the errno the kernel's ELF checks give
// (kernel/module/main.c elf_validity_cache_copy(): ENOEXEC).
import { FormatError } from "../errors.js";

export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHN_UNDEF = 0;
export const R_X86_64_64 = 1;

/** include/linux/moduleparam.h: kernel_param flags. */
export const KERNEL_PARAM_FL_UNSAFE = 1 << 0;
export const KERNEL_PARAM_FL_HWPARAM = 1 << 1;
/** sizeof(struct kernel_param) on x86_64 (6.1 and 6.12). */
export const KERNEL_PARAM_SIZE = 40;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  /** sh_addr: the link-time address (vmlinux: absolute, 0xffffffff8...). */
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  info: number;
  shndx: number;
  /** STB_* */
  bind: number;
  /** STT_* */
  type: number;
}

export interface ElfRela {
  offset: number;
  symbol: number;
  type: number;
  addend: number;
}

/** One `struct kernel_param` of the module's `__param` section. */
export interface ModuleParam {
  /** The string the `name` pointer resolves to ("port", "phram"). */
  name: string;
  /** The symbol the `ops` pointer resolves to ("param_ops_int", "phram_param_ops"). */
  ops: string;
  perm: number;
  level: number;
  flags: number;
  /** KERNEL_PARAM_FL_HWPARAM: module_param_hw*() (or a distribution patch). */
  hardware: boolean;
  unsafe: boolean;
}

function fail(msg: string): never {
  throw new FormatError(`ELF: ${msg}`, "ENOEXEC");
}

export class Elf64 {
  readonly sections: ElfSection[] = [];
  private readonly dv: DataView;
  private symtabCache?: ElfSymbol[];

  constructor(readonly bytes: Uint8Array) {
    if (bytes.length < 64) fail("file shorter than the ELF header");
    const b = bytes;
    if (b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) fail("bad magic");
    if (b[4] !== 2) fail("not ELFCLASS64");
    if (b[5] !== 1) fail("not little-endian");
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const shoff = this.u64(0x28);
    const shentsize = this.u16(0x3a);
    const shnum = this.u16(0x3c);
    const shstrndx = this.u16(0x3e);
    if (shentsize !== 64) fail(`e_shentsize ${shentsize}`);
    if (shnum === 0 || shnum > 65280) fail(`e_shnum ${shnum}`);
    if (shoff + shnum * 64 > b.length || shoff < 64) fail("section headers outside the file");
    const raw: Omit<ElfSection, "name">[] = [];
    const nameOff: number[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * 64;
      nameOff.push(this.u32(o));
      const s = {
        index: i,
        type: this.u32(o + 4),
        flags: this.dv.getBigUint64(o + 8, true),
        addr: this.dv.getBigUint64(o + 0x10, true),
        offset: this.u64(o + 0x18),
        size: this.u64(o + 0x20),
        link: this.u32(o + 0x28),
        info: this.u32(o + 0x2c),
        entsize: this.u64(o + 0x38),
      };
      if (s.type !== SHT_NOBITS && s.type !== 0 && (s.offset > b.length || s.size > b.length - s.offset))
        fail(`section ${i} outside the file`);
      raw.push(s);
    }
    const strtab = raw[shstrndx];
    if (!strtab || strtab.type !== SHT_STRTAB) fail("bad e_shstrndx");
    for (let i = 0; i < raw.length; i++) {
      const s = raw[i]!;
      this.sections.push({ ...s, name: this.cstr(strtab.offset, strtab.size, nameOff[i]!) });
    }
  }

  private u16(o: number): number {
    return this.dv.getUint16(o, true);
  }
  private u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  private u64(o: number): number {
    const v = this.dv.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`value ${v} too large at ${o}`);
    return Number(v);
  }
  private i64(o: number): number {
    return Number(this.dv.getBigInt64(o, true));
  }

  /** A NUL-terminated string inside [base, base+size). */
  private cstr(base: number, size: number, off: number): string {
    if (off >= size) fail("string offset outside its table");
    let end = base + off;
    const lim = base + size;
    while (end < lim && this.bytes[end] !== 0) end++;
    return Buffer.from(this.bytes.subarray(base + off, end)).toString("latin1");
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  contents(s: ElfSection): Uint8Array {
    if (s.type === SHT_NOBITS) return new Uint8Array(s.size);
    return this.bytes.subarray(s.offset, s.offset + s.size);
  }

  symbols(): ElfSymbol[] {
    if (this.symtabCache) return this.symtabCache;
    const st = this.sections.find((s) => s.type === SHT_SYMTAB);
    const out: ElfSymbol[] = [];
    if (st) {
      const strs = this.sections[st.link];
      if (!strs || strs.type !== SHT_STRTAB) fail("symtab without a string table");
      const n = Math.floor(st.size / 24);
      for (let i = 0; i < n; i++) {
        const o = st.offset + i * 24;
        const info = this.bytes[o + 4]!;
        out.push({
          name: this.cstr(strs.offset, strs.size, this.u32(o)),
          info,
          bind: info >> 4,
          type: info & 0xf,
          shndx: this.u16(o + 6),
          value: this.u64(o + 8),
          size: this.u64(o + 16),
        });
      }
    }
    this.symtabCache = out;
    return out;
  }

  /** The RELA entries that apply to section `target`. */
  relocationsFor(target: ElfSection): ElfRela[] {
    const rel = this.sections.find((s) => s.type === SHT_RELA && s.info === target.index);
    if (!rel) return [];
    const n = Math.floor(rel.size / 24);
    const out: ElfRela[] = [];
    for (let i = 0; i < n; i++) {
      const o = rel.offset + i * 24;
      const info = this.dv.getBigUint64(o + 8, true);
      out.push({
        offset: this.u64(o),
        symbol: Number(info >> 32n),
        type: Number(info & 0xffffffffn),
        addend: this.i64(o + 16),
      });
    }
    return out;
  }

  /** `key=value` strings of .modinfo, in order. */
  modinfo(): { key: string; value: string }[] {
    const s = this.section(".modinfo");
    if (!s) return [];
    const out: { key: string; value: string }[] = [];
    const data = Buffer.from(this.contents(s));
    let i = 0;
    while (i < data.length) {
      let j = data.indexOf(0, i);
      if (j === -1) j = data.length;
      if (j > i) {
        const str = data.subarray(i, j).toString("latin1");
        const eq = str.indexOf("=");
        if (eq > 0) out.push({ key: str.slice(0, eq), value: str.slice(eq + 1) });
      }
      i = j + 1;
    }
    return out;
  }

  modinfoValue(key: string): string | undefined {
    return this.modinfo().find((m) => m.key === key)?.value;
  }

  /**
   * What a relocated pointer points to: a string when it lands in a section
   * (section symbol + addend, e.g. ".rodata + 8"), the symbol's own name when
   * it names one, or the symbol defined at that section offset.
   */
  private resolvePointer(r: ElfRela): { string?: string; symbol?: string } {
    const syms = this.symbols();
    const sym = syms[r.symbol];
    if (!sym) fail(`relocation against missing symbol ${r.symbol}`);
    if (sym.type !== 3 /* STT_SECTION */) return { symbol: sym.name };
    const sec = this.sections[sym.shndx];
    if (!sec) fail("relocation against a missing section");
    const off = sym.value + r.addend;
    const named = syms.find((x) => x.shndx === sym.shndx && x.value === off && x.type !== 3 && x.name);
    const result: { string?: string; symbol?: string } = {};
    if (named) result.symbol = named.name;
    if (sec.type !== SHT_NOBITS && off >= 0 && off < sec.size)
      result.string = this.cstr(sec.offset, sec.size, off);
    return result;
  }

  /** The module's `struct kernel_param` table (section `__param`). */
  params(): ModuleParam[] {
    const s = this.section("__param");
    if (!s) return [];
    if (s.size % KERNEL_PARAM_SIZE !== 0)
      fail(`__param size ${s.size} is not a multiple of ${KERNEL_PARAM_SIZE}`);
    const relas = this.relocationsFor(s);
    const at = new Map(relas.filter((r) => r.type === R_X86_64_64).map((r) => [r.offset, r]));
    const out: ModuleParam[] = [];
    for (let off = 0; off < s.size; off += KERNEL_PARAM_SIZE) {
      const base = s.offset + off;
      const nameRel = at.get(off);
      const opsRel = at.get(off + 16);
      if (!nameRel) fail(`__param entry ${off / KERNEL_PARAM_SIZE} has no name relocation`);
      const name = this.resolvePointer(nameRel).string;
      if (name === undefined) fail(`__param entry ${off / KERNEL_PARAM_SIZE}: name pointer does not resolve`);
      const ops = opsRel ? (this.resolvePointer(opsRel).symbol ?? "") : "";
      const flags = this.bytes[base + 27]!;
      out.push({
        name,
        ops,
        perm: this.u16(base + 24),
        level: this.dv.getInt8(base + 26),
        flags,
        hardware: (flags & KERNEL_PARAM_FL_HWPARAM) !== 0,
        unsafe: (flags & KERNEL_PARAM_FL_UNSAFE) !== 0,
      });
    }
    return out;
  }

  /** Symbols the module needs from the kernel or other modules. */
  undefinedSymbols(): string[] {
    return this.symbols()
      .filter((s) => s.shndx === SHN_UNDEF && s.name !== "")
      .map((s) => s.name);
  }

  /** Symbols the module exports (__ksymtab entries name them as __ksymtab_<sym>). */
  exportedSymbols(): string[] {
    return this.symbols()
      .filter((s) => s.name.startsWith("__ksymtab_") && s.shndx !== SHN_UNDEF)
      .map((s) => s.name.slice("__ksymtab_".length));
  }
}

// The built-in module parameters of a kernel: vmlinux's own `__param` section,
// the `struct kernel_param` array parse_args("Booting kernel") walks
// (init/main.c start_kernel(): __start___param .. __stop___param). Built-in
// code's names carry their module prefix (include/linux/moduleparam.h
// MODULE_PARAM_PREFIX is KBUILD_MODNAME "." unless MODULE): "i8042.nopnp".
// The vmlinux inside a bzImage is linked and symbol-stripped (objcopy -S) with
// its section headers kept; a pointer is an absolute link-time address,
// resolved here through the sections' sh_addr. Layout, identical in 6.1 and
// 6.12 on x86_64: name@0, mod@8, ops@16, perm u16@24, level s8@26, flags u8@27,
// arg@32 (40 bytes).
import { FormatError } from "../errors.js";
import {
  Elf64,
  KERNEL_PARAM_FL_HWPARAM,
  KERNEL_PARAM_FL_UNSAFE,
  KERNEL_PARAM_SIZE,
  SHT_NOBITS,
} from "./elf.js";

/** One `struct kernel_param` of vmlinux. */
export interface BuiltinParam {
  /** Full name as parse_one() compares it (parameq): "<module>.<param>", or a core_param's bare name. */
  name: string;
  perm: number;
  /** -1: parsed by parse_args("Booting kernel"); 0..7: by do_initcall_level(). */
  level: number;
  flags: number;
  /** KERNEL_PARAM_FL_HWPARAM: module_param_hw*(). */
  hardware: boolean;
  unsafe: boolean;
}

const ET_EXEC = 2;
const EM_X86_64 = 62;
const SHF_ALLOC = 2n;
/** Longer than any name the kernel builds (MAX_PARAM_PREFIX_LEN + a parameter name). */
const MAX_NAME = 1024;

function fail(msg: string): never {
  throw new FormatError(`vmlinux: ${msg}`, "ENOEXEC");
}

/** The NUL-terminated string at link-time address `addr`, read from the section that holds it. */
function stringAt(elf: Elf64, addr: bigint): string {
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || (s.flags & SHF_ALLOC) === 0n || s.size === 0) continue;
    if (addr < s.addr || addr >= s.addr + BigInt(s.size)) continue;
    const start = s.offset + Number(addr - s.addr);
    const lim = Math.min(s.offset + s.size, start + MAX_NAME);
    let end = start;
    while (end < lim && elf.bytes[end] !== 0) end++;
    if (end === lim) fail(`string at 0x${addr.toString(16)} is not terminated within its section`);
    return Buffer.from(elf.bytes.subarray(start, end)).toString("latin1");
  }
  return fail(`pointer 0x${addr.toString(16)} is in no loaded section`);
}

/**
 * Every built-in parameter of a vmlinux image (x86_64). A vmlinux without a
 * `__param` section has none; anything malformed is a FormatError (ENOEXEC).
 */
export function vmlinuxParams(image: Uint8Array | Elf64): BuiltinParam[] {
  const elf = image instanceof Elf64 ? image : new Elf64(image);
  const dv = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  if (dv.getUint16(0x10, true) !== ET_EXEC) fail("not a linked executable (e_type)");
  if (dv.getUint16(0x12, true) !== EM_X86_64) fail("not x86_64 (e_machine)");
  const s = elf.section("__param");
  if (!s) return [];
  if (s.type === SHT_NOBITS) fail("__param has no contents");
  if (s.size % KERNEL_PARAM_SIZE !== 0)
    fail(`__param size ${s.size} is not a multiple of ${KERNEL_PARAM_SIZE}`);
  const out: BuiltinParam[] = [];
  for (let at = s.offset; at < s.offset + s.size; at += KERNEL_PARAM_SIZE) {
    const flags = dv.getUint8(at + 27);
    out.push({
      name: stringAt(elf, dv.getBigUint64(at, true)),
      perm: dv.getUint16(at + 24, true),
      level: dv.getInt8(at + 26),
      flags,
      hardware: (flags & KERNEL_PARAM_FL_HWPARAM) !== 0,
      unsafe: (flags & KERNEL_PARAM_FL_UNSAFE) !== 0,
    });
  }
  return out;
}

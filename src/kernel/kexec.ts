// kexec_load(2) (kernel/kexec.c kexec_load_check()) and kexec_file_load(2)
// (kernel/kexec_file.c, arch/x86/kernel/kexec-bzimage64.c).
import type { Kernel } from "./kernel.js";
import { bzImage64LoadCheck, bzImage64Probe, bzImage64Segments, segmentDebugLines } from "./kexec-bzimage.js";
import { neg } from "./vfs.js";

export interface KexecSegment {
  bufsz: number;
  mem: number;
  memsz: number;
}

/** include/uapi/linux/kexec.h */
export const KEXEC_FLAGS: Readonly<Record<string, number>> = {
  KEXEC_ON_CRASH: 0x1,
  KEXEC_PRESERVE_CONTEXT: 0x2,
  KEXEC_UPDATE_ELFCOREHDR: 0x4,
  KEXEC_ARCH_DEFAULT: 0,
  KEXEC_ARCH_386: 3 << 16,
  KEXEC_ARCH_X86_64: 62 << 16,
};
export const KEXEC_FILE_FLAGS: Readonly<Record<string, number>> = {
  KEXEC_FILE_UNLOAD: 0x1,
  KEXEC_FILE_ON_CRASH: 0x2,
  KEXEC_FILE_NO_INITRAMFS: 0x4,
  KEXEC_FILE_DEBUG: 0x8,
};
const KEXEC_ARCH_MASK = 0xffff << 16;
const KEXEC_SEGMENT_MAX = 16;
const PAGE = 4096;
/** The machine's RAM: 1 GiB. */
const RAM_END = 1 << 30;

export function flagValue(table: Readonly<Record<string, number>>, flags: number | string[]): number | null {
  if (typeof flags === "number") return flags;
  let v = 0;
  for (const f of flags) {
    const x = table[f];
    if (x === undefined) return null;
    v |= x;
  }
  return v;
}

/** kexec_load(2) */
export function kexecLoad(
  k: Kernel,
  entry: number,
  segments: KexecSegment[],
  flagsIn: number | string[],
): number {
  if (!k.config.KEXEC) return neg("ENOSYS");
  const flags = flagValue(KEXEC_FLAGS, flagsIn);
  if (flags === null) return neg("EINVAL");
  // kexec_load_check(): CAP_SYS_BOOT / kexec_load_disabled, then
  // security_kernel_load_data(LOADING_KEXEC_IMAGE) (IMA), then lockdown.
  const ima = k.ima.loadKexecImage();
  if (ima < 0) return ima;
  const ld = k.lockedDown("LOCKDOWN_KEXEC");
  if (ld) return ld;
  if ((flags & 0x7) !== (flags & ~KEXEC_ARCH_MASK)) return neg("EINVAL");
  if (segments.length > KEXEC_SEGMENT_MAX) return neg("EINVAL");
  const arch = flags & KEXEC_ARCH_MASK;
  if (arch !== 0 && arch !== KEXEC_FLAGS.KEXEC_ARCH_X86_64) return neg("EINVAL");
  if (segments.length === 0) {
    k.kexecImage = null;
    return 0;
  }
  // sanity_check_segment_list()
  for (const s of segments) {
    if (s.mem % PAGE !== 0 || s.memsz % PAGE !== 0) return neg("EADDRNOTAVAIL");
    if (s.mem + s.memsz > RAM_END) return neg("EADDRNOTAVAIL");
    if (s.bufsz > s.memsz) return neg("EINVAL");
  }
  if (flags & KEXEC_FLAGS.KEXEC_ON_CRASH!) return neg("EADDRNOTAVAIL");
  void entry;
  k.kexecImage = { via: "kexec_load" };
  return 0;
}

/** kernel/kexec_file.c kimage_validate_signature() */
function kimageValidateSignature(k: Kernel, image: Uint8Array): number {
  let ret: number;
  if (!k.config.KEXEC_BZIMAGE_VERIFY_SIG) ret = neg("EKEYREJECTED");
  else if (k.checker) {
    const r = k.checker.kexecVerifyPeSig(image);
    for (const l of r.log) k.printk(l);
    ret = r.ret;
  } else ret = neg("ENOKEY");
  if (ret) {
    if (k.kexecSigEnforce) {
      k.printk(`kexec_file: Enforced kernel signature verification failed (${ret}).`, "notice");
      return ret;
    }
    // If IMA is guaranteed to appraise a signature on the kexec image,
    // permit it even if the kernel is otherwise locked down.
    if (!k.ima.appraiseKexecSignature() && k.lockedDown("LOCKDOWN_KEXEC")) return neg("EPERM");
    if (k.kexecDebug) k.printk(`kexec_file: kernel signature verification failed (${ret}).`, "debug");
  }
  return 0;
}

/** kexec_file_load(2): kernel/kexec_file.c, kimage_file_prepare_segments() in its order. */
export function kexecFileLoad(
  k: Kernel,
  kernel: string,
  initrd: string | null,
  cmdline: string,
  flagsIn: number | string[],
): number {
  if (!k.config.KEXEC_FILE) return neg("ENOSYS");
  const flags = flagValue(KEXEC_FILE_FLAGS, flagsIn);
  // KEXEC_FILE_FLAGS (include/linux/kexec.h): 6.12 adds KEXEC_FILE_DEBUG.
  if (flags === null || (flags & ~k.profile.kexecFileFlags) !== 0) return neg("EINVAL");
  if (flags & KEXEC_FILE_FLAGS.KEXEC_FILE_UNLOAD!) {
    k.kexecImage = null;
    return 0;
  }
  // kernel_read_file_from_fd(READING_KEXEC_IMAGE): IMA appraisal (KEXEC_KERNEL_CHECK)
  const image = k.fileContent(kernel);
  if (!image) return neg(k.lookup(kernel) ? "EINVAL" : "ENOENT");
  const ima = k.ima.appraiseRead("KEXEC_KERNEL_CHECK");
  if (ima) return ima;
  const probe = bzImage64Probe(k, image);
  if (probe) return probe;
  if (k.config.KEXEC_SIG) {
    const r = kimageValidateSignature(k, image);
    if (r) return r;
  }
  if (!(flags & KEXEC_FILE_FLAGS.KEXEC_FILE_NO_INITRAMFS!)) {
    if (initrd === null) return neg("EBADF");
    if (!k.fileContent(initrd)) return neg("ENOENT");
  }
  // The command line as the callers pass it: NUL-terminated, cmdline_len = strlen + 1.
  const cmdlineLen = Buffer.byteLength(cmdline) + 1;
  const load = bzImage64LoadCheck(k, image, cmdlineLen);
  if (load) return load;
  if (flags & KEXEC_FILE_FLAGS.KEXEC_FILE_ON_CRASH!) return neg("EADDRNOTAVAIL");
  // 6.12 prints its segments with kexec_dprintk() under KEXEC_FILE_DEBUG only (not modelled).
  if (k.kexecDebug && k.profile.kexecSegmentsPrDebug)
    for (const l of segmentDebugLines(bzImage64Segments(k, image, cmdlineLen))) k.printk(l, "debug");
  k.kexecImage = { via: "kexec_file_load", cmdline };
  return 0;
}

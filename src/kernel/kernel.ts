// The simulated kernel: booted from a version profile, a command line, Kconfig
// overrides, Secure Boot state, keyrings and a machine; its system calls reach
// the lockdown hook where Linux's do, with Linux's errno and log lines.
import { parameq, splitCmdline } from "../lsm/cmdline.js";
import { LockdownBoot } from "../lsm/init.js";
import type { Level } from "../lsm/levels.js";
import type { Lockdown } from "../lsm/lockdown.js";
import { type LogLevel, ManualClock } from "../lsm/log.js";
import type { RateLimit } from "../lsm/ratelimit.js";
import type { LockdownReason } from "../lsm/reasons.js";
import { lockdownFileContent } from "../lsm/securityfs.js";
import type { KernelVersion } from "../lsm/versions.js";
import { startKernel } from "./boot.js";
import { bpfProgLoad } from "./bpf.js";
import { resultName } from "./errno.js";
import { Ima } from "./ima.js";
import { ioperm, iopl } from "./ioport.js";
import { type KexecSegment, kexecFileLoad, kexecLoad } from "./kexec.js";
import { cloneMachine, type Machine, QEMU_PC } from "./machine.js";
import { finitModule, kstrtobool, type LoadedModule } from "./modules.js";
import type { MsrAllowWrites } from "./msr.js";
import { type PerfAttr, perfEventOpen } from "./perf.js";
import { applyConfig, type KernelConfig, PROFILES, type VersionProfile } from "./profile.js";
import type { KeyringFiles, SignatureChecker } from "./signature.js";
import { TraceState } from "./tracefs.js";
import { decompressModule, kernelVerifier } from "./verifier.js";
import {
  type Inode,
  neg,
  normalize,
  O_ACCMODE,
  O_RDONLY,
  O_WRONLY,
  OPEN_FLAGS,
  type OpenFile,
  Vfs,
} from "./vfs.js";
import { xfrmGetsa } from "./xfrm.js";

export interface KernelOptions {
  version: KernelVersion;
  cmdline?: string;
  config?: Record<string, unknown>;
  /** Firmware reports Secure Boot enabled (a UEFI boot through shim and GRUB). */
  secureBoot?: boolean;
  keyrings?: Partial<KeyringFiles>;
  /** The signature verifier; default: src/verify with these keyrings (kernelVerifier). */
  checker?: SignatureChecker;
  /** ACPI tables in the initrd's kernel/firmware/acpi/. */
  acpiTables?: { name: string; data: Uint8Array }[];
  /** Regular files of the root filesystem: path -> content (or a loader). */
  files?: Record<string, Uint8Array | (() => Uint8Array)>;
  machine?: Machine;
  /** The process name of the caller (current->comm). */
  comm?: string;
}

/** One kernel log record. */
export interface LogRecord {
  level: LogLevel;
  text: string;
  /** Milliseconds since boot. */
  time: number;
}

/** A system call's answer. */
export interface SysResult {
  /** Return value: >= 0 success, < 0 -errno. */
  ret: number;
  /** "ok", an errno name, or "redacted" for xfrm_getsa. */
  result: string;
  data?: string | number | Uint8Array;
  /** The log lines this call caused. */
  log: string[];
}

export class Kernel {
  readonly version: KernelVersion;
  readonly profile: VersionProfile;
  readonly config: KernelConfig;
  readonly cmdline: string;
  readonly secureBoot: boolean;
  readonly machine: Machine;
  readonly clock = new ManualClock(0);
  readonly dmesg: LogRecord[] = [];
  readonly bootLog: LogRecord[] = [];
  readonly lsmBoot: LockdownBoot;
  readonly lsm: Lockdown;
  readonly vfs = new Vfs();
  readonly ima: Ima;
  readonly keyrings: KeyringFiles;
  readonly checker: SignatureChecker | undefined;
  readonly trace = new TraceState();
  /** current->comm of the task making calls. */
  comm = "swapper";
  /** kernel/module/signing.c sig_enforce. */
  moduleSigEnforce: boolean;
  /** kernel/kexec_file.c sig_enforce. */
  kexecSigEnforce: boolean;
  /** pr_notice_once() of load_module(): the unsigned-module taint line. */
  unsignedTaintLogged = false;
  readonly modules = new Map<string, LoadedModule>();
  /** The loaded kexec image (kexec_image), if any. */
  kexecImage: { via: "kexec_load" | "kexec_file_load"; cmdline?: string } | null = null;
  /** arch/x86 thread io bitmap and iopl of the caller. */
  ioBitmap = new Set<number>();
  ioplLevel = 0;
  /** ACPI tables installed by the initrd table upgrade. */
  acpiInstalled: { signature: string; data: Uint8Array }[] = [];
  readonly acpiTables: { name: string; data: Uint8Array }[];
  /** acpi_rsdp= accepted (drivers/acpi/osl.c), and the efivar_ssdt= name kept (drivers/firmware/efi/efi.c). */
  acpiRsdpOverride: string | null = null;
  efivarSsdt: string | null = null;
  /** dyndbg enabled for kernel/kexec_file.c pr_debug(). */
  readonly kexecDebug: boolean;
  /** /sys/power/pm_test */
  readonly power = { pmTest: "none", resume: "0:0" };
  /** `nohibernate` / `hibernate=no` and `noresume` on the command line. */
  readonly nohibernate: boolean;
  readonly noresume: boolean;
  /** arch/x86/kernel/msr.c state: msr.allow_writes and filter_write()'s rate limit. */
  readonly msr: { allowWrites: MsrAllowWrites; ratelimit?: RateLimit } = { allowWrites: "default" };
  /** The caller's pid, for log lines that print it. */
  pid = 100;
  private readonly files: Map<string, Uint8Array | (() => Uint8Array)>;
  private readonly xzCache = new Map<Uint8Array, Uint8Array | null>();
  private booted = false;

  constructor(opts: KernelOptions) {
    this.version = opts.version;
    this.profile = PROFILES[opts.version];
    this.config = applyConfig(opts.config ?? {}, "config", opts.version);
    this.cmdline = opts.cmdline ?? "";
    this.secureBoot = opts.secureBoot ?? false;
    this.machine = cloneMachine(opts.machine ?? QEMU_PC);
    this.keyrings = {
      builtin: opts.keyrings?.builtin ?? [],
      secondary: opts.keyrings?.secondary ?? [],
      platform: opts.keyrings?.platform ?? [],
      machine: opts.keyrings?.machine ?? [],
      blacklist: opts.keyrings?.blacklist ?? [],
    };
    this.checker =
      opts.checker ?? kernelVerifier(this.version, this.keyrings, { ecdsa: this.config.CRYPTO_ECDSA });
    this.acpiTables = opts.acpiTables ?? [];
    this.files = new Map(Object.entries(opts.files ?? {}).map(([p, c]) => [normalize(p), c]));
    this.moduleSigEnforce = this.config.MODULE_SIG_FORCE;
    this.kexecSigEnforce = this.config.KEXEC_SIG_FORCE;
    this.lsmBoot = new LockdownBoot(this.config, this.cmdline, {
      version: this.version,
      clock: this.clock.now,
      log: (l) => this.printk(l.text, l.level),
    });
    this.lsm = this.lsmBoot.lsm;
    this.ima = new Ima(this);
    this.kexecDebug = splitCmdline(this.cmdline).args.some(
      (a) => a.param === "dyndbg" && a.val !== null && /kexec_file\.c/.test(a.val) && /\+p/.test(a.val),
    );
    if (opts.comm !== undefined) this.pendingComm = opts.comm;
    const args = splitCmdline(this.cmdline).args;
    this.nohibernate = args.some(
      (a) => a.param === "nohibernate" || (a.param === "hibernate" && a.val === "no"),
    );
    this.noresume = args.some(
      (a) => a.param === "noresume" || (a.param === "hibernate" && a.val === "noresume"),
    );
    // module.sig_enforce on the command line (kernel/module/signing.c, bool_enable_only).
    for (const a of args)
      if (parameq(a.param, "module.sig_enforce") && (a.val === null || kstrtobool(a.val) === true))
        this.moduleSigEnforce = true;
  }

  /**
   * Decompresses every xz file of the root filesystem ahead of time, so that
   * finit_module(MODULE_INIT_COMPRESSED_FILE) can stay synchronous. The
   * scenario runner calls it; library users loading compressed modules should too.
   */
  async prepare(): Promise<this> {
    for (const p of this.files.keys()) {
      const c = this.fileContent(p);
      if (
        c &&
        c.length > 6 &&
        c[0] === 0xfd &&
        c[1] === 0x37 &&
        c[2] === 0x7a &&
        c[3] === 0x58 &&
        c[4] === 0x5a
      )
        this.xzCache.set(c, await decompressCached(c));
    }
    return this;
  }

  /** module_decompress(): the decompressed module, or undefined when it is not valid xz. */
  decompressed(data: Uint8Array): Uint8Array | undefined {
    return this.xzCache.get(data) ?? undefined;
  }

  private pendingComm = "probe";

  /** printk(): one record, timestamped by the simulated clock. */
  printk(text: string, level: LogLevel = "info"): void {
    const rec = { level, text, time: this.clock.now() };
    this.dmesg.push(rec);
    if (!this.booted) this.bootLog.push(rec);
  }

  /** security_locked_down(reason) from the current task. */
  lockedDown(reason: LockdownReason): number {
    return this.lsm.securityLockedDown(reason, this.comm);
  }

  get level(): Level {
    return this.lsm.level;
  }

  /** start_kernel() and the initcalls, in the order each version runs them. */
  boot(): this {
    if (this.booted) return this;
    startKernel(this);
    this.booted = true;
    // current->comm holds TASK_COMM_LEN - 1 = 15 characters.
    this.comm = this.pendingComm.slice(0, 15);
    return this;
  }

  /** Simulated time passes. */
  sleep(ms: number): void {
    this.clock.advance(ms);
  }

  /** A regular file of the root filesystem. */
  fileContent(path: string): Uint8Array | undefined {
    const c = this.files.get(normalize(path));
    if (c === undefined) return undefined;
    if (typeof c === "function") {
      const v = c();
      this.files.set(normalize(path), v);
      return v;
    }
    return c;
  }

  hasFile(path: string): boolean {
    return this.files.has(normalize(path));
  }

  /** Runs `fn`, returning its result with the log lines it caused. */
  call(fn: () => { ret: number; data?: string | number | Uint8Array; result?: string }): SysResult {
    const start = this.dmesg.length;
    const r = fn();
    const out: SysResult = {
      ret: r.ret,
      result: r.result ?? resultName(r.ret),
      log: this.dmesg.slice(start).map((l) => l.text),
    };
    if (r.data !== undefined) out.data = r.data;
    return out;
  }

  // ---- path-based system calls ------------------------------------------

  lookup(path: string): Inode | undefined {
    const p = normalize(path);
    const node = this.vfs.lookup(this, p);
    if (node) return node;
    if (this.files.has(p)) return { mode: 0o644, read: (k) => k.fileContent(p) ?? neg("ENOENT") };
    return undefined;
  }

  private openFile(path: string, flags: number): OpenFile | number {
    const inode = this.lookup(path);
    if (!inode) return neg("ENOENT");
    const acc = flags & O_ACCMODE;
    if (inode.dir && acc !== O_RDONLY) return neg("EISDIR");
    const f: OpenFile = {
      path: normalize(path),
      inode,
      flags,
      readable: acc !== O_WRONLY,
      writable: acc !== O_RDONLY,
    };
    if (f.writable && !inode.write && !inode.pwrite && !inode.ioctl && !inode.dir && !inode.open)
      return neg("EACCES");
    if (inode.open) {
      const r = inode.open(this, f);
      if (r < 0) return r;
    }
    return f;
  }

  /** open(2) then close. */
  open(path: string, flags: number | string[] = O_RDONLY): SysResult {
    return this.call(() => {
      const f = this.openFile(path, typeof flags === "number" ? flags : openFlags(flags));
      return { ret: typeof f === "number" ? f : 0 };
    });
  }

  /** open O_RDONLY + read(2) until EOF. */
  read(path: string): SysResult {
    return this.call(() => {
      const f = this.openFile(path, O_RDONLY);
      if (typeof f === "number") return { ret: f };
      if (f.inode.dir) return { ret: neg("EISDIR") };
      if (!f.inode.read) return { ret: neg("EINVAL") };
      const r = f.inode.read(this, f);
      if (typeof r === "number") return { ret: r };
      return { ret: r.length, data: r };
    });
  }

  /** open + one write(2) of `data`. */
  write(path: string, data: string | Uint8Array, flags: number | string[] = O_WRONLY): SysResult {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    return this.call(() => {
      const f = this.openFile(path, typeof flags === "number" ? flags : openFlags(flags));
      if (typeof f === "number") return { ret: f };
      if (!f.writable) return { ret: neg("EBADF") };
      if (!f.inode.write) return { ret: neg("EINVAL") };
      // fs/sysfs/file.c sysfs_kf_write(): a zero-length write never reaches ->store().
      if (bytes.length === 0 && this.isSysfs(f.path)) return { ret: 0 };
      return { ret: f.inode.write(this, f, bytes) };
    });
  }

  /** Whether a path is on sysfs (not on a filesystem mounted below /sys). */
  isSysfs(path: string): boolean {
    const p = normalize(path);
    if (!p.startsWith("/sys/")) return false;
    for (const t of ["/sys/kernel/security", "/sys/kernel/debug", "/sys/kernel/tracing"])
      if ((p === t || p.startsWith(`${t}/`)) && this.vfs.mountedAt(t)) return false;
    return true;
  }

  pread(path: string, offset: number, size: number): SysResult {
    return this.call(() => {
      const g = this.openFile(path, O_RDONLY);
      if (typeof g === "number") return { ret: g };
      if (g.inode.pread) {
        const r = g.inode.pread(this, g, offset, size);
        return typeof r === "number" ? { ret: r } : { ret: r.length, data: r };
      }
      if (!g.inode.read) return { ret: neg("EINVAL") };
      const all = g.inode.read(this, g);
      if (typeof all === "number") return { ret: all };
      const r = all.subarray(offset, offset + size);
      return { ret: r.length, data: r };
    });
  }

  pwrite(path: string, offset: number, value: Uint8Array): SysResult {
    return this.call(() => {
      const f = this.openFile(path, OPEN_FLAGS.O_RDWR!);
      if (typeof f === "number") return { ret: f };
      if (f.inode.pwrite) return { ret: f.inode.pwrite(this, f, offset, value) };
      if (f.inode.write) return { ret: f.inode.write(this, f, value) };
      return { ret: neg("EINVAL") };
    });
  }

  mmap(path: string, length: number): SysResult {
    return this.call(() => {
      const f = this.openFile(path, O_RDONLY);
      if (typeof f === "number") return { ret: f };
      if (!f.inode.mmap) return { ret: neg("ENODEV") };
      return { ret: f.inode.mmap(this, f, length) };
    });
  }

  ioctl(path: string, request: string, arg?: unknown, flags?: number): SysResult {
    return this.call(() => {
      const f = this.openFile(
        path,
        flags ?? OPEN_FLAGS.O_RDWR! | OPEN_FLAGS.O_NOCTTY! | OPEN_FLAGS.O_NONBLOCK!,
      );
      if (typeof f === "number") return { ret: f };
      if (!f.inode.ioctl) return { ret: neg("ENOTTY") };
      const r = f.inode.ioctl(this, f, request, arg);
      return r.data === undefined ? { ret: r.ret } : { ret: r.ret, data: JSON.stringify(r.data) };
    });
  }

  readdir(path: string): SysResult {
    return this.call(() => {
      const node = this.lookup(path);
      if (!node) return { ret: neg("ENOENT") };
      if (!node.dir) return { ret: neg("ENOTDIR") };
      const entries = this.vfs.list(this, path) ?? [];
      return { ret: 0, data: entries.length + 2 };
    });
  }

  chmod(path: string, mode: number): SysResult {
    return this.call(() => {
      const node = this.lookup(path);
      if (!node) return { ret: neg("ENOENT") };
      if (node.setattr) return { ret: node.setattr(this, mode) };
      node.mode = mode & 0o7777;
      return { ret: 0 };
    });
  }

  mount(fstype: string, target: string): SysResult {
    return this.call(() => {
      const t = normalize(target);
      const fs = this.filesystems.get(fstype);
      if (!fs) return { ret: neg("ENODEV") };
      if (!this.vfs.lookup(this, t)) return { ret: neg("ENOENT") };
      // do_add_mount(): the same superblock on the same mount point is EBUSY
      // (the battery ignored it); these are single-superblock filesystems.
      if (this.vfs.mountedAt(t)) return { ret: neg("EBUSY") };
      this.vfs.mount(t, fs);
      return { ret: 0 };
    });
  }

  /** Filesystem types registered by the subsystems (securityfs, debugfs, tracefs). */
  readonly filesystems = new Map<string, import("./vfs.js").FsType>();

  // ---- other system calls ------------------------------------------------

  ioperm(from: number, num: number, turnOn: number): SysResult {
    return this.call(() => ({ ret: ioperm(this, from, num, turnOn) }));
  }

  iopl(level: number): SysResult {
    return this.call(() => ({ ret: iopl(this, level) }));
  }

  finitModule(path: string, params = "", flags: number | string[] = 0): SysResult {
    return this.call(() => ({ ret: finitModule(this, path, params, flags) }));
  }

  kexecLoad(entry: number, segments: KexecSegment[], flags: number | string[] = 0): SysResult {
    return this.call(() => ({ ret: kexecLoad(this, entry, segments, flags) }));
  }

  kexecFileLoad(
    kernel: string,
    initrd: string | null,
    cmdline: string,
    flags: number | string[] = 0,
  ): SysResult {
    return this.call(() => ({ ret: kexecFileLoad(this, kernel, initrd, cmdline, flags) }));
  }

  perfEventOpen(attr: PerfAttr, pid: number, cpu: number): SysResult {
    return this.call(() => ({ ret: perfEventOpen(this, attr, pid, cpu) }));
  }

  bpfProgLoad(progType: string, helpers: number[]): SysResult {
    return this.call(() => bpfProgLoad(this, progType, helpers));
  }

  xfrmGetsa(alg: string, key: Uint8Array): SysResult {
    return this.call(() => xfrmGetsa(this, alg, key));
  }

  /** The securityfs file's content, for callers that only want the level. */
  lockdownFile(): string {
    return lockdownFileContent(this.lsm);
  }
}

const XZ_DONE = new WeakMap<Uint8Array, Uint8Array | null>();

async function decompressCached(c: Uint8Array): Promise<Uint8Array | null> {
  const hit = XZ_DONE.get(c);
  if (hit !== undefined) return hit;
  // kernel/module/decompress.c: module_decompress(), through the verify layer's bounded decoder.
  const d = await decompressModule(c).catch(() => null);
  XZ_DONE.set(c, d);
  return d;
}

/** Open flags by name -> number; unknown names throw RangeError. */
export function openFlags(names: readonly string[]): number {
  let v = 0;
  for (const n of names) {
    const f = OPEN_FLAGS[n];
    if (f === undefined) throw new RangeError(`unknown open flag ${n}`);
    v |= f;
  }
  return v;
}

/** Boots a kernel (library entry point). */
export function bootKernel(opts: KernelOptions): Kernel {
  return new Kernel(opts).boot();
}

// One operation on a freshly booted kernel, for `kernel-lockdown sim --try`:
// "open /dev/mem", "finit_module ./foo.ko [params] [FLAG...]", ... parsed into
// a scenario step. Paths under securityfs, debugfs and tracefs are mounted
// first; /dev/cpu/N/msr exists as if msr.ko were loaded.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InputError, UsageError } from "../errors.js";
import type { Level } from "../lsm/levels.js";
import type { KernelVersion } from "../lsm/versions.js";
import { Kernel } from "./kernel.js";
import { msrModuleInit } from "./msr.js";
import { runStep, type Step, type StepOutput, validateStep } from "./scenario.js";
import type { KeyringFiles, SignatureChecker } from "./signature.js";

export const TRY_USAGE = `operations (one per --try; paths are simulated, files given to finit_module and
kexec_file_load are read from the host):
  open PATH [FLAG...]              read PATH                write PATH DATA [FLAG...]
  readdir PATH                     chmod PATH MODE          mmap PATH [LENGTH]
  pread PATH OFFSET SIZE           pwrite PATH OFFSET HEX   ioctl PATH REQUEST [JSON]
  ioperm FROM NUM ON               iopl LEVEL               lockdown LEVEL
  finit_module FILE [PARAMS] [MODULE_INIT_*...]
  kexec_load                       kexec_file_load FILE [KEXEC_FILE_*...]
  perf_event_open sw|regs_intr|kprobe [FUNC]
  bpf_prog_load socket|kprobe [HELPER_ID...]
  xfrm_getsa [ALG] [KEYHEX]        mount FSTYPE TARGET`;

/** Splits on spaces, honouring "double" and 'single' quotes. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of s.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

const MOUNTS: [string, string][] = [
  ["/sys/kernel/security", "securityfs"],
  ["/sys/kernel/debug", "debugfs"],
  ["/sys/kernel/tracing", "tracefs"],
];

export interface TryOptions {
  version: KernelVersion;
  level: Level;
  /** Raise the level through securityfs after boot instead of lockdown= on the command line. */
  runtime?: boolean;
  secureBoot?: boolean;
  cmdline?: string;
  /** Certificate files for .builtin_trusted_keys. */
  certs?: string[];
  /** Kconfig overrides (names without CONFIG_). */
  config?: Record<string, boolean | string>;
  checker?: SignatureChecker;
}

/** Parses an operation into a scenario step; host files it names are returned too. */
export function parseTry(op: string): { step: Step; hostFiles: string[] } {
  const w = splitWords(op);
  const call = w[0];
  if (!call) throw new UsageError("--try: empty operation");
  const a = w.slice(1);
  const need = (n: number) => {
    if (a.length < n) throw new UsageError(`--try "${op}": ${call} needs ${n} argument(s)`);
  };
  const flagsOf = (xs: string[]) => xs.filter((x) => /^[A-Z][A-Z0-9_]+$/.test(x));
  let raw: Record<string, unknown>;
  const hostFiles: string[] = [];
  switch (call) {
    case "open":
      need(1);
      raw = { path: a[0], flags: a.length > 1 ? a.slice(1) : ["O_RDONLY"] };
      break;
    case "read":
    case "readdir":
      need(1);
      raw = { path: a[0] };
      break;
    case "write":
      need(2);
      raw = { path: a[0], data: a[1], flags: a.length > 2 ? a.slice(2) : ["O_WRONLY"] };
      break;
    case "chmod":
      need(2);
      raw = { path: a[0], mode: a[1] };
      break;
    case "mmap":
      need(1);
      raw = { path: a[0], length: Number(a[1] ?? 4096), prot: ["PROT_READ"], flags: ["MAP_SHARED"] };
      break;
    case "pread":
      need(3);
      raw = { path: a[0], offset: a[1], size: Number(a[2]) };
      break;
    case "pwrite":
      need(3);
      raw = { path: a[0], offset: a[1], value: a[2] };
      break;
    case "ioctl":
      need(2);
      raw = a[2] ? { path: a[0], request: a[1], arg: JSON.parse(a[2]) } : { path: a[0], request: a[1] };
      break;
    case "ioperm":
      need(3);
      raw = { from: a[0], num: a[1], turn_on: a[2] };
      break;
    case "iopl":
      need(1);
      raw = { level: a[0] };
      break;
    case "lockdown":
      need(1);
      raw = { level: a[0] };
      break;
    case "mount":
      need(2);
      raw = { fstype: a[0], target: a[1] };
      break;
    case "finit_module": {
      need(1);
      const params = a.slice(1).filter((x) => !/^MODULE_INIT_/.test(x));
      raw = { path: resolve(a[0]!), params: params.join(" "), flags: flagsOf(a.slice(1)) };
      hostFiles.push(resolve(a[0]!));
      break;
    }
    case "kexec_load":
      raw = {
        entry: "0x1000000",
        segments: [{ bufsz: 4096, mem: "0x1000000", memsz: 4096 }],
        flags: ["KEXEC_ARCH_DEFAULT"],
      };
      break;
    case "kexec_file_load":
      need(1);
      raw = {
        kernel: resolve(a[0]!),
        initrd: null,
        cmdline: "console=ttyS0",
        flags: a.length > 1 ? a.slice(1) : ["KEXEC_FILE_NO_INITRAMFS"],
      };
      hostFiles.push(resolve(a[0]!));
      break;
    case "perf_event_open": {
      const kind = a[0] ?? "sw";
      if (kind === "kprobe")
        raw = { attr: { type: "kprobe", kprobe_func: a[1] ?? "do_sys_openat2" }, pid: -1, cpu: 0 };
      else if (kind === "regs_intr")
        raw = {
          attr: {
            type: "PERF_TYPE_SOFTWARE",
            config: "PERF_COUNT_SW_CPU_CLOCK",
            sample_type: ["PERF_SAMPLE_IP", "PERF_SAMPLE_REGS_INTR"],
            sample_regs_intr: 1,
          },
          pid: 0,
          cpu: -1,
        };
      else if (kind === "sw")
        raw = {
          attr: {
            type: "PERF_TYPE_SOFTWARE",
            config: "PERF_COUNT_SW_CPU_CLOCK",
            sample_type: ["PERF_SAMPLE_IP"],
          },
          pid: 0,
          cpu: -1,
        };
      else throw new UsageError(`--try "${op}": perf_event_open takes sw, regs_intr or kprobe`);
      break;
    }
    case "bpf_prog_load": {
      const t = a[0] ?? "socket";
      const type =
        t === "socket" ? "BPF_PROG_TYPE_SOCKET_FILTER" : t === "kprobe" ? "BPF_PROG_TYPE_KPROBE" : t;
      raw = { prog_type: type, helpers: a.slice(1).map(Number) };
      break;
    }
    case "xfrm_getsa":
      raw = { alg: a[0] ?? "hmac(sha256)", key: a[1] ?? "a5".repeat(32) };
      break;
    default:
      throw new UsageError(`--try "${op}": unknown operation "${call}"`);
  }
  return { step: validateStep({ id: "try", call, ...raw }, 0), hostFiles };
}

export interface TryResult {
  level: Level;
  boot: string[];
  output: StepOutput;
}

/** Boots a kernel and performs one operation as `probe`. */
export async function tryOperation(op: string, o: TryOptions): Promise<TryResult> {
  const { step, hostFiles } = parseTry(op);
  const files: Record<string, Uint8Array> = {};
  for (const f of hostFiles) {
    try {
      files[f] = readFileSync(f);
    } catch (e) {
      throw new InputError(f, `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  const keyrings: KeyringFiles = { builtin: [], secondary: [], platform: [], machine: [], blacklist: [] };
  for (const c of o.certs ?? []) {
    try {
      keyrings.builtin.push(readFileSync(c));
    } catch (e) {
      throw new InputError(c, `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  let cmdline = o.cmdline ?? "console=ttyS0";
  if (!o.runtime && o.level !== "none") cmdline += ` lockdown=${o.level}`;
  const k = new Kernel({
    version: o.version,
    cmdline,
    config: o.config ?? {},
    secureBoot: o.secureBoot ?? false,
    keyrings,
    files,
    checker: o.checker,
  });
  await k.prepare();
  k.boot();
  const boot = k.bootLog.map((l) => l.text);
  const preads = new Map<string, Uint8Array>();
  if (o.runtime && o.level !== "none") {
    k.mount("securityfs", "/sys/kernel/security");
    k.write("/sys/kernel/security/lockdown", o.level);
  }
  // The battery's pacing: the boot's lines are out of the rate-limit window.
  k.sleep(5500);
  const path = typeof step.path === "string" ? step.path : "";
  for (const [target, fs] of MOUNTS)
    if (path.startsWith(`${target}/`) && step.call !== "mount") k.mount(fs, target);
  if (/^\/dev\/cpu\/\d+\/msr$/.test(path)) msrModuleInit(k);
  if (step.call === "pwrite" && step.value === "same") {
    const r = k.pread(path, Number(step.offset), 8);
    if (r.data instanceof Uint8Array) preads.set(`${path}@${Number(step.offset)}`, r.data);
  }
  const output = runStep(k, step, preads)!;
  return { level: k.level, boot, output };
}

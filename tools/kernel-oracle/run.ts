// Boots the real Debian kernel under QEMU with an initramfs holding every
// oracle case and a static /init (init.c) that runs them, then writes what the
// kernel said to test/fixtures/real-kernel/<release>.json.
//
//   node --import tsx tools/kernel-oracle/run.ts [--shared DIR] [--kernel VMLINUZ]
//        [--out FILE] [--mem MB] [--timeout SEC] [--keep]
//
// Needs gcc (static glibc), sbsign and qemu-system-x86_64. One boot, TCG.
import { execFileSync, spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildCases, type OracleCase } from "./cases.js";
import { sha256 } from "./derivation.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..", "..");

const { values: args } = parseArgs({
  options: {
    shared: { type: "string", default: process.env.KERNEL_LOCKDOWN_SHARED ?? resolve(REPO, "..", "shared") },
    kernel: { type: "string" },
    out: { type: "string" },
    mem: { type: "string", default: "3072" },
    timeout: { type: "string", default: "900" },
    keep: { type: "boolean", default: false },
    modules: {
      type: "string",
      default: join(REPO, ".bench-cache", "root", "lib", "modules", "6.1.0-56-amd64"),
    },
  },
});
const SHARED = args.shared!;
const CORPUS = join(SHARED, "corpus");
const KERNEL = args.kernel ?? join(CORPUS, "pe", "debian", "vmlinuz-6.1.0-56-amd64.efi");
const RELEASE = "6.1.0-56-amd64";
/** Loaded before the cases (no modprobe in the initramfs): what request_module("crypto-sha512") would load. */
const PRELOAD = ["kernel/crypto/sha512_generic.ko"];
const OUT = args.out ?? join(REPO, "test", "fixtures", "real-kernel", `${RELEASE}.json`);
/** The probe battery's command line (spec/PROBES.md), plus verify_pefile.c's pr_debug lines. */
const CMDLINE =
  'console=ttyS0 loglevel=1 panic=-1 dyndbg="file kernel/kexec_file.c +p; file crypto/asymmetric_keys/verify_pefile.c +p"';

// ---------------------------------------------------------------- initramfs (newc cpio)

function cpio(path: string, entries: { name: string; mode: number; data?: Uint8Array }[]): void {
  const fd = openSync(path, "w");
  let ino = 1;
  let written = 0;
  const put = (b: Uint8Array) => {
    writeSync(fd, b);
    written += b.length;
  };
  const pad = () => {
    if (written % 4) put(new Uint8Array(4 - (written % 4)));
  };
  const entry = (name: string, mode: number, data: Uint8Array) => {
    const f = (n: number) => n.toString(16).padStart(8, "0");
    const nameZ = Buffer.from(`${name}\0`);
    const hdr =
      "070701" + [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameZ.length, 0].map(f).join("");
    put(Buffer.from(hdr, "ascii"));
    put(nameZ);
    pad();
    put(data);
    pad();
  };
  for (const e of entries) entry(e.name, e.mode, e.data ?? new Uint8Array());
  entry("TRAILER!!!", 0, new Uint8Array());
  closeSync(fd);
}

// ---------------------------------------------------------------- boot

function boot(initrd: string, serialLog: string): Promise<string> {
  const qemuArgs = [
    "-m",
    args.mem!,
    "-smp",
    "1",
    "-nographic",
    "-nic",
    "none",
    "-cpu",
    "max",
    "-no-reboot",
    "-kernel",
    KERNEL,
    "-initrd",
    initrd,
    "-append",
    CMDLINE,
  ];
  process.stderr.write(`qemu-system-x86_64 ${qemuArgs.join(" ")}\n`);
  return new Promise((res, rej) => {
    const q = spawn("qemu-system-x86_64", qemuArgs, { stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    let partial = "";
    q.stdout.on("data", (d: Buffer) => {
      chunks.push(d);
      const lines = (partial + d.toString("latin1")).split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) if (/^@@(CASE|PRELOAD)/.test(l)) process.stderr.write(`${l}\n`);
    });
    const timer = setTimeout(() => {
      process.stderr.write("timeout: killing qemu\n");
      q.kill("SIGKILL");
    }, Number(args.timeout) * 1000);
    q.on("error", rej);
    q.on("close", () => {
      clearTimeout(timer);
      const s = Buffer.concat(chunks).toString("latin1");
      writeFileSync(serialLog, s);
      res(s);
    });
  });
}

// ---------------------------------------------------------------- results

const ERRNO: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  8: "ENOEXEC",
  12: "ENOMEM",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  22: "EINVAL",
  61: "ENODATA",
  65: "ENOPKG",
  74: "EBADMSG",
  80: "ELIBBAD",
  90: "EMSGSIZE",
  95: "EOPNOTSUPP",
  126: "ENOKEY",
  127: "EKEYEXPIRED",
  128: "EKEYREVOKED",
  129: "EKEYREJECTED",
  524: "ENOTSUPP",
};
const errnoName = (n: number) => ERRNO[Math.abs(n)] ?? `E#${Math.abs(n)}`;

interface Run {
  ret: number;
  errno: string | null;
  log: string[];
}

function parseSerial(s: string) {
  const runs = new Map<string, Run>();
  const logs = new Map<string, string[]>();
  let release = "";
  let lockdown = "";
  let done = false;
  const preloaded: { file: string; ret: number; errno: string | null }[] = [];
  for (const raw of s.split(/\r?\n/)) {
    const l = raw.replace(/\r/g, "");
    const i = l.indexOf("@@");
    if (i < 0) continue;
    const m = l.slice(i);
    const kernel = /^@@KERNEL (.*)$/.exec(m);
    const lock = /^@@LOCKDOWN (.*)$/.exec(m);
    const pre = /^@@PRELOAD (\S+) ret=(-?\d+) errno=(\d+)/.exec(m);
    const run = /^@@CASE (\S+) ret=(-?\d+) errno=(\d+)/.exec(m);
    const rec = /^@@KMSG (\S+) (\d),\d+;(.*)$/.exec(m);
    if (kernel) release = kernel[1]!.trim();
    else if (lock) lockdown = lock[1]!.trim();
    else if (m.startsWith("@@DONE")) done = true;
    else if (pre) {
      const ret = Number(pre[2]);
      preloaded.push({ file: pre[1]!, ret, errno: ret < 0 ? errnoName(Number(pre[3])) : null });
    } else if (run) {
      const ret = Number(run[2]);
      const log: string[] = [];
      logs.set(run[1]!, log);
      runs.set(run[1]!, { ret, errno: ret < 0 ? errnoName(Number(run[3])) : null, log });
    } else if (rec) {
      // kexec's segment placement lines carry hashed pointers (different every boot) and say nothing here
      if (/kexec_file: Loading segment/.test(rec[3]!)) continue;
      if (!logs.has(rec[1]!)) logs.set(rec[1]!, []);
      logs.get(rec[1]!)!.push(`<${rec[2]}>${rec[3]}`);
    }
  }
  return { runs, logs, release, lockdown, done, preloaded };
}

const SOFT: Record<string, string> = {
  "unsigned module": "ENODATA",
  "module with unsupported crypto": "ENOPKG",
  "module with unavailable key": "ENOKEY",
};

/** The signature check's own errno, from what the kernel printed and returned. */
function signatureErrno(c: OracleCase, run: Run, enforced?: Run): { errno: string | null; how: string } {
  if (c.kind === "pe") {
    for (const l of run.log) {
      const m = /kexec_file: kernel signature verification failed \((-?\d+)\)\./.exec(l);
      if (m) return { errno: errnoName(Number(m[1])), how: "kexec_file pr_debug line" };
    }
    if (run.ret === 0) return { errno: null, how: "loaded without a verification-failed line" };
    return {
      errno: `unknown (syscall ${run.errno})`,
      how: "kexec_file_load failed before the signature check",
    };
  }
  if (run.ret < 0) return { errno: run.errno, how: "finit_module errno (a hard error of module_sig_check)" };
  if (!enforced) return { errno: "unknown", how: "no enforced run" };
  if (enforced.ret === 0) return { errno: null, how: "loads with sig_enforce=1" };
  for (const l of enforced.log) {
    const m = /Loading of (.*) is rejected/.exec(l);
    if (m && SOFT[m[1]!]) return { errno: SOFT[m[1]!]!, how: `enforced: "Loading of ${m[1]} is rejected"` };
  }
  return { errno: `unknown (enforced ${enforced.errno})`, how: "enforced run failed without a reason line" };
}

// ---------------------------------------------------------------- main

async function main() {
  const work = mkdtempSync(join(tmpdir(), "kernel-oracle-"));
  try {
    const cases = buildCases(CORPUS);
    process.stderr.write(`${cases.length} cases\n`);
    const init = join(work, "init");
    execFileSync("gcc", ["-static", "-O2", "-Wall", "-o", init, join(HERE, "init.c")], { stdio: "inherit" });
    const entries: { name: string; mode: number; data?: Uint8Array }[] = [
      { name: "proc", mode: 0o40755 },
      { name: "sys", mode: 0o40755 },
      { name: "dev", mode: 0o40755 },
      { name: "cases", mode: 0o40755 },
      { name: "init", mode: 0o100755, data: readFileSync(init) },
    ];
    const list: string[] = [];
    cases.forEach(({ c, bytes }, i) => {
      const file = `/cases/${i}.bin`;
      entries.push({ name: file.slice(1), mode: 0o100644, data: bytes });
      list.push(`${c.kind} ${c.id} ${file}${c.module ? ` ${c.module}` : ""}`);
    });
    entries.push({ name: "cases/list.txt", mode: 0o100644, data: Buffer.from(`${list.join("\n")}\n`) });
    entries.push({ name: "preload", mode: 0o40755 });
    const preload = PRELOAD.map((p) => {
      const data = readFileSync(join(args.modules!, p));
      const name = `preload/${p.split("/").pop()}`;
      entries.push({ name, mode: 0o100644, data });
      return { name, path: p, sha256: sha256(data) };
    });
    entries.push({
      name: "preload/list.txt",
      mode: 0o100644,
      data: Buffer.from(preload.map((p) => `/${p.name}\n`).join("")),
    });
    const initrd = join(work, "initrd.cpio");
    cpio(initrd, entries);
    const serialLog = join(args.keep ? REPO : work, args.keep ? "kernel-oracle-serial.log" : "serial.log");
    const t0 = Date.now();
    const serial = await boot(initrd, serialLog);
    const p = parseSerial(serial);
    if (!p.done) throw new Error(`the guest did not finish (serial log: ${serialLog})`);
    const out = cases.map(({ c }) => {
      const run = p.runs.get(c.id);
      if (!run) throw new Error(`no result for ${c.id}`);
      const enforced = c.kind === "module" ? p.runs.get(`${c.id}@enforced`) : undefined;
      const sig = signatureErrno(c, run, enforced);
      return {
        id: c.id,
        kind: c.kind,
        ...(c.module ? { module: c.module } : {}),
        derivation: c.derivation,
        syscall: { ret: run.ret, errno: run.errno },
        ...(enforced ? { enforcedSyscall: { ret: enforced.ret, errno: enforced.errno } } : {}),
        kernelErrno: sig.errno,
        errnoFrom: sig.how,
        log: run.log,
        ...(enforced ? { enforcedLog: enforced.log } : {}),
      };
    });
    const bootLog = p.logs.get("boot") ?? [];
    const fixture = {
      kernel: RELEASE,
      release: p.release,
      image: "pe/debian/vmlinuz-6.1.0-56-amd64.efi",
      machine: `qemu-system-x86_64 -m ${args.mem} -smp 1 -nographic -nic none -cpu max (TCG, SeaBIOS, -kernel direct boot)`,
      cmdline: CMDLINE,
      lockdown: p.lockdown,
      preloaded: preload.map((x) => ({
        module: `lib/modules/${RELEASE}/${x.path}`,
        sha256: x.sha256,
        result: p.preloaded.find((y) => y.file === `/${x.name}`) ?? null,
        why: 'no modprobe in the initramfs: stands in for request_module("crypto-sha512") on an installed system',
      })),
      keyrings:
        "builtin: the kernel's own (module-signing.der); .secondary: builtin only; .platform, .machine: empty",
      bootKeyLines: bootLog.filter((l) => /X\.509|keyring|Lockdown|integrity:|Secure boot/i.test(l)),
      note:
        "kernelErrno is the signature check's errno: PE from 'kexec_file: kernel signature verification failed (-N).' " +
        "(kexec's 'Loading segment' lines (hashed pointers) are left out of the logs), " +
        "modules from finit_module's errno, or for the soft errors (ENODATA/ENOPKG/ENOKEY, which load when not " +
        "enforced) from the second run with sig_enforce=1 ('Loading of <reason> is rejected').",
      bootSeconds: Math.round((Date.now() - t0) / 1000),
      cases: out,
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(fixture, null, 1)}\n`);
    process.stderr.write(`wrote ${OUT}\n`);
    for (const o of out) process.stderr.write(`${o.id.padEnd(56)} ${String(o.kernelErrno)}\n`);
  } finally {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    else process.stderr.write(`kept ${work}\n`);
  }
}

await main();

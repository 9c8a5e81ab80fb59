// Boots the real Debian kernel under QEMU with an initramfs holding every
// oracle case and a static /init (init.c) that runs them, then writes what the
// kernel said to test/fixtures/real-kernel/<release>.json.
//
//   node --import tsx tools/kernel-oracle/run.ts [--release R] [--only ima] [--shared DIR]
//        [--kernel VMLINUZ] [--out FILE] [--mem MB] [--timeout SEC] [--keep]
//
// --release: 6.1.0-56-amd64 (default) or 6.12.117+deb12-amd64. --only ima: boot with the IMA
// cases alone and replace the "ima" section of the existing fixture (the rest is kept).
// --inputs FILE: run ready files instead of the derived cases (a JSON list of InputCase, as
// heldout.ts writes it) and write the kernel's answers to --out (required) as InputResults.
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
import { buildCases, type OracleCase, RELEASES, type Release } from "./cases.js";
import { sha256 } from "./derivation.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..", "..");

const { values: args } = parseArgs({
  options: {
    shared: { type: "string", default: process.env.KERNEL_LOCKDOWN_SHARED ?? resolve(REPO, "..", "shared") },
    kernel: { type: "string" },
    release: { type: "string", default: "6.1.0-56-amd64" },
    only: { type: "string" },
    out: { type: "string" },
    mem: { type: "string", default: "3072" },
    timeout: { type: "string", default: "900" },
    keep: { type: "boolean", default: false },
    modules: { type: "string" },
    inputs: { type: "string" },
  },
});
if (args.inputs !== undefined && args.out === undefined) throw new Error("--inputs needs --out");
if (!(args.release! in RELEASES)) throw new Error(`--release: one of ${Object.keys(RELEASES).join(", ")}`);
if (args.only !== undefined && args.only !== "ima") throw new Error("--only: ima");
const RELEASE = args.release as Release;
const SHARED = args.shared!;
const CORPUS = join(SHARED, "corpus");
const KERNEL = args.kernel ?? join(CORPUS, RELEASES[RELEASE].image);
const MODULES = args.modules ?? join(REPO, ".bench-cache", "root", "lib", "modules", RELEASE);
/**
 * Loaded before the cases (no modprobe in the initramfs): what request_module("crypto-sha512") would
 * load. 6.12 has CONFIG_CRYPTO_SHA512=y.
 */
const PRELOAD = RELEASE === "6.1.0-56-amd64" ? ["kernel/crypto/sha512_generic.ko"] : [];
/** IMA: the policy written to <securityfs>/ima/policy and the certificates added to the _ima keyring. */
const IMA_POLICY = "appraise func=FILE_CHECK fsmagic=0x01021994 fowner=4242 appraise_type=imasig\n";
const IMA_KEYS = ["ima/testkeys/ima-test-rsa2048.crt.der", "ima/testkeys/ima-test-ecdsa-p256.crt.der"];
const OUT = args.out ?? join(REPO, "test", "fixtures", "real-kernel", `${RELEASE}.json`);
/**
 * The probe battery's command line (spec/PROBES.md), plus verify_pefile.c's pr_debug lines, plus
 * (IMA) digsig_asymmetric.c's "asymmetric_verify() = <errno>" and ima_appraise.c's.
 */
const CMDLINE_PE_MODULES =
  'console=ttyS0 loglevel=1 panic=-1 dyndbg="file kernel/kexec_file.c +p; file crypto/asymmetric_keys/verify_pefile.c +p"';
const CMDLINE_IMA =
  'console=ttyS0 loglevel=1 panic=-1 dyndbg="file kernel/kexec_file.c +p; file crypto/asymmetric_keys/verify_pefile.c +p; file security/integrity/digsig_asymmetric.c +p; file security/integrity/digsig.c +p; file security/integrity/ima/ima_appraise.c +p"';
const CMDLINE =
  args.only === "ima" || args.inputs !== undefined || RELEASE !== "6.1.0-56-amd64"
    ? CMDLINE_IMA
    : CMDLINE_PE_MODULES;

/** --inputs: one ready file for the kernel (absolute paths). */
export interface InputCase {
  id: string;
  kind: "pe" | "module" | "ima";
  /** PE image, module, or (IMA) the security.ima value. */
  file: string;
  /** Module name for delete_module(). */
  module?: string;
  /** finit_module() flags (4 = MODULE_INIT_COMPRESSED_FILE). */
  flags?: number;
  /** IMA: the file content. */
  content?: string;
  /** IMA: the DER certificates the _ima keyring holds for this case alone. */
  certs?: string[];
}

function loadInputs(path: string): { c: OracleCase & { input: InputCase }; bytes: Uint8Array }[] {
  const list: InputCase[] = JSON.parse(readFileSync(path, "utf8"));
  return list.map((i) => {
    const bytes = new Uint8Array(readFileSync(i.file));
    return {
      c: {
        id: i.id,
        kind: i.kind,
        ...(i.module ? { module: i.module } : {}),
        ...(i.flags ? { flags: i.flags } : {}),
        derivation: { base: i.file, description: "input file", edits: [], sha256: sha256(bytes) },
        input: i,
      },
      bytes,
    };
  });
}

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

/**
 * What one IMA appraisal's log says: the errno of the signature check
 * (asymmetric_verify()'s pr_debug, or request_asymmetric_key()'s pr_err, which
 * hides -EACCES/-ENOTDIR/-EAGAIN as -ENOKEY and returns before that pr_debug)
 * and the integrity audit record's cause.
 */
function imaOutcome(log: readonly string[]): {
  errno: string | null;
  errnoFrom: string;
  cause: string | null;
} {
  let errno: string | null = null;
  let errnoFrom = "no errno printed: no signature check ran, or it returned before its pr_debug";
  let cause: string | null = null;
  for (const l of log) {
    const m = /asymmetric_verify\(\) = (-?\d+)/.exec(l);
    if (m) {
      errno = Number(m[1]) === 0 ? null : errnoName(Number(m[1]));
      errnoFrom = "'asymmetric_verify() = N' (pr_debug)";
    }
    const u = /Request for unknown key .* err (-?\d+)/.exec(l);
    if (u) {
      errno = [-13, -20, -11].includes(Number(u[1])) ? "ENOKEY" : errnoName(Number(u[1]));
      errnoFrom = `'Request for unknown key ... err ${u[1]}' (request_asymmetric_key() pr_err; -EAGAIN -> -ENOKEY)`;
    }
    const k = /cause=("?)([^" ]+)\1/.exec(l);
    if (k) cause = k[2]!;
  }
  return { errno, errnoFrom, cause };
}

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
  const imaKeys: { file: string; ret: number; errno: string | null }[] = [];
  let imaPolicy: { ret: number; errno: string | null } | null = null;
  const setup = new Map<string, string>();
  for (const raw of s.split(/\r?\n/)) {
    const l = raw.replace(/\r/g, "");
    const i = l.indexOf("@@");
    if (i < 0) continue;
    const m = l.slice(i);
    const kernel = /^@@KERNEL (.*)$/.exec(m);
    const lock = /^@@LOCKDOWN (.*)$/.exec(m);
    const pre = /^@@PRELOAD (\S+) ret=(-?\d+) errno=(\d+)/.exec(m);
    const ik = /^@@IMAKEY (\S+) ret=(-?\d+) errno=(\d+)/.exec(m);
    const ip = /^@@IMAPOLICY ret=(-?\d+) errno=(\d+)/.exec(m);
    const su = /^@@SETUP (\S+) errno=(\d+)/.exec(m);
    if (ik) {
      const ret = Number(ik[2]);
      imaKeys.push({ file: ik[1]!, ret: ret < 0 ? -1 : 0, errno: ret < 0 ? errnoName(Number(ik[3])) : null });
      continue;
    }
    if (ip) {
      const ret = Number(ip[1]);
      imaPolicy = { ret, errno: ret < 0 ? errnoName(Number(ip[2])) : null };
      continue;
    }
    if (su) {
      setup.set(su[1]!, errnoName(Number(su[2])));
      continue;
    }
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
      // kexec's segment placement lines carry hashed pointers (different every boot) and say nothing here;
      // the audit records' timestamps and inode numbers differ every boot
      if (/kexec_file: Loading segment/.test(rec[3]!)) continue;
      rec[3] = rec[3]!.replace(/audit\(\d+\.\d+:\d+\)/, "audit(…)");
      if (!logs.has(rec[1]!)) logs.set(rec[1]!, []);
      logs.get(rec[1]!)!.push(`<${rec[2]}>${rec[3]}`);
    }
  }
  return { runs, logs, release, lockdown, done, preloaded, imaKeys, imaPolicy, setup };
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
  // A soft signature error (not enforced) lets the load go on, and it may then fail for another reason
  // (an xz file passed without MODULE_INIT_COMPRESSED_FILE: "Invalid ELF header magic"): the enforced
  // run names the signature's errno.
  for (const l of run.ret < 0 ? (enforced?.log ?? []) : []) {
    const m = /Loading of (.*) is rejected/.exec(l);
    if (m && SOFT[m[1]!])
      return {
        errno: SOFT[m[1]!]!,
        how: `enforced: "Loading of ${m[1]} is rejected" (unenforced, the load went on and failed: ${run.errno})`,
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

// ---------------------------------------------------------------- --inputs results

/** What the kernel said about one input (--inputs). */
export interface InputResult {
  id: string;
  kind: "pe" | "module" | "ima";
  flags?: number;
  sha256: string;
  syscall: { ret: number; errno: string | null };
  enforcedSyscall?: { ret: number; errno: string | null };
  /** The signature check's errno (null: accepted); IMA: the asymmetric_verify() errno or ENOKEY. */
  kernelErrno: string | null;
  errnoFrom: string;
  /** IMA: open() succeeded; the audit cause; whether a signature check printed its result; key loads. */
  accept?: boolean;
  cause?: string | null;
  signatureCheck?: boolean;
  keys?: { file: string; ret: number; errno: string | null }[];
  log: string[];
  enforcedLog?: string[];
}

function writeInputResults(
  cases: { c: OracleCase & { input?: InputCase }; bytes: Uint8Array }[],
  p: ReturnType<typeof parseSerial>,
  serial: string,
  t0: number,
): void {
  const results: InputResult[] = cases.map(({ c }) => {
    const run = p.runs.get(c.id);
    const base = {
      id: c.id,
      kind: c.kind,
      ...(c.flags ? { flags: c.flags } : {}),
      sha256: c.derivation.sha256,
    };
    if (!run)
      return {
        ...base,
        syscall: { ret: -1, errno: "no result" },
        kernelErrno: "no result",
        errnoFrom: "",
        log: [],
      };
    if (c.kind !== "ima") {
      const enforced = c.kind === "module" ? p.runs.get(`${c.id}@enforced`) : undefined;
      const sig = signatureErrno(c, run, enforced);
      return {
        ...base,
        syscall: { ret: run.ret, errno: run.errno },
        ...(enforced ? { enforcedSyscall: { ret: enforced.ret, errno: enforced.errno } } : {}),
        kernelErrno: sig.errno,
        errnoFrom: sig.how,
        log: run.log,
        ...(enforced ? { enforcedLog: enforced.log } : {}),
      };
    }
    const { errno, errnoFrom, cause } = imaOutcome(run.log);
    const keys = [...serial.matchAll(/@@IMAKEY (\S+?):(\S+) ret=(-?\d+) errno=(\d+)/g)]
      .filter((m) => m[1] === c.id && m[2] !== "clear")
      .map((m) => ({
        file: m[2]!,
        ret: Number(m[3]) < 0 ? -1 : 0,
        errno: Number(m[3]) < 0 ? errnoName(Number(m[4])) : null,
      }));
    return {
      ...base,
      syscall: { ret: run.ret, errno: run.errno },
      kernelErrno: errno,
      errnoFrom,
      accept: run.ret === 0,
      cause,
      signatureCheck: run.log.some((l) => /asymmetric_verify\(\) = /.test(l)),
      keys,
      log: run.log,
    };
  });
  const bootLog = p.logs.get("boot") ?? [];
  const doc = {
    kernel: RELEASE,
    release: p.release,
    cmdline: CMDLINE,
    lockdown: p.lockdown,
    imaPolicy: IMA_POLICY.trim(),
    imaPolicyWrite: p.imaPolicy,
    preloaded: p.preloaded,
    bootKeyLines: bootLog.filter((l) => /X\.509|keyring|Lockdown|integrity:|Secure boot/i.test(l)),
    bootSeconds: Math.round((Date.now() - t0) / 1000),
    results,
  };
  writeFileSync(args.out!, `${JSON.stringify(doc, null, 1)}\n`);
  process.stderr.write(`wrote ${args.out} (${results.length} inputs)\n`);
}

// ---------------------------------------------------------------- main

async function main() {
  const work = mkdtempSync(join(tmpdir(), "kernel-oracle-"));
  try {
    const cases: { c: OracleCase & { input?: InputCase }; bytes: Uint8Array }[] = args.inputs
      ? loadInputs(args.inputs)
      : buildCases(CORPUS, RELEASE).filter(({ c }) => !args.only || c.kind === args.only);
    process.stderr.write(`${cases.length} cases\n`);
    const init = join(work, "init");
    execFileSync("gcc", ["-static", "-O2", "-Wall", "-o", init, join(HERE, "init.c")], { stdio: "inherit" });
    const entries: { name: string; mode: number; data?: Uint8Array }[] = [
      { name: "proc", mode: 0o40755 },
      { name: "sys", mode: 0o40755 },
      { name: "dev", mode: 0o40755 },
      { name: "cases", mode: 0o40755 },
      { name: "init", mode: 0o100755, data: readFileSync(init) },
      { name: "imakeys", mode: 0o40755 },
      { name: "imakeys/policy", mode: 0o100644, data: Buffer.from(IMA_POLICY) },
    ];
    const imaKeys = IMA_KEYS.map((k, i) => {
      entries.push({ name: `imakeys/${i}.der`, mode: 0o100644, data: readFileSync(join(CORPUS, k)) });
      return { file: k, name: `/imakeys/${i}.der` };
    });
    entries.push({
      name: "imakeys/list.txt",
      mode: 0o100644,
      data: Buffer.from(imaKeys.map((k) => `${k.name}\n`).join("")),
    });
    const list: string[] = [];
    cases.forEach(({ c, bytes }, i) => {
      const file = `/cases/${i}.bin`;
      entries.push({ name: file.slice(1), mode: 0o100644, data: bytes });
      if (c.kind === "ima") {
        const content = `/cases/${i}.content`;
        entries.push({
          name: content.slice(1),
          mode: 0o100644,
          data: readFileSync(c.input ? c.input.content! : join(CORPUS, c.content!)),
        });
        const certs = (c.input?.certs ?? []).map((cert, j) => {
          const name = `/cases/${i}.cert${j}.der`;
          entries.push({ name: name.slice(1), mode: 0o100644, data: readFileSync(cert) });
          return name;
        });
        list.push(`ima ${c.id} ${file} ${content}${c.input ? ` ${certs.join(",") || "-"}` : ""}`);
      } else
        list.push(
          `${c.kind} ${c.id} ${file}${c.module ? ` ${c.module}` : ""}${c.flags ? ` ${c.flags}` : ""}`,
        );
    });
    entries.push({ name: "cases/list.txt", mode: 0o100644, data: Buffer.from(`${list.join("\n")}\n`) });
    entries.push({ name: "preload", mode: 0o40755 });
    const preload = PRELOAD.map((p) => {
      const data = readFileSync(join(MODULES, p));
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
    if (args.inputs) {
      writeInputResults(cases, p, serial, t0);
      return;
    }
    const out = cases
      .filter(({ c }) => c.kind !== "ima")
      .map(({ c }) => {
        const run = p.runs.get(c.id);
        if (!run) throw new Error(`no result for ${c.id}`);
        const enforced = c.kind === "module" ? p.runs.get(`${c.id}@enforced`) : undefined;
        const sig = signatureErrno(c, run, enforced);
        return {
          id: c.id,
          kind: c.kind,
          ...(c.module ? { module: c.module } : {}),
          ...(c.flags ? { flags: c.flags } : {}),
          derivation: c.derivation,
          syscall: { ret: run.ret, errno: run.errno },
          ...(enforced ? { enforcedSyscall: { ret: enforced.ret, errno: enforced.errno } } : {}),
          kernelErrno: sig.errno,
          errnoFrom: sig.how,
          log: run.log,
          ...(enforced ? { enforcedLog: enforced.log } : {}),
        };
      });
    const imaCases = cases
      .filter(({ c }) => c.kind === "ima")
      .map(({ c }) => {
        const run = p.runs.get(c.id);
        if (!run) throw new Error(`no result for ${c.id}`);
        const { errno, errnoFrom, cause } = imaOutcome(run.log);
        return {
          id: c.id,
          content: c.content,
          xattr: c.derivation,
          setupErrno: p.setup.get(c.id) ?? null,
          open: { ret: run.ret, errno: run.errno },
          accept: run.ret === 0,
          signatureCheck: run.log.some((l) => /asymmetric_verify\(\) = /.test(l)),
          kernelErrno: errno,
          errnoFrom,
          cause,
          log: run.log,
        };
      });
    const ima = {
      cmdline: CMDLINE_IMA,
      policy: IMA_POLICY.trim(),
      keyring: p.imaKeys.find((k) => k.file === "_ima") ?? null,
      keys: imaKeys.map((k) => ({
        cert: k.file,
        result: (({ ret, errno }) => ({ ret, errno }))(
          p.imaKeys.find((y) => y.file === k.name) ?? { ret: -1, errno: "not run" },
        ),
      })),
      keyLog: p.logs.get("imakeys") ?? [],
      policyWrite: p.imaPolicy,
      policyLog: p.logs.get("imapolicy") ?? [],
      note:
        "Files on tmpfs owned by 4242, security.ima set with setxattr(), opened O_RDONLY. kernelErrno: the last " +
        "'integrity: asymmetric_verify() = N' (digsig_asymmetric.c pr_debug, printed only once the key is found), " +
        "or ENOKEY after request_asymmetric_key()'s 'Request for unknown key', else null (see errnoFrom); cause: the integrity audit record's cause= (kauditd printk, no auditd); accept: " +
        "open() succeeded. Audit timestamps are replaced by '…'.",
      cases: imaCases,
    };
    if (args.only === "ima") {
      const old = JSON.parse(readFileSync(OUT, "utf8"));
      old.ima = { release: p.release, bootSeconds: Math.round((Date.now() - t0) / 1000), ...ima };
      writeFileSync(OUT, `${JSON.stringify(old, null, 1)}\n`);
      process.stderr.write(`wrote the ima section of ${OUT}\n`);
      for (const o of imaCases)
        process.stderr.write(
          `${o.id.padEnd(40)} ${o.accept ? "accept" : "refuse"} ${o.kernelErrno} ${o.cause}\n`,
        );
      return;
    }
    const bootLog = p.logs.get("boot") ?? [];
    const fixture = {
      kernel: RELEASE,
      release: p.release,
      image: RELEASES[RELEASE].image,
      machine: `qemu-system-x86_64 -m ${args.mem} -smp 1 -nographic -nic none -cpu max (TCG, SeaBIOS, -kernel direct boot)`,
      cmdline: CMDLINE,
      lockdown: p.lockdown,
      kernelConfig:
        RELEASE === "6.1.0-56-amd64"
          ? "CONFIG_MODULE_COMPRESS_NONE, CONFIG_CRYPTO_SHA512=m, CONFIG_CRYPTO_ECDSA not set"
          : "CONFIG_MODULE_DECOMPRESS=y (xz), CONFIG_CRYPTO_SHA512=y, CONFIG_CRYPTO_ECDSA=y",
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
      ima,
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(fixture, null, 1)}\n`);
    process.stderr.write(`wrote ${OUT}\n`);
    for (const o of out) process.stderr.write(`${o.id.padEnd(56)} ${String(o.kernelErrno)}\n`);
    for (const o of imaCases)
      process.stderr.write(
        `${o.id.padEnd(56)} ${o.accept ? "accept" : "refuse"} ${o.kernelErrno} ${o.cause}\n`,
      );
  } finally {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    else process.stderr.write(`kept ${work}\n`);
  }
}

await main();

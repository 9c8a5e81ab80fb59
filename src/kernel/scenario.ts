// The scenario runner (SCENARIO.md): parse and validate a scenario, boot the
// kernel it describes, run its steps as the process `comm`, and report one
// result per step plus the boot log and dmesg.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError, UsageError } from "../errors.js";
import { isLevel } from "../lsm/levels.js";
import { isKernelVersion, type KernelVersion } from "../lsm/versions.js";
import { Kernel, type SysResult } from "./kernel.js";
import type { SerialInfo } from "./machine.js";
import { MACHINES } from "./machine.js";
import type { PerfAttr } from "./perf.js";
import { applyConfig } from "./profile.js";
import type { KeyringFiles, SignatureChecker } from "./signature.js";
import { kernelVerifier } from "./verifier.js";
import { OPEN_FLAGS } from "./vfs.js";

/** A malformed scenario: one line naming the step and the field (exit 2). */
export class ScenarioError extends UsageError {
  override name = "ScenarioError";
}

export type Step = { id: string; call: string } & Record<string, unknown>;

export interface Scenario {
  kernel: KernelVersion;
  machine: string;
  cmdline: string;
  config: Record<string, unknown>;
  secureBoot: boolean;
  keyrings: {
    builtin: string[];
    platform: string[];
    machine: string[];
    secondary: string[];
    blacklist: string[];
  };
  initrd: { acpiTables: string[] };
  files: Record<string, string>;
  comm: string;
  steps: Step[];
  /** Directory relative paths are resolved against. */
  baseDir: string;
}

/** One output line of a step. */
export interface StepOutput {
  id: string;
  result: string;
  data?: string | number | Record<string, unknown>;
  log: string[];
}

export interface ScenarioOutput {
  steps: StepOutput[];
  boot: string[];
  dmesg: string[];
}

const CALLS: Readonly<Record<string, { required: string[]; optional: string[] }>> = {
  mount: { required: ["fstype", "target"], optional: [] },
  open: { required: ["path"], optional: ["flags"] },
  read: { required: ["path"], optional: [] },
  write: { required: ["path", "data"], optional: ["flags"] },
  readdir: { required: ["path"], optional: [] },
  chmod: { required: ["path", "mode"], optional: [] },
  pread: { required: ["path", "offset", "size"], optional: [] },
  pwrite: { required: ["path", "offset", "value"], optional: [] },
  mmap: { required: ["path", "length"], optional: ["prot", "flags"] },
  ioctl: { required: ["path", "request"], optional: ["arg"] },
  ioperm: { required: ["from", "num", "turn_on"], optional: [] },
  iopl: { required: ["level"], optional: [] },
  finit_module: { required: ["path"], optional: ["params", "flags"] },
  kexec_load: { required: ["entry", "segments"], optional: ["flags"] },
  kexec_file_load: { required: ["kernel"], optional: ["initrd", "cmdline", "flags"] },
  perf_event_open: { required: ["attr"], optional: ["pid", "cpu"] },
  bpf_prog_load: { required: ["prog_type"], optional: ["helpers"] },
  xfrm_getsa: { required: ["alg", "key"], optional: [] },
  lockdown: { required: ["level"], optional: [] },
  sleep: { required: ["ms"], optional: [] },
};

const TOP_KEYS = [
  "kernel",
  "machine",
  "cmdline",
  "config",
  "secureBoot",
  "keyrings",
  "initrd",
  "files",
  "comm",
  "steps",
];
const KEYRINGS = ["builtin", "platform", "machine", "secondary", "blacklist"] as const;
const IOCTLS = ["TIOCGSERIAL", "TIOCSSERIAL", "KDENABIO", "KDDISABIO"];
const FSTYPES = ["securityfs", "debugfs", "tracefs"];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/** A number given as a JSON number or a "0x..." / decimal string. */
export function parseNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v) && Number.isInteger(v)) return v;
  if (typeof v === "string") {
    const s = v.trim();
    if (/^-?0[xX][0-9a-fA-F]+$/.test(s))
      return s.startsWith("-") ? -Number.parseInt(s.slice(3), 16) : Number.parseInt(s, 16);
    if (/^-?\d+$/.test(s)) return Number.parseInt(s, 10);
  }
  return undefined;
}

/** Validates one step; throws ScenarioError naming the step and field. */
export function validateStep(raw: unknown, index: number): Step {
  const where = (field?: string) => {
    const id = isObj(raw) && typeof raw.id === "string" ? ` (${raw.id})` : "";
    return `step ${index + 1}${id}${field ? `: field "${field}"` : ""}`;
  };
  if (!isObj(raw)) throw new ScenarioError(`${where()}: not an object`);
  if (typeof raw.id !== "string") throw new ScenarioError(`${where("id")} must be a string`);
  if (typeof raw.call !== "string") throw new ScenarioError(`${where("call")} must be a string`);
  const spec = CALLS[raw.call];
  if (!spec) throw new ScenarioError(`${where("call")}: unknown call "${raw.call}"`);
  for (const f of spec.required) if (!(f in raw)) throw new ScenarioError(`${where(f)} is missing`);
  for (const f of Object.keys(raw))
    if (f !== "id" && f !== "call" && !spec.required.includes(f) && !spec.optional.includes(f))
      throw new ScenarioError(`${where(f)} is not a field of "${raw.call}"`);
  const num = (f: string) => {
    if (parseNumber(raw[f]) === undefined)
      throw new ScenarioError(`${where(f)} must be a number or "0x..." string`);
  };
  const str = (f: string) => {
    if (typeof raw[f] !== "string") throw new ScenarioError(`${where(f)} must be a string`);
  };
  const flags = (f: string, table?: Readonly<Record<string, number>>) => {
    if (!(f in raw)) return;
    if (!stringArray(raw[f])) throw new ScenarioError(`${where(f)} must be an array of flag names`);
    if (table)
      for (const x of raw[f] as string[])
        if (!(x in table)) throw new ScenarioError(`${where(f)}: unknown flag "${x}"`);
  };
  switch (raw.call) {
    case "mount":
      str("fstype");
      str("target");
      if (!FSTYPES.includes(raw.fstype as string))
        throw new ScenarioError(`${where("fstype")}: unknown filesystem "${raw.fstype}"`);
      break;
    case "open":
      str("path");
      flags("flags", OPEN_FLAGS);
      break;
    case "read":
    case "readdir":
      str("path");
      break;
    case "write":
      str("path");
      str("data");
      flags("flags", OPEN_FLAGS);
      break;
    case "chmod":
      str("path");
      if (typeof raw.mode !== "string" || !/^0?[0-7]{1,4}$/.test(raw.mode))
        throw new ScenarioError(`${where("mode")} must be an octal string such as "0444"`);
      break;
    case "pread":
      str("path");
      num("offset");
      num("size");
      break;
    case "pwrite":
      str("path");
      num("offset");
      if (typeof raw.value !== "string" || !(raw.value === "same" || /^([0-9a-fA-F]{2})+$/.test(raw.value)))
        throw new ScenarioError(`${where("value")} must be "same" or a hex string of bytes`);
      break;
    case "mmap":
      str("path");
      num("length");
      flags("prot");
      flags("flags");
      break;
    case "ioctl":
      str("path");
      str("request");
      if (!IOCTLS.includes(raw.request as string))
        throw new ScenarioError(`${where("request")}: unknown request "${raw.request}"`);
      if ("arg" in raw && !isObj(raw.arg)) throw new ScenarioError(`${where("arg")} must be an object`);
      break;
    case "ioperm":
      num("from");
      num("num");
      num("turn_on");
      break;
    case "iopl":
      num("level");
      break;
    case "finit_module":
      str("path");
      if ("params" in raw) str("params");
      flags("flags");
      break;
    case "kexec_load": {
      num("entry");
      if (!Array.isArray(raw.segments)) throw new ScenarioError(`${where("segments")} must be an array`);
      raw.segments.forEach((s, i) => {
        if (!isObj(s)) throw new ScenarioError(`${where(`segments[${i}]`)} must be an object`);
        for (const f of ["bufsz", "mem", "memsz"])
          if (parseNumber(s[f]) === undefined)
            throw new ScenarioError(`${where(`segments[${i}].${f}`)} must be a number`);
      });
      flags("flags");
      break;
    }
    case "kexec_file_load":
      str("kernel");
      if ("initrd" in raw && raw.initrd !== null && typeof raw.initrd !== "string")
        throw new ScenarioError(`${where("initrd")} must be a path or null`);
      if ("cmdline" in raw) str("cmdline");
      flags("flags");
      break;
    case "perf_event_open": {
      if (!isObj(raw.attr)) throw new ScenarioError(`${where("attr")} must be an object`);
      const a = raw.attr;
      if (typeof a.type !== "string") throw new ScenarioError(`${where("attr.type")} must be a string`);
      if ("sample_type" in a && !stringArray(a.sample_type))
        throw new ScenarioError(`${where("attr.sample_type")} must be an array of names`);
      if ("sample_regs_intr" in a && parseNumber(a.sample_regs_intr) === undefined)
        throw new ScenarioError(`${where("attr.sample_regs_intr")} must be a number`);
      if ("pid" in raw) num("pid");
      if ("cpu" in raw) num("cpu");
      break;
    }
    case "bpf_prog_load":
      str("prog_type");
      if ("helpers" in raw && !(Array.isArray(raw.helpers) && raw.helpers.every((h) => Number.isInteger(h))))
        throw new ScenarioError(`${where("helpers")} must be an array of helper ids`);
      break;
    case "xfrm_getsa":
      str("alg");
      if (typeof raw.key !== "string" || !/^([0-9a-fA-F]{2})*$/.test(raw.key))
        throw new ScenarioError(`${where("key")} must be a hex string`);
      break;
    case "lockdown":
      str("level");
      break;
    case "sleep":
      num("ms");
      if ((parseNumber(raw.ms) ?? -1) < 0) throw new ScenarioError(`${where("ms")} must not be negative`);
      break;
  }
  return raw as Step;
}

/** Parses and validates a scenario object. */
export function parseScenario(json: unknown, baseDir = "."): Scenario {
  if (!isObj(json)) throw new ScenarioError("scenario: the top level must be an object");
  for (const k of Object.keys(json))
    if (!TOP_KEYS.includes(k)) throw new ScenarioError(`scenario: unknown field "${k}"`);
  if (typeof json.kernel !== "string" || !isKernelVersion(json.kernel))
    throw new ScenarioError('scenario: field "kernel" must be "6.1" or "6.12"');
  const machine = json.machine ?? "qemu-pc";
  if (typeof machine !== "string" || !(machine in MACHINES))
    throw new ScenarioError(`scenario: field "machine": unknown machine "${String(machine)}"`);
  const cmdline = json.cmdline ?? "";
  if (typeof cmdline !== "string") throw new ScenarioError('scenario: field "cmdline" must be a string');
  const config = json.config ?? {};
  if (!isObj(config)) throw new ScenarioError('scenario: field "config" must be an object');
  for (const [k, v] of Object.entries(config))
    if (typeof v !== "boolean" && typeof v !== "string")
      throw new ScenarioError(`scenario: field "config.${k}" must be a boolean or a string`);
  try {
    applyConfig(config, "config", json.kernel);
  } catch (e) {
    if (e instanceof UsageError) throw new ScenarioError(`scenario: field ${e.message}`);
    throw e;
  }
  const secureBoot = json.secureBoot ?? false;
  if (typeof secureBoot !== "boolean")
    throw new ScenarioError('scenario: field "secureBoot" must be a boolean');
  const kr = json.keyrings ?? {};
  if (!isObj(kr)) throw new ScenarioError('scenario: field "keyrings" must be an object');
  for (const k of Object.keys(kr))
    if (!(KEYRINGS as readonly string[]).includes(k))
      throw new ScenarioError(`scenario: field "keyrings.${k}": unknown keyring`);
  const keyrings = {
    builtin: [],
    platform: [],
    machine: [],
    secondary: [],
    blacklist: [],
  } as Scenario["keyrings"];
  for (const k of KEYRINGS) {
    const v = kr[k] ?? [];
    if (!stringArray(v))
      throw new ScenarioError(`scenario: field "keyrings.${k}" must be an array of strings`);
    keyrings[k] = v;
  }
  const initrd = json.initrd ?? {};
  if (!isObj(initrd)) throw new ScenarioError('scenario: field "initrd" must be an object');
  const acpiTables = initrd.acpiTables ?? [];
  if (!stringArray(acpiTables))
    throw new ScenarioError('scenario: field "initrd.acpiTables" must be an array of paths');
  const files = json.files ?? {};
  if (!isObj(files) || !Object.values(files).every((v) => typeof v === "string"))
    throw new ScenarioError('scenario: field "files" must map simulated paths to file paths');
  for (const p of Object.keys(files))
    if (!p.startsWith("/"))
      throw new ScenarioError(`scenario: field "files": "${p}" is not an absolute path`);
  const comm = json.comm ?? "probe";
  if (typeof comm !== "string" || comm === "")
    throw new ScenarioError('scenario: field "comm" must be a non-empty string');
  if (!Array.isArray(json.steps)) throw new ScenarioError('scenario: field "steps" must be an array');
  const steps = json.steps.map((s, i) => validateStep(s, i));
  // A module or kernel image a step loads must be one of the scenario's files:
  // the simulator does not guess file content.
  steps.forEach((st, i) => {
    for (const f of ["path", "kernel", "initrd"] as const) {
      if (st.call !== "finit_module" && st.call !== "kexec_file_load") continue;
      if (st.call === "finit_module" && f !== "path") continue;
      if (st.call === "kexec_file_load" && f === "path") continue;
      const p = st[f];
      if (typeof p === "string" && !Object.hasOwn(files as Record<string, string>, p))
        throw new ScenarioError(
          `step ${i + 1} (${st.id}): field "${f}": "${p}" is not one of the scenario's files`,
        );
    }
  });
  for (const s of steps)
    if (s.call === "lockdown" && !isLevel(s.level as string))
      throw new ScenarioError(
        `step ${steps.indexOf(s) + 1} (${s.id}): field "level" must be none, integrity or confidentiality`,
      );
  return {
    kernel: json.kernel,
    machine,
    cmdline,
    config,
    secureBoot,
    keyrings,
    initrd: { acpiTables },
    files: files as Record<string, string>,
    comm,
    steps,
    baseDir,
  };
}

/** Files already read, by path: the same bytes (and the verifier's cached answers) on every run. */
const FILE_CACHE = new Map<string, { mtimeMs: number; size: number; bytes: Uint8Array }>();

function readRel(s: Scenario, p: string, field: string): Uint8Array {
  const full = resolve(s.baseDir, p);
  try {
    const st = statSync(full);
    const hit = FILE_CACHE.get(full);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.bytes;
    const bytes = new Uint8Array(readFileSync(full));
    FILE_CACHE.set(full, { mtimeMs: st.mtimeMs, size: st.size, bytes });
    return bytes;
  } catch (e) {
    throw new InputError(full, `${field}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Loads a scenario file (JSON); relative paths are relative to it. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${path}: not JSON (${(e as Error).message})`);
  }
  return parseScenario(json, dirname(resolve(path)));
}

/** Builds the checker for a scenario's keyrings (src/verify); set by the verifier adapter. */
export type CheckerFactory = (
  version: KernelVersion,
  keyrings: KeyringFiles,
  crypto: { ecdsa: boolean },
) => SignatureChecker;

let defaultCheckerFactory: CheckerFactory | undefined = kernelVerifier;

/** Replaces the verifier scenarios use (default: src/verify through verifier.ts). */
export function setCheckerFactory(f: CheckerFactory | undefined): void {
  defaultCheckerFactory = f;
}

export function getCheckerFactory(): CheckerFactory | undefined {
  return defaultCheckerFactory;
}

/** The kernel a scenario describes, not yet booted. */
export function scenarioKernel(
  s: Scenario,
  checkerFactory: CheckerFactory | undefined = defaultCheckerFactory,
): Kernel {
  const keyrings: KeyringFiles = {
    builtin: s.keyrings.builtin.map((p) => readRel(s, p, "keyrings.builtin")),
    secondary: s.keyrings.secondary.map((p) => readRel(s, p, "keyrings.secondary")),
    platform: s.keyrings.platform.map((p) => readRel(s, p, "keyrings.platform")),
    machine: s.keyrings.machine.map((p) => readRel(s, p, "keyrings.machine")),
    blacklist: s.keyrings.blacklist.map((p) =>
      /^(bin|tbs):/.test(p) ? p : readRel(s, p, "keyrings.blacklist"),
    ),
  };
  const files: Record<string, () => Uint8Array> = {};
  for (const [sim, real] of Object.entries(s.files)) {
    const full = resolve(s.baseDir, real);
    files[sim] = () => readRel(s, full, `files.${sim}`);
  }
  const opts: ConstructorParameters<typeof Kernel>[0] = {
    version: s.kernel,
    cmdline: s.cmdline,
    config: s.config,
    secureBoot: s.secureBoot,
    keyrings,
    acpiTables: s.initrd.acpiTables.map((p) => ({
      name: p.split("/").pop() ?? p,
      data: readRel(s, p, "initrd.acpiTables"),
    })),
    files,
    machine: MACHINES[s.machine]!,
    comm: s.comm,
  };
  if (checkerFactory) {
    const config = applyConfig(s.config, "config", s.kernel);
    opts.checker = checkerFactory(s.kernel, keyrings, { ecdsa: config.CRYPTO_ECDSA });
  }
  return new Kernel(opts);
}

function isPrintable(b: Uint8Array): boolean {
  for (const c of b) if (!(c === 0x0a || c === 0x09 || (c >= 0x20 && c < 0x7f))) return false;
  return true;
}

/** `data` as SCENARIO.md prints it: text without the trailing newline, else "hex:...". */
export function formatData(d: Uint8Array): string {
  if (isPrintable(d)) {
    const s = Buffer.from(d).toString("latin1");
    return s.endsWith("\n") ? s.slice(0, -1) : s;
  }
  return `hex:${Buffer.from(d).toString("hex")}`;
}

/** Runs one step on a booted kernel. `preads` remembers pread results for `"value": "same"`. */
export function runStep(k: Kernel, step: Step, preads: Map<string, Uint8Array>): StepOutput | null {
  const n = (f: string) => parseNumber(step[f]) as number;
  const s = (f: string) => step[f] as string;
  let r: SysResult;
  switch (step.call) {
    case "sleep":
      k.sleep(n("ms"));
      return null;
    case "mount":
      r = k.mount(s("fstype"), s("target"));
      break;
    case "open":
      r = k.open(s("path"), (step.flags as string[] | undefined) ?? ["O_RDONLY"]);
      break;
    case "read":
      r = k.read(s("path"));
      break;
    case "write":
      r = k.write(s("path"), s("data"), (step.flags as string[] | undefined) ?? ["O_WRONLY"]);
      break;
    case "readdir":
      r = k.readdir(s("path"));
      break;
    case "chmod":
      r = k.chmod(s("path"), Number.parseInt(s("mode"), 8));
      break;
    case "pread": {
      r = k.pread(s("path"), n("offset"), n("size"));
      if (r.ret >= 0 && r.data instanceof Uint8Array) preads.set(`${s("path")}@${n("offset")}`, r.data);
      break;
    }
    case "pwrite": {
      const v = s("value");
      let bytes: Uint8Array | undefined;
      if (v === "same") {
        bytes = preads.get(`${s("path")}@${n("offset")}`);
        if (!bytes)
          throw new ScenarioError(
            `step (${step.id}): field "value": "same" without a successful pread of that offset`,
          );
      } else bytes = new Uint8Array(Buffer.from(v, "hex"));
      r = k.pwrite(s("path"), n("offset"), bytes);
      break;
    }
    case "mmap":
      r = k.mmap(s("path"), n("length"));
      break;
    case "ioctl": {
      r = k.ioctl(s("path"), s("request"), (step.arg as Partial<SerialInfo> | undefined) ?? {});
      break;
    }
    case "ioperm":
      r = k.ioperm(n("from"), n("num"), n("turn_on"));
      break;
    case "iopl":
      r = k.iopl(n("level"));
      break;
    case "finit_module":
      r = k.finitModule(
        s("path"),
        (step.params as string | undefined) ?? "",
        (step.flags as string[] | undefined) ?? [],
      );
      break;
    case "kexec_load": {
      const segs = (step.segments as Record<string, unknown>[]).map((x) => ({
        bufsz: parseNumber(x.bufsz)!,
        mem: parseNumber(x.mem)!,
        memsz: parseNumber(x.memsz)!,
      }));
      r = k.kexecLoad(n("entry"), segs, (step.flags as string[] | undefined) ?? []);
      break;
    }
    case "kexec_file_load":
      r = k.kexecFileLoad(
        s("kernel"),
        (step.initrd as string | null | undefined) ?? null,
        (step.cmdline as string | undefined) ?? "",
        (step.flags as string[] | undefined) ?? [],
      );
      break;
    case "perf_event_open": {
      const a = step.attr as Record<string, unknown>;
      const attr: PerfAttr = { type: a.type as string };
      if (typeof a.config === "string") attr.config = a.config;
      if (Array.isArray(a.sample_type)) attr.sample_type = a.sample_type as string[];
      if (a.sample_regs_intr !== undefined) attr.sample_regs_intr = parseNumber(a.sample_regs_intr)!;
      if (typeof a.kprobe_func === "string") attr.kprobe_func = a.kprobe_func;
      r = k.perfEventOpen(attr, "pid" in step ? n("pid") : 0, "cpu" in step ? n("cpu") : -1);
      break;
    }
    case "bpf_prog_load":
      r = k.bpfProgLoad(s("prog_type"), (step.helpers as number[] | undefined) ?? []);
      break;
    case "xfrm_getsa":
      r = k.xfrmGetsa(s("alg"), new Uint8Array(Buffer.from(s("key"), "hex")));
      break;
    case "lockdown":
      r = k.write("/sys/kernel/security/lockdown", s("level"), ["O_WRONLY"]);
      break;
    default:
      throw new ScenarioError(`step (${step.id}): field "call": unknown call "${step.call}"`);
  }
  let data: StepOutput["data"];
  if (r.ret >= 0 || step.call === "bpf_prog_load") {
    if (r.data instanceof Uint8Array) {
      if (step.call !== "xfrm_getsa") data = formatData(r.data);
    } else if (typeof r.data === "string" && step.call === "ioctl")
      data = JSON.parse(r.data) as Record<string, unknown>;
    else if (r.data !== undefined) data = r.data;
  }
  return data === undefined
    ? { id: step.id, result: r.result, log: r.log }
    : { id: step.id, result: r.result, data, log: r.log };
}

/** Boots the scenario's kernel and runs every step. */
export async function runScenario(s: Scenario, checkerFactory?: CheckerFactory): Promise<ScenarioOutput> {
  const k = scenarioKernel(s, checkerFactory ?? defaultCheckerFactory);
  await k.prepare();
  return runOnKernel(k.boot(), s.steps);
}

/** Runs steps on a booted kernel (synchronous). */
export function runOnKernel(k: Kernel, steps: readonly Step[]): ScenarioOutput {
  const preads = new Map<string, Uint8Array>();
  const out: StepOutput[] = [];
  for (const step of steps) {
    const o = runStep(k, step, preads);
    if (o) out.push(o);
  }
  return { steps: out, boot: k.bootLog.map((l) => l.text), dmesg: k.dmesg.map((l) => l.text) };
}

/** The JSON lines of SCENARIO.md's output. */
export function outputLines(o: ScenarioOutput): string[] {
  return [
    ...o.steps.map((s) => JSON.stringify(s)),
    JSON.stringify({ boot: o.boot }),
    JSON.stringify({ dmesg: o.dmesg }),
  ];
}

/** A readable transcript. */
export function transcript(s: Scenario, o: ScenarioOutput): string[] {
  const lines: string[] = [
    `# kernel ${s.kernel}, machine ${s.machine}, cmdline "${s.cmdline}"${s.secureBoot ? ", Secure Boot" : ""}`,
  ];
  lines.push("boot:");
  for (const l of o.boot) lines.push(`  | ${l}`);
  const byId = new Map(s.steps.map((st) => [st.id, st]));
  for (const st of o.steps) {
    const step = byId.get(st.id);
    const what = step ? describeStep(step) : "";
    const data =
      st.data === undefined
        ? ""
        : `  data: ${typeof st.data === "string" ? st.data : JSON.stringify(st.data)}`;
    lines.push(`${st.id}: ${what} -> ${st.result}${data}`);
    for (const l of st.log) lines.push(`  | ${l}`);
  }
  return lines;
}

function describeStep(st: Step): string {
  const x = st as Record<string, unknown>;
  switch (st.call) {
    case "mount":
      return `mount ${x.fstype} ${x.target}`;
    case "write":
      return `write ${x.path} ${JSON.stringify(x.data)}`;
    case "pwrite":
      return `pwrite ${x.path} @${x.offset} ${x.value}`;
    case "pread":
      return `pread ${x.path} @${x.offset} ${x.size}`;
    case "finit_module":
      return `finit_module ${x.path}${x.params ? ` "${x.params}"` : ""}${(x.flags as string[] | undefined)?.length ? ` ${(x.flags as string[]).join("|")}` : ""}`;
    case "kexec_file_load":
      return `kexec_file_load ${x.kernel}`;
    case "ioctl":
      return `ioctl ${x.path} ${x.request}${x.arg && Object.keys(x.arg).length ? ` ${JSON.stringify(x.arg)}` : ""}`;
    case "perf_event_open":
      return `perf_event_open ${JSON.stringify(x.attr)}`;
    case "bpf_prog_load":
      return `bpf_prog_load ${x.prog_type} ${JSON.stringify(x.helpers ?? [])}`;
    case "lockdown":
      return `lockdown ${x.level}`;
    case "ioperm":
      return `ioperm ${x.from} ${x.num} ${x.turn_on}`;
    case "iopl":
      return `iopl ${x.level}`;
    default:
      return `${st.call}${typeof x.path === "string" ? ` ${x.path}` : ""}`;
  }
}

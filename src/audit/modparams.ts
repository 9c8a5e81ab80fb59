// Module options that set hardware parameters. Only parameters declared with
// module_param_hw*() carry KERNEL_PARAM_FL_HWPARAM; under lockdown setting one
// fails (kernel/params.c param_check_unsafe: the module load fails with EPERM,
// on the kernel command line the parameter is ignored). Which parameters are
// hardware ones is read from each module's own ELF (`__param`), never guessed.
import { argText, type CmdlineSource, effectiveParams, occurrenceWhere, originsOf } from "./cmdline.js";
import { type Finding, type Fine, finding } from "./findings.js";
import { moduleName } from "./kernels.js";
import type { Root } from "./rootfs.js";

export interface ParamInfo {
  name: string;
  hardware: boolean;
}

/** Reads a module's parameters from its (decompressed) ELF bytes. */
export type ParamReader = (moduleBytes: Uint8Array) => ParamInfo[];

export interface OptionSetting {
  module: string;
  param: string;
  value: string;
  where: string;
  line: string;
  /** When `module` is an alias (modprobe.d `alias <name> <module>`): the modules it stands for. */
  aliasOf?: string[];
  /** Every place it is set and which one wins (absent when set once). */
  origins?: string;
  /** modprobe.d: every value the module gets, in order, when set more than once. */
  values?: string[];
}

const DIRS = [
  "/etc/modprobe.d",
  "/run/modprobe.d",
  "/usr/local/lib/modprobe.d",
  "/lib/modprobe.d",
  "/usr/lib/modprobe.d",
];

function splitParams(words: string[], module: string, where: string, line: string): OptionSetting[] {
  const out: OptionSetting[] = [];
  for (const w of words) {
    const eq = w.indexOf("=");
    const param = eq < 0 ? w : w.slice(0, eq);
    if (!param || param.startsWith("-")) continue;
    out.push({
      module: module.replaceAll("-", "_"),
      param: param.replaceAll("-", "_"),
      value: eq < 0 ? "" : w.slice(eq + 1).replace(/^"(.*)"$/, "$1"),
      where,
      line,
    });
  }
  return out;
}

/**
 * The modprobe.d files modprobe reads, in the order it reads them (kmod 30,
 * libkmod-config.c conf_files_list/conf_files_insert_sorted): *.conf and
 * *.alias of every directory (dot files skipped); a name in an earlier
 * directory hides the same name in later ones; then all of them sorted by
 * name (strcmp), whatever their directory. /run only on a live host.
 */
function modprobeFiles(root: Root): string[] {
  const byName = new Map<string, string>();
  for (const d of DIRS) {
    if (d === "/run/modprobe.d" && !root.live) continue;
    for (const n of root.names(d)) {
      if (n.startsWith(".") || !(n.endsWith(".conf") || n.endsWith(".alias")) || byName.has(n)) continue;
      byName.set(n, `${d}/${n}`);
    }
  }
  return [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((n) => byName.get(n) as string);
}

/**
 * Every occurrence of a module option, in the order the module gets them:
 * `options` lines of modprobe.d in config order (see modprobeFiles), then those
 * given to modprobe itself (`install ... modprobe <mod> p=v`, /etc/modules):
 * kmod concatenates all matching `options` (libkmod-module.c
 * kmod_module_get_options) and appends the command line's
 * (kmod_module_probe_insert_module).
 */
function optionOccurrences(root: Root): OptionSetting[] {
  const config: OptionSetting[] = [];
  const given: OptionSetting[] = [];
  for (const f of modprobeFiles(root)) {
    const text = root.text(f) ?? "";
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      let l = lines[i] as string;
      const start = i;
      while (l.endsWith("\\") && i + 1 < lines.length) l = l.slice(0, -1) + (lines[++i] as string);
      const t = l.replace(/#.*$/, "").trim();
      const w = t.split(/\s+/);
      if (w[0] === "options" && w[1]) config.push(...splitParams(w.slice(2), w[1], `${f}:${start + 1}`, t));
      else if (w[0] === "install" && w[1]) {
        // install <mod> ... modprobe [--ignore-install] <mod> p=v
        const mp = w.findIndex((x, k) => k > 1 && /(^|\/)modprobe$/.test(x));
        if (mp > 0) {
          const rest = w.slice(mp + 1).filter((x) => !x.startsWith("-"));
          if (rest[0]) given.push(...splitParams(rest.slice(1), rest[0], `${f}:${start + 1}`, t));
        }
      }
    }
  }
  const mods = root.text("/etc/modules");
  if (mods)
    mods.split("\n").forEach((l, i) => {
      const t = l.replace(/#.*$/, "").trim();
      const w = t.split(/\s+/);
      if (w[0] && w.length > 1) given.push(...splitParams(w.slice(1), w[0], `/etc/modules:${i + 1}`, t));
    });
  return [...config, ...given];
}

const setText = (o: OptionSetting) => (o.value ? `${o.param}=${o.value}` : o.param);

/**
 * Where a module option comes from, for evidence: "" when set once; otherwise
 * every place, in the order the module gets them, and which one it ends up with.
 * The same wording as the kernel command line's (cmdline.ts originsOf).
 */
function modprobeOrigins(occ: OptionSetting[]): string {
  if (occ.length < 2) return "";
  const places = occ.map((o) => `${o.where} (${setText(o)})`).join(", ");
  if (new Set(occ.map((o) => o.value)).size === 1)
    return `set ${occ.length} times, with the same value: ${places}`;
  const last = occ[occ.length - 1] as OptionSetting;
  return `set in ${occ.length} places with different values: ${places}; modprobe passes them all, in that order (modprobe.d files sorted by name across /etc, /run, /usr/local/lib and /lib, their "options" lines concatenated, then modprobe's own arguments), and the kernel sets each in turn: without lockdown ${occ[0]?.module} gets ${setText(last)} from ${last.where} (the last one wins)`;
}

/**
 * Module options of modprobe.d (`options`, `install ... modprobe`) and /etc/modules:
 * one setting per module and parameter however many places set it, with the
 * value the module ends up with (the last one it gets).
 */
export function moduleOptions(root: Root): OptionSetting[] {
  const groups = new Map<string, OptionSetting[]>();
  for (const o of optionOccurrences(root)) {
    const key = `${o.module}\0${o.param}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  // "options <alias> ..." applies to the module the alias resolves to (modprobe.d(5)).
  const aliases = moduleAliases(root);
  const out: OptionSetting[] = [];
  for (const occ of groups.values()) {
    const last = occ[occ.length - 1] as OptionSetting;
    const s: OptionSetting =
      occ.length === 1
        ? { ...last }
        : { ...last, where: occ.map((o) => o.where).join(", "), values: occ.map((o) => o.value) };
    const origins = modprobeOrigins(occ);
    if (origins) s.origins = origins;
    const t = aliases.get(s.module);
    if (t) s.aliasOf = t;
    out.push(s);
  }
  return out;
}

/** `alias <name> <module>` lines of modprobe.d (same precedence as options): name -> modules. */
export function moduleAliases(root: Root): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of modprobeFiles(root)) {
    for (const l of (root.text(f) ?? "").split("\n")) {
      const w = l.replace(/#.*$/, "").trim().split(/\s+/);
      if (w[0] !== "alias" || !w[1] || !w[2] || /[*?[]/.test(w[1])) continue;
      const name = w[1].replaceAll("-", "_");
      const list = out.get(name) ?? [];
      list.push(w[2].replaceAll("-", "_"));
      out.set(name, list);
    }
  }
  return out;
}

/**
 * module.param=value on the kernel command line, one setting per parameter however
 * many files set it (the value the next boot ends up with). `skip`: parameters
 * judged elsewhere (those of code built into the kernel).
 */
export function cmdlineOptions(
  cmdline: CmdlineSource[],
  skip: (key: string) => boolean = () => false,
): OptionSetting[] {
  const out: OptionSetting[] = [];
  const dotted = (k: string) => k.indexOf(".") > 0 && !k.includes("/") && !skip(k);
  for (const e of effectiveParams(cmdline, dotted)) {
    const o = e.effective;
    const dot = o.param.indexOf(".");
    const s: OptionSetting = {
      module: o.param.slice(0, dot).replaceAll("-", "_"),
      param: o.param.slice(dot + 1).replaceAll("-", "_"),
      value: o.val ?? "",
      where: e.occurrences.length === 1 ? occurrenceWhere(o) : e.occurrences.map(occurrenceWhere).join(", "),
      line: argText(o),
    };
    const origins = originsOf(e);
    if (origins) s.origins = origins;
    out.push(s);
  }
  return out;
}

/**
 * What lockdown does to a load with a hardware option of modprobe.d: parse_args()
 * (kernel/params.c) sets each occurrence in turn, param_check_unsafe() refuses
 * every one with EPERM and logs it, and load_module() fails.
 */
function loadFails(s: OptionSetting): string {
  const log = (v: string) => `"${s.module}: \`${v}' invalid for parameter \`${s.param}'"`;
  if (!s.values || s.values.length < 2)
    return `loading ${s.module} with it fails with EPERM (${log(s.value)})`;
  const first = s.where.split(", ")[0];
  return `loading ${s.module} fails with EPERM at the first of them, ${first} (${log(s.values[0] as string)}), and the kernel refuses each later one the same way`;
}

export async function modparamFindings(
  settings: OptionSetting[],
  kernels: { release: string; modules: Map<string, string> }[],
  readParams: ((hostPath: string) => Promise<ParamInfo[] | undefined>) | undefined,
): Promise<{ findings: Finding[]; fine: Fine[]; unknown: string[] }> {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  const unknown: string[] = [];
  const cache = new Map<string, ParamInfo[] | undefined>();
  for (const s of settings) {
    let hw: ParamInfo | undefined;
    let known = false;
    let release = "";
    let module = s.module;
    for (const k of kernels) {
      let file = k.modules.get(s.module);
      if (!file && s.aliasOf) {
        const target = s.aliasOf.find((m) => k.modules.has(m));
        if (target) {
          module = target;
          file = k.modules.get(target);
        }
      }
      if (!file || !readParams) continue;
      if (!cache.has(file)) cache.set(file, await readParams(file).catch(() => undefined));
      const params = cache.get(file);
      if (!params) continue;
      known = true;
      const p = params.find((x) => x.name === s.param);
      if (p?.hardware) {
        hw = p;
        release = k.release;
        break;
      }
    }
    if (hw) {
      findings.push(
        finding({
          id: "modparam.hardware",
          reason: "LOCKDOWN_MODULE_PARAMETERS",
          subject: `${module}.${s.param}=${s.value} (${s.where})`,
          evidence: `${s.values ? "" : `${s.where}: "${s.line}": `}${module !== s.module ? `${s.module} is an alias of ${module} (modprobe.d "alias"), whose options it gets; ` : ""}${s.param} is a hardware parameter of ${module} (module_param_hw, KERNEL_PARAM_FL_HWPARAM in its __param table, ${release}); under lockdown ${s.where.includes("modprobe.d") || s.where.startsWith("/etc/modules") ? loadFails(s) : `modprobe passes it from the kernel command line when it loads ${s.module}, and that load fails with EPERM`}${s.origins ? `; ${s.origins}` : ""}`,
          remedy: `Let the driver find the hardware itself (ACPI/PnP/PCI resources) and remove ${s.param}= from ${[...new Set(s.where.split(", ").map((w) => w.replace(/:\d+$/, "")))].join(", ")}; if the device really needs a fixed I/O port/IRQ it cannot be driven under lockdown.`,
        }),
      );
    } else if (known)
      fine.push({
        check: "modparams",
        subject: s.where,
        detail: `${s.module} ${s.param}: not a hardware parameter`,
      });
    else if (readParams)
      unknown.push(`${s.where}: ${s.module}.${s.param} (module not found in any installed kernel)`);
    else unknown.push(`${s.where}: ${s.module}.${s.param} (no ELF reader)`);
  }
  return { findings, fine, unknown };
}

export function moduleIndex(files: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of files) {
    const n = moduleName(f);
    if (!m.has(n) || f.includes("/updates/")) m.set(n, f);
  }
  return m;
}

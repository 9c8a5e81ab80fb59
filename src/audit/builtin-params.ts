// Hardware parameters of code built into the kernel, given on the command line
// as <module>.<param>=<value>. Which parameters exist and which are hardware
// ones is read from each installed kernel's vmlinux `__param` table, never
// guessed. What the kernel does (kernel/params.c, identical in 6.1 and 6.12):
// parse_args() -> parse_one() -> param_check_unsafe() asks
// security_locked_down(LOCKDOWN_MODULE_PARAMETERS) for a KERNEL_PARAM_FL_HWPARAM
// parameter; refused, the setter is not called (-EPERM), parse_args() logs
// "<doing>: `<val>' invalid for parameter `<param>'" and goes on with the next
// argument. Level -1 parameters (every module_param*()) are parsed by
// start_kernel()'s parse_args("Booting kernel"), whose error also stops the
// arguments after "--" from reaching init (init/main.c: after_dashes). At that
// point lockdown= (setup_arch() -> parse_early_param()), Debian's Secure Boot
// lockdown (setup_arch() -> efi_set_secure_boot()) and LOCK_DOWN_KERNEL_FORCE_*
// (early_security_init() -> lockdown_lsm_init(); 6.1 before setup_arch(), 6.12
// after it) are all in effect, and the hook answers only when the lockdown LSM
// is an early one (SECURITY_LOCKDOWN_LSM_EARLY): otherwise it is registered by
// security_init(), after parse_args().
import type { BuiltinParam } from "../verify/files.js";
import {
  argText,
  type CmdlineSource,
  type EffectiveParam,
  effectiveParams,
  paramEvidence,
  paramSubject,
  placesOf,
} from "./cmdline.js";
import { type Finding, type Fine, finding } from "./findings.js";
import type { KernelConfig } from "./lsm-state.js";

export interface KernelBuiltins {
  release: string;
  /** Its Kconfig (empty when unknown). */
  kconfig: KernelConfig;
  /** vmlinux's __param entries; undefined when the image could not be read. */
  params?: BuiltinParam[];
}

/** init/main.c initcall_level_names[]: the `doing` of do_initcall_level()'s parse_args(). */
const INITCALL_LEVEL_NAMES = ["pure", "core", "postcore", "arch", "subsys", "fs", "device", "late"];

const norm = (s: string) => s.replaceAll("-", "_");

/** Whether security_locked_down() reaches the lockdown hook when parse_args() runs. */
function hookAtParseArgs(k: KernelBuiltins): boolean {
  if (k.kconfig.size === 0) return true; // no config: Debian's (LSM=y, LSM_EARLY=y)
  return (
    k.kconfig.get("SECURITY_LOCKDOWN_LSM") === "y" && k.kconfig.get("SECURITY_LOCKDOWN_LSM_EARLY") === "y"
  );
}

function outcome(e: EffectiveParam, p: BuiltinParam, module: string): string {
  const o = e.occurrences.find((x) => x.val !== null) ?? e.effective;
  const boot = p.level < 0;
  const doing = boot ? "Booting kernel" : (INITCALL_LEVEL_NAMES[p.level] ?? `level ${p.level}`);
  // start_kernel() runs as "swapper"; sched_init() renames it "swapper/0" before the initcalls.
  const comm = boot ? "swapper" : "swapper/0";
  const dashes = boot && e.occurrences.some((x) => x.source.dashes);
  return (
    `under lockdown parse_args("${doing}") refuses it (parse_one() -> param_check_unsafe(): EPERM) and ${module} keeps its default; ` +
    `the kernel logs "Lockdown: ${comm}: unsafe module parameters is restricted; see man kernel_lockdown.7" and ` +
    `"${doing}: \`${o.val ?? ""}' invalid for parameter \`${o.param}'"${e.occurrences.length > 1 ? " for each occurrence" : ""}; ` +
    `the rest of the command line is still parsed${dashes ? `, but parse_args() then returns the error instead of the arguments after "--", so init gets none of them` : ""}. ` +
    `Locked down at boot means lockdown=, CONFIG_LOCK_DOWN_KERNEL_FORCE_* or Debian's Secure Boot lockdown, all set before parse_args() in 6.1 and 6.12; raising it later through securityfs does not undo the parameter`
  );
}

export function builtinParamFindings(
  cmdline: CmdlineSource[],
  kernels: KernelBuiltins[],
): { findings: Finding[]; fine: Fine[]; isBuiltin: (key: string) => boolean } {
  const tables = kernels
    .filter((k) => k.params)
    .map((k) => ({ k, byName: new Map((k.params ?? []).map((p) => [norm(p.name), p])) }));
  const isBuiltin = (key: string) => tables.some((t) => t.byName.has(key));
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  for (const e of effectiveParams(cmdline, (k) => k.indexOf(".") > 0 && !k.includes("/") && isBuiltin(k))) {
    const name = e.effective.param;
    const module = name.slice(0, name.indexOf("."));
    const param = name.slice(name.indexOf(".") + 1);
    const has = tables.flatMap((t) => {
      const p = t.byName.get(e.key);
      return p ? [{ k: t.k, p }] : [];
    });
    const hw = has.filter((h) => h.p.hardware);
    const refused = hw.filter((h) => hookAtParseArgs(h.k));
    const subject = placesOf(e);
    const rels = (l: typeof has) => l.map((h) => h.k.release).join(", ");
    if (hw.length === 0) {
      fine.push({
        check: "modparams",
        subject,
        detail: `${argText(e.effective)}: ${param} is a parameter of ${module}, built into ${rels(has)}, not a hardware parameter`,
      });
      continue;
    }
    if (e.occurrences.every((o) => o.val === null)) {
      fine.push({
        check: "modparams",
        subject,
        detail: `${name}: hardware parameter of the built-in ${module} given without a value: parse_one() returns EINVAL before lockdown is asked (unless its ops take no argument)`,
      });
      continue;
    }
    if (refused.length === 0) {
      fine.push({
        check: "modparams",
        subject,
        detail: `${argText(e.effective)}: hardware parameter of the built-in ${module} (${rels(hw)}), but CONFIG_SECURITY_LOCKDOWN_LSM_EARLY is not set: the lockdown hook is registered by security_init(), after parse_args(), so the parameter is taken even when booted locked down`,
      });
      continue;
    }
    const first = refused[0] as (typeof refused)[number];
    const shown = e.occurrences.filter((o) => o.val !== null).includes(e.effective)
      ? e.effective
      : (e.occurrences.find((o) => o.val !== null) ?? e.effective);
    const f = finding({
      id: "modparam.builtin-hardware",
      reason: "LOCKDOWN_MODULE_PARAMETERS",
      subject: paramSubject(e, shown),
      evidence: paramEvidence(
        e,
        `${param} is a hardware parameter of ${module}, which is built into ${rels(refused)} (module_param_hw*(): KERNEL_PARAM_FL_HWPARAM in vmlinux's __param table); ${outcome(e, first.p, module)}`,
        shown,
      ),
      remedy: `Remove ${name}= from ${placesOf(e)} (then update-grub or kernel-install): the built-in ${module} cannot take a hardware setting under lockdown; let the driver find the hardware itself (ACPI/PnP/PCI resources), or keep this host without lockdown.`,
    });
    if (refused.length === 1 && kernels.length > 1) f.kernel = first.k.release;
    findings.push(f);
  }
  return { findings, fine, isBuiltin };
}

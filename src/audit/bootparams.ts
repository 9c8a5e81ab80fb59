// Kernel command-line options that lockdown overrides (LOCKDOWN-SPEC §4):
// acpi_rsdp= and efivar_ssdt= are ignored (ACPI_TABLES), kgdb/kdb lose
// memory writes (DBG_WRITE_KERNEL), slram= fails (MODULE_PARAMETERS),
// kprobe_event= and boot-time tracing are refused at confidentiality.
import type { LockdownReason } from "../kernel/policy.js";
import { type CmdlineSource, effectiveParams, paramEvidence, paramSubject } from "./cmdline.js";
import { type Finding, finding } from "./findings.js";

const PARAMS: {
  param: string;
  id: string;
  reason: LockdownReason;
  effect: string;
  remedy: string;
  /** The parameter exists only when this Kconfig symbol is built in (=y). */
  requires: string;
}[] = [
  {
    param: "acpi_rsdp",
    requires: "KEXEC",
    id: "acpi.rsdp-param",
    reason: "LOCKDOWN_ACPI_TABLES",
    effect: "acpi_os_get_root_pointer() ignores it silently: the firmware's RSDP is used",
    remedy: "Fix the firmware's RSDP (or the boot loader passing it) instead of overriding it.",
  },
  {
    param: "efivar_ssdt",
    requires: "EFI_CUSTOM_SSDT_OVERLAYS",
    id: "acpi.efivar-ssdt",
    reason: "LOCKDOWN_ACPI_TABLES",
    effect: "efivar_ssdt_setup() refuses it (EPERM): the SSDT in the EFI variable is not loaded",
    remedy:
      "Get the table into the firmware or the kernel; SSDT overlays from EFI variables are not possible under lockdown.",
  },
  {
    param: "kgdboc",
    requires: "KGDB",
    id: "debug.kgdb",
    reason: "LOCKDOWN_DBG_WRITE_KERNEL",
    effect:
      "the gdb stub is refused (kgdb falls back to kdb, which loses memory/register writes; reads too at confidentiality)",
    remedy: "Debug on a host without lockdown; kdump captures crashes under lockdown.",
  },
  {
    param: "kgdbwait",
    requires: "KGDB",
    id: "debug.kgdb",
    reason: "LOCKDOWN_DBG_WRITE_KERNEL",
    effect: "waiting for gdb at boot ends in a refused gdb stub",
    remedy: "Remove kgdbwait on locked-down hosts.",
  },
  {
    param: "kgdbdbgp",
    requires: "KGDB",
    id: "debug.kgdb",
    reason: "LOCKDOWN_DBG_WRITE_KERNEL",
    effect: "the gdb stub over EHCI debug port is refused",
    remedy: "Debug on a host without lockdown.",
  },
  {
    param: "ekgdboc",
    requires: "KGDB",
    id: "debug.kgdb",
    reason: "LOCKDOWN_DBG_WRITE_KERNEL",
    effect: "the early gdb stub is refused",
    remedy: "Debug on a host without lockdown.",
  },
  {
    param: "slram",
    requires: "MTD_SLRAM",
    id: "modparam.slram",
    reason: "LOCKDOWN_MODULE_PARAMETERS",
    effect: "init_slram() fails with EPERM: the slram MTD device is not created",
    remedy: "Use a driver that takes the memory region from firmware (e.g. pmem/memmap) instead of slram=.",
  },
  {
    param: "kprobe_event",
    requires: "KPROBE_EVENTS",
    id: "tracefs.kprobe-event-param",
    reason: "LOCKDOWN_KPROBES",
    effect: "boot-time kprobe events are refused (EPERM) at confidentiality",
    remedy: "Use tracepoints, or boot such hosts at integrity.",
  },
  {
    param: "trace_event",
    requires: "EVENT_TRACING",
    id: "tracefs.boot-tracing",
    reason: "LOCKDOWN_TRACEFS",
    effect: "at confidentiality tracing is not set up at boot ('Tracing disabled due to lockdown')",
    remedy: "Boot hosts that need ftrace at integrity.",
  },
  {
    param: "ftrace",
    requires: "TRACING",
    id: "tracefs.boot-tracing",
    reason: "LOCKDOWN_TRACEFS",
    effect: "at confidentiality tracing is not set up at boot ('Tracing disabled due to lockdown')",
    remedy: "Boot hosts that need ftrace at integrity.",
  },
];

/**
 * Boot parameters lockdown overrides. `configs`: the installed kernels' Kconfigs; a parameter
 * whose code none of them has built in (Debian: no KGDB, slram only as a module) does nothing
 * at all, so lockdown takes nothing away. Without any known config every parameter counts.
 */
export function bootParamFindings(cmdline: CmdlineSource[], configs: Map<string, string>[] = []): Finding[] {
  const out: Finding[] = [];
  for (const p of PARAMS) {
    if (configs.length > 0 && !configs.some((c) => c.get(p.requires) === "y")) continue;
    for (const e of effectiveParams(cmdline, (k) => k === p.param))
      out.push(
        finding({
          id: p.id,
          reason: p.reason,
          subject: paramSubject(e),
          evidence: paramEvidence(e, p.effect),
          remedy: p.remedy,
        }),
      );
  }
  return out;
}

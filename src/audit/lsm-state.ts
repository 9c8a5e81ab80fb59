// The lockdown LSM's state: on a live host what the kernel says now
// (/sys/kernel/security/lockdown, /sys/kernel/security/lsm, efivars); in any
// root what the next boot will do: the kernel's Kconfig (/boot/config-*),
// lockdown= and lsm= in the boot configuration, and Debian's coupling of
// Secure Boot to lockdown (CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT).
import { type EfiVar, efiGetSecureBoot, isLevel, type Level, levelRank } from "../kernel/policy.js";
import { type CmdlineSource, effectiveParams, findParam, occurrenceWhere, where } from "./cmdline.js";
import type { Root } from "./rootfs.js";

export type KernelConfig = Map<string, string>;

/** Parses a Kconfig .config: CONFIG_X=y/m/"str"; "# CONFIG_X is not set" is absent. */
export function parseKconfig(text: string | undefined): KernelConfig {
  const m = new Map<string, string>();
  if (!text) return m;
  for (const line of text.split("\n")) {
    const r = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (r) m.set(r[1] as string, (r[2] as string).replace(/^"(.*)"$/, "$1"));
  }
  return m;
}

export interface LockdownConfigState {
  lsm: boolean;
  early: boolean;
  force: Level;
  inEfiSecureBoot: boolean;
  /** CONFIG_LSM, the default LSM order. */
  lsmOrder: string;
  moduleSig: boolean;
  moduleSigForce: boolean;
  kexecSig: boolean;
  kexecSigForce: boolean;
  imaArchPolicy: boolean;
  hibernation: boolean;
}

export function lockdownConfig(c: KernelConfig): LockdownConfigState {
  const y = (k: string) => c.get(k) === "y";
  return {
    lsm: y("SECURITY_LOCKDOWN_LSM"),
    early: y("SECURITY_LOCKDOWN_LSM_EARLY"),
    force: y("LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY")
      ? "confidentiality"
      : y("LOCK_DOWN_KERNEL_FORCE_INTEGRITY")
        ? "integrity"
        : "none",
    inEfiSecureBoot: y("LOCK_DOWN_IN_EFI_SECURE_BOOT"),
    lsmOrder: c.get("LSM") ?? "",
    moduleSig: y("MODULE_SIG"),
    moduleSigForce: y("MODULE_SIG_FORCE"),
    kexecSig: y("KEXEC_SIG"),
    kexecSigForce: y("KEXEC_SIG_FORCE"),
    imaArchPolicy: y("IMA_ARCH_POLICY"),
    hibernation: y("HIBERNATION"),
  };
}

export type SecureBootState = "enabled" | "disabled" | "setup-mode" | "not-efi" | "unknown";

export interface CurrentState {
  /** The level in force now (live), or "unknown" (offline). */
  level: Level | "unknown";
  /** Where the level was read from or how it was derived. */
  source: string;
  /** Whether the lockdown LSM is active in the running kernel (live only). */
  lsmActive: boolean | "unknown";
  secureBoot: SecureBootState;
  /** shim validation state (MokSBStateRT), when readable. */
  mok: string;
  /** The level the next boot of each kernel would reach, with the reasons why. */
  nextBoot: { release: string; level: Level; withSecureBoot: Level; because: string[] }[];
  /** module.sig_enforce / CONFIG_MODULE_SIG_FORCE: unsigned modules fail with EKEYREJECTED regardless. */
  evidence: string[];
}

const GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
const SHIM = "605dab50-e046-4300-abb6-3dd810dd8b23";

function efiVar(root: Root, name: string): EfiVar {
  const b = root.bytes(`/sys/firmware/efi/efivars/${name}`);
  if (b === undefined) return root.exists(`/sys/firmware/efi/efivars/${name}`) ? "error" : undefined;
  if (b.length < 5) return "error";
  const attrs = b.readUInt32LE(0);
  return { value: b[4] as number, nonVolatile: (attrs & 1) !== 0 };
}

export function secureBootState(root: Root): { state: SecureBootState; mok: string; evidence: string[] } {
  if (!root.live) return { state: "unknown", mok: "unknown (offline root)", evidence: [] };
  if (!root.exists("/sys/firmware/efi"))
    return { state: "not-efi", mok: "n/a", evidence: ["/sys/firmware/efi absent: not booted via EFI"] };
  const sb = efiVar(root, `SecureBoot-${GLOBAL}`);
  const setup = efiVar(root, `SetupMode-${GLOBAL}`);
  const mok = efiVar(root, `MokSBStateRT-${SHIM}`);
  const ev: string[] = [];
  ev.push(
    `efivars SecureBoot=${typeof sb === "object" ? sb.value : (sb ?? "absent")}, SetupMode=${typeof setup === "object" ? setup.value : (setup ?? "absent")}`,
  );
  const mode = efiGetSecureBoot({ SecureBoot: sb, SetupMode: setup, MokSBStateRT: mok }).mode;
  const mokText =
    mok === undefined
      ? "MokSBStateRT absent (shim validation on, or no shim)"
      : mok === "error"
        ? "MokSBStateRT unreadable"
        : mok.value === 1
          ? "MokSBStateRT=1: shim validation disabled (mokutil --disable-validation)"
          : `MokSBStateRT=${mok.value}`;
  if (sb === "error") return { state: "unknown", mok: mokText, evidence: ev };
  const state: SecureBootState =
    mode === "enabled"
      ? "enabled"
      : typeof setup === "object" && setup.value === 1
        ? "setup-mode"
        : mode === "unknown"
          ? "unknown"
          : "disabled";
  return { state, mok: mokText, evidence: ev };
}

/** The level a kernel with config `c` reaches at boot with these command-line sources. */
export function nextBootLevel(
  c: LockdownConfigState,
  cmdline: CmdlineSource[],
): { level: Level; withSecureBoot: Level; because: string[] } {
  const because: string[] = [];
  if (!c.lsm)
    return { level: "none", withSecureBoot: "none", because: ["CONFIG_SECURITY_LOCKDOWN_LSM is not set"] };
  let level: Level = "none";
  const raise = (l: Level, why: string) => {
    because.push(why);
    if (levelRank(l) > levelRank(level)) level = l;
  };
  // The next boot uses the configuration files, not /proc/cmdline.
  const boot = cmdline.filter((s) => s.file !== "/proc/cmdline");
  const lsmParam = findParam(boot, "lsm").at(-1);
  const order = lsmParam?.val ?? c.lsmOrder;
  const listed = order.split(",").includes("lockdown");
  if (!listed && !c.early && !c.inEfiSecureBoot) {
    because.push(`lockdown not in the LSM list "${order}"${lsmParam ? ` (${where(lsmParam.source)})` : ""}`);
    return { level: "none", withSecureBoot: "none", because };
  }
  if (c.force !== "none") raise(c.force, `CONFIG_LOCK_DOWN_KERNEL_FORCE_${c.force.toUpperCase()}=y`);
  // Every lockdown= is applied (lockdown_param() -> lock_kernel_down(), which never lowers): one
  // reason per value, naming every place that sets it.
  for (const e of effectiveParams(boot, (k) => k === "lockdown")) {
    const byVal = new Map<string, string[]>();
    for (const o of e.occurrences)
      if (o.val && isLevel(o.val) && o.val !== "none")
        byVal.set(o.val, [...(byVal.get(o.val) ?? []), occurrenceWhere(o)]);
    for (const [v, at] of byVal) raise(v as Level, `lockdown=${v} (${at.join(", ")})`);
  }
  const sb: Level = c.inEfiSecureBoot && levelRank(level) < levelRank("integrity") ? "integrity" : level;
  if (c.inEfiSecureBoot)
    because.push("CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT=y: integrity when booted with UEFI Secure Boot");
  return { level, withSecureBoot: sb, because };
}

export function currentState(
  root: Root,
  cmdline: CmdlineSource[],
  kernels: { release: string; config: KernelConfig }[],
): CurrentState {
  const evidence: string[] = [];
  let level: Level | "unknown" = "unknown";
  let source = "offline root: the running kernel is not this root's";
  let lsmActive: boolean | "unknown" = "unknown";
  if (root.live) {
    const lsm = root.text("/sys/kernel/security/lsm");
    const ld = root.text("/sys/kernel/security/lockdown");
    if (lsm !== undefined) {
      lsmActive = lsm
        .split(",")
        .map((s) => s.trim())
        .includes("lockdown");
      evidence.push(`/sys/kernel/security/lsm: ${lsm.trim()}`);
    }
    if (ld !== undefined) {
      const m = /\[(none|integrity|confidentiality)\]/.exec(ld);
      level = (m?.[1] as Level | undefined) ?? "unknown";
      source = `/sys/kernel/security/lockdown: ${ld.trim()}`;
      lsmActive = true;
    } else if (lsmActive === false) {
      level = "none";
      source = "the lockdown LSM is not active (not in /sys/kernel/security/lsm)";
    } else if (root.exists("/sys/kernel/security/lockdown")) {
      source =
        "/sys/kernel/security/lockdown exists but could not be read (it is mode 0600: run the audit as root)";
    } else {
      // No securityfs answer: say what we can see instead of guessing.
      const why: string[] = [];
      const sec = root.exists("/sys/kernel/security");
      why.push(
        !sec
          ? "/sys/kernel/security does not exist"
          : root.names("/sys/kernel/security").length === 0
            ? "securityfs is not mounted (/sys/kernel/security is empty), so the kernel's own answer is not available (a container or a minimal VM?)"
            : "/sys/kernel/security/lockdown is absent (the lockdown LSM is not built in or not active)",
      );
      const pc = cmdline.find((x) => x.file === "/proc/cmdline");
      const ldParam = pc?.args.find((a) => a.param === "lockdown");
      why.push(
        ldParam ? `/proc/cmdline has lockdown=${ldParam.val ?? ""}` : "/proc/cmdline has no lockdown=",
      );
      if (!root.exists("/sys/firmware/efi"))
        why.push("not booted via EFI, so Secure Boot cannot have locked it down");
      const rel = root.text("/proc/sys/kernel/osrelease")?.trim();
      const cfg = rel ? root.text(`/boot/config-${rel}`) : undefined;
      if (cfg !== undefined) {
        const c = lockdownConfig(parseKconfig(cfg));
        why.push(
          `/boot/config-${rel}: lockdown LSM ${c.lsm ? "built in" : "not built in"}, forced level ${c.force}`,
        );
      } else why.push(`no /boot/config-${rel ?? "<running release>"} for the running kernel`);
      const evidenceOfLockdown = ldParam?.val === "integrity" || ldParam?.val === "confidentiality";
      level = evidenceOfLockdown ? (ldParam?.val as Level) : "none";
      source = `${evidenceOfLockdown ? "lockdown= on the command line" : "no evidence of lockdown"}: ${why.join("; ")}`;
    }
    const cl = cmdline.find((s) => s.file === "/proc/cmdline");
    if (cl)
      for (const a of cl.args)
        if (["lockdown", "lsm", "module.sig_enforce", "ima_appraise"].includes(a.param))
          evidence.push(`/proc/cmdline: ${a.param}=${a.val ?? ""}`);
  }
  const sb = secureBootState(root);
  evidence.push(...sb.evidence);
  // Boot chain and MOK material on disk (offline roots have no efivars).
  for (const esp of ["/boot/efi/EFI", "/efi/EFI"])
    for (const vendor of root.names(esp))
      for (const f of root.names(`${esp}/${vendor}`))
        if (/^shim(x64|aa64|ia32)?\.efi$/i.test(f))
          evidence.push(
            `${esp}/${vendor}/${f}: boots through shim, so UEFI Secure Boot is likely on; Debian kernels then lock down to integrity`,
          );
  for (const f of ["/var/lib/dkms/mok.pub", "/var/lib/shim-signed/mok/MOK.der"])
    if (root.exists(f))
      evidence.push(
        `${f}: a local module-signing key (MOK); modules it signs load only if it is enrolled (mokutil --test-key ${f})`,
      );
  const mokList = root.live
    ? root.bytes("/sys/firmware/efi/efivars/MokListRT-605dab50-e046-4300-abb6-3dd810dd8b23")
    : undefined;
  if (mokList)
    evidence.push(
      `MokListRT: ${mokList.length - 4} bytes of enrolled MOK entries (their certificates are trusted for modules and kexec)`,
    );
  const nextBoot = kernels.map((k) => ({
    release: k.release,
    ...nextBootLevel(lockdownConfig(k.config), cmdline),
  }));
  return { level, source, lsmActive, secureBoot: sb.state, mok: sb.mok, nextBoot, evidence };
}

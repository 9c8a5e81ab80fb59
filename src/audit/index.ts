// The lockdown readiness audit: reads a live host or an offline root and
// answers "what breaks at integrity, and at confidentiality, and what to do".
import type { Level } from "../kernel/policy.js";
import { kernelCryptoFromConfig } from "../verify/public-key.js";
import { acpiFindings } from "./acpi.js";
import { bootParamFindings } from "./bootparams.js";
import { builtinParamFindings, type KernelBuiltins } from "./builtin-params.js";
import { cmdlineSources } from "./cmdline.js";
import { debugfsFindings } from "./debugfs.js";
import { breaksAtLevel, type Finding, type Fine } from "./findings.js";
import { hibernationFindings } from "./hibernation.js";
import { type ImaState, imaFindings, imaState } from "./ima.js";
import {
  type BuiltinKeys,
  dkmsModules,
  type InstalledKernel,
  installedKernels,
  moduleFiles,
  readBuiltinKeys,
  readPath,
} from "./kernels.js";
import { kexecFindings } from "./kexec.js";
import { platformCerts, readCertFile, type TrustedCert } from "./keys.js";
import { type CurrentState, currentState } from "./lsm-state.js";
import { cmdlineOptions, modparamFindings, moduleIndex, moduleOptions, type ParamInfo } from "./modparams.js";
import { type LiveModules, liveModules, type ModuleStats, moduleFindings } from "./modules.js";
import { Root } from "./rootfs.js";
import { serialFindings } from "./serial.js";
import { toolFindings } from "./tools.js";
import { invocations } from "./units.js";
import { type AuditVerifier, type SignatureResult, structuralVerifier } from "./verifier.js";
import { versionOf } from "./verify-adapter.js";

export * from "./findings.js";
export { Root } from "./rootfs.js";
export type { AuditVerifier, ModuleResult, SignatureResult, Verdict as AuditVerdict } from "./verifier.js";

export interface AuditOptions {
  root?: string;
  level?: Exclude<Level, "none">;
  /** Extra trusted certificate files (DER/PEM): the platform/MOK keyring's certificates. */
  certs?: string[];
  verifier?: AuditVerifier;
  /** Reads module parameters from a module file (host path). */
  readParams?: (hostPath: string) => Promise<ParamInfo[] | undefined>;
  /** Force live/offline instead of deciding from the root path. */
  live?: boolean;
  progress?: (phase: string, done: number, total: number) => void;
}

export interface KernelReport {
  release: string;
  /** The kernel image (root-relative path), or null. */
  image: string | null;
  /** Its Authenticode signature, as kexec_file_load checks it. */
  signature: SignatureResult | null;
  /** Which keyring would accept it for kexec_file_load (the Secure Boot chain is the firmware's and shim's). */
  acceptedBy: string;
  /** The builtin trusted keys found in the image. */
  builtinCertificates: string[];
  /** How they were read, or why not. */
  builtinKeysDetail: string;
  config: string | null;
  lockdown: {
    lsm: boolean;
    force: Level;
    efiSecureBoot: boolean;
    nextBoot: Level;
    withSecureBoot: Level;
    because: string[];
  };
  modules: ModuleStats;
}

export interface AuditReport {
  tool: "kernel-lockdown audit";
  schema: 1;
  root: string;
  live: boolean;
  level: Exclude<Level, "none">;
  current: CurrentState & { liveModules?: LiveModules; ima: ImaState };
  kernels: KernelReport[];
  findings: Finding[];
  forecast: { integrity: { breaks: number }; confidentiality: { breaks: number } };
  fine: Fine[];
  /** Paths the audit could not read (permissions), so its answer is partial. */
  unreadable: { path: string; error: string }[];
  notes: string[];
  verifier: string;
  elapsedMs: number;
}

function certLabel(v: AuditVerifier, der: Uint8Array): string {
  const n = v.certName(der);
  return n ? `${n.subject} (serial ${n.serial})` : `certificate of ${der.length} bytes`;
}

function acceptedBy(sig: SignatureResult | null, image: string | undefined): string {
  if (!sig) return image ? `not known: ${image} could not be read` : "no image";
  switch (sig.verdict) {
    case "valid":
      return `accepted: ${sig.detail ?? "a given key"}`;
    case "untrusted":
      return "not by the builtin key; by .platform/.machine only if its signer's CA is in UEFI db or MOK (shim's vendor certificate, e.g. Debian Secure Boot CA): pass that CA with --cert to check";
    case "unsigned":
      return "none: unsigned (kexec_file_load refuses it under lockdown; Secure Boot firmware/shim would not boot it)";
    case "unverified":
      return "not checked";
    default:
      return `none: the signature is broken (${sig.errno ?? "invalid"})`;
  }
}

export async function audit(opts: AuditOptions = {}): Promise<AuditReport> {
  const t0 = performance.now();
  const root = new Root(opts.root ?? "/", { live: opts.live });
  const level = opts.level ?? "integrity";
  // Library callers get what the CLI gets: src/verify for signatures and the ELF reader for
  // hardware parameters, unless they inject their own.
  if (!opts.verifier || !opts.readParams) {
    const hooks = (await import("./wiring.js")).defaultAuditHooks();
    opts = { ...hooks, ...opts };
  }
  const verifier = opts.verifier ?? structuralVerifier;
  const extra: TrustedCert[] = [...(opts.certs ?? []).flatMap(readCertFile), ...platformCerts(root)];
  const notes: string[] = [];
  const findings: Finding[] = [];
  const fine: Fine[] = [];

  // A /lib/modules/<rel> left behind by a removed kernel (no image, no config anywhere) cannot be
  // booted from this root: its modules are never loaded. Only judged so when another kernel does
  // have its image here (an unmounted /boot must not hide every kernel), and never for the running one.
  const found = installedKernels(root);
  const running = root.live ? root.text("/proc/sys/kernel/osrelease")?.trim() : undefined;
  const leftover = found.filter(
    (k) => !k.image && !k.config && k.release !== running && found.some((o) => o.image),
  );
  const kernels = found.filter((k) => !leftover.includes(k));
  for (const k of leftover)
    notes.push(
      `${k.modulesDir}: modules of a kernel that is not installed (no image or config for ${k.release}); not examined. Remove the directory if the kernel is gone for good.`,
    );
  // Start the slow part first: decompressing each kernel image to find its builtin keys.
  const keysP = new Map<string, Promise<BuiltinKeys>>(
    kernels.map((k) => [k.release, readBuiltinKeys(root, k)]),
  );

  // Module files are read (by worker threads) while the images decompress.
  const files = new Map<string, string[]>(kernels.map((k) => [k.release, moduleFiles(root, k)]));
  const total = [...files.values()].reduce((a, f) => a + f.length, 0);
  const progressBase = new Map<string, number>();
  {
    let base = 0;
    for (const k of kernels) {
      progressBase.set(k.release, base);
      base += files.get(k.release)?.length ?? 0;
    }
  }
  // The first kernel's modules start now (their workers prefetch); later kernels when their turn comes.
  const startBatch = (k: InstalledKernel) => {
    const list = files.get(k.release) ?? [];
    // Read symlinked modules through the root; results keep the name under /lib/modules.
    const reads = list.map((f) => readPath(root, f));
    const b = verifier.modules(reads, (d) =>
      opts.progress?.("modules", (progressBase.get(k.release) ?? 0) + d, total),
    );
    if (reads.every((r, i) => r === list[i])) return b;
    return {
      verify: async (keys: Parameters<typeof b.verify>[0]) =>
        (await b.verify(keys)).map((r, i) => ({ ...r, file: list[i] ?? r.file })),
    };
  };
  const batches = new Map(kernels.slice(0, 1).map((k) => [k.release, startBatch(k)]));

  const cmdline = cmdlineSources(root);
  const invs = invocations(root);
  const state = currentState(
    root,
    cmdline,
    kernels.map((k) => ({ release: k.release, config: k.kconfig })),
  );
  const live = liveModules(root);
  findings.push(...live.findings);
  const configs = kernels.filter((k) => k.config).map((k) => k.kconfig);
  const ima = imaState(root, cmdline, configs);

  for (const r of [
    hibernationFindings(root, cmdline, invs),
    debugfsFindings(root, invs),
    serialFindings(root, invs),
    await acpiFindings(root),
    toolFindings(root, invs, configs),
  ]) {
    findings.push(...r.findings);
    fine.push(...r.fine);
  }
  findings.push(...bootParamFindings(cmdline, configs), ...imaFindings(root, cmdline, configs));

  // Modules, per kernel.
  const dkms = dkmsModules(root);
  const dkmsMok = root.exists("/var/lib/dkms/mok.pub");
  const localKeys = new Map<string, string>();
  for (const f of ["/var/lib/dkms/mok.pub", "/var/lib/shim-signed/mok/MOK.der"]) {
    const der = root.bytes(f, 1 << 20);
    const name = der ? verifier.certName(der) : undefined;
    if (name) localKeys.set(name.serial, f);
  }
  const reports: KernelReport[] = [];
  const builtins: KernelBuiltins[] = [];
  const allCerts: Uint8Array[] = [...extra.map((c) => c.der)];
  for (const k of kernels) {
    const keys = await (keysP.get(k.release) as Promise<BuiltinKeys>);
    builtins.push({
      release: k.release,
      kconfig: k.kconfig,
      ...(keys.params ? { params: keys.params } : {}),
    });
    if (keys.paramsError)
      notes.push(
        `${k.release}: built-in module parameters not read (${keys.paramsError}); hardware parameters of built-in drivers on the command line are not classified`,
      );
    allCerts.push(...keys.certs);
    const list = files.get(k.release) ?? [];
    const trusted = [
      ...keys.certs.map((c) => `the builtin key ${certLabel(verifier, c)}`),
      ...extra.map((c) => `${certLabel(verifier, c.der)} from ${c.origin}`),
    ];
    if (keys.error && list.length > 0)
      notes.push(
        `${k.release}: builtin certificates not found (${keys.detail}); its modules are checked against --cert only`,
      );
    const batch = list.length > 0 ? (batches.get(k.release) ?? startBatch(k)) : undefined;
    const results = batch
      ? await batch.verify({
          version: versionOf(k.release),
          builtin: keys.certs,
          platform: extra.map((c) => c.der),
          ...(k.kconfig.size > 0 ? { ecdsa: kernelCryptoFromConfig((n) => k.kconfig.get(n)).ecdsa } : {}),
        })
      : [];
    if (keys.certs.length === 0) {
      // Without the kernel's own key, "no key found" says nothing by itself: the signer may well be
      // that key. What the modules do say: the package's own modules (kernel/) are all signed by the
      // build's key, so a module signed by anyone else is signed by another key.
      const base = `${root.host(k.modulesDir ?? "")}/kernel/`;
      const count = new Map<string, number>();
      for (const r of results)
        if (r.signer && r.file.startsWith(base) && r.verdict !== "unsigned" && r.verdict !== "invalid")
          count.set(r.signer, (count.get(r.signer) ?? 0) + 1);
      const [buildKey, n] = [...count].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0];
      const inferred =
        buildKey !== undefined && n >= 16 && n >= 0.9 * [...count.values()].reduce((a, b) => a + b, 0);
      for (const r of results)
        if (r.verdict === "untrusted") {
          if (inferred && r.signer !== buildKey) {
            r.detail = `inferred without the kernel image: its ${n} in-tree modules are signed by ${buildKey}, this one is not (${keys.detail})`;
          } else {
            r.verdict = "unverified";
            r.detail = `signed by ${r.signer ?? "an unknown key"}; the kernel's builtin key could not be read (${keys.detail})`;
          }
        }
    }
    const m = moduleFindings(root, k, results, {
      trusted: trusted.length ? trusted.join(", ") : "the kernel's own key (its image could not be read)",
      dkms,
      dkmsMok,
      localKeys,
    });
    // With CONFIG_MODULE_SIG unset module_sig_check() is a stub: lockdown never sees module loads.
    if (k.config && k.kconfig.get("MODULE_SIG") !== "y") {
      if (m.findings.length > 0)
        notes.push(
          `${k.release}: CONFIG_MODULE_SIG is not set in ${k.config}, so lockdown does not check module signatures on this kernel; ${m.findings.length} unsigned/unverifiable module(s) are not findings`,
        );
    } else findings.push(...m.findings);
    if (k.config && k.kconfig.get("SECURITY_LOCKDOWN_LSM") !== "y")
      notes.push(
        `${k.release}: CONFIG_SECURITY_LOCKDOWN_LSM is not set in ${k.config}: this kernel cannot be locked down at all`,
      );
    if (m.stats.unverified > 0)
      notes.push(
        `${k.release}: ${m.stats.unverified} signed module(s) could not be verified (${verifier.name})`,
      );
    const cfg = k.kconfig;
    const nb = state.nextBoot.find((n) => n.release === k.release);
    let signature: SignatureResult | null = null;
    if (k.image) {
      const b = root.bytes(k.image);
      if (b)
        signature = await verifier
          .peImage(b, [...extra.map((c) => c.der), ...allCerts])
          .catch((e) => ({ verdict: "invalid" as const, detail: (e as Error).message }));
    }
    reports.push({
      release: k.release,
      image: k.image ?? null,
      signature,
      acceptedBy: acceptedBy(signature, k.image),
      builtinCertificates: keys.certs.map((c) => certLabel(verifier, c)),
      builtinKeysDetail: keys.detail,
      config: k.config ?? null,
      lockdown: {
        lsm: cfg.get("SECURITY_LOCKDOWN_LSM") === "y",
        force:
          cfg.get("LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY") === "y"
            ? "confidentiality"
            : cfg.get("LOCK_DOWN_KERNEL_FORCE_INTEGRITY") === "y"
              ? "integrity"
              : "none",
        efiSecureBoot: cfg.get("LOCK_DOWN_IN_EFI_SECURE_BOOT") === "y",
        nextBoot: nb?.level ?? "none",
        withSecureBoot: nb?.withSecureBoot ?? "none",
        because: nb?.because ?? [],
      },
      modules: m.stats,
    });
  }
  if (kernels.length === 0)
    notes.push(
      "no installed kernel found (/lib/modules, /boot): a container image? modules and kernel images were not examined",
    );

  // kexec/kdump: the crash kernel defaults to the newest installed image.
  const newest = kernels.filter((k) => k.image).at(-1)?.image;
  const kx = await kexecFindings(root, {
    invocations: invs,
    secureBootLive: state.secureBoot === "enabled",
    fallbackImage: newest,
    checkImage: async (p) => {
      const b = root.bytes(p);
      if (!b) return { verdict: "unreadable", detail: "unreadable" };
      const r = await verifier
        .peImage(b, allCerts)
        .catch((e) => ({ verdict: "invalid" as const, detail: (e as Error).message }) as SignatureResult);
      return {
        verdict: r.verdict,
        detail: `${r.verdict}${r.signer ? ` (signed by ${r.signer})` : ""}${r.errno ? ` ${r.errno}` : ""}${r.detail ? `: ${r.detail}` : ""}`,
      };
    },
  });
  findings.push(...kx.findings);
  fine.push(...kx.fine);

  // Module options: hardware parameters, judged from the modules' own ELF.
  const idx = kernels.map((k) => ({
    release: k.release,
    modules: new Map([...moduleIndex(files.get(k.release) ?? [])].map(([n, f]) => [n, readPath(root, f)])),
  }));
  // Command-line parameters of code built into the kernel: judged from vmlinux's own __param table.
  const bp = builtinParamFindings(cmdline, builtins);
  findings.push(...bp.findings);
  fine.push(...bp.fine);
  const mp = await modparamFindings(
    [...moduleOptions(root), ...cmdlineOptions(cmdline, bp.isBuiltin)],
    idx,
    opts.readParams,
  );
  findings.push(...mp.findings);
  fine.push(...mp.fine);
  // Options of the admin's own files whose module could not be found (vendor defaults are not worth a note).
  if (kernels.length > 0)
    for (const u of mp.unknown) if (u.startsWith("/etc/")) notes.push(`module option not checked: ${u}`);

  if (root.unreadable.length > 0)
    notes.push(
      `${root.unreadable.length} path(s) could not be read${process.getuid?.() !== 0 ? " (not running as root)" : ""}; the answer is partial`,
    );

  const integrity = findings.filter((f) => breaksAtLevel(f, "integrity")).length;
  return {
    tool: "kernel-lockdown audit",
    schema: 1,
    root: root.dir,
    live: root.live,
    level,
    current: { ...state, ...(live.live ? { liveModules: live.live } : {}), ima },
    kernels: reports,
    findings,
    forecast: { integrity: { breaks: integrity }, confidentiality: { breaks: findings.length } },
    fine,
    unreadable: root.unreadable,
    notes,
    verifier: verifier.name,
    elapsedMs: Math.round(performance.now() - t0),
  };
}

/** Exit status of the CLI: 1 when something breaks at `level`. */
export function breaksAt(report: AuditReport, level: Exclude<Level, "none">): number {
  return report.findings.filter((f) => breaksAtLevel(f, level)).length;
}

export type { InstalledKernel };

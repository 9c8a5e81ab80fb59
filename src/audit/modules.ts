// Module signatures: what module_sig_check() will say for each module file
// once lockdown is on (kernel/module/signing.c): unsigned (ENODATA), unknown
// key (ENOKEY) and unsupported crypto (ENOPKG) become EPERM at integrity;
// bad signatures are refused already (EKEYREJECTED/EBADMSG). On a live host
// also the modules loaded now and the kernel's taint flags.
import { type Finding, finding } from "./findings.js";
import { type InstalledKernel, type ModuleOrigin, moduleName, moduleOrigin } from "./kernels.js";
import type { Root } from "./rootfs.js";
import type { ModuleResult } from "./verifier.js";

export interface ModuleStats {
  total: number;
  /** Verify against a trusted key. */
  signed: number;
  unsigned: number;
  /** Corrupt or bad signatures: refused even without lockdown. */
  invalid: number;
  /** Well-formed signature by a key the kernel does not have. */
  untrusted: number;
  /** Signed, but the signature could not be checked. */
  unverified: number;
  /** Modules outside kernel/ (DKMS, extra/, updates/). */
  outOfTree: { path: string; origin: ModuleOrigin; verdict: string; dkms?: string }[];
}

const ORIGIN_TEXT: Record<ModuleOrigin, string> = {
  "in-tree": "",
  dkms: "DKMS module",
  extra: "out-of-tree module (extra/)",
  updates: "out-of-tree module (updates/)",
  other: "module outside kernel/",
};

export function moduleFindings(
  root: Root,
  k: InstalledKernel,
  results: ModuleResult[],
  ctx: { trusted: string; dkms: Map<string, string>; dkmsMok: boolean; localKeys?: Map<string, string> },
): { stats: ModuleStats; findings: Finding[] } {
  const stats: ModuleStats = {
    total: results.length,
    signed: 0,
    unsigned: 0,
    invalid: 0,
    untrusted: 0,
    unverified: 0,
    outOfTree: [],
  };
  const findings: Finding[] = [];
  const prefix = `${root.host(k.modulesDir ?? "")}/`;
  for (const r of results) {
    const rel = r.file.startsWith(prefix) ? r.file.slice(prefix.length) : r.file;
    const subject = `${k.modulesDir}/${rel}`;
    const origin = moduleOrigin(rel);
    const name = moduleName(rel);
    const dkms = ctx.dkms.get(name);
    if (origin !== "in-tree") {
      const o: ModuleStats["outOfTree"][number] = { path: subject, origin, verdict: r.verdict };
      if (dkms) o.dkms = dkms;
      stats.outOfTree.push(o);
    }
    const kind = [ORIGIN_TEXT[origin], dkms ? `DKMS ${dkms}` : ""].filter(Boolean).join(", ");
    const tag = kind ? ` (${kind})` : "";
    const dkmsRemedy =
      origin === "dkms" || dkms
        ? ctx.dkmsMok
          ? " For DKMS: enroll its key (mokutil --import /var/lib/dkms/mok.pub, confirm at the next boot) and rebuild (dkms autoinstall) so the module is signed with it."
          : " For DKMS: let dkms sign modules (Debian's dkms creates /var/lib/dkms/mok.key and mok.pub), enroll mok.pub with mokutil --import, then dkms autoinstall."
        : "";
    switch (r.verdict) {
      case "valid":
        stats.signed++;
        break;
      case "unverified":
        stats.unverified++;
        break;
      case "unsigned":
        stats.unsigned++;
        findings.push(
          finding({
            id: "module.unsigned",
            reason: "LOCKDOWN_MODULE_SIGNATURE",
            subject,
            kernel: k.release,
            evidence: `no "~Module signature appended~" trailer${tag}: module_sig_check() gets ENODATA, so loading fails with EPERM ("Lockdown: modprobe: unsigned module loading is restricted")`,
            remedy: `Sign it with a key the kernel trusts (scripts/sign-file sha256 <key> <cert> ${name}.ko with a certificate enrolled as a MOK), or stop loading it.${dkmsRemedy}`,
          }),
        );
        break;
      case "untrusted": {
        stats.untrusted++;
        if (r.errno === "ENOPKG") {
          findings.push(
            finding({
              id: "module.unsupported-crypto",
              reason: "LOCKDOWN_MODULE_SIGNATURE",
              subject,
              kernel: k.release,
              evidence: `its signature trailer is not a PKCS#7 signature the kernel can use${tag}: ENOPKG ("module with unsupported crypto")${r.detail ? ` (${r.detail})` : ""}; it loads today (tainting the kernel) but under lockdown module_sig_check() refuses it with EPERM`,
              remedy: `Re-sign it with scripts/sign-file (PKCS#7) using a key the kernel trusts, or reinstall it from its package.${dkmsRemedy}`,
            }),
          );
          break;
        }
        let local: string | undefined;
        for (const [serial, file] of ctx.localKeys ?? []) if (r.signer?.includes(serial)) local = file;
        findings.push(
          finding({
            id: "module.untrusted-key",
            reason: "LOCKDOWN_MODULE_SIGNATURE",
            subject,
            kernel: k.release,
            evidence: `signed by ${r.signer ?? "an unknown key"}${local ? ` (the local key ${local})` : ""}${tag}, which is none of ${ctx.trusted}: ${r.errno ?? "ENOKEY"}, so loading fails with EPERM${r.detail ? ` (${r.detail})` : ""}`,
            remedy: local
              ? `Enroll ${local} as a MOK (mokutil --import ${local}, then confirm in MokManager at the next boot); re-run the audit with --cert ${local} to confirm.`
              : `Enroll the signer's certificate as a MOK (mokutil --import <cert.der>) so it reaches the .machine/.platform keyring, or re-sign the module with a trusted key; re-run the audit with --cert <cert> to confirm.${dkmsRemedy}`,
          }),
        );
        break;
      }
      case "invalid":
        stats.invalid++;
        findings.push(
          finding({
            id: "module.bad-signature",
            reason: "LOCKDOWN_MODULE_SIGNATURE",
            subject,
            kernel: k.release,
            evidence: `signature present but broken${tag}: ${r.errno ?? "EBADMSG"}${r.detail ? ` (${r.detail})` : ""}; module_sig_check() treats this as fatal, so it is refused with or without lockdown`,
            remedy: `Reinstall the module from its package (dpkg -S ${subject}; apt reinstall <package>) or rebuild and re-sign it.${dkmsRemedy}`,
          }),
        );
        break;
    }
  }
  return { stats, findings };
}

/** include/linux/panic.h TAINT_* letters, bit order. */
const TAINT = "PFSRMBUDAWCIOELKXT";
const TAINT_TEXT: Record<string, string> = {
  P: "proprietary module",
  O: "out-of-tree module",
  E: "unsigned module",
  F: "forced module load",
  C: "staging driver",
  K: "live patched",
};

export interface LiveModules {
  release: string;
  taint: number;
  taintFlags: string;
  loaded: number;
  unsigned: string[];
}

/** Loaded modules and taint (live host only). */
export function liveModules(root: Root): { live?: LiveModules; findings: Finding[] } {
  if (!root.live) return { findings: [] };
  const release = root.text("/proc/sys/kernel/osrelease")?.trim() ?? "";
  const taint = Number(root.text("/proc/sys/kernel/tainted")?.trim() ?? "0") || 0;
  let flags = "";
  for (let i = 0; i < TAINT.length; i++) if (taint & (1 << i)) flags += TAINT[i];
  const mods = (root.text("/proc/modules") ?? "")
    .split("\n")
    .map((l) => l.split(" ")[0])
    .filter((m): m is string => Boolean(m));
  const findings: Finding[] = [];
  const unsigned: string[] = [];
  for (const m of mods) {
    const t = root.text(`/sys/module/${m}/taint`)?.trim() ?? "";
    if (t.includes("E")) {
      unsigned.push(m);
      findings.push(
        finding({
          id: "module.loaded-unsigned",
          reason: "LOCKDOWN_MODULE_SIGNATURE",
          subject: `loaded module ${m}`,
          kernel: release,
          evidence: `/sys/module/${m}/taint is "${t}": it was loaded without a valid signature (TAINT_UNSIGNED_MODULE); under lockdown that load fails with EPERM`,
          remedy:
            "Sign the module with a trusted (MOK-enrolled) key or replace it with a signed build before enabling lockdown.",
        }),
      );
    }
  }
  const taintFlags = flags
    .split("")
    .map((c) => (TAINT_TEXT[c] ? `${c} (${TAINT_TEXT[c]})` : c))
    .join(", ");
  return { live: { release, taint, taintFlags, loaded: mods.length, unsigned }, findings };
}

// IMA policy and keys, reported as context: an IMA policy that appraises
// kexec kernels with signatures (appraise func=KEXEC_KERNEL_CHECK
// appraise_type=imasig) is what lets kexec_file_load accept an image whose PE
// signature fails under lockdown (ima_appraise_signature), and a
// non-enforcing ima_appraise= turns that waiver off (CVE-2022-21505 fix).
import { type CmdlineSource, findParam, where } from "./cmdline.js";
import { type Finding, finding } from "./findings.js";
import { configLines, type Root } from "./rootfs.js";

export interface ImaState {
  policy?: { file: string; rules: number; appraise: string[] };
  keys: string[];
  cmdline: string[];
  /** Whether kexec images may be accepted through IMA appraisal instead of their PE signature. */
  kexecWaiver: boolean;
  /** Why not, when the policy asks for it but the kernel cannot grant it. */
  kexecWaiverNote?: string;
}

/**
 * ima_appraise_signature() exists only with CONFIG_IMA_APPRAISE and
 * CONFIG_INTEGRITY_TRUSTED_KEYRING; otherwise it is a stub returning false, and no
 * IMA policy lets kexec_file_load skip the PE signature under lockdown (Debian's
 * kernels leave INTEGRITY_TRUSTED_KEYRING unset). Unknown configs: assume possible.
 */
export function imaKexecWaiverPossible(configs: Map<string, string>[]): boolean {
  return (
    configs.length === 0 ||
    configs.some((c) => c.get("IMA_APPRAISE") === "y" && c.get("INTEGRITY_TRUSTED_KEYRING") === "y")
  );
}

export function imaState(
  root: Root,
  cmdline: CmdlineSource[],
  configs: Map<string, string>[] = [],
): ImaState {
  const keys: string[] = [];
  for (const d of ["/etc/keys/ima", "/etc/keys/evm"]) for (const n of root.names(d)) keys.push(`${d}/${n}`);
  for (const f of ["/etc/keys/x509_ima.der", "/etc/keys/x509_evm.der"]) if (root.exists(f)) keys.push(f);
  const cl: string[] = [];
  for (const p of ["ima_policy", "ima_appraise", "ima_hash", "ima_template", "evm"])
    for (const o of findParam(cmdline, p)) cl.push(`${p}=${o.val ?? ""} (${o.source.file})`);
  let policy: ImaState["policy"];
  let waiver = false;
  for (const f of ["/etc/ima/ima-policy", "/etc/sysconfig/ima-policy"]) {
    const lines = configLines(root.text(f));
    if (lines.length === 0) continue;
    const appraise = lines.filter((l) => l.line.startsWith("appraise")).map((l) => `${f}:${l.n}: ${l.line}`);
    // The first appraise rule for KEXEC_KERNEL_CHECK (or with no func=) decides.
    const first = lines.find(
      (l) =>
        l.line.startsWith("appraise") && (!/func=/.test(l.line) || /func=KEXEC_KERNEL_CHECK/.test(l.line)),
    );
    waiver = Boolean(first && /appraise_type=imasig/.test(first.line));
    policy = { file: f, rules: lines.length, appraise };
    break;
  }
  const enforce = findParam(cmdline, "ima_appraise").every(
    (o) => o.val === null || o.val.startsWith("enforce"),
  );
  const possible = imaKexecWaiverPossible(configs);
  const out: ImaState = { policy, keys, cmdline: cl, kexecWaiver: waiver && enforce && possible };
  if (waiver && !possible)
    out.kexecWaiverNote =
      "the policy appraises kexec images by signature, but the kernel has no CONFIG_INTEGRITY_TRUSTED_KEYRING (or IMA_APPRAISE): ima_appraise_signature() is a stub returning false, so kexec_file_load still needs a valid PE signature under lockdown";
  return out;
}

/**
 * The one IMA setting lockdown changes the outcome of: a policy that lets
 * kexec images pass by IMA signature (appraise func=KEXEC_KERNEL_CHECK
 * appraise_type=imasig) while ima_appraise= leaves enforce mode. Under
 * lockdown ima_appraise_signature() then answers false (the CVE-2022-21505
 * fix), so such images are refused unless their PE signature verifies.
 */
export function imaFindings(
  root: Root,
  cmdline: CmdlineSource[],
  configs: Map<string, string>[] = [],
): Finding[] {
  const out: Finding[] = [];
  // Without ima_appraise_signature() there is no waiver to lose.
  if (!imaKexecWaiverPossible(configs)) return out;
  for (const f of ["/etc/ima/ima-policy", "/etc/sysconfig/ima-policy"]) {
    const lines = configLines(root.text(f));
    const first = lines.find(
      (l) =>
        l.line.startsWith("appraise") && (!/func=/.test(l.line) || /func=KEXEC_KERNEL_CHECK/.test(l.line)),
    );
    if (!first || !/appraise_type=imasig/.test(first.line)) continue;
    for (const o of findParam(cmdline, "ima_appraise")) {
      if (o.val === null || o.val.startsWith("enforce")) continue;
      out.push(
        finding({
          id: "ima.kexec-appraisal-not-enforced",
          reason: "LOCKDOWN_KEXEC",
          subject: `ima_appraise=${o.val} (${o.source.file})`,
          evidence: `${f}:${first.n}: "${first.line}" lets kexec images pass by IMA signature, but ${where(o.source)} sets ima_appraise=${o.val}: under lockdown ima_appraise_signature() returns false when appraisal is not enforcing, so kexec_file_load needs a valid PE signature after all (EPERM otherwise)`,
          remedy:
            "Drop ima_appraise= (enforce is the default) or make sure every kexec image carries a PE signature from a trusted key.",
        }),
      );
    }
  }
  return out;
}

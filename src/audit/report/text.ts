// The readable report: current state, kernels, then findings grouped by the
// level at which they break, then what was examined and is fine.
import type { AuditReport } from "../index.js";
import { byId, groups } from "./group.js";

const C = {
  red: "\x1b[31m",
  yellow: "\x1b[33m",
  green: "\x1b[32m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  reset: "\x1b[0m",
};

export function renderText(r: AuditReport, opts: { color?: boolean; verbose?: boolean } = {}): string {
  const c = (k: keyof typeof C, s: string) => (opts.color ? `${C[k]}${s}${C.reset}` : s);
  const out: string[] = [];
  out.push(
    c(
      "bold",
      `Lockdown readiness of ${r.root} (${r.live ? "live host" : "offline root"}), checked for --level ${r.level}`,
    ),
  );
  out.push("");
  out.push(c("bold", "Current state"));
  const s = r.current;
  out.push(`  lockdown:     ${s.level}  (${s.source})`);
  out.push(`  LSM active:   ${s.lsmActive}`);
  out.push(`  Secure Boot:  ${s.secureBoot}${s.mok ? `; ${s.mok}` : ""}`);
  for (const e of s.evidence) out.push(`  ${c("dim", e)}`);
  if (s.liveModules) {
    const l = s.liveModules;
    out.push(
      `  running:      ${l.release}, ${l.loaded} modules loaded, taint ${l.taint}${l.taintFlags ? ` (${l.taintFlags})` : ""}`,
    );
  }
  if (s.ima.policy || s.ima.keys.length || s.ima.cmdline.length)
    out.push(
      `  IMA:          ${s.ima.policy ? `${s.ima.policy.file} (${s.ima.policy.rules} rules, ${s.ima.policy.appraise.length} appraise)` : "no policy file"}; keys: ${s.ima.keys.join(", ") || "none"}${s.ima.cmdline.length ? `; ${s.ima.cmdline.join(", ")}` : ""}${s.ima.kexecWaiver ? "; kexec images may pass by IMA signature" : ""}${s.ima.kexecWaiverNote ? `; ${s.ima.kexecWaiverNote}` : ""}`,
    );
  out.push("");
  out.push(c("bold", "Installed kernels"));
  if (r.kernels.length === 0) out.push("  none found");
  for (const k of r.kernels) {
    const m = k.modules;
    out.push(`  ${c("bold", k.release)}`);
    out.push(
      `    next boot:  lockdown ${k.lockdown.nextBoot}, with UEFI Secure Boot ${k.lockdown.withSecureBoot}  (${k.lockdown.because.join("; ") || "no config"})`,
    );
    out.push(
      `    image:      ${k.image ?? "none"}${k.signature ? `, signature ${k.signature.verdict}${k.signature.signer ? ` (${k.signature.signer})` : ""}` : ""}`,
    );
    out.push(`    kexec -s:   ${k.acceptedBy}`);
    out.push(`    builtin:    ${k.builtinCertificates.join("; ") || k.builtinKeysDetail}`);
    out.push(
      `    modules:    ${m.total} total, ${m.signed} signed, ${m.unsigned} unsigned, ${m.untrusted} other key, ${m.invalid} invalid${m.unverified ? `, ${m.unverified} not verified` : ""}`,
    );
    if (m.outOfTree.length)
      out.push(
        `    out-of-tree: ${m.outOfTree.map((o) => `${o.path.split("/").pop()} [${o.origin}${o.dkms ? ` ${o.dkms}` : ""}, ${o.verdict}]`).join(", ")}`,
      );
  }
  for (const g of groups(r.findings)) {
    out.push("");
    const color = g.title.includes("integrity") ? "red" : "yellow";
    out.push(c("bold", c(color, `${g.title}: ${g.findings.length}`)));
    if (g.findings.length === 0) out.push("  nothing");
    for (const list of byId(g.findings).values()) {
      const first = list[0];
      if (!first) continue;
      out.push(`  ${c(color, "✗")} ${c("bold", first.id)}  ${first.reason}  (${list.length})`);
      const shown = opts.verbose || list.length <= 12 ? list : list.slice(0, 10);
      for (const f of shown) {
        out.push(`      ${f.subject}${f.kernel ? c("dim", `  [${f.kernel}]`) : ""}`);
        out.push(`        ${c("dim", f.evidence)}`);
      }
      if (shown.length < list.length)
        out.push(`      … and ${list.length - shown.length} more (--format json lists all)`);
      out.push(`      remedy: ${first.remedy}`);
    }
  }
  out.push("");
  out.push(c("bold", c("green", `Fine: ${r.fine.length} item(s) examined and not affected`)));
  for (const f of opts.verbose ? r.fine : r.fine.slice(0, 20))
    out.push(`  ${c("green", "✓")} ${f.subject}: ${f.detail}`);
  if (!opts.verbose && r.fine.length > 20) out.push(`  … and ${r.fine.length - 20} more`);
  if (r.notes.length || r.unreadable.length) {
    out.push("");
    out.push(c("bold", "Notes"));
    for (const n of r.notes) out.push(`  - ${n}`);
    for (const u of r.unreadable.slice(0, 20)) out.push(`  - could not read ${u.path} (${u.error})`);
  }
  out.push("");
  const n = r.level === "integrity" ? r.forecast.integrity.breaks : r.forecast.confidentiality.breaks;
  out.push(
    c(
      "bold",
      `Forecast: ${r.forecast.integrity.breaks} thing(s) break at integrity, ${r.forecast.confidentiality.breaks} at confidentiality. ${n === 0 ? c("green", `Ready for ${r.level}.`) : c("red", `Not ready for ${r.level}.`)}`,
    ),
  );
  return `${out.join("\n")}\n`;
}

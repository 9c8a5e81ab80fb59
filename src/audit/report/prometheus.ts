// --format prometheus: node_exporter textfile collector format
// (metric names snake_case, HELP/TYPE once per metric, escaped label values).
import type { AuditReport } from "../index.js";

function esc(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labels(l: Record<string, string>): string {
  const e = Object.entries(l);
  return e.length ? `{${e.map(([k, v]) => `${k}="${esc(v)}"`).join(",")}}` : "";
}

export function renderPrometheus(r: AuditReport): string {
  const out: string[] = [];
  const metric = (name: string, help: string, type: "gauge", rows: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of rows) out.push(`${name}${labels(l)} ${v}`);
  };
  const lv = ["none", "integrity", "confidentiality"] as const;
  metric(
    "kernel_lockdown_current_level",
    "Lockdown level in force (1 for the current one; all 0 when unknown).",
    "gauge",
    lv.map((l) => [{ level: l }, r.current.level === l ? 1 : 0]),
  );
  metric(
    "kernel_lockdown_secure_boot",
    "UEFI Secure Boot state (1 for the current one).",
    "gauge",
    ["enabled", "disabled", "setup-mode", "not-efi", "unknown"].map((s) => [
      { state: s },
      r.current.secureBoot === s ? 1 : 0,
    ]),
  );
  metric(
    "kernel_lockdown_audit_breaks",
    "Number of findings that break at the given lockdown level.",
    "gauge",
    [
      [{ level: "integrity" }, r.forecast.integrity.breaks],
      [{ level: "confidentiality" }, r.forecast.confidentiality.breaks],
    ],
  );
  const byReason = new Map<string, number>();
  for (const f of r.findings)
    byReason.set(`${f.reason}\0${f.breaksAt}`, (byReason.get(`${f.reason}\0${f.breaksAt}`) ?? 0) + 1);
  metric(
    "kernel_lockdown_audit_findings",
    "Findings by lockdown reason and the level at which they break.",
    "gauge",
    [...byReason].map(([k, v]) => {
      const [reason = "", breaks_at = ""] = k.split("\0");
      return [{ reason, breaks_at }, v];
    }),
  );
  const mods: [Record<string, string>, number][] = [];
  for (const k of r.kernels)
    for (const s of ["signed", "unsigned", "untrusted", "invalid", "unverified"] as const)
      mods.push([{ release: k.release, status: s }, k.modules[s]]);
  metric(
    "kernel_lockdown_audit_modules",
    "Module files per installed kernel by signature status.",
    "gauge",
    mods,
  );
  metric("kernel_lockdown_audit_ready", "1 when nothing breaks at the audited level.", "gauge", [
    [
      { level: r.level },
      (r.level === "integrity" ? r.forecast.integrity.breaks : r.forecast.confidentiality.breaks) === 0
        ? 1
        : 0,
    ],
  ]);
  metric(
    "kernel_lockdown_audit_unreadable_paths",
    "Paths the audit could not read (a partial answer when > 0).",
    "gauge",
    [[{}, r.unreadable.length]],
  );
  metric("kernel_lockdown_audit_duration_seconds", "Time the audit took.", "gauge", [
    [{}, r.elapsedMs / 1000],
  ]);
  return `${out.join("\n")}\n`;
}

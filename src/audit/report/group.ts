// Grouping shared by the text and HTML reports.
import type { Finding } from "../findings.js";

export interface Group {
  title: string;
  findings: Finding[];
}

export function groups(findings: Finding[]): Group[] {
  return [
    { title: "Breaks at integrity", findings: findings.filter((f) => f.breaksAt === "integrity") },
    {
      title: "Breaks only at confidentiality",
      findings: findings.filter((f) => f.breaksAt === "confidentiality"),
    },
  ];
}

/**
 * Findings of one id and reason, in order, for collapsing long runs (e.g.
 * thousands of unsigned modules). A tool that meets two reasons (bpftrace:
 * BPF_READ_KERNEL and KPROBES) shows under each.
 */
export function byId(findings: Finding[]): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.id} ${f.reason}`;
    const l = m.get(key);
    if (l) l.push(f);
    else m.set(key, [f]);
  }
  return m;
}

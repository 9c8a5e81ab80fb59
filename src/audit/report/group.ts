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

/** Findings of one id, in order, for collapsing long runs (e.g. thousands of unsigned modules). */
export function byId(findings: Finding[]): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  for (const f of findings) {
    const l = m.get(f.id);
    if (l) l.push(f);
    else m.set(f.id, [f]);
  }
  return m;
}

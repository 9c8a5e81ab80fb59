// Reading ../shared/corpus/manifest.json: every (entry, trust anchor) pair
// with an expected verdict, and the kernel model's answer for it.
import { readFileSync } from "node:fs";
import { HAVE_SHARED, sharedPath } from "../helpers/shared.js";

export interface Reference {
  tool: string;
  command: string;
  exit_code: number;
  output_summary: string[];
}

export interface Case {
  path: string;
  kind: string;
  signedFile: string | undefined;
  anchor: string;
  verdict: string;
  references: Reference[];
  /** "accept", an errno name, or undefined when the kernel model was not run for this pair. */
  modelKernel: string | undefined;
  modelLine: string;
}

export const CORPUS = sharedPath("corpus");

export function corpusCases(): Case[] {
  if (!HAVE_SHARED) return [];
  const m = JSON.parse(readFileSync(sharedPath("corpus", "manifest.json"), "utf8"));
  const out: Case[] = [];
  for (const f of m.files) {
    const e = f.expected;
    if (!e?.per_trust_anchor) continue;
    for (const a of e.per_trust_anchor) {
      const km = (a.reference as Reference[]).find((r) => r.tool === "kernel-model");
      const line = km?.output_summary[0] ?? "";
      out.push({
        path: f.path,
        kind: f.kind,
        signedFile: f.signed_file,
        anchor: a.trust_anchor,
        verdict: a.verdict,
        references: a.reference,
        modelKernel: km ? (/ACCEPT/.test(line) ? "accept" : /REJECT \((\w+)\)/.exec(line)?.[1]) : undefined,
        modelLine: line,
      });
    }
  }
  return out;
}

// The published part of the probe battery, read from ../shared/spec/PROBES.md
// itself (not restated here): the result table of the three published 6.1
// boots and the "Lockdown:" line each probe produced in them.
import { readFileSync } from "node:fs";
import { sharedPath } from "../helpers/shared.js";

export type Variant = "default" | "integrity" | "runtime-integrity";
export const PUBLISHED: readonly Variant[] = ["default", "integrity", "runtime-integrity"];

export interface Published {
  results: Map<Variant, Map<string, string>>;
  /** probe -> reason text, for the integrity and runtime-integrity boots. */
  reasons: Map<string, string>;
  /** The boot's Lockdown lines in `integrity`. */
  integrityBoot: string[];
}

function cells(line: string): string[] {
  return line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());
}

function unticks(s: string): string[] {
  return [...s.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
}

export function readPublished(): Published {
  const md = readFileSync(sharedPath("spec", "PROBES.md"), "utf8").split("\n");
  const results = new Map<Variant, Map<string, string>>(PUBLISHED.map((v) => [v, new Map()]));
  let i = md.findIndex((l) => l.startsWith("| probe | default | integrity | runtime-integrity |"));
  if (i < 0) throw new Error("PROBES.md: published table not found");
  for (i += 2; md[i]?.startsWith("|"); i++) {
    const [probe, ...vals] = cells(md[i]!);
    const id = unticks(probe!)[0]!;
    PUBLISHED.forEach((v, j) => {
      const r = vals[j]!;
      if (r !== "-" && r !== "skipped") results.get(v)!.set(id, r);
    });
  }
  const reasons = new Map<string, string>();
  let j = md.findIndex((l) => l.startsWith("| probe | `<reason>` |"));
  if (j < 0) throw new Error("PROBES.md: reason table not found");
  for (j += 2; md[j]?.startsWith("|"); j++) {
    const [probes, reason] = cells(md[j]!);
    for (const p of unticks(probes!)) reasons.set(p, unticks(reason!)[0]!);
  }
  const b = md.findIndex((l) => l.includes("Boot-time `Lockdown:` lines"));
  const start = md.indexOf("```", b) + 1;
  const end = md.indexOf("```", start);
  const integrityBoot = md.slice(start, end).filter((l) => l.trim() !== "");
  return { results, reasons, integrityBoot };
}

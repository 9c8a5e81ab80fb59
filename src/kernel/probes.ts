// The probe view of a scenario's output (PROBES.md "Mapping" and "How
// conformance is scored"): a step whose id is the probe id gives its result,
// steps "<probe>/<x>" add their log lines, three read probes derive their
// result from `data`, and only "Lockdown:" lines are compared.
import type { ScenarioOutput, StepOutput } from "./scenario.js";

export interface ProbeResult {
  probe: string;
  result: string;
  /** The "Lockdown: ..." lines of all the probe's steps, sorted (a multiset). */
  lockdown: string[];
}

function derive(probe: string, step: StepOutput): string {
  const data = typeof step.data === "string" ? step.data : "";
  if (probe === "acpi.table_upgrade") {
    if (step.result !== "ok") return "ignored";
    if (data.startsWith("hex:")) {
      const bytes = Buffer.from(data.slice(4), "hex");
      return bytes.subarray(16, 24).toString("latin1").startsWith("LOCKDOWN") ? "ok" : "ignored";
    }
    return data.slice(16, 24).startsWith("LOCKDOWN") ? "ok" : "ignored";
  }
  if (probe === "hibernation.state_lists_disk")
    return step.result === "ok" ? (data.split(/\s+/).includes("disk") ? "yes" : "no") : step.result;
  if (probe === "hibernation.disk_disabled")
    return step.result === "ok" ? (data.includes("[disabled]") ? "yes" : "no") : step.result;
  return step.result;
}

/** Probe results of a run, in step order; `pace.*` sleep steps produce none. */
export function probeResults(out: ScenarioOutput): ProbeResult[] {
  const byProbe = new Map<string, { main?: StepOutput; lines: string[] }>();
  for (const s of out.steps) {
    const slash = s.id.indexOf("/");
    const probe = slash === -1 ? s.id : s.id.slice(0, slash);
    let e = byProbe.get(probe);
    if (!e) {
      e = { lines: [] };
      byProbe.set(probe, e);
    }
    if (slash === -1) e.main = s;
    e.lines.push(...s.log.filter((l) => l.startsWith("Lockdown:")));
  }
  const res: ProbeResult[] = [];
  for (const [probe, e] of byProbe) {
    if (!e.main) continue;
    res.push({ probe, result: derive(probe, e.main), lockdown: [...e.lines].sort() });
  }
  return res;
}

// kernel-lockdown explain <what>: which reason governs an operation, from
// which level, and exactly what the user sees.
import { UsageError } from "../errors.js";
import { type ExplainResult, explain } from "../lsm/explain.js";
import { KERNEL_VERSIONS } from "../lsm/index.js";
import { parse } from "./args.js";
import type { Command } from "./command.js";

const USAGE = `usage: kernel-lockdown explain [--json] <what>

<what> is a reason name (LOCKDOWN_KCORE or KCORE), a fragment of a reason's
description ("kcore access"), or an operation a user would type (/dev/mem,
kexec, bpf_probe_read_kernel, perf, hibernate, insmod, debugfs, msr, iopl,
/proc/kcore, setserial, ...). Prints the governing reason, the level that
denies it, since which kernel, the exact user-visible effect and the remedy.
Exit: 0 found, 1 nothing matches, 2 usage error.`;

function render(r: ExplainResult): string[] {
  if (r.unrestricted) return [`${r.query}: not restricted by lockdown.`, `  ${r.unrestricted}`];
  const out: string[] = [];
  for (const { reason, operations } of r.explanations) {
    const values = KERNEL_VERSIONS.map((v) => `${reason.value[v]} in ${v}`).join(", ");
    out.push(`${reason.reason} ("${reason.description}")`);
    out.push(
      `  denied from: ${reason.level}${reason.level === "integrity" ? " (and confidentiality)" : " only"}`,
    );
    out.push(`  since:       Linux ${reason.since}; enum value ${values}`);
    out.push(
      `  log line:    Lockdown: <comm>: ${reason.description} is restricted; see man kernel_lockdown.7`,
    );
    if (operations.length === 0) out.push(`  effect:      ${reason.userVisible}`);
    for (const o of operations) {
      out.push(`  call site:   ${o.callSite}`);
      out.push(`  effect:      ${o.effect}`);
      if (o.versions) out.push(`  versions:    ${o.versions}`);
      if (o.remedy) out.push(`  remedy:      ${o.remedy}`);
    }
    out.push("");
  }
  return out;
}

export const explainCommand: Command = {
  name: "explain",
  summary: "which lockdown reason governs an operation, and what the user sees",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse("explain", argv, { json: { type: "boolean" } });
    if (positionals.length === 0)
      throw new UsageError("missing <what> (e.g. /dev/mem, kexec, LOCKDOWN_KCORE)");
    const r = explain(positionals.join(" "));
    const found = r.match !== "none";
    if (values.json) {
      io.out(
        JSON.stringify({
          query: r.query,
          match: r.match,
          unrestricted: r.unrestricted ?? null,
          reasons: r.explanations.map(({ reason, operations }) => ({
            reason: reason.reason,
            description: reason.description,
            level: reason.level,
            value: reason.value,
            since: reason.since,
            callSites: reason.callSites,
            operations: operations.map((o) => ({
              callSite: o.callSite,
              effect: o.effect,
              remedy: o.remedy ?? null,
              versions: o.versions ?? null,
            })),
          })),
        }),
      );
    } else if (found) io.out(render(r).join("\n").trimEnd());
    else
      io.err(
        `kernel-lockdown explain: nothing known about "${r.query}" (try a reason name, see 'kernel-lockdown reasons')`,
      );
    return found ? 0 : 1;
  },
};

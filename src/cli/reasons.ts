// kernel-lockdown reasons: the table of lockdown reasons for a kernel version.
import { UsageError } from "../errors.js";
import { KERNEL_VERSIONS, LEVELS, type Level, realReasons } from "../lsm/index.js";
import { oneOf, parse } from "./args.js";
import type { Command } from "./command.js";

const USAGE = `usage: kernel-lockdown reasons [--kernel 6.1|6.12] [--level integrity|confidentiality] [--json]

Lists every lockdown reason of the kernel (enum lockdown_reason), with its exact
description string (the text of the "Lockdown: ... is restricted" log line),
the lowest level that denies it and its enum value in that kernel.
  --kernel V   kernel series (default 6.12)
  --level L    only the reasons denied from level L (integrity: the 20 integrity
               reasons; confidentiality: the 8 that only confidentiality adds)
  --json       an array of {"reason","description","level","value"}
Exit: 0 ok, 2 usage error.`;

export const reasonsCommand: Command = {
  name: "reasons",
  summary: "list the lockdown reasons of a kernel version",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse("reasons", argv, {
      kernel: { type: "string" },
      level: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const version = oneOf("reasons", "kernel", values.kernel, KERNEL_VERSIONS) ?? "6.12";
    const level = oneOf("reasons", "level", values.level, LEVELS.slice(1) as Level[]);
    const rows = realReasons(version)
      .filter((r) => level === undefined || r.level === level)
      .map((r) => ({
        reason: r.reason,
        description: r.description,
        level: r.level!,
        value: r.value[version]!,
      }));
    if (values.json) {
      io.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    const w = Math.max(...rows.map((r) => r.reason.length));
    const d = Math.max(...rows.map((r) => r.description.length));
    io.out(`${"value".padStart(5)}  ${"reason".padEnd(w)}  ${"description".padEnd(d)}  level`);
    for (const r of rows)
      io.out(`${String(r.value).padStart(5)}  ${r.reason.padEnd(w)}  ${r.description.padEnd(d)}  ${r.level}`);
    io.out(`${rows.length} reasons in Linux ${version}`);
    return 0;
  },
};

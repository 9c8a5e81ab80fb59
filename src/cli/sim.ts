// kernel-lockdown sim: run a scenario (SCENARIO.md) on the simulated kernel,
// or ask one quick question with --try. The kernel library is imported only
// when the command runs.
import { UsageError } from "../errors.js";
import { oneOf, parse } from "./args.js";
import { type Command, EXIT_OK, type Io } from "./command.js";

const USAGE = `usage: kernel-lockdown sim SCENARIO.json [--json | --probes]
       kernel-lockdown sim --kernel 6.1|6.12 [--level none|integrity|confidentiality] [--runtime]
                           [--secure-boot] [--cert FILE]... [--cmdline STR] [--config SYM=VALUE]...
                           [--json] --try OPERATION...

Runs a scenario on the simulated kernel: each step's result (ok or the errno), data
and kernel log lines, then the boot's log lines and the whole dmesg. With --json one
JSON object per line (SCENARIO.md "Output"); otherwise a readable transcript.
--probes prints the probe battery's view instead (PROBES.md "Mapping"): one line per
probe with its (derived) result and its "Lockdown:" lines.

--try boots a kernel (lockdown=LEVEL on the command line, or raised through
securityfs after boot with --runtime) and performs each operation as root process
"probe", printing the result and the log lines it caused. --cert adds a certificate
to .builtin_trusted_keys (for finit_module of signed modules); --config overrides a
Kconfig symbol of the Debian profile (y/n for booleans, e.g. MODULE_SIG_FORCE=y,
LOCK_DOWN_KERNEL_FORCE=integrity).

Exit: 0 when the scenario ran (whatever the results), 2 for a malformed scenario
(one line naming the step and field) or unreadable input.`;

async function runTry(values: Record<string, unknown>, ops: string[], io: Io): Promise<number> {
  const { tryOperation } = await import("../kernel/try.js");
  const kernel = oneOf("sim", "kernel", values.kernel as string | undefined, ["6.1", "6.12"] as const);
  if (!kernel) throw new UsageError("--try needs --kernel 6.1 or 6.12");
  const level =
    oneOf(
      "sim",
      "level",
      values.level as string | undefined,
      ["none", "integrity", "confidentiality"] as const,
    ) ?? "none";
  if (ops.length === 0)
    throw new UsageError('--try needs an operation (e.g. --try "open /dev/mem"; see --help)');
  for (const op of ops) {
    const opts: Parameters<typeof tryOperation>[1] = { version: kernel, level };
    if (values.runtime) opts.runtime = true;
    if (values["secure-boot"]) opts.secureBoot = true;
    if (values.cert) opts.certs = values.cert as string[];
    if (typeof values.cmdline === "string") opts.cmdline = values.cmdline;
    if (values.config) {
      const cfg: Record<string, boolean | string> = {};
      for (const c of values.config as string[]) {
        const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(c);
        if (!m) throw new UsageError(`--config expects SYMBOL=VALUE (got "${c}")`);
        const v = m[2]!;
        cfg[m[1]!] = v === "y" || v === "true" ? true : v === "n" || v === "false" ? false : v;
      }
      opts.config = cfg;
    }
    const r = await tryOperation(op, opts);
    if (values.json) io.out(JSON.stringify({ try: op, kernel, level: r.level, ...r.output }));
    else {
      const data =
        r.output.data === undefined
          ? ""
          : `  data: ${typeof r.output.data === "string" ? r.output.data : JSON.stringify(r.output.data)}`;
      io.out(`${kernel} ${r.level}: ${op} -> ${r.output.result}${data}`);
      for (const l of r.output.log) io.out(`  | ${l}`);
    }
  }
  return EXIT_OK;
}

export const simCommand: Command = {
  name: "sim",
  summary: "run a scenario (or one --try operation) on the simulated kernel",
  usage: USAGE,
  async run(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse("sim", argv, {
      json: { type: "boolean" },
      probes: { type: "boolean" },
      try: { type: "string", multiple: true },
      kernel: { type: "string" },
      level: { type: "string" },
      runtime: { type: "boolean" },
      "secure-boot": { type: "boolean" },
      cert: { type: "string", multiple: true },
      cmdline: { type: "string" },
      config: { type: "string", multiple: true },
    });
    if (values.try) {
      if (positionals.length) throw new UsageError("give a scenario file or --try, not both");
      return runTry(values as Record<string, unknown>, values.try, io);
    }
    if (positionals.length !== 1) throw new UsageError("expected one SCENARIO.json (or --try OPERATION)");
    const { loadScenario, runScenario, outputLines, transcript } = await import("../kernel/scenario.js");
    const s = loadScenario(positionals[0]!);
    const out = await runScenario(s);
    if (values.probes) {
      const { probeResults } = await import("../kernel/probes.js");
      const rows = probeResults(out);
      io.out(
        rows
          .map((p) =>
            values.json
              ? JSON.stringify(p)
              : `${p.probe}: ${p.result}${p.lockdown.map((l) => `\n  | ${l}`).join("")}`,
          )
          .join("\n"),
      );
      return EXIT_OK;
    }
    const lines = values.json ? outputLines(out) : transcript(s, out);
    io.out(lines.join("\n"));
    return EXIT_OK;
  },
};

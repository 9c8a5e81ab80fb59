// kernel-lockdown audit: lockdown readiness of a live host or an offline root.

import { renameSync, rmSync, writeFileSync } from "node:fs";
import { audit, breaksAt } from "../audit/index.js";
import { renderHtml } from "../audit/report/html.js";
import { renderJson } from "../audit/report/json.js";
import { renderPrometheus } from "../audit/report/prometheus.js";
import { renderText } from "../audit/report/text.js";
import { defaultAuditHooks } from "../audit/wiring.js";
import { InputError } from "../errors.js";
import { oneOf, parse } from "./args.js";
import { type Command, EXIT_NEGATIVE, EXIT_OK } from "./command.js";
import { progress } from "./progress.js";

const USAGE = `usage: kernel-lockdown audit [--root DIR] [--level integrity|confidentiality]
                             [--format text|json|prometheus|html] [--output FILE]
                             [--cert FILE]... [--offline] [--verbose]

What breaks if this machine (or this root filesystem) boots with lockdown, and
what to do about it. Reads the running state too when --root is / (live host);
any other root is read as files only (a mounted image, a container export, a
build chroot). Modules are verified against each kernel's builtin certificate,
extracted from its image, plus every --cert (the platform/MOK keys, DER or PEM).

  --root DIR     root filesystem to audit (default /)
  --level L      level to check readiness for (default integrity)
  --format F     text (default), json, prometheus (node_exporter textfile), html
  --output FILE  write the report there instead of stdout
  --cert FILE    extra trusted certificate (repeatable)
  --offline      read / as files only, without /proc, /sys and efivars
  --verbose      list every finding and every fine item in the text report

Exit: 0 nothing breaks at --level, 1 something does, 2 usage or input error.`;

export const auditCommand: Command = {
  name: "audit",
  summary: "Lockdown readiness audit of a live host or an offline root filesystem",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse("audit", argv, {
      root: { type: "string" },
      level: { type: "string" },
      format: { type: "string" },
      output: { type: "string" },
      cert: { type: "string", multiple: true },
      offline: { type: "boolean" },
      verbose: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new InputError(positionals[0] as string, "unexpected argument (use --root DIR)");
    const level =
      oneOf("audit", "level", values.level, ["integrity", "confidentiality"] as const) ?? "integrity";
    const format =
      oneOf("audit", "format", values.format, ["text", "json", "prometheus", "html"] as const) ?? "text";
    const tty = io.isTTY && !values.output;
    const bar = progress();
    const report = await audit({
      root: values.root ?? "/",
      level,
      certs: values.cert ?? [],
      live: values.offline ? false : undefined,
      ...defaultAuditHooks(),
      progress: (phase, done, total) => bar.update(`${phase}: ${done}/${total}`, done >= total),
    });
    bar.done();
    const text =
      format === "json"
        ? renderJson(report)
        : format === "prometheus"
          ? renderPrometheus(report)
          : format === "html"
            ? renderHtml(report)
            : renderText(report, { color: tty, verbose: values.verbose });
    if (values.output) {
      // Written beside the target and renamed: no partial report, and node_exporter's
      // textfile collector never reads a half-written .prom file.
      const tmp = `${values.output}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, text);
        renameSync(tmp, values.output);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new InputError(values.output, `cannot write (${(e as NodeJS.ErrnoException).code ?? "error"})`);
      }
    } else io.out(text);
    return breaksAt(report, level) > 0 ? EXIT_NEGATIVE : EXIT_OK;
  },
};

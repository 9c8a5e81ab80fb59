// kernel-lockdown: entry point. Dispatches to a sub-command and turns every
// LockdownError into one line on stderr with its exit code; nothing else.
import { pathToFileURL } from "node:url";
import { InputError, LockdownError, UsageError } from "../errors.js";
import { EXIT_USAGE, type Io } from "./command.js";
import { COMMANDS } from "./commands.js";

const PROG = "kernel-lockdown";

function topHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `usage: ${PROG} <command> [options]`,
    "",
    "The Linux lockdown LSM, executable. Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    `Run '${PROG} <command> --help' for a command's options.`,
    "Exit codes: 0 ok, 1 negative answer (denied, invalid, breaks), 2 usage or input error.",
  ].join("\n");
}

export const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(topHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "--version") {
    io.out("kernel-lockdown 0.1.0");
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.err(`${PROG}: unknown command "${name}" (try '${PROG} --help')`);
    return EXIT_USAGE;
  }
  const cmd = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      io.err(`${PROG} ${cmd.name}: ${e.message}`);
      return EXIT_USAGE;
    }
    if (e instanceof LockdownError) {
      io.err(`${PROG} ${cmd.name}: ${e.message}`);
      return EXIT_USAGE;
    }
    // A bug of ours: still one line, but say so.
    io.err(`${PROG} ${cmd.name}: internal error: ${(e as Error)?.message ?? String(e)}`);
    return 70;
  }
}

// A closed pipe (`| head`) ends output quietly, as coreutils do.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

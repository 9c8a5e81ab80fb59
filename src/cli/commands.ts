// The sub-command table. Each command lives in its own file and is imported
// only when it runs, so `kernel-lockdown verify vmlinuz` does not pay for
// loading the simulator or the audit.
import type { Command } from "./command.js";

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "audit",
    summary: "lockdown readiness audit of a live host or an offline root filesystem",
    load: async () => (await import("./audit.js")).auditCommand,
  },
  {
    name: "status",
    summary: "this host's lockdown state, each source named",
    load: async () => (await import("./status.js")).statusCommand,
  },
  {
    name: "reasons",
    summary: "list the lockdown reasons of a kernel version",
    load: async () => (await import("./reasons.js")).reasonsCommand,
  },
  {
    name: "explain",
    summary: "which lockdown reason governs an operation, and what the user sees",
    load: async () => (await import("./explain.js")).explainCommand,
  },
  {
    name: "verify",
    summary: "verify PE, module and IMA signatures as the kernel does",
    load: async () => (await import("./verify.js")).verifyCommand,
  },
  {
    name: "sim",
    summary: "run a scenario (or one --try operation) on the simulated kernel",
    load: async () => (await import("./sim.js")).simCommand,
  },
];

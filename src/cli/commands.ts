// The sub-command table. Each command lives in its own file.
import { auditCommand } from "./audit.js";
import type { Command } from "./command.js";
import { explainCommand } from "./explain.js";
import { reasonsCommand } from "./reasons.js";
import { simCommand } from "./sim.js";
import { statusCommand } from "./status.js";
import { verifyCommand } from "./verify.js";

export const COMMANDS: readonly Command[] = [
  statusCommand,
  reasonsCommand,
  explainCommand,
  verifyCommand,
  simCommand,
  auditCommand,
];

// The sub-command table. Each command lives in its own file.
import type { Command } from "./command.js";
import { simCommand } from "./sim.js";
import { verifyCommand } from "./verify.js";

export const COMMANDS: readonly Command[] = [verifyCommand, simCommand];

// The sub-command table. Each command lives in its own file.
import type { Command } from "./command.js";

export const COMMANDS: readonly Command[] = [];

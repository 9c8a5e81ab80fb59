// Kernel log lines as values. The logger and clock are injected so tests (and
// the simulated kernel) control time and capture every line.

/** printk levels that matter here (include/linux/kern_levels.h). */
export type LogLevel = "err" | "warn" | "notice" | "info" | "debug";

export interface LogLine {
  level: LogLevel;
  text: string;
}

export type Logger = (line: LogLine) => void;

/** Milliseconds since boot. */
export type Clock = () => number;

/** A logger that keeps every line, for tests and the simulator. */
export class LogBuffer {
  readonly lines: LogLine[] = [];
  readonly log: Logger = (line) => {
    this.lines.push(line);
  };
  texts(): string[] {
    return this.lines.map((l) => l.text);
  }
}

/** A clock that only moves when told to. */
export class ManualClock {
  constructor(private ms = 0) {}
  readonly now: Clock = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

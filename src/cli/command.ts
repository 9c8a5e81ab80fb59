// What every sub-command provides. Exit codes (README "Exit codes"):
// 0 ok / positive answer, 1 negative answer (denied, invalid, breaks), 2 usage or input error.
export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_USAGE = 2;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

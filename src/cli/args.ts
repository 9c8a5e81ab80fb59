// A strict wrapper over node:util parseArgs that reports every problem as one
// UsageError line naming the argument.
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";

export type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

export interface Parsed<O extends OptionSpec> {
  values: {
    [K in keyof O]?: O[K]["type"] extends "string"
      ? O[K]["multiple"] extends true
        ? string[]
        : string
      : boolean;
  };
  positionals: string[];
}

export function parse<O extends OptionSpec>(_command: string, argv: string[], options: O): Parsed<O> {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return r as unknown as Parsed<O>;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0] ?? "bad arguments";
    throw new UsageError(`${msg.replace(/\. To specify a positional argument.*$/, "")}`);
  }
}

/** Checks a string option against its allowed values. */
export function oneOf<T extends string>(
  _command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
  return value as T;
}

// The kernel command-line tokenizer: lib/cmdline.c next_arg() and the loop of
// kernel/params.c parse_args(), which stops at a bare "--". Quotes, '=' and
// whitespace are handled byte for byte as Linux does.

/** include/linux/ctype.h isspace(): the kernel's _ctype also counts 0xa0. */
function isspace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r" || c === "\xa0";
}

/** x86 COMMAND_LINE_SIZE; parse_early_param() copies with strscpy. */
export const COMMAND_LINE_SIZE = 2048;

export interface CmdlineArg {
  param: string;
  /** null when there was no '=' (the handler gets a NULL pointer). */
  val: string | null;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isspace(s[i]!)) i++;
  return i;
}

/**
 * Splits a command line as parse_args() walks it. Returns the arguments
 * before a bare "--" and the rest (what init receives after the dashes).
 */
export function splitCmdline(cmdline: string): { args: CmdlineArg[]; afterDashes: string | null } {
  const s = cmdline.slice(0, COMMAND_LINE_SIZE - 1);
  const args: CmdlineArg[] = [];
  let pos = skipSpaces(s, 0);
  while (pos < s.length) {
    // next_arg()
    let start = pos;
    let inQuote = false;
    let quoted = false;
    if (s[start] === '"') {
      start++;
      inQuote = true;
      quoted = true;
    }
    let i = 0;
    let equals = 0;
    for (; start + i < s.length; i++) {
      const c = s[start + i]!;
      if (isspace(c) && !inQuote) break;
      if (equals === 0 && c === "=") equals = i;
      if (c === '"') inQuote = !inQuote;
    }
    // The token is s[start, start+i); the kernel cuts it with NULs.
    let end = start + i;
    if (quoted && i > 0 && s[end - 1] === '"') end--;
    let param: string;
    let val: string | null;
    if (!equals) {
      param = s.slice(start, end);
      val = null;
    } else {
      param = s.slice(start, start + equals);
      let vs = start + equals + 1;
      let ve = end;
      if (s[vs] === '"') {
        vs++;
        if (s[start + i - 1] === '"' && ve === start + i) ve--;
      }
      val = vs <= ve ? s.slice(vs, ve) : "";
    }
    pos = start + i < s.length ? start + i + 1 : start + i;
    pos = skipSpaces(s, pos);
    if (val === null && param === "--") return { args, afterDashes: s.slice(pos) };
    args.push({ param, val });
  }
  return { args, afterDashes: null };
}

/** kernel/params.c parameq(): '-' and '_' are the same in parameter names. */
export function parameq(a: string, b: string): boolean {
  return a.replaceAll("-", "_") === b.replaceAll("-", "_");
}

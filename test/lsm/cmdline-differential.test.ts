// Our tokenizer against the kernel's own next_arg()/parse_args() C code,
// compiled here, on thousands of generated command lines.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { splitCmdline } from "../../src/lsm/index.js";
import { REPO } from "../helpers/shared.js";

const CC = spawnSync("cc", ["--version"]).status === 0;

function compile(): string {
  const out = join(mkdtempSync(join(tmpdir(), "kl-cc-")), "next_arg");
  execFileSync("cc", ["-O1", "-o", out, join(REPO, "test", "fixtures", "kernel-c", "next_arg.c")]);
  return out;
}

const hex = (s: string) => Buffer.from(s, "latin1").toString("hex");

function ours(cmdline: string): string {
  const { args, afterDashes } = splitCmdline(cmdline);
  const lines = args.map((a) => `P${hex(a.param)} ${a.val === null ? "-" : hex(a.val)}`);
  if (afterDashes !== null) lines.push(`D${hex(afterDashes)}`);
  return [...lines, "E"].join("\n");
}

test("splitCmdline agrees with the kernel's next_arg on generated command lines", {
  skip: CC ? false : "no C compiler (cc)",
}, () => {
  const bin = compile();
  const alphabet = [
    '"',
    "=",
    " ",
    "\t",
    "\n",
    "\xa0",
    "-",
    "a",
    "b",
    "lockdown",
    "integrity",
    "x=y",
    '"a b"',
    "--",
  ];
  const token = fc.constantFrom(...alphabet);
  const lines = fc.sample(
    fc.oneof(
      fc.array(token, { maxLength: 24 }).map((t) => t.join("")),
      fc.string({ unit: fc.constantFrom(...'ab="= -\t'.split("")), maxLength: 40 }),
      fc.constant("x".repeat(2040) + " lockdown=integrity"),
    ),
    { numRuns: 3000, seed: 42 },
  );
  const input = Buffer.concat(
    lines.flatMap((l) => {
      const b = Buffer.from(l, "latin1");
      const n = Buffer.alloc(4);
      n.writeUInt32LE(b.length);
      return [n, b];
    }),
  );
  const out = execFileSync(bin, { input, maxBuffer: 64 << 20 })
    .toString("latin1")
    .split("E\n");
  assert.equal(out.length - 1, lines.length);
  for (let i = 0; i < lines.length; i++) {
    const theirs = `${out[i]}E`.replace(/^\n/, "");
    assert.equal(ours(lines[i]!), theirs, `cmdline ${JSON.stringify(lines[i])}`);
  }
});

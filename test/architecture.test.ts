// The layout is the architecture: imports point one way. cli uses every layer;
// audit uses kernel and verify; kernel uses lsm and verify; verify (and sign)
// use formats; lsm and formats use none of ours. errno.ts and errors.ts are
// the shared vocabulary every layer may use; src/index.ts is the library.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { REPO } from "./helpers/shared.js";

const SRC = join(REPO, "src");
const SHARED = new Set(["errno.ts", "errors.ts"]);

const ALLOWED: Record<string, readonly string[]> = {
  cli: ["audit", "kernel", "verify", "sign", "lsm", "formats"],
  audit: ["kernel", "verify"],
  kernel: ["lsm", "verify"],
  verify: ["formats"],
  sign: ["formats"],
  lsm: [],
  formats: [],
};

function files(dir: string, out: string[] = []): string[] {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) files(p, out);
    else if (d.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The layer of a file under src/: its top folder, or the file itself at the top. */
const layer = (file: string) => relative(SRC, file).split("/")[0]!;

/** Relative specifiers of static imports, re-exports and dynamic imports. */
function imports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.[^"']+)["']/g))
    out.push(m[1]!);
  return out;
}

test("every import points down the layers", () => {
  const wrong: string[] = [];
  let edges = 0;
  for (const f of files(SRC)) {
    const from = layer(f);
    if (from === "index.ts" || SHARED.has(from)) continue;
    for (const spec of imports(readFileSync(f, "utf8"))) {
      const to = layer(resolve(dirname(f), spec.replace(/\.js$/, ".ts")));
      edges++;
      if (to === from || SHARED.has(to)) continue;
      if (!ALLOWED[from]?.includes(to)) wrong.push(`${relative(REPO, f)} -> ${spec} (${from} -> ${to})`);
    }
  }
  assert.ok(edges > 200, `only ${edges} imports found: the scan is broken`);
  assert.deepEqual(wrong, []);
});

test("the shared vocabulary imports nothing of ours", () => {
  for (const f of SHARED) {
    const own = imports(readFileSync(join(SRC, f), "utf8")).filter((s) => !s.includes("errno"));
    assert.deepEqual(own, [], f);
  }
});

test("the scan sees a violation when there is one", () => {
  assert.deepEqual(imports('import { x } from "../audit/index.js";\nconst m = await import("./y.js");'), [
    "../audit/index.js",
    "./y.js",
  ]);
});

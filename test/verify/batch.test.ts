// verifyMany(): worker threads give the same answers as the in-process path,
// in input order, and report unreadable files as errors.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../../src/errors.js";
import { loadAnchors, VerifyPool, verifyMany } from "../../src/verify/index.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import { CORPUS } from "./corpus-helpers.js";

test("worker threads and the in-process path agree, in input order", { skip: SKIP_SHARED }, async () => {
  const dirs = ["modules/debian", "modules/stripped", "modules/variants", "modules/compressed"];
  const files = dirs.flatMap((d) =>
    readdirSync(join(CORPUS, d))
      .filter((f) => /\.ko(\.xz)?$/.test(f))
      .map((f) => join(CORPUS, d, f)),
  );
  files.push("/nonexistent.ko");
  const certs = [join(CORPUS, "modules/certs/debian-6.1.0-56-amd64-module-signing.pem")];
  const collect = async (workers: number) => {
    const out: string[] = [];
    for await (const it of verifyMany(files, certs, { type: "module", workers }))
      out.push(
        "error" in it ? `${it.file} error` : `${it.file} ${it.result.verdict} ${it.result.kernel.errno}`,
      );
    return out;
  };
  const inProcess = await collect(0);
  const threaded = await collect(2);
  assert.deepEqual(threaded, inProcess);
  assert.equal(inProcess.length, files.length);
  assert.match(inProcess.at(-1)!, /nonexistent\.ko error/);
  assert.ok(inProcess.some((l) => / valid null$/.test(l)));
});

test("a pool pulls paths lazily and stops on the source's error", { skip: SKIP_SHARED }, async () => {
  const dir = join(CORPUS, "modules/debian");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ko"))
    .map((f) => join(dir, f));
  const certs = [join(CORPUS, "modules/certs/debian-6.1.0-56-amd64-module-signing.pem")];
  const pool = new VerifyPool(loadAnchors(certs, "6.1"), "6.1", 2);
  try {
    // A walk that finds files, then fails (a directory it cannot read).
    let pulled = 0;
    const walk = function* () {
      for (const f of [...files, ...files, ...files]) {
        pulled++;
        yield f;
      }
      throw new InputError("/some/dir", "cannot read directory: EACCES");
    };
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const it of pool.run(walk(), { type: "module" })) seen.push(it.file);
      })(),
      (e: unknown) => e instanceof InputError && /EACCES/.test(e.message),
    );
    assert.equal(pulled, 3 * files.length);
    // the pool is free again, and a plain array still works
    const again: string[] = [];
    for await (const it of pool.run(files, { type: "module" })) again.push(it.file);
    assert.deepEqual(again, files);
  } finally {
    await pool.close();
  }
});

// The sparse reading of large PE images (pe-file.ts) must answer exactly as
// reading the whole file does: every PE of the corpus, and random damage to
// the parts the check parses (headers, section table, certificate table),
// through both paths with the size threshold lowered to zero.
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import { createKeyrings, loadCertFile } from "../../src/verify/keyring.js";
import { verifyPe } from "../../src/verify/pe.js";
import { openPeSparse } from "../../src/verify/pe-file.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const RUNS = Math.max(50, Math.floor(Number(process.env.FUZZ_RUNS ?? 30000) / 100));

function keyrings() {
  const kr = createKeyrings("6.1");
  for (const a of ["pe/certs/debian-secure-boot-ca.pem", "pe/testkeys/test-ca.pem"])
    for (const k of loadCertFile(sharedPath("corpus", a), "6.1")) {
      kr.builtin.add(k);
      kr.ima.add(k);
    }
  return kr;
}

/** Both answers for one file on disk; `sparse` is undefined when the sparse reader declines it. */
function both(path: string, kr: ReturnType<typeof keyrings>) {
  const whole = verifyPe(readFileSync(path), kr);
  const fd = openSync(path, "r");
  try {
    const b = readFileSync(path);
    const s = openPeSparse(fd, b.length, path, 0);
    return { whole, sparse: s && verifyPe(s.bytes, kr, { digest: s.digest }) };
  } finally {
    closeSync(fd);
  }
}

describe("sparse PE reading", { skip: SKIP_SHARED }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pe-file-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const kr = SKIP_SHARED ? undefined : keyrings();
  const pes = SKIP_SHARED
    ? []
    : ["pe/debian", "pe/variants"].flatMap((d) =>
        readdirSync(sharedPath("corpus", d))
          .filter((f) => f.endsWith(".efi") || f.endsWith(".signed"))
          .map((f) => sharedPath("corpus", d, f)),
      );

  test("every corpus PE image gets the same answer", () => {
    assert.ok(pes.length >= 15, `${pes.length} images`);
    let sparse = 0;
    for (const p of pes) {
      const r = both(p, kr!);
      if (r.sparse) {
        sparse++;
        assert.deepEqual(r.sparse, r.whole, p);
      }
    }
    assert.ok(sparse >= pes.length - 2, `only ${sparse} of ${pes.length} were read sparsely`);
  });

  test("damage to headers and certificate table: the same answer or a fallback", () => {
    const base = readFileSync(sharedPath("corpus", "pe/variants/fbx64.sbsign-test.efi"));
    const peOff = base.readUInt32LE(0x3c);
    const tableOff = base.readUInt32LE(peOff + 24 + 112 + 4 * 8);
    const file = join(dir, "damaged.efi");
    let declined = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            where: fc.oneof(
              fc.integer({ min: 0, max: 1023 }),
              fc.integer({ min: tableOff, max: base.length - 1 }),
            ),
            value: fc.integer({ min: 0, max: 255 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (edits) => {
          const b = Buffer.from(base);
          for (const e of edits) b[e.where] = e.value;
          writeFileSync(file, b);
          const r = both(file, kr!);
          if (!r.sparse) declined++;
          else assert.deepEqual(r.sparse, r.whole);
        },
      ),
      { numRuns: RUNS },
    );
    assert.ok(declined < RUNS, "the sparse reader declined every damaged image");
  });
});

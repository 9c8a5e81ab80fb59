// The bounded ELF64 reader on real modules and on malformed input.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { FormatError } from "../../src/errors.js";
import { Elf64, KERNEL_PARAM_FL_HWPARAM } from "../../src/formats/elf.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const RELEASES = ["6.1.0-56-amd64", "6.12.117+deb12-amd64"];
const mod = (rel: string, name: string) => new Elf64(readFileSync(sharedPath("corpus", "oracle", rel, name)));

describe("ELF64 module reader", { skip: SKIP_SHARED }, () => {
  for (const rel of RELEASES) {
    it(`${rel}: cpu5wdt's port is a hardware parameter`, () => {
      const e = mod(rel, "hwparam.ko");
      assert.equal(e.modinfoValue("name") ?? "cpu5wdt", "cpu5wdt");
      const params = e.params();
      assert.deepEqual(
        params.map((p) => [p.name, p.ops, p.hardware]),
        [
          ["ticks", "param_ops_int", false],
          ["verbose", "param_ops_int", false],
          ["port", "param_ops_int", true],
        ],
      );
      assert.equal(params[2]!.flags & KERNEL_PARAM_FL_HWPARAM, KERNEL_PARAM_FL_HWPARAM);
    });
    it(`${rel}: phram's parameter is writable, unsafe and hardware (Debian patch)`, () => {
      const [p] = mod(rel, "phram.ko").params();
      assert.deepEqual(
        [p!.name, p!.ops, p!.perm, p!.unsafe, p!.hardware],
        ["phram", "phram_param_ops", 0o200, true, true],
      );
      assert.equal(mod(rel, "phram.ko").modinfoValue("depends"), "mtd");
    });
    it(`${rel}: msr's allow_writes is an ordinary parameter`, () => {
      const [p] = mod(rel, "signed.ko").params();
      assert.deepEqual([p!.name, p!.perm, p!.hardware], ["allow_writes", 0o600, false]);
      assert.ok(mod(rel, "mtd.ko").exportedSymbols().length > 10);
    });
  }
});

describe("ELF64 reader rejects malformed input", () => {
  const throwsEnoexec = (b: Uint8Array) =>
    assert.throws(
      () => new Elf64(b).params(),
      (e: unknown) => e instanceof FormatError && e.errno === "ENOEXEC",
    );
  it("short, bad magic, 32-bit, big-endian", () => {
    throwsEnoexec(new Uint8Array(10));
    throwsEnoexec(new Uint8Array(64));
    const h = new Uint8Array(64);
    h.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    throwsEnoexec(h);
    h[4] = 2;
    h[5] = 2;
    throwsEnoexec(h);
  });
  it("section headers outside the file", () => {
    const h = Buffer.alloc(64);
    h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
    h.writeBigUInt64LE(0xffffffn, 0x28);
    h.writeUInt16LE(64, 0x3a);
    h.writeUInt16LE(3, 0x3c);
    throwsEnoexec(new Uint8Array(h));
  });
  it("truncated real module", { skip: SKIP_SHARED }, () => {
    const b = readFileSync(sharedPath("corpus", "oracle", RELEASES[0]!, "hwparam.ko"));
    throwsEnoexec(new Uint8Array(b.subarray(0, 2000)));
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Lockdown,
  LogBuffer,
  lockdownFileContent,
  lockdownRead,
  lockdownWrite,
} from "../../src/lsm/index.js";

function fresh(level?: "integrity" | "confidentiality") {
  const buf = new LogBuffer();
  const lsm = new Lockdown({ version: "6.1", log: buf.log });
  if (level) lsm.lockKernelDown("command line", level);
  buf.lines.length = 0;
  return { lsm, buf };
}

describe("securityfs read", () => {
  test("exact content at each level", () => {
    assert.equal(lockdownFileContent(fresh().lsm), "[none] integrity confidentiality\n");
    assert.equal(lockdownFileContent(fresh("integrity").lsm), "none [integrity] confidentiality\n");
    assert.equal(lockdownFileContent(fresh("confidentiality").lsm), "none integrity [confidentiality]\n");
  });
  test("partial reads and EOF behave like simple_read_from_buffer", () => {
    const { lsm } = fresh();
    assert.equal(lockdownRead(lsm, 0, 6), "[none]");
    assert.equal(lockdownRead(lsm, 6, 100), " integrity confidentiality\n");
    assert.equal(lockdownRead(lsm, 33, 10), "");
    assert.equal(lockdownRead(lsm, 1000, 10), "");
  });
});

describe("securityfs write", () => {
  const cases: [string, string | Uint8Array, number, string][] = [
    ["level with one newline", "integrity\n", 10, "integrity"],
    ["level without newline", "integrity", 9, "integrity"],
    ["confidentiality", "confidentiality\n", 16, "confidentiality"],
    ["two newlines do not match", "integrity\n\n", -22, "none"],
    ["CRLF does not match", "integrity\r\n", -22, "none"],
    ["leading space does not match", " integrity", -22, "none"],
    ["trailing space does not match", "integrity ", -22, "none"],
    ["case matters", "Integrity", -22, "none"],
    ["empty write", "", -22, "none"],
    ["only a newline", "\n", -22, "none"],
    ["unknown word", "full\n", -22, "none"],
    ["NUL cuts the string, full count returned", Buffer.from("integrity\0junk"), 14, "integrity"],
    ["NUL then newline: the newline is after the cut", Buffer.from("integrity\0\n"), 11, "integrity"],
    ["newline then NUL: newline stripped after the cut", Buffer.from("integrity\n\0x"), 12, "integrity"],
    ["none at none is EPERM", "none\n", -1, "none"],
    ["none without newline", "none", -1, "none"],
    ["leading NUL gives the empty string", Buffer.from("\0integrity"), -22, "none"],
  ];
  for (const [name, data, ret, after] of cases)
    test(name, () => {
      const { lsm, buf } = fresh();
      assert.equal(lockdownWrite(lsm, data), ret);
      assert.equal(lsm.level, after);
      assert.deepEqual(
        buf.texts(),
        after !== "none" ? ["Kernel is locked down from securityfs; see man kernel_lockdown.7"] : [],
      );
    });

  test("lowering or repeating the level is EPERM and logs nothing", () => {
    const { lsm, buf } = fresh("confidentiality");
    assert.equal(lockdownWrite(lsm, "integrity\n"), -1);
    assert.equal(lockdownWrite(lsm, "confidentiality\n"), -1);
    assert.equal(lockdownWrite(lsm, "none\n"), -1);
    assert.equal(lsm.level, "confidentiality");
    assert.deepEqual(buf.texts(), []);
  });

  test("integrity then confidentiality, byte counts returned", () => {
    const { lsm } = fresh();
    assert.equal(lockdownWrite(lsm, "integrity\n"), 10);
    assert.equal(lockdownWrite(lsm, "confidentiality"), 15);
    assert.equal(lockdownFileContent(lsm), "none integrity [confidentiality]\n");
  });
});

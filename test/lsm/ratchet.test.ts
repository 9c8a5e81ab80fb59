import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LEVELS, type Level, Lockdown, LogBuffer } from "../../src/lsm/index.js";

const NOTICE = (where: string) => `Kernel is locked down from ${where}; see man kernel_lockdown.7`;

describe("lock_kernel_down ratchet", () => {
  test("raising logs the kernel's notice with the source", () => {
    for (const where of ["command line", "Kernel configuration", "securityfs", "EFI Secure Boot"] as const) {
      const buf = new LogBuffer();
      const lsm = new Lockdown({ version: "6.1", log: buf.log });
      assert.equal(lsm.lockKernelDown(where, "integrity"), 0);
      assert.deepEqual(buf.lines, [{ level: "notice", text: NOTICE(where) }]);
      assert.equal(lsm.level, "integrity");
    }
  });

  for (const from of LEVELS)
    for (const to of LEVELS)
      test(`${from} -> ${to}`, () => {
        const buf = new LogBuffer();
        const lsm = new Lockdown({ version: "6.12", log: buf.log });
        if (from !== "none") lsm.lockKernelDown("command line", from);
        buf.lines.length = 0;
        const raise = LEVELS.indexOf(to) > LEVELS.indexOf(from);
        assert.equal(lsm.lockKernelDown("securityfs", to), raise ? 0 : -1);
        assert.equal(lsm.level, raise ? to : from);
        assert.deepEqual(buf.texts(), raise ? [NOTICE("securityfs")] : []);
      });

  test("none is refused even at none (0 >= 0)", () => {
    const lsm = new Lockdown({ version: "6.1" });
    assert.equal(lsm.lockKernelDown("securityfs", "none"), -1);
  });

  test("integrity then confidentiality then nothing lowers it", () => {
    const lsm = new Lockdown({ version: "6.1" });
    const seq: [Level, number][] = [
      ["integrity", 0],
      ["integrity", -1],
      ["confidentiality", 0],
      ["integrity", -1],
      ["none", -1],
      ["confidentiality", -1],
    ];
    for (const [l, r] of seq) assert.equal(lsm.lockKernelDown("securityfs", l), r, l);
    assert.equal(lsm.level, "confidentiality");
    assert.equal(lsm.value, 30);
    assert.deepEqual(
      lsm.raises.map((r) => r.level),
      ["integrity", "confidentiality"],
    );
  });
});

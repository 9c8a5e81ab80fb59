import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  KERNEL_VERSIONS,
  LEVELS,
  Lockdown,
  LogBuffer,
  REASONS,
  realReasons,
  reasonInfo,
  reasonValue,
} from "../../src/lsm/index.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

interface SpecReason {
  reason: string;
  enumValue: number;
  description: string;
  level: string;
  in_6_1: boolean;
  in_6_12: boolean;
}

describe("reasons table", () => {
  test("agrees with shared/spec/reasons.json on every reason, string, level and value", {
    skip: SKIP_SHARED,
  }, () => {
    const spec: SpecReason[] = JSON.parse(readFileSync(sharedPath("spec", "reasons.json"), "utf8"));
    for (const v of KERNEL_VERSIONS) {
      const ours = realReasons(v);
      const theirs = spec.filter((r) => (v === "6.1" ? r.in_6_1 : r.in_6_12));
      assert.equal(ours.length, theirs.length, `count in ${v}`);
      for (const s of theirs) {
        const r = reasonInfo(s.reason as never);
        assert.equal(r.description, s.description, s.reason);
        assert.equal(r.level, s.level, s.reason);
        assert.equal(r.value[v], s.enumValue, `${s.reason} in ${v}`);
      }
    }
  });

  test("28 real reasons, 20 integrity and 8 confidentiality, plus three level markers", () => {
    for (const v of KERNEL_VERSIONS) {
      const real = realReasons(v);
      assert.equal(real.length, 28);
      assert.equal(real.filter((r) => r.level === "integrity").length, 20);
      assert.equal(real.filter((r) => r.level === "confidentiality").length, 8);
      assert.equal(reasonValue("LOCKDOWN_NONE", v), 0);
      assert.equal(reasonValue("LOCKDOWN_INTEGRITY_MAX", v), 21);
      assert.equal(reasonValue("LOCKDOWN_CONFIDENTIALITY_MAX", v), 30);
    }
    assert.equal(REASONS.length, 31);
  });

  test("every integrity reason lies below INTEGRITY_MAX and every confidentiality reason between the markers", () => {
    for (const v of KERNEL_VERSIONS)
      for (const r of realReasons(v)) {
        const value = r.value[v]!;
        if (r.level === "integrity") assert.ok(value > 0 && value < 21, r.reason);
        else assert.ok(value > 21 && value < 30, r.reason);
      }
  });
});

describe("every reason at every level", () => {
  for (const v of KERNEL_VERSIONS)
    for (const level of LEVELS)
      test(`${v} at ${level}`, () => {
        for (const r of realReasons(v)) {
          const buf = new LogBuffer();
          const lsm = new Lockdown({ version: v, log: buf.log });
          lsm.registerHook();
          if (level !== "none") assert.equal(lsm.lockKernelDown("securityfs", level), 0);
          buf.lines.length = 0;
          const denied = level === "confidentiality" || (level === "integrity" && r.level === "integrity");
          assert.equal(lsm.isLockedDown(r.reason, "probe"), denied ? -1 : 0, `${r.reason} at ${level}`);
          assert.equal(lsm.isLockedDown(r.value[v]!, "probe"), denied ? -1 : 0, `${r.reason} by value`);
          assert.deepEqual(
            buf.texts(),
            denied
              ? Array(2).fill(`Lockdown: probe: ${r.description} is restricted; see man kernel_lockdown.7`)
              : [],
          );
        }
      });
});

describe("edge cases of the numeric rule", () => {
  test("LOCKDOWN_NONE is denied at every level, even none ('none is restricted')", () => {
    const buf = new LogBuffer();
    const lsm = new Lockdown({ version: "6.1", log: buf.log });
    lsm.registerHook();
    assert.equal(lsm.isLockedDown("LOCKDOWN_NONE", "cat"), -1);
    assert.deepEqual(buf.texts(), ["Lockdown: cat: none is restricted; see man kernel_lockdown.7"]);
  });

  test("LOCKDOWN_INTEGRITY_MAX is allowed at none and denied from integrity", () => {
    const buf = new LogBuffer();
    const lsm = new Lockdown({ version: "6.12", log: buf.log });
    lsm.registerHook();
    assert.equal(lsm.isLockedDown("LOCKDOWN_INTEGRITY_MAX", "x"), 0);
    lsm.lockKernelDown("command line", "integrity");
    assert.equal(lsm.isLockedDown("LOCKDOWN_INTEGRITY_MAX", "x"), -1);
    assert.equal(buf.texts().at(-1), "Lockdown: x: integrity is restricted; see man kernel_lockdown.7");
  });

  for (const what of [30, 31, 1000] as const)
    test(`reason value ${what} (>= CONFIDENTIALITY_MAX): WARN and EPERM at none, no Lockdown: line`, () => {
      const buf = new LogBuffer();
      const lsm = new Lockdown({ version: "6.1", log: buf.log });
      lsm.registerHook();
      assert.equal(lsm.isLockedDown(what, "probe"), -1);
      assert.deepEqual(buf.lines, [{ level: "warn", text: "Invalid lockdown reason" }]);
    });

  test("LOCKDOWN_CONFIDENTIALITY_MAX by name is invalid too", () => {
    const buf = new LogBuffer();
    const lsm = new Lockdown({ version: "6.12", log: buf.log });
    lsm.registerHook();
    lsm.lockKernelDown("securityfs", "confidentiality");
    assert.equal(lsm.isLockedDown("LOCKDOWN_CONFIDENTIALITY_MAX", "probe"), -1);
    assert.deepEqual(buf.texts(), [
      "Kernel is locked down from securityfs; see man kernel_lockdown.7",
      "Invalid lockdown reason",
    ]);
  });

  test("comm is cut to TASK_COMM_LEN-1 characters", () => {
    const buf = new LogBuffer();
    const lsm = new Lockdown({ version: "6.1", log: buf.log });
    lsm.registerHook();
    lsm.lockKernelDown("securityfs", "integrity");
    lsm.isLockedDown("LOCKDOWN_DEV_MEM", "a-very-long-process-name");
    assert.equal(
      buf.texts().at(-1),
      "Lockdown: a-very-long-pro: /dev/mem,kmem,port is restricted; see man kernel_lockdown.7",
    );
  });

  test("security_locked_down() is 0 while no hook is registered, whatever the level", () => {
    const buf = new LogBuffer();
    const lsm = new Lockdown({ version: "6.1", log: buf.log });
    lsm.lockKernelDown("command line", "confidentiality");
    assert.equal(lsm.securityLockedDown("LOCKDOWN_KCORE", "probe"), 0);
    lsm.registerHook();
    assert.equal(lsm.securityLockedDown("LOCKDOWN_KCORE", "probe"), -1);
  });
});

describe("call sites per version", () => {
  const files = (v: "6.1" | "6.12", r: string) =>
    (reasonInfo(r as never).callSites[v] ?? []).map((c) => c.split(":")[0]);
  test("6.12 drops drivers/acpi/custom_method.c and adds tpmi, amdgpu, fprobe and eventfs", () => {
    assert.ok(files("6.1", "LOCKDOWN_ACPI_TABLES").includes("drivers/acpi/custom_method.c"));
    assert.ok(!files("6.12", "LOCKDOWN_ACPI_TABLES").includes("drivers/acpi/custom_method.c"));
    assert.ok(files("6.12", "LOCKDOWN_DEV_MEM").includes("drivers/platform/x86/intel/tpmi.c"));
    assert.ok(!files("6.1", "LOCKDOWN_DEV_MEM").includes("drivers/platform/x86/intel/tpmi.c"));
    assert.ok(files("6.12", "LOCKDOWN_PCI_ACCESS").includes("drivers/gpu/drm/amd/amdgpu/amdgpu_debugfs.c"));
    assert.ok(files("6.12", "LOCKDOWN_KPROBES").includes("kernel/trace/trace_fprobe.c"));
    assert.ok(files("6.12", "LOCKDOWN_TRACEFS").includes("fs/tracefs/event_inode.c"));
  });
  test("every real reason has at least one call site in each version", () => {
    for (const v of KERNEL_VERSIONS)
      for (const r of realReasons(v)) assert.ok((r.callSites[v] ?? []).length > 0, r.reason);
  });
});

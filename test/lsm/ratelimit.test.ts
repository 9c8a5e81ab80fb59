import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HZ, Lockdown, LogBuffer, ManualClock, RateLimit } from "../../src/lsm/index.js";

const LINE = (d: string) => `Lockdown: probe: ${d} is restricted; see man kernel_lockdown.7`;

function setup() {
  const clock = new ManualClock(10_000);
  const buf = new LogBuffer();
  const lsm = new Lockdown({ version: "6.1", log: buf.log, clock: clock.now });
  lsm.registerHook();
  lsm.lockKernelDown("securityfs", "confidentiality");
  buf.lines.length = 0;
  return { clock, buf, lsm };
}

describe("the shared printk rate limit of lockdown_is_locked_down", () => {
  test("10 lines per window; the 11th and later are dropped but still EPERM", () => {
    const { buf, lsm } = setup();
    for (let i = 0; i < 15; i++) assert.equal(lsm.isLockedDown("LOCKDOWN_KCORE", "probe"), -1);
    assert.equal(buf.lines.length, 10);
    assert.ok(buf.lines.every((l) => l.level === "notice" && l.text === LINE("/proc/kcore access")));
  });

  test("one state shared by all reasons", () => {
    const { buf, lsm } = setup();
    for (let i = 0; i < 6; i++) lsm.isLockedDown("LOCKDOWN_DEV_MEM", "probe");
    for (let i = 0; i < 6; i++) lsm.isLockedDown("LOCKDOWN_PERF", "probe");
    assert.deepEqual(buf.texts(), [
      ...Array(6).fill(LINE("/dev/mem,kmem,port")),
      ...Array(4).fill(LINE("unsafe use of perf")),
    ]);
  });

  test("after the window: 'callbacks suppressed' (KERN_WARNING) precedes the next line", () => {
    const { clock, buf, lsm } = setup();
    for (let i = 0; i < 13; i++) lsm.isLockedDown("LOCKDOWN_KCORE", "probe");
    clock.advance(5_100);
    lsm.isLockedDown("LOCKDOWN_TRACEFS", "probe");
    assert.deepEqual(buf.lines.slice(10), [
      { level: "warn", text: "lockdown_is_locked_down: 3 callbacks suppressed" },
      { level: "notice", text: LINE("use of tracefs") },
    ]);
  });

  test("no suppressed line when nothing was dropped", () => {
    const { clock, buf, lsm } = setup();
    for (let i = 0; i < 10; i++) lsm.isLockedDown("LOCKDOWN_KCORE", "probe");
    clock.advance(6_000);
    lsm.isLockedDown("LOCKDOWN_KCORE", "probe");
    assert.equal(buf.lines.length, 11);
    assert.ok(!buf.texts().some((t) => t.includes("suppressed")));
  });

  test("the window is 5 s plus one jiffy: exactly 5 s later is still the same window", () => {
    const clock = new ManualClock(1000);
    const rl = new RateLimit(clock.now, "f");
    for (let i = 0; i < 10; i++) assert.equal(rl.check().ok, true);
    assert.equal(rl.check().ok, false);
    clock.advance(5000);
    assert.deepEqual(rl.check(), { ok: false });
    clock.advance(1000 / HZ);
    assert.deepEqual(rl.check(), { ok: true, suppressed: "f: 2 callbacks suppressed" });
  });

  test("allowed checks never consume the budget", () => {
    const clock = new ManualClock(0);
    const buf = new LogBuffer();
    const lsm = new Lockdown({ version: "6.12", log: buf.log, clock: clock.now });
    lsm.registerHook();
    lsm.lockKernelDown("command line", "integrity");
    for (let i = 0; i < 50; i++) assert.equal(lsm.isLockedDown("LOCKDOWN_KCORE", "probe"), 0);
    lsm.isLockedDown("LOCKDOWN_MSR", "wrmsr");
    assert.deepEqual(buf.texts().slice(1), [
      "Lockdown: wrmsr: raw MSR access is restricted; see man kernel_lockdown.7",
    ]);
  });
});

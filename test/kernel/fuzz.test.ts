// Random step sequences: the kernel answers every one (no exception), results
// are well formed, the level never goes down, and a denial always logs the
// line of a reason that is denied at the current level.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { runOnKernel, type Step } from "../../src/kernel/index.js";
import { levelRank } from "../../src/lsm/index.js";
import { boot, VERSIONS } from "./helpers.js";

const STEPS: Step[] = [
  { id: "mem", call: "open", path: "/dev/mem", flags: ["O_RDONLY"] },
  { id: "kcore", call: "open", path: "/proc/kcore", flags: ["O_RDONLY"] },
  { id: "state", call: "read", path: "/sys/power/state" },
  { id: "ioperm", call: "ioperm", from: 128, num: 1, turn_on: 1 },
  { id: "iopl", call: "iopl", level: 3 },
  { id: "iopl0", call: "iopl", level: 0 },
  { id: "sec", call: "mount", fstype: "securityfs", target: "/sys/kernel/security" },
  { id: "dbg", call: "mount", fstype: "debugfs", target: "/sys/kernel/debug" },
  { id: "trc", call: "mount", fstype: "tracefs", target: "/sys/kernel/tracing" },
  { id: "trace", call: "open", path: "/sys/kernel/tracing/trace", flags: ["O_RDONLY"] },
  { id: "verbose", call: "open", path: "/sys/kernel/debug/sched/verbose", flags: ["O_RDONLY"] },
  { id: "li", call: "lockdown", level: "integrity" },
  { id: "lc", call: "lockdown", level: "confidentiality" },
  { id: "ln", call: "lockdown", level: "none" },
  { id: "bpf", call: "bpf_prog_load", prog_type: "BPF_PROG_TYPE_KPROBE", helpers: [113, 36] },
  {
    id: "perf",
    call: "perf_event_open",
    attr: { type: "kprobe", kprobe_func: "do_sys_openat2" },
    pid: -1,
    cpu: 0,
  },
  { id: "tty", call: "ioctl", path: "/dev/ttyS1", request: "TIOCSSERIAL", arg: { irq: 7 } },
  {
    id: "kexec",
    call: "kexec_load",
    entry: "0x1000000",
    segments: [{ bufsz: 4096, mem: "0x1000000", memsz: 4096 }],
  },
  { id: "sleep", call: "sleep", ms: 700 },
];

describe("random step sequences", () => {
  for (const v of VERSIONS)
    it(v, () => {
      fc.assert(
        fc.property(
          fc.constantFrom("none", "integrity", "confidentiality"),
          fc.array(fc.constantFrom(...STEPS), { maxLength: 40 }),
          (level, steps) => {
            const k = boot(v, level as "none");
            let rank = levelRank(k.level);
            for (const s of steps) {
              const out = runOnKernel(k, [s]).steps[0];
              if (!out) continue;
              assert.match(out.result, /^(ok|E[A-Z]+)$/);
              for (const l of out.log) if (l.startsWith("Lockdown:")) assert.notEqual(k.level, "none");
              assert.ok(levelRank(k.level) >= rank);
              rank = levelRank(k.level);
            }
          },
        ),
        { numRuns: 40 },
      );
    });
});

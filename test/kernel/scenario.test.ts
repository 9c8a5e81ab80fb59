// The scenario contract: validation (one line naming the step and field, exit 2),
// output format, the sim command and --try.
import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "../../src/cli/main.js";
import {
  formatData,
  outputLines,
  parseScenario,
  parseTry,
  runScenario,
  ScenarioError,
  tryOperation,
} from "../../src/kernel/index.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), isTTY: false }, out, err };
}

const bad = (json: unknown, re: RegExp) =>
  assert.throws(
    () => parseScenario(json),
    (e: unknown) => e instanceof ScenarioError && re.test(e.message),
  );

describe("scenario validation", () => {
  it("names the step and the field", () => {
    bad({ kernel: "6.1", steps: [{ id: "a", call: "open" }] }, /step 1 \(a\): field "path" is missing/);
    bad(
      { kernel: "6.1", steps: [{ id: "x", call: "frobnicate" }] },
      /step 1 \(x\): field "call": unknown call/,
    );
    bad(
      { kernel: "6.1", steps: [{ id: "p", call: "pread", path: "/x", offset: "zz", size: 1 }] },
      /field "offset"/,
    );
    bad(
      { kernel: "6.1", steps: [{ id: "o", call: "open", path: "/dev/mem", flags: ["O_BOGUS"] }] },
      /unknown flag "O_BOGUS"/,
    );
    bad(
      { kernel: "6.1", steps: [{ id: "l", call: "lockdown", level: "max" }] },
      /step 1 \(l\): field "level"/,
    );
    bad(
      { kernel: "6.1", steps: [{ id: "s", call: "sleep", ms: 1, extra: 2 }] },
      /field "extra" is not a field/,
    );
    bad({ kernel: "5.10", steps: [] }, /field "kernel"/);
    bad({ kernel: "6.1", steps: [], keyrings: { nope: [] } }, /keyrings\.nope/);
  });
  it("numbers as JSON numbers or 0x strings", () => {
    const s = parseScenario({
      kernel: "6.12",
      steps: [{ id: "i", call: "ioperm", from: "0x80", num: 1, turn_on: 1 }],
    });
    assert.equal(s.steps.length, 1);
    assert.equal(s.comm, "probe");
  });
  it("data: text without the trailing newline, else hex", () => {
    assert.equal(formatData(Buffer.from("freeze mem\n")), "freeze mem");
    assert.equal(formatData(new Uint8Array([0, 1, 0xff])), "hex:0001ff");
  });
});

describe("running a scenario", () => {
  it("JSON lines, sleep produces none, boot and dmesg last", async () => {
    const s = parseScenario({
      kernel: "6.1",
      cmdline: "lockdown=integrity",
      steps: [
        { id: "pace", call: "sleep", ms: 6000 },
        { id: "m", call: "open", path: "/dev/mem", flags: ["O_RDONLY"] },
        { id: "s/mount", call: "mount", fstype: "securityfs", target: "/sys/kernel/security" },
        { id: "s", call: "lockdown", level: "confidentiality" },
      ],
    });
    const lines = outputLines(await runScenario(s)).map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], {
      id: "m",
      result: "EPERM",
      log: ["Lockdown: probe: /dev/mem,kmem,port is restricted; see man kernel_lockdown.7"],
    });
    assert.deepEqual(lines[2], {
      id: "s",
      result: "ok",
      log: ["Kernel is locked down from securityfs; see man kernel_lockdown.7"],
    });
    assert.ok(
      Array.isArray(lines[3].boot) &&
        lines[3].boot.includes("Kernel is locked down from command line; see man kernel_lockdown.7"),
    );
    assert.ok(Array.isArray(lines[4].dmesg));
  });
});

describe("kernel-lockdown sim", () => {
  it("exit 2 and one line for a malformed scenario", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-"));
    const f = join(dir, "bad.json");
    writeFileSync(f, JSON.stringify({ kernel: "6.1", steps: [{ id: "w", call: "write", path: "/x" }] }));
    const c = capture();
    assert.equal(await main(["sim", f], c.io), 2);
    assert.equal(c.err.length, 1);
    assert.match(c.err[0]!, /step 1 \(w\): field "data" is missing/);
  });
  it("exit 2 for unreadable input and for files a scenario names that do not exist", async () => {
    const c = capture();
    assert.equal(await main(["sim", "/nonexistent/x.json"], c.io), 2);
    const dir = mkdtempSync(join(tmpdir(), "sim-"));
    const f = join(dir, "s.json");
    writeFileSync(
      f,
      JSON.stringify({
        kernel: "6.1",
        files: { "/a.ko": "missing.ko" },
        steps: [{ id: "l", call: "finit_module", path: "/a.ko" }],
      }),
    );
    const d = capture();
    assert.equal(await main(["sim", f, "--json"], d.io), 2);
    assert.match(d.err[0]!, /missing\.ko/);
  });
  it("--try", async () => {
    const c = capture();
    assert.equal(
      await main(["sim", "--kernel", "6.1", "--level", "integrity", "--try", "open /dev/mem"], c.io),
      0,
    );
    assert.equal(c.out[0], "6.1 integrity: open /dev/mem -> EPERM");
    assert.match(c.out[1]!, /Lockdown: probe: \/dev\/mem,kmem,port is restricted/);
    const j = capture();
    await main(
      [
        "sim",
        "--kernel",
        "6.12",
        "--level",
        "confidentiality",
        "--runtime",
        "--json",
        "--try",
        "open /sys/kernel/tracing/trace",
      ],
      j.io,
    );
    assert.equal(JSON.parse(j.out[0]!).result, "EPERM");
    const e = capture();
    assert.equal(await main(["sim", "--try", "open /dev/mem"], e.io), 2);
  });
  it("a published scenario as a transcript", { skip: SKIP_SHARED }, async () => {
    const c = capture();
    assert.equal(
      await main(["sim", sharedPath("spec", "scenarios", "6.1.0-56-amd64", "integrity.json")], c.io),
      0,
    );
    assert.match(c.out.join("\n"), /devmem\.open: open \/dev\/mem -> EPERM/);
  });
});

describe("--try operations", () => {
  it("parses every operation", () => {
    for (const op of [
      "open /dev/mem O_RDWR",
      "read /sys/power/disk",
      "write /sys/power/state disk",
      "readdir /sys/kernel/debug",
      "chmod /sys/kernel/debug/wakeup_sources 0444",
      "mmap /sys/bus/pci/devices/0000:00:02.0/resource0 4096",
      "pread /dev/cpu/0/msr 0x10 8",
      "pwrite /dev/cpu/0/msr 0x174 same",
      'ioctl /dev/ttyS1 TIOCSSERIAL {"irq":5}',
      "ioperm 0x80 1 1",
      "iopl 3",
      "lockdown confidentiality",
      "kexec_load",
      "perf_event_open regs_intr",
      "perf_event_open kprobe do_sys_openat2",
      "bpf_prog_load kprobe 36",
      "xfrm_getsa",
      "mount debugfs /sys/kernel/debug",
    ])
      assert.ok(parseTry(op).step.call);
  });
  it("answers as the kernel does", async () => {
    const r = await tryOperation('ioctl /dev/ttyS1 TIOCSSERIAL {"irq":5}', {
      version: "6.12",
      level: "integrity",
    });
    assert.equal(r.output.result, "EPERM");
    const d = await tryOperation("open /sys/kernel/debug/sched/verbose", {
      version: "6.1",
      level: "integrity",
    });
    assert.equal(d.output.result, "EPERM");
  });
});

describe("files a step loads must be the scenario's", () => {
  it("finit_module / kexec_file_load of an unknown path is a scenario error", () => {
    bad(
      { kernel: "6.1", steps: [{ id: "m", call: "finit_module", path: "/lib/x.ko" }] },
      /step 1 \(m\): field "path": "\/lib\/x\.ko" is not one of the scenario's files/,
    );
    bad(
      {
        kernel: "6.1",
        files: { "/k": "k" },
        steps: [{ id: "k", call: "kexec_file_load", kernel: "/k", initrd: "/i" }],
      },
      /field "initrd"/,
    );
  });
});

describe("config overrides", () => {
  it("unknown symbols and wrong types are scenario errors", () => {
    bad(
      { kernel: "6.1", config: { NO_SUCH_THING: true }, steps: [] },
      /config\.NO_SUCH_THING: unknown Kconfig symbol/,
    );
    bad({ kernel: "6.1", config: { LOCK_DOWN_KERNEL_FORCE: "max" }, steps: [] }, /LOCK_DOWN_KERNEL_FORCE/);
    assert.equal(
      parseScenario({ kernel: "6.1", config: { CONFIG_MODULE_SIG_FORCE: true }, steps: [] }).kernel,
      "6.1",
    );
  });
});

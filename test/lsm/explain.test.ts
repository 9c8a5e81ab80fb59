import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { explain, type LockdownReason, OPERATIONS, realReasons } from "../../src/lsm/index.js";

// What users type, and the reason that governs it.
const WORDS: [string, LockdownReason][] = [
  ["insmod", "LOCKDOWN_MODULE_SIGNATURE"],
  ["modprobe", "LOCKDOWN_MODULE_SIGNATURE"],
  ["finit_module", "LOCKDOWN_MODULE_SIGNATURE"],
  ["/dev/mem", "LOCKDOWN_DEV_MEM"],
  ["/dev/port", "LOCKDOWN_DEV_MEM"],
  ["flashrom", "LOCKDOWN_DEV_MEM"],
  ["/dev/efi_test", "LOCKDOWN_EFI_TEST"],
  ["kexec", "LOCKDOWN_KEXEC"],
  ["kexec_load", "LOCKDOWN_KEXEC"],
  ["kexec_file_load", "LOCKDOWN_KEXEC"],
  ["hibernate", "LOCKDOWN_HIBERNATION"],
  ["/sys/power/disk", "LOCKDOWN_HIBERNATION"],
  ["/dev/snapshot", "LOCKDOWN_HIBERNATION"],
  ["setpci", "LOCKDOWN_PCI_ACCESS"],
  ["pciconfig_write", "LOCKDOWN_PCI_ACCESS"],
  ["ioperm", "LOCKDOWN_IOPORT"],
  ["iopl", "LOCKDOWN_IOPORT"],
  ["KDENABIO", "LOCKDOWN_IOPORT"],
  ["msr", "LOCKDOWN_MSR"],
  ["wrmsr", "LOCKDOWN_MSR"],
  ["x86_energy_perf_policy", "LOCKDOWN_MSR"],
  ["acpi_rsdp", "LOCKDOWN_ACPI_TABLES"],
  ["custom_method", "LOCKDOWN_ACPI_TABLES"],
  ["/proc/powerpc/ofdt", "LOCKDOWN_DEVICE_TREE"],
  ["pcmcia", "LOCKDOWN_PCMCIA_CIS"],
  ["setserial", "LOCKDOWN_TIOCSSERIAL"],
  ["TIOCSSERIAL", "LOCKDOWN_TIOCSSERIAL"],
  ["module_param_hw", "LOCKDOWN_MODULE_PARAMETERS"],
  ["/sys/module", "LOCKDOWN_MODULE_PARAMETERS"],
  ["mmiotrace", "LOCKDOWN_MMIOTRACE"],
  ["debugfs", "LOCKDOWN_DEBUGFS"],
  ["/sys/kernel/debug", "LOCKDOWN_DEBUGFS"],
  ["xmon", "LOCKDOWN_XMON_WR"],
  ["bpf_probe_write_user", "LOCKDOWN_BPF_WRITE_USER"],
  ["kgdb", "LOCKDOWN_DBG_WRITE_KERNEL"],
  ["rtas", "LOCKDOWN_RTAS_ERROR_INJECTION"],
  ["privcmd", "LOCKDOWN_XEN_USER_ACTIONS"],
  ["/proc/kcore", "LOCKDOWN_KCORE"],
  ["kprobe_events", "LOCKDOWN_KPROBES"],
  ["perf probe", "LOCKDOWN_KPROBES"],
  ["bpf_probe_read_kernel", "LOCKDOWN_BPF_READ_KERNEL"],
  ["bpftrace", "LOCKDOWN_BPF_READ_KERNEL"],
  ["kdb", "LOCKDOWN_DBG_READ_KERNEL"],
  ["perf", "LOCKDOWN_PERF"],
  ["perf_event_open", "LOCKDOWN_PERF"],
  ["tracefs", "LOCKDOWN_TRACEFS"],
  ["trace-cmd", "LOCKDOWN_TRACEFS"],
  ["xmon rw", "LOCKDOWN_XMON_RW"],
  ["ip xfrm state", "LOCKDOWN_XFRM_SECRET"],
  ["ipsec", "LOCKDOWN_XFRM_SECRET"],
];

describe("explain", () => {
  test(`${WORDS.length} operation words cover all 28 reasons`, () => {
    assert.ok(WORDS.length >= 40);
    const covered = new Set(WORDS.map(([, r]) => r));
    for (const r of realReasons("6.12")) assert.ok(covered.has(r.reason), `no word for ${r.reason}`);
  });

  for (const [word, reason] of WORDS)
    test(`${word} -> ${reason}`, () => {
      const r = explain(word);
      assert.ok(r.match === "operation" || r.match === "reason", r.match);
      assert.deepEqual(
        r.explanations.map((e) => e.reason.reason),
        [reason],
      );
      assert.ok(r.explanations[0]!.operations.every((o) => o.effect.length > 20));
    });

  test("reason names with and without the prefix, any case", () => {
    for (const q of ["LOCKDOWN_KCORE", "KCORE", "kcore"]) {
      const r = explain(q);
      assert.equal(r.match, "reason", q);
      assert.equal(r.explanations[0]!.reason.reason, "LOCKDOWN_KCORE");
    }
  });

  test("description fragments", () => {
    const r = explain("serial port IO");
    assert.equal(r.match, "description");
    assert.equal(r.explanations[0]!.reason.reason, "LOCKDOWN_TIOCSSERIAL");
    const both = explain("kgdb/kdb");
    assert.deepEqual(
      both.explanations.map((e) => e.reason.reason),
      ["LOCKDOWN_DBG_WRITE_KERNEL", "LOCKDOWN_DBG_READ_KERNEL"],
    );
  });

  test("partial words inside a command line", () => {
    const r = explain("cat /proc/kcore > /tmp/x");
    assert.equal(r.match, "partial");
    assert.equal(r.explanations[0]!.reason.reason, "LOCKDOWN_KCORE");
  });

  test("what lockdown leaves alone is said so, not a false alarm", () => {
    for (const q of ["rdmsr", "lspci", "bpf_probe_read_user"]) {
      const r = explain(q);
      assert.equal(r.match, "unrestricted", q);
      assert.equal(r.explanations.length, 0);
    }
  });

  test("unknown words match nothing", () => {
    assert.equal(explain("frobnicate").match, "none");
  });

  test("effects state the errno the kernel returns", () => {
    assert.match(explain("/dev/mem").explanations[0]!.operations[0]!.effect, /EPERM/);
    assert.match(
      explain("bpf_probe_read_kernel").explanations[0]!.operations[0]!.effect,
      /EINVAL.*unknown func bpf_probe_read_kernel#113.*cannot use helper bpf_probe_read_kernel#113/,
    );
    assert.match(explain("/sys/power/disk").explanations[0]!.operations[0]!.effect, /\[disabled\]/);
    assert.match(explain("ipsec").explanations[0]!.operations[0]!.effect, /zero/);
  });

  test("every operation names a real reason", () => {
    const names = new Set(realReasons("6.1").map((r) => r.reason));
    for (const o of OPERATIONS) assert.ok(names.has(o.reason), o.reason);
  });
});

test("KDENABIO is ENXIO, not EPERM (vt_ioctl maps the refused ioperm)", () => {
  assert.match(explain("kdenabio").explanations[0]!.operations[0]!.effect, /KDENABIO .* ENXIO/);
});

// The held-out boots, as the mechanism predicts them (PROBES.md publishes no
// results for them): a regression guard for the reasoning in the kernel
// source, probe by probe where a boot differs from its published sibling.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadScenario, type ProbeResult, probeResults, runScenario } from "../../src/kernel/index.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const REL = { "6.1": "6.1.0-56-amd64", "6.12": "6.12.117+deb12-amd64" } as const;
const L = (r: string) => `Lockdown: probe: ${r} is restricted; see man kernel_lockdown.7`;

async function probes(v: "6.1" | "6.12", variant: string): Promise<Map<string, ProbeResult>> {
  const out = await runScenario(loadScenario(sharedPath("spec", "scenarios", REL[v], `${variant}.json`)));
  return new Map(probeResults(out).map((p) => [p.probe, p]));
}

function expect(m: Map<string, ProbeResult>, probe: string, result: string, lines: string[] = []): void {
  const p = m.get(probe);
  assert.ok(p, `${probe} missing`);
  assert.deepEqual([probe, p.result, p.lockdown], [probe, result, [...lines].sort()]);
}

describe("held-out boots follow from the mechanism", { skip: SKIP_SHARED }, () => {
  for (const v of ["6.1", "6.12"] as const) {
    const bpfLines = v === "6.1" ? 1 : 2;
    it(`${v} confidentiality (boot time): tracing never initialised`, async () => {
      const m = await probes(v, "confidentiality");
      expect(m, "acpi.table_upgrade", v === "6.1" ? "ignored" : "ok");
      expect(m, "kcore.open", "EPERM", [L("/proc/kcore access")]);
      expect(m, "tracefs.open_trace", "ENOENT");
      expect(m, "kprobe.create", "ENOENT");
      expect(m, "mmiotrace.tracer", "ENOENT");
      expect(m, "perf.kprobe_pmu", "EPERM", [L("use of kprobes")]);
      expect(m, "perf.regs_intr", "EPERM", [L("unsafe use of perf")]);
      expect(m, "bpf.probe_write_user", "EINVAL", Array(bpfLines).fill(L("use of bpf to write user RAM")));
      expect(m, "bpf.probe_read_kernel", "EINVAL", Array(bpfLines).fill(L("use of bpf to read kernel RAM")));
      expect(m, "bpf.probe_read", "EINVAL", Array(bpfLines).fill(L("use of bpf to read kernel RAM")));
      expect(m, "xfrm.sa_secret", "redacted", Array(3).fill(L("xfrm SA secret")));
      expect(m, "securityfs.write:confidentiality", "EPERM");
      expect(m, "debugfs.open_0444_rdonly", "ok");
    });
    it(`${v} runtime-confidentiality: tracefs files exist, opens refused`, async () => {
      const m = await probes(v, "runtime-confidentiality");
      expect(m, "acpi.table_upgrade", "ok");
      expect(m, "tracefs.open_trace", "EPERM", [L("use of tracefs")]);
      expect(m, "kprobe.create", "EPERM", [L("use of tracefs")]);
      expect(m, "mmiotrace.tracer", "EPERM", [L("use of tracefs"), L("use of tracefs")]);
      expect(m, "perf.kprobe_pmu", "EPERM", [L("use of kprobes")]);
      expect(m, "xfrm.sa_secret", "redacted", Array(3).fill(L("xfrm SA secret")));
    });
    it(`${v} none: lockdown=none is malformed, nothing is locked`, async () => {
      const m = await probes(v, "none");
      for (const p of [
        "devmem.open",
        "module.unsigned",
        "kexec_load",
        "kexec_file_load.signed",
        "debugfs.chmod",
      ])
        expect(m, p, "ok");
      expect(m, "module.bad_signature", "EKEYREJECTED");
    });
    it(`${v} integrity: ACPI upgrade ${v === "6.1" ? "ignored (early LSM)" : "installed (setup_arch runs before early_security_init)"}`, async () => {
      const m = await probes(v, "integrity");
      expect(m, "acpi.table_upgrade", v === "6.1" ? "ignored" : "ok");
      expect(m, "bpf.probe_write_user", "EINVAL", Array(bpfLines).fill(L("use of bpf to write user RAM")));
      if (v === "6.12") expect(m, "module.signed_compressed", "ok");
    });
    it(`${v} secureboot: IMA arch policy enforcement, .machine trusts Debian's image`, async () => {
      const m = await probes(v, "secureboot");
      expect(m, "acpi.table_upgrade", v === "6.1" ? "ignored" : "ok");
      expect(m, "module.signed", "ok");
      expect(m, "module.unsigned", "EKEYREJECTED");
      expect(m, "module.signed_forced", "EKEYREJECTED");
      expect(m, "module.bad_signature", "EKEYREJECTED");
      expect(m, "module.param_hw", "EPERM", [L("unsafe module parameters")]);
      expect(m, "kexec_load", "EACCES");
      expect(m, "kexec_file_load.unsigned", "ENODATA");
      expect(m, "kexec_file_load.signed", "ok");
      expect(m, "devmem.open", "EPERM", [L("/dev/mem,kmem,port")]);
      expect(m, "kcore.open", "ok");
      expect(m, "securityfs.write:integrity", "EPERM");
      expect(m, "securityfs.write:confidentiality", "ok");
    });
  }
});

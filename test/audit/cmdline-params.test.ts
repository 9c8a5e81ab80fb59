// One finding per effective command-line parameter (however many boot-config
// files set it, and which one wins), and built-in drivers' hardware parameters
// judged from vmlinux's __param table (kernel/params.c parse_one()).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bootParamFindings } from "../../src/audit/bootparams.js";
import { builtinParamFindings } from "../../src/audit/builtin-params.js";
import { cmdlineSources, effectiveParams } from "../../src/audit/cmdline.js";
import { hibernationFindings } from "../../src/audit/hibernation.js";
import { lockdownConfig, nextBootLevel, parseKconfig } from "../../src/audit/lsm-state.js";
import { cmdlineOptions } from "../../src/audit/modparams.js";
import { Root } from "../../src/audit/rootfs.js";

let dir: string;
function root(files: Record<string, string>): Root {
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return new Root(dir);
}

const DEBIAN = parseKconfig("CONFIG_SECURITY_LOCKDOWN_LSM=y\nCONFIG_SECURITY_LOCKDOWN_LSM_EARLY=y\n");
const PARAMS = [
  { name: "8250.share_irqs", perm: 0o644, level: -1, flags: 2, hardware: true, unsafe: false },
  { name: "8250.nr_uarts", perm: 0o644, level: -1, flags: 0, hardware: false, unsafe: false },
  { name: "vendor.port", perm: 0o444, level: 3, flags: 2, hardware: true, unsafe: false },
];

describe("effective command-line parameters", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kl-cmdparams-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("GRUB: the later word on the generated command line wins, not the later file", () => {
    // grub.d prepends its resume=: "resume=/dev/b ... resume=/dev/a" -> /etc/default/grub's wins.
    const r = root({
      "etc/default/grub": 'GRUB_CMDLINE_LINUX_DEFAULT="quiet resume=/dev/a"\n',
      "etc/default/grub.d/10-x.cfg":
        'GRUB_CMDLINE_LINUX_DEFAULT="resume=/dev/b $GRUB_CMDLINE_LINUX_DEFAULT"\n',
    });
    const [e, ...rest] = effectiveParams(cmdlineSources(r), (k) => k === "resume");
    assert.equal(rest.length, 0);
    assert.equal(e?.effective.val, "/dev/a");
    assert.equal(e?.effective.source.file, "/etc/default/grub");
    const f = hibernationFindings(r, cmdlineSources(r)).findings.filter(
      (x) => x.id === "hibernation.resume-cmdline",
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]?.subject, "resume=/dev/a (/etc/default/grub, /etc/default/grub.d/10-x.cfg)");
    assert.match(
      f[0]?.evidence ?? "",
      /gets resume=\/dev\/a from \/etc\/default\/grub:1 \(the last one on it wins/,
    );
  });

  it("GRUB_CMDLINE_LINUX comes before GRUB_CMDLINE_LINUX_DEFAULT", () => {
    const r = root({
      "etc/default/grub": 'GRUB_CMDLINE_LINUX_DEFAULT="acpi_rsdp=0x1000"\n',
      "etc/default/grub.d/zz.cfg": 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX acpi_rsdp=0x2000"\n',
    });
    const f = bootParamFindings(cmdlineSources(r));
    assert.equal(f.length, 1);
    assert.match(f[0]?.subject ?? "", /^acpi_rsdp=0x1000 \(/);
  });

  it("boots that disagree are findings of their own, each naming the other; equal values are one", () => {
    const r = root({
      "etc/default/grub": 'GRUB_CMDLINE_LINUX="serial_ir.io=0x2f8 kgdboc=ttyS0"\n',
      "etc/kernel/cmdline": "root=/dev/sda1 serial_ir.io=0x3f8 kgdboc=ttyS0\n",
    });
    const opts = cmdlineOptions(cmdlineSources(r));
    assert.deepEqual(
      opts.map((o) => [o.value, o.where]),
      [
        ["0x2f8", "/etc/default/grub:1"],
        ["0x3f8", "/etc/kernel/cmdline:1"],
      ],
    );
    assert.match(
      opts[0]?.origins ?? "",
      /kernel-install's entries \(systemd-boot, UKI\) gets serial_ir\.io=0x3f8/,
    );
    const kgdb = bootParamFindings(cmdlineSources(r));
    assert.equal(kgdb.length, 1);
    assert.equal(kgdb[0]?.subject, "kgdboc=ttyS0 (/etc/default/grub, /etc/kernel/cmdline)");
    assert.match(kgdb[0]?.evidence ?? "", /set 2 times, with the same value/);
  });

  it("lockdown= in several files is one reason naming them all", () => {
    const r = root({
      "etc/default/grub": 'GRUB_CMDLINE_LINUX="lockdown=integrity"\n',
      "etc/default/grub.d/a.cfg": 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX lockdown=integrity"\n',
    });
    const n = nextBootLevel(lockdownConfig(DEBIAN), cmdlineSources(r));
    assert.equal(n.level, "integrity");
    assert.deepEqual(
      n.because.filter((b) => b.startsWith("lockdown=")),
      ["lockdown=integrity (/etc/default/grub:1, /etc/default/grub.d/a.cfg:1)"],
    );
  });
});

describe("built-in drivers' hardware parameters", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kl-builtin-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const kernel = (kconfig = DEBIAN) => [{ release: "6.1.0-56-amd64", kconfig, params: PARAMS }];

  it('refused by parse_args("Booting kernel"): log lines, init loses what follows --', () => {
    const r = root({ "etc/kernel/cmdline": "ro 8250.share-irqs=1 8250.nr_uarts=4 -- single\n" });
    const b = builtinParamFindings(cmdlineSources(r), kernel());
    assert.equal(b.findings.length, 1);
    const f = b.findings[0];
    assert.equal(f?.id, "modparam.builtin-hardware");
    assert.equal(f?.breaksAt, "integrity");
    assert.ok(
      f?.evidence.includes(
        '"Lockdown: swapper: unsafe module parameters is restricted; see man kernel_lockdown.7" and "Booting kernel: `1\' invalid for parameter `8250.share-irqs\'"',
      ),
    );
    assert.match(f?.evidence ?? "", /init gets none of them/);
    assert.deepEqual(
      b.fine.map((x) => x.detail.split(":")[0]),
      ["8250.nr_uarts=4"],
    );
    // The module path leaves built-in names alone.
    assert.deepEqual(cmdlineOptions(cmdlineSources(r), b.isBuiltin), []);
  });

  it("a level-3 parameter is refused by the arch initcall level's parse_args, as swapper/0", () => {
    const r = root({ "etc/kernel/cmdline": "vendor.port=0x300\n" });
    const [f] = builtinParamFindings(cmdlineSources(r), kernel()).findings;
    assert.match(
      f?.evidence ?? "",
      /"Lockdown: swapper\/0: .*" and "arch: `0x300' invalid for parameter `vendor\.port'"/,
    );
    assert.doesNotMatch(f?.evidence ?? "", /init gets/);
  });

  it("without SECURITY_LOCKDOWN_LSM_EARLY the hook comes after parse_args: fine", () => {
    const r = root({ "etc/kernel/cmdline": "8250.share_irqs=1\n" });
    const late = parseKconfig(
      "CONFIG_SECURITY_LOCKDOWN_LSM=y\n# CONFIG_SECURITY_LOCKDOWN_LSM_EARLY is not set\n",
    );
    const b = builtinParamFindings(cmdlineSources(r), kernel(late));
    assert.equal(b.findings.length, 0);
    assert.match(b.fine[0]?.detail ?? "", /registered by security_init\(\), after parse_args\(\)/);
  });

  it("look-alikes: a module's parameter, a name not built in, no value", () => {
    const r = root({ "etc/kernel/cmdline": "serial_ir.io=0x3f8 8250_core.share_irqs=1 8250.share_irqs\n" });
    const b = builtinParamFindings(cmdlineSources(r), kernel());
    assert.equal(b.findings.length, 0);
    assert.match(b.fine[0]?.detail ?? "", /given without a value/);
    assert.deepEqual(
      cmdlineOptions(cmdlineSources(r), b.isBuiltin).map((o) => `${o.module}.${o.param}`),
      ["serial_ir.io", "8250_core.share_irqs"],
    );
  });
});

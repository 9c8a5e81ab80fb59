// The audit's parts on small inputs: bzImage reader and certificate scan
// (real Debian kernels from ../shared), the early-cpio walker, config and
// command-line readers, tool semantics, setserial, kexec options, and a
// simulated live host (a directory with /proc, /sys and efivars files).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { acpiFindings, earlyCpioEntries } from "../../src/audit/acpi.js";
import { cmdlineSources, findParam } from "../../src/audit/cmdline.js";
import { audit } from "../../src/audit/index.js";
import { kexecSyscall } from "../../src/audit/kexec.js";
import { efiSignatureListCerts } from "../../src/audit/keys.js";
import { lockdownConfig, nextBootLevel, parseKconfig } from "../../src/audit/lsm-state.js";
import { moduleOptions } from "../../src/audit/modparams.js";
import { startModuleBatch } from "../../src/audit/module-pool.js";
import { Root, shellVars } from "../../src/audit/rootfs.js";
import { serialChanges } from "../../src/audit/serial.js";
import { toolFor } from "../../src/audit/tools.js";
import { simpleCommands } from "../../src/audit/units.js";
import { defaultAuditHooks, readModuleParams } from "../../src/audit/wiring.js";
import { FormatError } from "../../src/errors.js";
import {
  builtinCertificates,
  derCertificateAt,
  parseBzImage,
  scanCertificates,
} from "../../src/formats/bzimage.js";
import { cpio } from "../fixtures/build-root.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

function put(root: string, rel: string, data: string | Buffer): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
}

describe("formats/bzimage", () => {
  it("rejects what is not a bzImage, with ENOEXEC", () => {
    assert.throws(
      () => parseBzImage(new Uint8Array(100)),
      (e: unknown) => e instanceof FormatError && e.errno === "ENOEXEC",
    );
    const b = new Uint8Array(0x400);
    b[0x1fe] = 0x55;
    b[0x1ff] = 0xaa;
    b.set([0x48, 0x64, 0x72, 0x53], 0x202);
    b.set([0x0f, 0x02], 0x206);
    b[0x1f1] = 1;
    new DataView(b.buffer).setUint32(0x248, 0x1000, true);
    new DataView(b.buffer).setUint32(0x24c, 0x100, true);
    assert.throws(() => parseBzImage(b), /outside the/);
  });

  it("scans DER certificates and rejects near-misses", { skip: SKIP_SHARED }, () => {
    const der = readFileSync(sharedPath("corpus/modules/certs/debian-6.1.0-56-amd64-module-signing.der"));
    const blob = Buffer.concat([
      Buffer.from([0x30, 0x82, 0x00, 0x10, 0x30]),
      Buffer.alloc(100, 0x30),
      der,
      der,
      Buffer.alloc(50),
    ]);
    const found = scanCertificates(blob);
    assert.equal(found.length, 2);
    assert.deepEqual(Buffer.from(found[0]?.der ?? []), der);
    const cut = Buffer.from(der.subarray(0, der.length - 1));
    assert.equal(derCertificateAt(cut, 0), 0);
  });

  for (const [rel, comp] of [
    ["6.1.0-56-amd64", "xz"],
    ["6.12.117+deb12-amd64", "zstd"],
  ] as const)
    it(`finds the builtin module-signing certificate of ${rel} (${comp} payload)`, {
      skip: SKIP_SHARED,
    }, async () => {
      const img = readFileSync(sharedPath(`corpus/oracle/${rel}/vmlinuz.signed`));
      const r = await builtinCertificates(img);
      assert.equal(r.header.compression, comp);
      assert.equal(r.header.efiStub, true);
      assert.match(r.header.version ?? "", new RegExp(`^${rel.replace(/[.+]/g, "\\$&")} `));
      assert.equal(r.certificates.length, 1);
      assert.deepEqual(
        Buffer.from(r.certificates[0] ?? []),
        readFileSync(sharedPath(`corpus/oracle/${rel}/module-signing.der`)),
      );
    });
});

describe("early cpio (ACPI overrides)", () => {
  it("walks uncompressed archives and stops at compressed data", () => {
    const a = cpio([{ name: "kernel/firmware/acpi/a.aml", data: Buffer.from("SSDT") }]);
    const b = cpio([{ name: "kernel/x86/microcode/AuthenticAMD.bin", data: Buffer.alloc(10) }]);
    const z = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]);
    const all = earlyCpioEntries(
      Buffer.concat([a, b, z, cpio([{ name: "kernel/firmware/acpi/late.aml", data: Buffer.alloc(4) }])]),
    );
    assert.deepEqual(
      all.map((e) => e.name),
      ["kernel/firmware/acpi/a.aml", "kernel/x86/microcode/AuthenticAMD.bin"],
    );
    assert.deepEqual(earlyCpioEntries(Buffer.from("070701zzzz")), []);
  });

  it("a table only in the compressed main archive is reported too, and a clean initrd is fine", async () => {
    const d = mkdtempSync(join(tmpdir(), "kl-acpi-"));
    try {
      const early = cpio([{ name: "kernel/x86/microcode/GenuineIntel.bin", data: Buffer.alloc(8) }]);
      const table = Buffer.alloc(36);
      table.write("DSDT", 0, "latin1");
      table.writeUInt32LE(36, 4);
      put(
        d,
        "boot/initrd.img-6.1.0-1-amd64",
        Buffer.concat([early, gzipSync(cpio([{ name: "kernel/firmware/acpi/dsdt.aml", data: table }]))]),
      );
      put(
        d,
        "boot/initrd.img-6.1.0-2-amd64",
        Buffer.concat([early, gzipSync(cpio([{ name: "init", data: Buffer.from("x") }]))]),
      );
      const r = await acpiFindings(new Root(d));
      assert.deepEqual(
        r.findings.map((f) => f.subject),
        ["/boot/initrd.img-6.1.0-1-amd64"],
      );
      assert.match(
        r.findings[0]?.evidence ?? "",
        /compressed main archive holds kernel\/firmware\/acpi\/dsdt.aml \(DSDT, 36 bytes\)/,
      );
      assert.deepEqual(
        r.fine.map((f) => f.subject),
        ["/boot/initrd.img-6.1.0-2-amd64"],
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("configuration readers", () => {
  it("shell assignments: quotes, expansion, last wins", () => {
    const v = shellVars("A=\"x y\"\nB=$A' z'\n# C=1\nexport D=1 # c\nA=2\n");
    assert.equal(v.get("A"), "2");
    assert.equal(v.get("B"), "x y z");
    assert.equal(v.get("C"), undefined);
    assert.equal(v.get("D"), "1");
  });

  it("modprobe.d options: one setting per module and parameter, in kmod's config order", () => {
    const d = mkdtempSync(join(tmpdir(), "kl-modprobe-"));
    try {
      // Sorted by name across directories: /lib's a.conf before /etc's b.conf; /etc's c.conf hides /lib's.
      put(d, "lib/modprobe.d/a.conf", "options wbsd io=0x248\n");
      put(d, "etc/modprobe.d/b.conf", "options wbsd io=0x250 irq=6\noptions wbsd irq=6\n");
      put(d, "etc/modprobe.d/c.conf", "options wbsd dma=1\n");
      put(d, "lib/modprobe.d/c.conf", "options wbsd dma=2 io=0x260\n");
      put(d, "etc/modprobe.d/.hidden.conf", "options wbsd io=0x270\n");
      const o = new Map(moduleOptions(new Root(d)).map((x) => [`${x.module}.${x.param}`, x]));
      assert.deepEqual([...o.keys()], ["wbsd.io", "wbsd.irq", "wbsd.dma"]);
      const io = o.get("wbsd.io");
      assert.equal(io?.value, "0x250");
      assert.equal(io?.where, "/lib/modprobe.d/a.conf:1, /etc/modprobe.d/b.conf:1");
      assert.deepEqual(io?.values, ["0x248", "0x250"]);
      assert.match(
        io?.origins ?? "",
        /wbsd gets io=0x250 from \/etc\/modprobe\.d\/b\.conf:1 \(the last one wins\)$/,
      );
      const irq = o.get("wbsd.irq");
      assert.equal(
        irq?.origins,
        "set 2 times, with the same value: /etc/modprobe.d/b.conf:1 (irq=6), /etc/modprobe.d/b.conf:2 (irq=6)",
      );
      assert.equal(o.get("wbsd.dma")?.where, "/etc/modprobe.d/c.conf:1");
      assert.equal(o.get("wbsd.dma")?.origins, undefined);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("GRUB defaults plus grub.d snippets, /etc/kernel/cmdline", () => {
    const d = mkdtempSync(join(tmpdir(), "kl-cmd-"));
    try {
      put(
        d,
        "etc/default/grub",
        'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="lockdown=integrity"\n',
      );
      put(
        d,
        "etc/default/grub.d/x.cfg",
        'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT resume=/dev/sda2"\n',
      );
      put(d, "etc/kernel/cmdline", "root=/dev/sda1 lsm=landlock,yama\n");
      const s = cmdlineSources(new Root(d));
      assert.deepEqual(
        s.map((x) => x.file),
        ["/etc/default/grub", "/etc/default/grub.d/x.cfg", "/etc/kernel/cmdline"],
      );
      assert.equal(findParam(s, "resume")[0]?.source.file, "/etc/default/grub.d/x.cfg");
      assert.equal(findParam(s, "lockdown")[0]?.val, "integrity");
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("next-boot level from Kconfig, lockdown= and the LSM list", () => {
    const debian = lockdownConfig(
      parseKconfig(
        'CONFIG_SECURITY_LOCKDOWN_LSM=y\nCONFIG_SECURITY_LOCKDOWN_LSM_EARLY=y\nCONFIG_LOCK_DOWN_KERNEL_FORCE_NONE=y\nCONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT=y\nCONFIG_LSM="landlock,lockdown,yama"\n',
      ),
    );
    assert.deepEqual(
      [nextBootLevel(debian, []).level, nextBootLevel(debian, []).withSecureBoot],
      ["none", "integrity"],
    );
    const src = [
      {
        file: "/etc/kernel/cmdline",
        text: "lockdown=confidentiality",
        args: [{ param: "lockdown", val: "confidentiality" }],
      },
    ];
    assert.equal(nextBootLevel(debian, src).level, "confidentiality");
    assert.equal(nextBootLevel(debian, src).withSecureBoot, "confidentiality");
    const off = lockdownConfig(parseKconfig("# CONFIG_SECURITY_LOCKDOWN_LSM is not set\n"));
    assert.equal(nextBootLevel(off, src).level, "none");
  });

  it("EFI signature lists: X.509 entries only", () => {
    const cert = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
    const x509 = Buffer.from("a159c0a5e494a74a87b5ab155c2bf072", "hex");
    const sha = Buffer.from("2616c4c14c509240aca941f936934328", "hex");
    const list = (type: Buffer, data: Buffer) => {
      const h = Buffer.alloc(28);
      type.copy(h, 0);
      h.writeUInt32LE(28 + 16 + data.length, 16);
      h.writeUInt32LE(0, 20);
      h.writeUInt32LE(16 + data.length, 24);
      return Buffer.concat([h, Buffer.alloc(16), data]);
    };
    const got = efiSignatureListCerts(Buffer.concat([list(sha, Buffer.alloc(32)), list(x509, cert)]));
    assert.deepEqual(
      got.map((c) => Buffer.from(c).toString("hex")),
      [cert.toString("hex")],
    );
  });
});

describe("what tools and commands really do", () => {
  it("MSR reads are fine, writes break at integrity", () => {
    assert.equal(toolFor("rdmsr")?.reason, null);
    assert.equal(toolFor("wrmsr")?.reason, "LOCKDOWN_MSR");
    assert.equal(toolFor("turbostat")?.reason, null);
    assert.equal(toolFor("dmidecode")?.reason, null);
    assert.equal(toolFor("opensnoop-bpfcc")?.reason, "LOCKDOWN_BPF_READ_KERNEL");
    assert.equal(toolFor("perf_6.1")?.reason, "LOCKDOWN_PERF");
    assert.deepEqual(toolFor("perf")?.also, ["LOCKDOWN_KPROBES"]);
    assert.equal(toolFor("ls"), undefined);
  });

  it("splits unit command lines and shell wrappers", () => {
    assert.deepEqual(simpleCommands('/bin/sh -c "sleep 1; /usr/sbin/wrmsr 0x1a0 1"'), [
      ["sleep", "1"],
      ["/usr/sbin/wrmsr", "0x1a0", "1"],
    ]);
    assert.deepEqual(simpleCommands("FOO=1 nice -n 5 setpci -s 00:1f.0 0x40.b=1"), [
      ["setpci", "-s", "00:1f.0", "0x40.b=1"],
    ]);
    assert.deepEqual(simpleCommands("timeout 10 /usr/sbin/wrmsr 0x1a0 1"), [
      ["/usr/sbin/wrmsr", "0x1a0", "1"],
    ]);
  });

  it("kexec syscall choice", () => {
    assert.equal(kexecSyscall(["-p", "/boot/vmlinuz"]), "load");
    assert.equal(kexecSyscall(["-s", "-p"]), "file");
    assert.equal(kexecSyscall(["--kexec-file-syscall"]), "file");
    assert.equal(kexecSyscall(["-a"]), "auto");
    assert.equal(kexecSyscall(["-s", "-c"]), "load");
  });

  it("setserial: only port/IRQ/type changes count", () => {
    const r = new Root(tmpdir(), { live: false });
    assert.deepEqual(
      serialChanges(r, "/dev/ttyS0", ["uart", "16550A", "port", "0x3f8", "irq", "4", "baud_base", "115200"]),
      [],
    );
    assert.deepEqual(serialChanges(r, "/dev/ttyS1", ["port", "0x2e8", "irq", "5"]), [
      "port 0x2e8 (kernel default 0x2f8)",
      "irq 5 (kernel default 3)",
    ]);
    assert.deepEqual(serialChanges(r, "/dev/ttyS0", ["spd_vhi", "low_latency"]), []);
    assert.deepEqual(serialChanges(r, "/dev/ttyS2", ["uart", "none"]), ["uart none"]);
  });

  it("hardware parameters come from the module's own __param table", { skip: SKIP_SHARED }, async () => {
    const p = await readModuleParams(sharedPath("corpus/oracle/6.1.0-56-amd64/hwparam.ko"));
    assert.ok(
      p.some((x) => x.name === "port" && x.hardware),
      JSON.stringify(p),
    );
    const m = await readModuleParams(sharedPath("corpus/oracle/6.1.0-56-amd64/mtd.ko"));
    assert.ok(m.every((x) => !x.hardware));
  });
});

describe("a 6.12 root (ECDSA P-384 builtin key, .ko.xz) from the oracle corpus", {
  skip: SKIP_SHARED,
}, () => {
  let d: string;
  const rel = "6.12.117+deb12-amd64";
  before(() => {
    d = mkdtempSync(join(tmpdir(), "kl-612-"));
    const o = (f: string) => sharedPath(`corpus/oracle/${rel}/${f}`);
    mkdirSync(join(d, "boot"), { recursive: true });
    copyFileSync(o("vmlinuz.signed"), join(d, `boot/vmlinuz-${rel}`));
    const m = `lib/modules/${rel}/kernel`;
    mkdirSync(join(d, m, "lib"), { recursive: true });
    copyFileSync(o("compressed.ko.xz"), join(d, m, "lib/crc-itu-t.ko.xz"));
    copyFileSync(o("signed.ko"), join(d, m, "lib/msr.ko"));
    copyFileSync(o("unsigned.ko"), join(d, m, "lib/crc7.ko"));
    copyFileSync(o("badsig.ko"), join(d, m, "lib/crc8.ko"));
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it("verifies each module against the builtin key extracted from the zstd image", async () => {
    const r = await audit({ root: d, ...defaultAuditHooks() });
    const k = r.kernels[0];
    assert.equal(k?.modules.total, 4);
    assert.equal(k?.modules.signed, 2, JSON.stringify(r.findings));
    assert.deepEqual(
      r.findings.map((f) => [f.id, f.subject.split("/").pop()]),
      [
        ["module.unsigned", "crc7.ko"],
        ["module.bad-signature", "crc8.ko"],
      ],
    );
  });
});

describe("a simulated live host", () => {
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), "kl-live-"));
    put(d, "sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
    put(d, "sys/kernel/security/lsm", "lockdown,capability,landlock,yama,apparmor");
    put(d, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro resume=/dev/sda2 quiet\n");
    put(d, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
    put(d, "proc/sys/kernel/tainted", "12288\n");
    put(
      d,
      "proc/modules",
      "vboxdrv 696320 2 vboxnetadp, Live 0x0000000000000000 (OE)\next4 1081344 1 - Live 0x0000000000000000\n",
    );
    put(d, "sys/module/vboxdrv/taint", "OE\n");
    put(d, "sys/module/ext4/taint", "\n");
    const sb = Buffer.from([6, 0, 0, 0, 1]);
    put(d, "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", sb);
    put(
      d,
      "sys/firmware/efi/efivars/SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c",
      Buffer.from([6, 0, 0, 0, 0]),
    );
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it("reads the level, Secure Boot, taint and loaded unsigned modules", async () => {
    const r = await audit({ root: d, live: true, ...defaultAuditHooks() });
    assert.equal(r.live, true);
    assert.equal(r.current.level, "integrity");
    assert.equal(r.current.lsmActive, true);
    assert.equal(r.current.secureBoot, "enabled");
    assert.equal(r.current.liveModules?.taint, 12288);
    assert.match(r.current.liveModules?.taintFlags ?? "", /E \(unsigned module\)/);
    assert.deepEqual(r.current.liveModules?.unsigned, ["vboxdrv"]);
    assert.ok(r.findings.some((f) => f.id === "module.loaded-unsigned" && f.subject.includes("vboxdrv")));
    assert.ok(
      r.findings.some((f) => f.id === "hibernation.resume-cmdline" && f.subject.includes("/proc/cmdline")),
    );
  });
});

describe("an offline root with look-alikes", () => {
  let d: string;
  before(() => {
    d = mkdtempSync(join(tmpdir(), "kl-misc-"));
    put(d, "etc/default/grub", 'GRUB_CMDLINE_LINUX="ima_appraise=log kgdboc=ttyS0"\n');
    put(d, "etc/ima/ima-policy", "appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig\n");
    put(
      d,
      "var/lib/setserial/autoserial.conf",
      "###AUTOSAVE###\n/dev/ttyS0 uart 16550A port 0x03f8 irq 4 baud_base 115200 spd_normal skip_test\n/dev/ttyS1 uart unknown port 0x02f8 irq 3 baud_base 115200 spd_normal\n/dev/ttyS4 uart 16550A port 0xe000 irq 17 baud_base 115200 spd_normal\n",
    );
    put(d, "usr/share/bcc/tools/opensnoop", "#!/usr/bin/python3\n");
    put(
      d,
      "etc/systemd/system/prof.service",
      "[Service]\nExecStart=/usr/bin/perf record -g -a -o /var/tmp/perf.data sleep 10\nExecStartPost=/usr/bin/setpci -s 00:1f.0 0x40.l\n",
    );
    put(
      d,
      "etc/systemd/system/probe.service",
      "[Service]\nExecStart=/usr/bin/perf probe -a do_sys_open\nExecStartPost=-/bin/sh -c 'setpci -s 00:1f.0 0x40.b=0x01'\n",
    );
    put(d, "etc/fstab", "tracefs /sys/kernel/tracing tracefs defaults 0 0\n");
    put(d, "etc/default/kdump-tools", 'USE_KDUMP=1\nKDUMP_KEXEC_ARGS="-s"\n');
    put(d, "etc/default/kexec", "LOAD_KEXEC=false\n");
    put(d, "etc/initramfs-tools/conf.d/resume", "RESUME=none\n");
    const elf = (imports: string) =>
      Buffer.concat([
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
        Buffer.alloc(56),
        Buffer.from(`\0libc.so.6\0${imports}\0GLIBC_2.2.5\0`),
      ]);
    put(d, "usr/sbin/portpoke", elf("ioperm\0outb"));
    put(d, "usr/sbin/hwclock", elf("iopl\0ioctl"));
    put(d, "usr/bin/ls", elf("opendir\0readdir"));
  });
  after(() => rmSync(d, { recursive: true, force: true }));

  it("reports exactly the real problems", async () => {
    const r = await audit({ root: d, ...defaultAuditHooks() });
    assert.deepEqual(r.findings.map((f) => `${f.id} ${f.breaksAt} ${f.subject}`).sort(), [
      "debug.kgdb integrity kgdboc=ttyS0 (/etc/default/grub)",
      "ima.kexec-appraisal-not-enforced integrity ima_appraise=log (/etc/default/grub)",
      "tool.bpf-tracing confidentiality /usr/share/bcc/tools/opensnoop",
      "tool.bpf-tracing confidentiality /usr/share/bcc/tools/opensnoop",
      "tool.ioport integrity /usr/sbin/portpoke",
      "tool.pci-write.invoked integrity /etc/systemd/system/probe.service:3",
      "tool.perf.invoked confidentiality /etc/systemd/system/probe.service:2",
      "tracefs.mount confidentiality /etc/fstab:1",
    ]);
    assert.ok(r.fine.some((f) => f.subject.includes("autoserial.conf:3")));
    assert.ok(r.fine.some((f) => f.subject.includes("autoserial.conf:4")));
    assert.ok(r.fine.some((f) => f.subject.includes("prof.service:2")));
  });
});

describe("module pool with worker threads", () => {
  it("gives the same answers as in-process checking", { skip: SKIP_SHARED }, async () => {
    const dir = sharedPath("corpus/oracle/6.1.0-56-amd64");
    const files = ["signed.ko", "unsigned.ko", "badsig.ko", "mtd.ko", "phram.ko", "ah4.ko"].map((f) =>
      join(dir, f),
    );
    const many = Array.from({ length: 70 }, (_, i) => files[i % files.length] as string);
    const keys = {
      version: "6.1" as const,
      builtin: [readFileSync(join(dir, "module-signing.der"))],
      platform: [],
    };
    const inProcess = await startModuleBatch(many, { workers: 0 }).verify(keys);
    let progress = 0;
    const pooled = await startModuleBatch(many, { workers: 2, progress: (d) => (progress = d) }).verify(keys);
    assert.equal(progress, many.length);
    assert.deepEqual(
      pooled.map((r) => [r.file, r.verdict, r.errno]),
      inProcess.map((r) => [r.file, r.verdict, r.errno]),
    );
    assert.deepEqual(
      inProcess.slice(0, 3).map((r) => r.verdict),
      ["valid", "unsigned", "invalid"],
    );
  });
});

describe("kdump with kexec -s and an unsigned crash kernel", { skip: SKIP_SHARED }, () => {
  it("the crash kernel's missing signature is the finding, not the syscall", async () => {
    const d = mkdtempSync(join(tmpdir(), "kl-kdump-"));
    try {
      put(
        d,
        "etc/default/kdump-tools",
        'USE_KDUMP=1\nKDUMP_KERNEL=/boot/vmlinuz-crash\nKDUMP_KEXEC_ARGS="-s"\n',
      );
      mkdirSync(join(d, "boot"), { recursive: true });
      copyFileSync(
        sharedPath("corpus/oracle/6.1.0-56-amd64/vmlinuz.unsigned"),
        join(d, "boot/vmlinuz-crash"),
      );
      const r = await audit({ root: d, ...defaultAuditHooks() });
      assert.deepEqual(
        r.findings.map((f) => [f.id, f.reason, f.breaksAt]),
        [["kexec.crash-kernel-unsigned", "LOCKDOWN_KEXEC", "integrity"]],
      );
      put(
        d,
        "etc/default/kdump-tools",
        'USE_KDUMP=1\nKDUMP_KERNEL=/boot/vmlinuz-crash\nKDUMP_KEXEC_ARGS="-s"\n',
      );
      copyFileSync(sharedPath("corpus/oracle/6.1.0-56-amd64/vmlinuz.signed"), join(d, "boot/vmlinuz-crash"));
      const ok = await audit({
        root: d,
        certs: [sharedPath("corpus/pe/certs/debian-secure-boot-ca.der")],
        ...defaultAuditHooks(),
      });
      assert.deepEqual(ok.findings, []);
      assert.ok(ok.fine.some((f) => f.subject.includes("vmlinuz-crash") && /verifies/.test(f.detail)));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

// The audit against a root built from the real Debian kernel package
// (test/fixtures/build-root.ts) with one planted problem of each kind: every
// planted problem is found with its reason and level, nothing is reported for
// the look-alikes that are fine.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type AuditReport, audit } from "../../src/audit/index.js";
import { renderHtml } from "../../src/audit/report/html.js";
import { renderJson } from "../../src/audit/report/json.js";
import { renderPrometheus } from "../../src/audit/report/prometheus.js";
import { renderText } from "../../src/audit/report/text.js";
import { defaultAuditHooks } from "../../src/audit/wiring.js";
import { main } from "../../src/cli/main.js";
import { buildRoot, CACHE, type Expected } from "../fixtures/build-root.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const ROOT = join(CACHE, "root-small");
let expected: Expected | undefined;
let skip: string | false = false;
try {
  expected = buildRoot({ out: ROOT });
} catch (e) {
  skip = `fixture root not buildable here (needs apt-get or a cached linux-image .deb, dpkg-deb, openssl, xz, zstd): ${(e as Error).message.split("\n")[0]}`;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), isTTY: false }, out, err };
}

describe("audit of the Debian fixture root", { skip }, () => {
  let report: AuditReport;
  before(async () => {
    report = await audit({ root: ROOT, ...defaultAuditHooks() });
  });

  it("finds every planted problem with its reason and level", () => {
    const e = expected as Expected;
    for (const p of e.findings) {
      const hit = report.findings.find((f) => f.id === p.id && f.subject.includes(p.subject));
      assert.ok(hit, `planted ${p.id} on ${p.subject} not found`);
      assert.equal(hit.reason, p.reason, `${p.id} ${p.subject}`);
      assert.equal(hit.breaksAt, p.breaksAt, `${p.id} ${p.subject}`);
    }
  });

  it("reports nothing that was not planted (no false alarms)", () => {
    const e = expected as Expected;
    for (const f of report.findings) {
      const planted = e.findings.some((p) => p.id === f.id && f.subject.includes(p.subject));
      assert.ok(planted, `unexpected finding ${f.id} ${f.subject}: ${f.evidence}`);
    }
    for (const fine of e.fine)
      for (const f of report.findings)
        assert.ok(!f.subject.includes(fine), `${fine} is fine but reported: ${f.id}`);
  });

  it("one finding per command-line parameter, naming every file that sets it", () => {
    const cmd = report.findings.filter((f) => /^(modparam|hibernation\.resume-cmdline)/.test(f.id));
    for (const p of (expected as Expected).findings.filter((x) => cmd.some((f) => f.id === x.id)))
      assert.equal(cmd.filter((f) => f.subject.includes(p.subject)).length, 1, `${p.id} ${p.subject}`);
    const resume = cmd.find((f) => f.subject.startsWith("resume=UUID"));
    assert.match(resume?.subject ?? "", /\(\/etc\/default\/grub, \/etc\/kernel\/cmdline\)$/);
    assert.match(
      resume?.evidence ?? "",
      /set 2 times, with the same value: \/etc\/default\/grub:4 .*\/etc\/kernel\/cmdline:1/,
    );
    // Two grub.d snippets disagree: the later one (name order) is what GRUB's command line ends with.
    const ir = cmd.find((f) => f.subject.startsWith("serial_ir.io="));
    assert.match(ir?.subject ?? "", /^serial_ir\.io=0x3e8 \(/);
    assert.match(ir?.evidence ?? "", /swapfile\.cfg:1 \(serial_ir\.io=0x2f8\)/);
    assert.match(
      ir?.evidence ?? "",
      /GRUB's command line \(update-grub\) gets serial_ir\.io=0x3e8 from \/etc\/default\/grub\.d\/zz-irblaster\.cfg:1 \(the last one on it wins/,
    );
  });

  it("one finding per module option set in several modprobe.d files, naming each and the value that wins", () => {
    const i2c = report.findings.filter(
      (f) => f.id === "modparam.hardware" && f.subject.startsWith("i2c_piix4."),
    );
    assert.equal(i2c.length, 1, i2c.map((f) => f.subject).join("; "));
    const f = i2c[0] as (typeof i2c)[number];
    assert.equal(
      f.subject,
      "i2c_piix4.force_addr=0xb00 (/lib/modprobe.d/i2c-smbus.conf:1, /etc/modprobe.d/i2c.conf:1)",
    );
    assert.match(
      f.evidence,
      /set in 2 places with different values: \/lib\/modprobe\.d\/i2c-smbus\.conf:1 \(force_addr=0xb20\), \/etc\/modprobe\.d\/i2c\.conf:1 \(force_addr=0xb00\); .*i2c_piix4 gets force_addr=0xb00 from \/etc\/modprobe\.d\/i2c\.conf:1 \(the last one wins\)/,
    );
    assert.match(
      f.evidence,
      /fails with EPERM at the first of them, \/lib\/modprobe\.d\/i2c-smbus\.conf:1 \("i2c_piix4: `0xb20' invalid for parameter `force_addr'"\)/,
    );
    assert.match(f.remedy, /from \/lib\/modprobe\.d\/i2c-smbus\.conf, \/etc\/modprobe\.d\/i2c\.conf;/);
  });

  it("built-in drivers' hardware parameters: the kernel's outcome and log lines, look-alikes fine", () => {
    const share = report.findings.find(
      (f) => f.id === "modparam.builtin-hardware" && f.subject.startsWith("8250.share_irqs"),
    );
    assert.match(share?.subject ?? "", /\(\/etc\/default\/grub, \/etc\/default\/grub\.d\/serial\.cfg\)$/);
    const rsa = report.findings.find((f) => f.subject.startsWith("8250.probe_rsa"));
    assert.ok(rsa);
    assert.ok(
      rsa.evidence.includes(
        `"Lockdown: swapper: unsafe module parameters is restricted; see man kernel_lockdown.7" and "Booting kernel: \`0x2e8' invalid for parameter \`8250.probe_rsa'"`,
      ),
      rsa.evidence,
    );
    assert.match(rsa.evidence, /^\/etc\/kernel\/cmdline:1: 8250\.probe_rsa=0x2e8: /);
    const fine = report.fine.filter((f) => f.check === "modparams").map((f) => f.detail);
    assert.ok(fine.some((d) => d.startsWith("8250.nr_uarts=8: nr_uarts is a parameter of 8250, built into")));
    assert.ok(fine.some((d) => d.startsWith("i8042.nopnp: ")));
    // 8250_core.* exists only with SERIAL_8250_DEPRECATED_OPTIONS: neither built in nor a module here.
    assert.ok(report.notes.some((n) => n.includes("8250_core.share_irqs (module not found")));
  });

  it("reads the kernel: builtin key from the image, modules verified against it", () => {
    const k = report.kernels[0];
    assert.ok(k);
    assert.equal(k.release, (expected as Expected).release);
    assert.equal(k.builtinCertificates.length, 1);
    assert.match(k.builtinCertificates[0] ?? "", /Build time autogenerated kernel key/);
    assert.equal(k.modules.unsigned, 3);
    assert.equal(k.modules.untrusted, 1);
    assert.equal(k.modules.invalid, 2);
    assert.equal(k.modules.signed, k.modules.total - 6);
    assert.ok(k.modules.outOfTree.some((o) => o.origin === "dkms" && o.path.endsWith("vboxdrv.ko")));
    assert.equal(k.lockdown.withSecureBoot, "integrity");
    assert.equal(k.signature?.verdict, "untrusted", "Debian's signer is not in the builtin keyring");
  });

  it("--cert with the DKMS key makes the DKMS-signed module trusted", async () => {
    const r = await audit({
      root: ROOT,
      certs: [join(ROOT, "var/lib/dkms/mok.pub")],
      ...defaultAuditHooks(),
    });
    assert.ok(!r.findings.some((f) => f.subject.endsWith("zfs.ko")));
    assert.equal(r.findings.length, report.findings.length - 1);
  });

  it("--cert with the Debian Secure Boot CA: the image is accepted for kexec_file_load", {
    skip: SKIP_SHARED,
  }, async () => {
    const r = await audit({
      root: ROOT,
      certs: [sharedPath("corpus/pe/certs/debian-secure-boot-ca.pem")],
      ...defaultAuditHooks(),
    });
    assert.equal(r.kernels[0]?.signature?.verdict, "valid");
    assert.match(r.kernels[0]?.acceptedBy ?? "", /^accepted/);
    assert.equal(r.findings.length, report.findings.length);
  });

  it("without the kernel image: unverifiable modules are not blamed, another key still shows", async () => {
    const d = mkdtempSync(join(tmpdir(), "kl-noimage-"));
    try {
      cpSync(ROOT, d, { recursive: true, verbatimSymlinks: true });
      rmSync(join(d, "boot", `vmlinuz-${(expected as Expected).release}`));
      const r = await audit({ root: d, ...defaultAuditHooks() });
      const mods = r.findings
        .filter((f) => f.id.startsWith("module."))
        .map((f) => `${f.id} ${f.subject.split("/").pop()}`);
      assert.deepEqual(mods.sort(), [
        "module.unsigned loop.ko.zst",
        "module.unsigned nvidia.ko.xz",
        "module.unsigned vboxdrv.ko",
        "module.untrusted-key zfs.ko",
      ]);
      assert.ok(r.notes.some((n) => /could not be verified/.test(n)));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("forecast and grouping", () => {
    const integ = report.findings.filter((f) => f.breaksAt === "integrity").length;
    assert.equal(report.forecast.integrity.breaks, integ);
    assert.equal(report.forecast.confidentiality.breaks, report.findings.length);
    assert.equal(report.live, false);
    assert.equal(report.current.level, "unknown");
    const t = renderText(report);
    assert.match(t, /Breaks at integrity: \d+/);
    assert.match(t, /Breaks only at confidentiality: \d+/);
    assert.match(t, /Not ready for integrity/);
  });

  it("json is the stable schema", () => {
    const j = JSON.parse(renderJson(report));
    assert.equal(j.schema, 1);
    assert.equal(typeof j.root, "string");
    assert.ok("level" in j.current);
    const k = j.kernels[0];
    for (const key of ["release", "image", "modules"]) assert.ok(key in k, key);
    assert.match(k.image, /^\/boot\/vmlinuz-/);
    for (const key of ["total", "signed", "unsigned", "invalid"])
      assert.equal(typeof k.modules[key], "number");
    for (const f of j.findings)
      for (const key of ["id", "reason", "breaksAt", "subject", "evidence", "remedy"])
        assert.equal(typeof f[key], "string");
    assert.equal(typeof j.forecast.integrity.breaks, "number");
    assert.equal(typeof j.forecast.confidentiality.breaks, "number");
  });

  it("prometheus textfile format", () => {
    const p = renderPrometheus(report);
    const lines = p.trim().split("\n");
    for (const l of lines)
      assert.match(
        l,
        /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"\n]*"(,[a-z_]+="[^"\n]*")*\})? -?[0-9.e+-]+)$/,
        l,
      );
    assert.match(
      p,
      new RegExp(`kernel_lockdown_audit_breaks\\{level="integrity"\\} ${report.forecast.integrity.breaks}`),
    );
    assert.match(p, /kernel_lockdown_audit_ready\{level="integrity"\} 0/);
  });

  it("html is one self-contained page", () => {
    const h = renderHtml(report);
    assert.match(h, /^<!doctype html>/);
    assert.doesNotMatch(h, /<script|<link|src=|https?:\/\//);
    assert.match(h, /Breaks at integrity/);
  });

  it("CLI: exit 1 when something breaks, --output, usage errors exit 2", async () => {
    const c = capture();
    const dir = mkdtempSync(join(tmpdir(), "kl-audit-cli-"));
    try {
      const out = join(dir, "r.json");
      assert.equal(await main(["audit", "--root", ROOT, "--format", "json", "--output", out], c.io), 1);
      assert.equal(JSON.parse(readFileSync(out, "utf8")).kernels.length, 1);
      const bad = capture();
      assert.equal(await main(["audit", "--root", ROOT, "--level", "none"], bad.io), 2);
      assert.match(bad.err.join(""), /--level must be one of integrity, confidentiality/);
      assert.equal(await main(["audit", "--root", join(dir, "missing")], capture().io), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("audit of roots without problems", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kl-audit-clean-"));
    writeFileSync(join(dir, "README"), "an empty root\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("an empty offline root: exit 0, says no kernel was found", async () => {
    const c = capture();
    assert.equal(await main(["audit", "--root", dir], c.io), 0);
    assert.match(c.out.join(""), /no installed kernel found/);
    assert.match(c.out.join(""), /Ready for integrity/);
  });

  it("this machine's own / is audited live and says what it could see", async () => {
    const r = await audit({ root: "/", ...defaultAuditHooks() });
    assert.equal(r.live, true);
    assert.ok(["none", "integrity", "confidentiality", "unknown"].includes(r.current.level));
    assert.ok(r.current.source.length > 10);
  });
});

// The audit against the held-out root (test/fixtures/build-root-heldout.ts):
// planted problems written the way real systems have them, with names, paths
// and syntaxes the first fixture does not use, and look-alikes that are fine.
// Both directions: every planted problem is found once, with its reason and
// level, and nothing else is reported.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { type AuditReport, audit } from "../../src/audit/index.js";
import { defaultAuditHooks } from "../../src/audit/wiring.js";
import { CACHE } from "../fixtures/build-root.js";
import { buildHeldoutRoot, type HeldoutExpected } from "../fixtures/build-root-heldout.js";

const ROOT = join(CACHE, "heldout-small");

function missingTool(): string | undefined {
  for (const [t, arg] of [
    ["dpkg-deb", "--version"],
    ["openssl", "version"],
    ["xz", "--version"],
    ["zstd", "--version"],
  ] as const) {
    try {
      execFileSync(t, [arg], { stdio: "ignore" });
    } catch {
      return t;
    }
  }
  return undefined;
}

let expected: HeldoutExpected | undefined;
let skip: string | false = false;
const missing = missingTool();
if (missing) skip = `held-out root not buildable: ${missing} is not installed`;
else
  try {
    expected = buildHeldoutRoot({ out: ROOT });
  } catch (e) {
    skip = `held-out root not buildable here (needs apt-get or a cached linux-image .deb): ${(e as Error).message.split("\n")[0]}`;
  }

type F = AuditReport["findings"][number];
const matches = (p: HeldoutExpected["problems"][number], f: F) =>
  f.subject.includes(p.subject) &&
  f.reason === p.reason &&
  f.breaksAt === p.breaksAt &&
  (p.id === undefined || f.id === p.id);

describe("audit of the held-out root", { skip }, () => {
  let report: AuditReport;
  before(async () => {
    report = await audit({ root: ROOT, ...defaultAuditHooks() });
  });

  it("finds every planted problem exactly once, with its reason and level", () => {
    const e = expected as HeldoutExpected;
    const problems: string[] = [];
    for (const p of e.problems) {
      const hits = report.findings.filter((f) => matches(p, f));
      if (hits.length !== 1)
        problems.push(
          `${p.reason} ${p.subject} (${p.why}): ${hits.length === 0 ? "not found" : `reported ${hits.length} times: ${hits.map((h) => h.subject).join("; ")}`}`,
        );
    }
    assert.deepEqual(problems, []);
  });

  it("reports nothing that was not planted, and no look-alike", () => {
    const e = expected as HeldoutExpected;
    const extra = report.findings
      .filter(
        (f) =>
          !e.problems.some((p) => matches(p, f)) && !e.tolerated.some((t) => f.subject.includes(t.subject)),
      )
      .map((f) => `${f.id} ${f.reason} ${f.subject}: ${f.evidence}`);
    assert.deepEqual(extra, []);
    const alarms: string[] = [];
    for (const fine of e.fine)
      for (const f of report.findings)
        if (f.subject.includes(fine.subject))
          alarms.push(`${fine.subject} (${fine.why}) reported as ${f.id}`);
    assert.deepEqual(alarms, []);
  });

  it("merged /usr: nothing is reported twice under /lib and /usr/lib", () => {
    const key = (f: F) => `${f.id} ${f.reason} ${f.subject.replace(/(^|[\s(])\/usr\//g, "$1/")}`;
    const seen = new Set<string>();
    for (const f of report.findings) {
      assert.ok(!seen.has(key(f)), `reported twice: ${key(f)}`);
      seen.add(key(f));
    }
  });

  it("module counts and the next boot's lockdown level", () => {
    const e = expected as HeldoutExpected;
    const k = report.kernels[0];
    assert.ok(k);
    assert.equal(report.kernels.length, 1, "the leftover /lib/modules/6.1.0-50-amd64 is no installed kernel");
    assert.ok(report.notes.some((n) => n.includes("6.1.0-50-amd64") && /not installed/.test(n)));
    assert.equal(k.modules.total, e.moduleFiles);
    assert.equal(k.modules.unsigned, 4); // dummy (stripped), crc8_cut (marker cut), acme_wifi and acme_cam (DKMS)
    assert.equal(k.modules.invalid, 3); // the two truncated PKCS#7, authattrs
    assert.equal(k.modules.untrusted, 3); // vendor key, local MOK, ENOPKG
    assert.equal(k.modules.signed, k.modules.total - 10);
    assert.equal(k.lockdown.force, e.lockdown.force);
    assert.equal(k.lockdown.nextBoot, e.lockdown.nextBoot);
    assert.equal(report.forecast.confidentiality.breaks, report.findings.length);
  });

  it("IMA: Debian's kernel has no ima_appraise_signature(), so the kexec rule waives nothing", () => {
    assert.ok(report.current.ima.policy);
    assert.equal(report.current.ima.kexecWaiver, false);
    assert.match(report.current.ima.kexecWaiverNote ?? "", /INTEGRITY_TRUSTED_KEYRING/);
  });
});

describe("held-out details that need a root of their own", () => {
  it("kernel-install's /usr/lib/kernel/cmdline counts when /etc/kernel/cmdline is absent", async () => {
    const d = mkdtempSync(join(tmpdir(), "kl-heldout-kc-"));
    try {
      mkdirSync(join(d, "usr/lib/kernel"), { recursive: true });
      writeFileSync(join(d, "usr/lib/kernel/cmdline"), "root=/dev/vda1 ro resume=/dev/vda9\n");
      const r = await audit({ root: d });
      assert.ok(
        r.findings.some(
          (f) => f.id === "hibernation.resume-cmdline" && f.subject.includes("/usr/lib/kernel/cmdline"),
        ),
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

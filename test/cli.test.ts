import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Io } from "../src/cli/command.js";
import { main } from "../src/cli/main.js";
import { REPO, SKIP_SHARED, sharedPath } from "./helpers/shared.js";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("kernel-lockdown reasons", () => {
  for (const kernel of ["6.1", "6.12"])
    test(`--kernel ${kernel} --json agrees with reasons.json`, { skip: SKIP_SHARED }, async () => {
      const r = await run("reasons", "--kernel", kernel, "--json");
      assert.equal(r.code, 0);
      const ours = JSON.parse(r.out) as {
        reason: string;
        description: string;
        level: string;
        value: number;
      }[];
      const spec = JSON.parse(readFileSync(sharedPath("spec", "reasons.json"), "utf8")) as {
        reason: string;
        description: string;
        level: string;
        enumValue: number;
      }[];
      assert.deepEqual(
        ours,
        spec.map((s) => ({
          reason: s.reason,
          description: s.description,
          level: s.level,
          value: s.enumValue,
        })),
      );
    });

  test("--level filters", async () => {
    const c = JSON.parse((await run("reasons", "--level", "confidentiality", "--json")).out);
    assert.equal(c.length, 8);
    const i = JSON.parse((await run("reasons", "--level", "integrity", "--json")).out);
    assert.equal(i.length, 20);
  });

  test("text table ends with a count", async () => {
    const r = await run("reasons", "--kernel", "6.1");
    assert.match(r.out, /LOCKDOWN_XFRM_SECRET\s+xfrm SA secret\s+confidentiality/);
    assert.match(r.out, /28 reasons in Linux 6\.1$/);
  });

  test("bad flags: one line naming the argument, exit 2", async () => {
    for (const argv of [
      ["reasons", "--kernel", "5.4"],
      ["reasons", "--level", "none"],
      ["reasons", "--frob"],
      ["reasons", "extra"],
      ["reasons", "--kernel"],
    ]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.equal(r.err.split("\n").length, 1, r.err);
      assert.match(r.err, /^kernel-lockdown reasons: /);
    }
  });
});

describe("kernel-lockdown explain", () => {
  test("an operation: reason, level, effect, remedy", async () => {
    const r = await run("explain", "kexec");
    assert.equal(r.code, 0);
    assert.match(r.out, /LOCKDOWN_KEXEC \("kexec of unsigned images"\)/);
    assert.match(r.out, /denied from: integrity/);
    assert.match(r.out, /remedy: .*kexec -s/);
  });
  test("--json", async () => {
    const r = await run("explain", "--json", "/proc/kcore");
    const j = JSON.parse(r.out);
    assert.equal(j.reasons[0].reason, "LOCKDOWN_KCORE");
    assert.equal(j.reasons[0].level, "confidentiality");
  });
  test("nothing matches: exit 1; nothing given: exit 2", async () => {
    assert.equal((await run("explain", "frobnicate")).code, 1);
    assert.equal((await run("explain")).code, 2);
  });
});

describe("kernel-lockdown status", () => {
  function fakeRoot(files: Record<string, string | Buffer>): string {
    const root = mkdtempSync(join(tmpdir(), "kl-status-"));
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    return root;
  }
  const efivar = (v: number, attrs = 0x6) => Buffer.from([attrs, 0, 0, 0, v]);

  test("a Secure Boot host locked down to integrity", async () => {
    const root = fakeRoot({
      "/proc/sys/kernel/osrelease": "6.1.0-56-amd64\n",
      "/sys/kernel/security/lsm": "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf",
      "/sys/kernel/security/lockdown": "none [integrity] confidentiality\n",
      "/proc/cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n",
      "/sys/firmware/efi/systab": "",
      "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0c8fe3c0e2d": efivar(1),
      "/sys/firmware/efi/efivars/SetupMode-8be4df61-93ca-11d2-aa0d-e0c8fe3c0e2d": efivar(0),
      "/boot/config-6.1.0-56-amd64":
        "CONFIG_SECURITY_LOCKDOWN_LSM=y\nCONFIG_SECURITY_LOCKDOWN_LSM_EARLY=y\nCONFIG_LOCK_DOWN_KERNEL_FORCE_NONE=y\nCONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT=y\n",
    });
    const r = await run("status", "--root", root);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /lockdown LSM\s+active/);
    assert.match(r.out, /level\s+integrity/);
    assert.match(r.out, /raised by\s+EFI Secure Boot/);
    assert.match(r.out, /secure boot\s+enabled \(SecureBoot=1, SetupMode=0\)/);
    const j = JSON.parse((await run("status", "--root", root, "--json")).out);
    assert.equal(j.level.value, "integrity");
    assert.equal(j.efi.mode, "enabled");
  });

  test("lockdown= on the command line, malformed values named", async () => {
    const root = fakeRoot({
      "/proc/sys/kernel/osrelease": "6.12.117+deb12-amd64\n",
      "/sys/kernel/security/lsm": "lockdown,capability",
      "/sys/kernel/security/lockdown": "none integrity [confidentiality]\n",
      "/proc/cmdline": "quiet lockdown=none lockdown=confidentiality\n",
    });
    const r = await run("status", "--root", root);
    assert.equal(r.code, 0);
    assert.match(r.out, /raised by\s+boot parameter lockdown=confidentiality/);
    assert.match(r.out, /ignored as malformed: lockdown=none/);
    assert.match(r.out, /secure boot\s+not an EFI boot/);
  });

  test("every unreadable source is named, exit 1", async () => {
    const root = fakeRoot({ "/proc/cmdline": "quiet\n" });
    const r = await run("status", "--root", root);
    assert.equal(r.code, 1);
    assert.match(r.out, /lockdown LSM\s+unknown: \/sys\/kernel\/security\/lsm absent/);
    assert.match(r.out, /level\s+unknown: \/sys\/kernel\/security\/lockdown absent/);
    assert.match(r.out, /kernel\s+unknown: \/proc\/sys\/kernel\/osrelease absent/);
  });
});

describe("dispatcher", () => {
  test("--help everywhere, unknown command exit 2", async () => {
    assert.equal((await run("--help")).code, 0);
    for (const c of ["status", "reasons", "explain"]) {
      const r = await run(c, "--help");
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^usage: kernel-lockdown ${c}`));
    }
    const u = await run("frob");
    assert.equal(u.code, 2);
    assert.match(u.err, /unknown command "frob"/);
  });

  test("the installed bin runs (after npm run build)", {
    skip: existsSync(join(REPO, "dist", "cli", "main.js")) ? false : "dist/ not built",
  }, () => {
    const r = spawnSync(process.execPath, [join(REPO, "bin", "kernel-lockdown.js"), "explain", "iopl"], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /LOCKDOWN_IOPORT/);
    assert.equal(r.stderr, "");
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type BootOptions,
  bootLockdown,
  COMMAND_LINE_SIZE,
  DEBIAN_LOCKDOWN_CONFIG,
  efiGetSecureBoot,
  LockdownBoot,
  LogBuffer,
  splitCmdline,
} from "../../src/lsm/index.js";

const NOTICE = (where: string) => `Kernel is locked down from ${where}; see man kernel_lockdown.7`;
const MALFORMED = "Malformed early option 'lockdown'";

function boot(cmdline: string, extra: Omit<BootOptions, "version" | "cmdline"> = {}) {
  const buf = new LogBuffer();
  const b = bootLockdown({ version: "6.1", cmdline, log: buf.log, ...extra });
  return { b, lsm: b.lsm, log: buf.texts() };
}

describe("lockdown= boot parameter", () => {
  const cases: [string, string, string[]][] = [
    ["lockdown=integrity", "integrity", [NOTICE("command line")]],
    ["console=ttyS0 lockdown=confidentiality quiet", "confidentiality", [NOTICE("command line")]],
    ["lockdown=none", "none", [MALFORMED]],
    ["lockdown=", "none", [MALFORMED]],
    ["lockdown", "none", [MALFORMED]],
    ["lockdown=Integrity", "none", [MALFORMED]],
    ["lockdown=integrity,confidentiality", "none", [MALFORMED]],
    ["lockdown=confidentiality lockdown=integrity", "confidentiality", [NOTICE("command line")]],
    [
      "lockdown=integrity lockdown=confidentiality",
      "confidentiality",
      [NOTICE("command line"), NOTICE("command line")],
    ],
    ["lockdown=none lockdown=integrity", "integrity", [MALFORMED, NOTICE("command line")]],
    ['lockdown="integrity"', "integrity", [NOTICE("command line")]],
    ['"lockdown=integrity"', "integrity", [NOTICE("command line")]],
    ["quiet -- lockdown=integrity", "none", []],
    ["lockdown=integrity\tsplash", "integrity", [NOTICE("command line")]],
    ["", "none", []],
  ];
  for (const [cmdline, level, log] of cases)
    test(JSON.stringify(cmdline), () => {
      const r = boot(cmdline);
      assert.equal(r.lsm.level, level);
      assert.deepEqual(r.log, log);
      assert.equal(r.lsm.hookRegistered, true);
    });

  test(`only the first ${COMMAND_LINE_SIZE - 1} bytes of the command line are parsed`, () => {
    const pad = "x".repeat(COMMAND_LINE_SIZE - 1 - "lockdown=integrity".length);
    assert.equal(boot(`${pad}lockdown=integrity`).lsm.level, "none"); // becomes "xxx...lockdown=integrity": one word
    assert.equal(boot(`${pad.slice(1)} lockdown=integrity`).lsm.level, "integrity");
    assert.equal(boot(`${pad.slice(2)} lockdown=integrity`).lsm.level, "integrity");
    assert.deepEqual(boot(`${pad} lockdown=integrity`).log, [MALFORMED]); // cut to "lockdown=integrit"
  });
});

describe("next_arg tokenizer", () => {
  test("quotes, values with spaces, bare words", () => {
    assert.deepEqual(
      splitCmdline('a=1 b="x y" "c=z w" d dyndbg="file kernel/kexec_file.c +p" -- init args').args,
      [
        { param: "a", val: "1" },
        { param: "b", val: "x y" },
        { param: "c", val: "z w" },
        { param: "d", val: null },
        { param: "dyndbg", val: "file kernel/kexec_file.c +p" },
      ],
    );
    assert.equal(splitCmdline("a -- init args").afterDashes, "init args");
    assert.deepEqual(splitCmdline("=x").args, [{ param: "=x", val: null }]);
  });
});

describe("Kconfig and LSM ordering", () => {
  test("FORCE_INTEGRITY (early): Kernel configuration first, then the command line raises further", () => {
    const r = boot("lockdown=confidentiality", { config: { LOCK_DOWN_KERNEL_FORCE: "integrity" } });
    assert.deepEqual(r.log, [NOTICE("Kernel configuration"), NOTICE("command line")]);
    assert.equal(r.lsm.level, "confidentiality");
  });

  test("FORCE_CONFIDENTIALITY (not early): command line first, then security_init raises", () => {
    const r = boot("lockdown=integrity", {
      config: {
        LOCK_DOWN_KERNEL_FORCE: "confidentiality",
        SECURITY_LOCKDOWN_LSM_EARLY: false,
        LOCK_DOWN_IN_EFI_SECURE_BOOT: false,
      },
    });
    assert.deepEqual(r.log, [NOTICE("command line"), NOTICE("Kernel configuration")]);
  });

  test("FORCE at or below the command line's level is a silent no-op", () => {
    const r = boot("lockdown=confidentiality", {
      config: {
        LOCK_DOWN_KERNEL_FORCE: "integrity",
        SECURITY_LOCKDOWN_LSM_EARLY: false,
        LOCK_DOWN_IN_EFI_SECURE_BOOT: false,
      },
    });
    assert.deepEqual(r.log, [NOTICE("command line")]);
  });

  test("ordinary LSM: the hook is absent until security_init()", () => {
    const buf = new LogBuffer();
    const config = {
      ...DEBIAN_LOCKDOWN_CONFIG,
      SECURITY_LOCKDOWN_LSM_EARLY: false,
      LOCK_DOWN_IN_EFI_SECURE_BOOT: false,
    };
    const b = new LockdownBoot(config, "lockdown=integrity", { version: "6.12", log: buf.log });
    b.earlySecurityInit();
    b.parseEarlyParam();
    assert.equal(b.lsm.level, "integrity");
    // A boot-time check (e.g. the initrd ACPI table upgrade) made now is not enforced.
    assert.equal(b.lsm.securityLockedDown("LOCKDOWN_ACPI_TABLES", "swapper/0"), 0);
    b.securityInit();
    assert.equal(b.lsm.securityLockedDown("LOCKDOWN_ACPI_TABLES", "swapper/0"), -1);
  });

  test("early LSM (Debian): the hook is active before setup_arch", () => {
    const buf = new LogBuffer();
    const b = new LockdownBoot(DEBIAN_LOCKDOWN_CONFIG, "lockdown=integrity", {
      version: "6.12",
      log: buf.log,
    });
    b.earlySecurityInit();
    b.parseEarlyParam();
    assert.equal(b.lsm.securityLockedDown("LOCKDOWN_ACPI_TABLES", "swapper/0"), -1);
  });

  test("ordinary LSM left out of lsm=: level set, nothing enforced", () => {
    const r = boot("lockdown=integrity lsm=landlock,yama,apparmor", {
      config: { SECURITY_LOCKDOWN_LSM_EARLY: false, LOCK_DOWN_IN_EFI_SECURE_BOOT: false },
    });
    assert.equal(r.lsm.level, "integrity");
    assert.equal(r.b.enabled, false);
    assert.equal(r.lsm.securityLockedDown("LOCKDOWN_DEV_MEM", "probe"), 0);
  });

  test("early LSM cannot be dropped by lsm=", () => {
    const r = boot("lockdown=integrity lsm=apparmor");
    assert.equal(r.lsm.securityLockedDown("LOCKDOWN_DEV_MEM", "probe"), -1);
  });

  test("without SECURITY_LOCKDOWN_LSM nothing happens, lockdown= is not even an early param", () => {
    const r = boot("lockdown=integrity", { config: { SECURITY_LOCKDOWN_LSM: false } });
    assert.equal(r.lsm.level, "none");
    assert.deepEqual(r.log, []);
  });
});

describe("EFI Secure Boot (Debian patch)", () => {
  test("enabled: locked down from EFI Secure Boot, then 'Secure boot enabled'", () => {
    const r = boot("", { efi: { booted: true, mode: "enabled" } });
    assert.deepEqual(r.log, [NOTICE("EFI Secure Boot"), "secureboot: Secure boot enabled"]);
    assert.equal(r.lsm.level, "integrity");
  });
  test("enabled with lockdown=confidentiality: the raise is a silent no-op", () => {
    const r = boot("lockdown=confidentiality", { efi: { booted: true, mode: "enabled" } });
    assert.deepEqual(r.log, [NOTICE("command line"), "secureboot: Secure boot enabled"]);
  });
  test("lockdown=none cannot lower Secure Boot's integrity", () => {
    const r = boot("lockdown=none", { efi: { booted: true, mode: "enabled" } });
    assert.equal(r.lsm.level, "integrity");
    assert.deepEqual(r.log, [MALFORMED, NOTICE("EFI Secure Boot"), "secureboot: Secure boot enabled"]);
  });
  test("disabled, unknown, and not an EFI boot", () => {
    assert.deepEqual(boot("", { efi: { booted: true, mode: "disabled" } }).log, [
      "secureboot: Secure boot disabled",
    ]);
    assert.deepEqual(boot("", { efi: { booted: true, mode: "unknown" } }).log, [
      "secureboot: Secure boot could not be determined (mode 1)",
    ]);
    assert.deepEqual(boot("", { efi: { booted: false, mode: "enabled" } }).log, []);
  });
  test("without LOCK_DOWN_IN_EFI_SECURE_BOOT Secure Boot does not lock down", () => {
    const r = boot("", {
      efi: { booted: true, mode: "enabled" },
      config: { LOCK_DOWN_IN_EFI_SECURE_BOOT: false },
    });
    assert.equal(r.lsm.level, "none");
    assert.deepEqual(r.log, ["secureboot: Secure boot enabled"]);
  });
  test("the EFI stub's mode from SecureBoot, SetupMode and shim's MokSBStateRT", () => {
    assert.equal(efiGetSecureBoot({}).mode, "disabled");
    assert.deepEqual(efiGetSecureBoot({ SecureBoot: "error" }), {
      mode: "unknown",
      messages: ["Could not determine UEFI Secure Boot status."],
    });
    assert.equal(efiGetSecureBoot({ SecureBoot: { value: 0 } }).mode, "disabled");
    assert.equal(efiGetSecureBoot({ SecureBoot: { value: 1 }, SetupMode: { value: 1 } }).mode, "disabled");
    assert.deepEqual(efiGetSecureBoot({ SecureBoot: { value: 1 }, SetupMode: { value: 0 } }), {
      mode: "enabled",
      messages: ["UEFI Secure Boot is enabled."],
    });
    // mokutil --disable-validation: volatile MokSBStateRT = 1
    assert.equal(efiGetSecureBoot({ SecureBoot: { value: 1 }, MokSBStateRT: { value: 1 } }).mode, "disabled");
    assert.equal(
      efiGetSecureBoot({ SecureBoot: { value: 1 }, MokSBStateRT: { value: 1, nonVolatile: true } }).mode,
      "enabled",
    );
    assert.equal(efiGetSecureBoot({ SecureBoot: { value: 1 }, MokSBStateRT: "error" }).mode, "enabled");
  });
});

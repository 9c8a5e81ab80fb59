// /sys/kernel/security/lsm under lsm=, security= and CONFIG_LSM: security/security.c
// security_init() / ordered_lsm_parse() / prepare_lsm() on each series' LSM table
// (src/kernel/lsm-order.ts). Expected strings are derived by hand from the 6.1 and
// 6.12 sources; the defaults are the measured ones (LSM_NAMES).
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Kernel } from "../../src/kernel/kernel.js";
import { lsmInit } from "../../src/kernel/lsm-order.js";
import { applyConfig } from "../../src/kernel/profile.js";
import { LSM_NAMES } from "../../src/kernel/securityfs.js";
import type { KernelVersion } from "../../src/lsm/index.js";
import { boot, VERSIONS } from "./helpers.js";

const lsmFile = (v: KernelVersion, cmdline: string, config: Record<string, unknown> = {}) => {
  const k = boot(v, "none", { cmdline, config });
  k.mount("securityfs", "/sys/kernel/security");
  const r = k.read("/sys/kernel/security/lsm");
  assert.equal(r.result, "ok");
  return Buffer.from(r.data as Uint8Array).toString("latin1");
};

/** 6.12 always ends with its LSM_ORDER_LAST LSMs (ima, evm). */
const last = (v: KernelVersion) => (v === "6.12" ? ",ima,evm" : "");

const NOT_EARLY = { SECURITY_LOCKDOWN_LSM_EARLY: false, LOCK_DOWN_IN_EFI_SECURE_BOOT: false };

describe("securityfs lsm: lsm=, security=, CONFIG_LSM", () => {
  for (const v of VERSIONS) {
    describe(v, () => {
      it("without lsm=/security= computes the measured string", () => {
        assert.equal(lsmInit(v, applyConfig({}, "config", v), "").names, LSM_NAMES[v]);
        assert.equal(lsmFile(v, ""), LSM_NAMES[v]);
      });

      it("lsm=landlock,yama: early lockdown, capability first, the list (6.12: then ima, evm)", () => {
        assert.equal(lsmFile(v, "lsm=landlock,yama"), `lockdown,capability,landlock,yama${last(v)}`);
      });

      it("lsm= order is the command line's, not CONFIG_LSM's", () => {
        assert.equal(lsmFile(v, "lsm=bpf,yama,landlock"), `lockdown,capability,bpf,yama,landlock${last(v)}`);
      });

      it("lsm= skips unknown and unbuilt names (smack, loadpin, foo) and empty entries", () => {
        assert.equal(
          lsmFile(v, "lsm=smack,landlock,foo,,loadpin,yama,Yama"),
          `lockdown,capability,landlock,yama${last(v)}`,
        );
      });

      it("lsm= duplicates count once, at their first place", () => {
        assert.equal(
          lsmFile(v, "lsm=yama,landlock,yama,landlock,yama"),
          `lockdown,capability,yama,landlock${last(v)}`,
        );
      });

      it("lsm= cannot drop the early lockdown or capability (LSM_ORDER_FIRST)", () => {
        assert.equal(lsmFile(v, "lsm=yama"), `lockdown,capability,yama${last(v)}`);
        assert.equal(lsmFile(v, "lsm=lockdown,capability"), `lockdown,capability${last(v)}`);
        assert.equal(lsmFile(v, "lsm="), `lockdown,capability${last(v)}`);
      });

      it("the last lsm= wins", () => {
        assert.equal(lsmFile(v, "lsm=yama lsm=landlock"), `lockdown,capability,landlock${last(v)}`);
      });

      it("exclusive LSMs: the first enabled one wins; tomoyo is not exclusive", () => {
        assert.equal(lsmFile(v, "lsm=selinux,apparmor"), `lockdown,capability,selinux${last(v)}`);
        assert.equal(
          lsmFile(v, "lsm=apparmor,selinux,tomoyo"),
          `lockdown,capability,apparmor,tomoyo${last(v)}`,
        );
      });

      it("security=selinux: the other legacy majors (apparmor, tomoyo) are disabled", () => {
        const tail = v === "6.12" ? ",bpf,ipe,ima,evm" : ",bpf";
        assert.equal(lsmFile(v, "security=selinux"), `lockdown,capability,landlock,yama,selinux${tail}`);
        assert.equal(lsmFile(v, "security=apparmor"), `lockdown,capability,landlock,yama,apparmor${tail}`);
        assert.equal(lsmFile(v, "security=tomoyo"), `lockdown,capability,landlock,yama,tomoyo${tail}`);
      });

      it("security= naming no built major (smack, foo, empty) disables every legacy major", () => {
        const tail = v === "6.12" ? ",bpf,ipe,ima,evm" : ",bpf";
        for (const c of ["security=smack", "security=foo", "security="])
          assert.equal(lsmFile(v, c), `lockdown,capability,landlock,yama${tail}`, c);
      });

      it("security= appends the chosen LSM when CONFIG_LSM lacks it", () => {
        const r = lsmInit(v, applyConfig({ LSM: "landlock,yama,bpf" }, "config", v), "security=selinux");
        assert.equal(r.names, `lockdown,capability,landlock,yama,bpf,selinux${last(v)}`);
      });

      it("lsm= supersedes security=", () => {
        const r = lsmInit(v, applyConfig({}, "config", v), "security=selinux lsm=landlock,apparmor");
        assert.equal(r.names, `lockdown,capability,landlock,apparmor${last(v)}`);
        assert.equal(r.securityIgnored, true);
        assert.equal(r.origin, "cmdline");
      });

      it("CONFIG_LSM is the order without lsm=", () => {
        assert.equal(
          lsmFile(v, "", { LSM: "yama,selinux,landlock" }),
          `lockdown,capability,yama,selinux,landlock${last(v)}`,
        );
      });

      it("non-early lockdown (SECURITY_LOCKDOWN_LSM_EARLY and LOCK_DOWN_IN_EFI_SECURE_BOOT unset) follows lsm=", () => {
        const tail = v === "6.12" ? ",bpf,ipe,ima,evm" : ",bpf";
        assert.equal(lsmFile(v, "", NOT_EARLY), `capability,landlock,lockdown,yama,apparmor,tomoyo${tail}`);
        assert.equal(lsmFile(v, "lsm=yama,lockdown", NOT_EARLY), `capability,yama,lockdown${last(v)}`);
        assert.equal(lsmFile(v, "lsm=landlock,yama", NOT_EARLY), `capability,landlock,yama${last(v)}`);
      });

      it("without SECURITY_LOCKDOWN_LSM there is no lockdown", () => {
        assert.equal(
          lsmFile(v, "lsm=lockdown,yama", { SECURITY_LOCKDOWN_LSM: false, ...NOT_EARLY }),
          `capability,yama${last(v)}`,
        );
      });

      it("init.ts's lockdown enablement agrees with the computed LSM list", () => {
        const cmdlines = [
          "",
          "lsm=landlock,yama",
          "lsm=lockdown",
          "lsm=yama lsm=",
          "security=selinux",
          "lsm=",
        ];
        for (const config of [{}, NOT_EARLY])
          for (const c of cmdlines) {
            const k = boot(v, "none", { cmdline: c, config });
            const inList = lsmInit(v, k.config, k.cmdline).initialised.includes("lockdown");
            assert.equal(k.lsmBoot.enabled, inList, `${JSON.stringify(config)} ${c}`);
          }
      });
    });
  }

  it("6.1: integrity is ordered but registers no hooks; ima/evm are no LSMs", () => {
    const r = lsmInit("6.1", applyConfig({}, "config", "6.1"), "lsm=integrity,ima,evm,yama");
    assert.deepEqual(r.initialised, ["lockdown", "capability", "integrity", "yama"]);
    assert.equal(r.names, "lockdown,capability,yama");
  });

  it("6.12: ima/evm are LSM_ORDER_LAST, so lsm= cannot move or drop them", () => {
    assert.equal(lsmFile("6.12", "lsm=evm,ima,landlock"), "lockdown,capability,landlock,ima,evm");
    assert.equal(lsmFile("6.12", "lsm=integrity"), "lockdown,capability,ima,evm");
  });

  it("6.12: security=evm appends evm before the LSM_ORDER_LAST pass adds ima", () => {
    assert.equal(lsmFile("6.12", "security=evm"), "lockdown,capability,landlock,yama,bpf,ipe,evm,ima");
    assert.equal(lsmFile("6.12", "security=ima"), "lockdown,capability,landlock,yama,bpf,ipe,ima,evm");
  });

  it("6.12 without CONFIG_IMA has no ima; 6.1/6.12 without BPF_SYSCALL have no bpf", () => {
    assert.equal(
      lsmFile("6.12", "", { IMA: false, IMA_APPRAISE: false, IMA_ARCH_POLICY: false }).endsWith(",ipe,evm"),
      true,
    );
    assert.equal(
      lsmFile("6.1", "", { BPF_SYSCALL: false }),
      "lockdown,capability,landlock,yama,apparmor,tomoyo",
    );
  });
});

describe("security= superseded by lsm=: the boot line", () => {
  const lines = (v: "6.1" | "6.12", cmdline: string) => {
    const k = new Kernel({ version: v, cmdline });
    k.boot();
    return k.bootLog.filter((l) => l.text.startsWith("LSM:")).map((l) => [l.level, l.text]);
  };
  it("6.1: pr_info without values", () => {
    assert.deepEqual(lines("6.1", "security=selinux lsm=landlock,yama"), [
      ["info", "LSM: security= is ignored because it is superseded by lsm="],
    ]);
  });
  it("6.12: pr_warn naming both", () => {
    assert.deepEqual(lines("6.12", "security=selinux lsm=landlock,yama"), [
      ["warn", "LSM: security=selinux is ignored because it is superseded by lsm=landlock,yama"],
    ]);
  });
  it("one of them alone: no line", () => {
    for (const v of ["6.1", "6.12"] as const) {
      assert.deepEqual(lines(v, "security=selinux"), []);
      assert.deepEqual(lines(v, "lsm=landlock"), []);
    }
  });
});

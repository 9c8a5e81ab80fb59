// /sys/kernel/security/lsm per version: 6.1 against the string measured on the
// real kernel (PROBES.md), 6.12 against its derivation from the 6.12 source and
// Debian's config, which tools/measure/ confirmed on the real 6.12.117+deb12-amd64
// in QEMU (no measurement is published).
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { LSM_NAMES } from "../../src/kernel/securityfs.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";
import { boot } from "./helpers.js";

const lsmFile = (v: "6.1" | "6.12") => {
  const k = boot(v);
  k.mount("securityfs", "/sys/kernel/security");
  const r = k.read("/sys/kernel/security/lsm");
  assert.equal(r.result, "ok");
  return Buffer.from(r.data as Uint8Array).toString("latin1");
};

describe("securityfs: lsm", () => {
  it("6.1 reads what the real 6.1.0-56-amd64 read", { skip: SKIP_SHARED }, () => {
    const md = readFileSync(sharedPath("spec", "PROBES.md"), "utf8");
    const measured = /`\/sys\/kernel\/security\/lsm` reads\s+`([^`]+)`/.exec(md)?.[1];
    assert.ok(measured, "PROBES.md: the measured lsm string");
    assert.equal(LSM_NAMES["6.1"], measured);
    assert.equal(lsmFile("6.1"), measured);
  });

  it("6.12 reads the 6.12 derivation (and what the real 6.12.117+deb12-amd64 read in QEMU)", () => {
    // /boot/config-6.12.117+deb12-amd64: CONFIG_LSM="landlock,lockdown,yama,loadpin,safesetid,
    // integrity,apparmor,selinux,smack,tomoyo,bpf,ipe", SECURITY_LOCKDOWN_LSM_EARLY=y,
    // SECURITY_{LANDLOCK,YAMA,APPARMOR,SELINUX,TOMOYO,IPE}=y, BPF_LSM=y, IMA=y, EVM=y,
    // LOADPIN, SAFESETID and SMACK unset. security/security.c:
    // - security_init() appends the early LSM first: lockdown (DEFINE_EARLY_LSM).
    // - ordered_lsm_parse(): capability (LSM_ORDER_FIRST); CONFIG_LSM's built-in
    //   LSM_ORDER_MUTABLE entries: landlock, yama, apparmor, selinux, tomoyo, bpf, ipe
    //   ("integrity" is no LSM in 6.12; ima and evm are found there but not MUTABLE);
    //   then LSM_ORDER_LAST in .lsm_info.init link order (security/integrity/Makefile:
    //   ima/ before evm/): ima, evm.
    // - prepare_lsm(): apparmor is LSM_FLAG_EXCLUSIVE and comes first, so selinux is off.
    // - each init calls security_add_hooks() -> lsm_append(lsmid->name); landlock's four
    //   calls and ima's two (ima_appraise) are merged by match_last_lsm().
    assert.equal(LSM_NAMES["6.12"], "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf,ipe,ima,evm");
    assert.equal(lsmFile("6.12"), LSM_NAMES["6.12"]);
  });
});

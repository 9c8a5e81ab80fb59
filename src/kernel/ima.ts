// The parts of IMA that meet lockdown (security/integrity/ima/): the x86 arch
// policy under Secure Boot (ima_efi.c arch_get_ima_policy(): module and kexec
// signature enforcement, measure rules), ima_load_data() for kexec_load(2), and
// ima_appraise_signature() consulted by kexec_file_load(2).
import { splitCmdline } from "../lsm/cmdline.js";
import type { Kernel } from "./kernel.js";
import { neg } from "./vfs.js";

export interface ImaRule {
  action: "measure" | "appraise";
  func?: "KEXEC_KERNEL_CHECK" | "MODULE_CHECK" | "FIRMWARE_CHECK" | "POLICY_CHECK";
  /** appraise_type=imasig (IMA_DIGSIG_REQUIRED) */
  imasig?: boolean;
}

/** security/integrity/ima/ima.h ima_appraise bits */
const IMA_APPRAISE_ENFORCE = 0x01;
const IMA_APPRAISE_LOG = 0x04;
const IMA_APPRAISE_FIX = 0x08;

/** ima_policy.c secure_boot_rules[] (ima_policy=secure_boot). */
const SECURE_BOOT_RULES: ImaRule[] = [
  { action: "appraise", func: "MODULE_CHECK", imasig: true },
  { action: "appraise", func: "FIRMWARE_CHECK", imasig: true },
  { action: "appraise", func: "KEXEC_KERNEL_CHECK", imasig: true },
  { action: "appraise", func: "POLICY_CHECK", imasig: true },
];

export class Ima {
  rules: ImaRule[] = [];
  /** ima_appraise: IMA_APPRAISE_ENFORCE with CONFIG_IMA_APPRAISE (ima_main.c). */
  appraise: number;

  constructor(private readonly k: Kernel) {
    this.appraise = k.config.IMA_APPRAISE ? IMA_APPRAISE_ENFORCE : 0;
  }

  /** arch_ima_get_secureboot(): only on EFI boots, from boot_params.secure_boot. */
  secureBoot(): boolean {
    return this.k.secureBoot;
  }

  /**
   * ima_appraise= (ima_appraise.c default_appraise_setup(), a __setup
   * handler; with CONFIG_IMA_APPRAISE_BOOTPARAM): prefix match, ignored under
   * Secure Boot unless it keeps enforcement.
   */
  private parseAppraise(str: string): void {
    const k = this.k;
    let state = this.appraise;
    if (str.startsWith("off")) state = 0;
    else if (str.startsWith("log")) state = IMA_APPRAISE_LOG;
    else if (str.startsWith("fix")) state = IMA_APPRAISE_FIX;
    else if (str.startsWith("enforce")) state = IMA_APPRAISE_ENFORCE;
    else k.printk(`ima: invalid "${str}" appraise option`, "err");
    if (this.secureBoot()) {
      if (!(state & IMA_APPRAISE_ENFORCE))
        k.printk(`ima: Secure boot enabled: ignoring ima_appraise=${str} option`);
    } else this.appraise = state;
  }

  /** init_ima() -> ima_init_policy() -> ima_init_arch_policy(). */
  init(): void {
    const k = this.k;
    if (!k.config.IMA) return;
    let secureBootPolicy = false;
    for (const a of splitCmdline(k.cmdline).args) {
      if (a.param === "ima_appraise" && a.val !== null && k.config.IMA_APPRAISE) this.parseAppraise(a.val);
      if (a.param === "ima_policy" && a.val !== null && a.val.split("|").includes("secure_boot"))
        secureBootPolicy = true;
    }
    k.printk("ima: Allocated hash algorithm: sha256");
    if (k.config.IMA_ARCH_POLICY && this.secureBoot()) {
      // arch_get_ima_policy()
      if (k.config.MODULE_SIG) k.moduleSigEnforce = true;
      if (k.config.KEXEC_SIG) k.kexecSigEnforce = true;
      if (!k.config.KEXEC_SIG)
        this.rules.push({ action: "appraise", func: "KEXEC_KERNEL_CHECK", imasig: true });
      this.rules.push({ action: "measure", func: "KEXEC_KERNEL_CHECK" });
      if (!k.config.MODULE_SIG) this.rules.push({ action: "appraise", func: "MODULE_CHECK", imasig: true });
      this.rules.push({ action: "measure", func: "MODULE_CHECK" });
    } else k.printk("ima: No architecture policies found");
    // The builtin "secure_boot" rules come after the arch rules.
    if (secureBootPolicy && k.config.IMA_APPRAISE) this.rules.push(...SECURE_BOOT_RULES);
  }

  /**
   * ima_post_read_file() -> process_measurement() for a kernel_read_file()
   * of `func` (READING_KEXEC_IMAGE -> KEXEC_KERNEL_CHECK, READING_MODULE ->
   * MODULE_CHECK): the first matching appraise rule decides. The simulated
   * files carry no security.ima, so a rule that appraises fails
   * (INTEGRITY_NOLABEL / NOXATTRS) and, when IMA enforces, the read is -EACCES.
   */
  appraiseRead(func: "KEXEC_KERNEL_CHECK" | "MODULE_CHECK"): number {
    if (!this.k.config.IMA || !this.k.config.IMA_APPRAISE) return 0;
    const rule = this.rules.find((r) => r.action === "appraise" && (r.func === undefined || r.func === func));
    if (!rule) return 0;
    return this.appraise & IMA_APPRAISE_ENFORCE ? neg("EACCES") : 0;
  }

  /** ima_load_data(LOADING_KEXEC_IMAGE): 0 or -EACCES. */
  loadKexecImage(): number {
    const k = this.k;
    if (!k.config.IMA) return 0;
    const enforce = (this.appraise & IMA_APPRAISE_ENFORCE) !== 0;
    const appraisesKexec = this.rules.some(
      (r) => r.action === "appraise" && (r.func === undefined || r.func === "KEXEC_KERNEL_CHECK"),
    );
    if ((k.config.KEXEC_SIG && this.secureBoot()) || (enforce && appraisesKexec)) {
      k.printk(
        "ima: impossible to appraise a kernel image without a file descriptor; try using kexec_file_load syscall.",
        "err",
      );
      return neg("EACCES");
    }
    return 0;
  }

  /** ima_policy.c ima_appraise_signature(READING_KEXEC_IMAGE). */
  appraiseKexecSignature(): boolean {
    const k = this.k;
    // include/linux/ima.h: without CONFIG_IMA_APPRAISE and CONFIG_INTEGRITY_TRUSTED_KEYRING (Debian
    // sets only the first) it is a stub returning false, with no lockdown check of its own.
    if (!k.config.IMA || !k.config.IMA_APPRAISE || !k.config.INTEGRITY_TRUSTED_KEYRING) return false;
    if (!(this.appraise & IMA_APPRAISE_ENFORCE) && k.lockedDown("LOCKDOWN_KEXEC")) return false;
    for (const r of this.rules) {
      if (r.action !== "appraise") continue;
      if (r.func && r.func !== "KEXEC_KERNEL_CHECK") continue;
      return r.imasig === true;
    }
    return false;
  }
}

// The lockdown parts of start_kernel() (init/main.c), in the kernel's order,
// so that every entry point raises the level through lock_kernel_down():
//   early_security_init()        early LSM: lockdown_lsm_init() (FORCE_*, hook)
//   setup_arch()                 parse_early_param(): lockdown= ; then
//                                efi_set_secure_boot() (x86, Debian patch)
//   parse_args("Booting kernel") lsm= / security= (__setup handlers)
//   security_init()              ordinary LSM: lockdown_lsm_init() if in lsm=
// The simulated kernel calls these phases itself, interleaving its own
// boot-time checks (ACPI table upgrade, hardware parameters, ...).

import type { CmdlineArg } from "./cmdline.js";
import { parameq, splitCmdline } from "./cmdline.js";
import { DEBIAN_LOCKDOWN_CONFIG, effectiveEarly, type LockdownConfig } from "./config.js";
import { Lockdown, type LockdownOptions } from "./lockdown.js";
import type { SecureBootMode } from "./secureboot.js";
import { SECURE_BOOT_MODE_VALUE } from "./secureboot.js";

/** security/lockdown/lockdown.c lockdown_param(): 0 or -EINVAL. */
export function lockdownParam(lsm: Lockdown, val: string | null): number {
  if (val === null) return -22;
  if (val === "integrity") lsm.lockKernelDown("command line", "integrity");
  else if (val === "confidentiality") lsm.lockKernelDown("command line", "confidentiality");
  else return -22;
  return 0;
}

export class LockdownBoot {
  readonly lsm: Lockdown;
  private readonly args: CmdlineArg[];
  private readonly early: boolean;
  private readonly log: (level: "warn" | "info", text: string) => void;
  /** Whether the LSM ended up initialised (early, or listed in lsm=/CONFIG_LSM). */
  enabled = false;

  constructor(
    readonly config: LockdownConfig,
    cmdline: string,
    opts: LockdownOptions,
  ) {
    this.lsm = new Lockdown(opts);
    const logger = opts.log ?? (() => {});
    this.log = (level, text) => logger({ level, text });
    this.args = splitCmdline(cmdline).args;
    this.early = effectiveEarly(config);
  }

  /** lockdown_lsm_init(). */
  private lsmInit(): void {
    const force = this.config.LOCK_DOWN_KERNEL_FORCE;
    if (force !== "none") this.lsm.lockKernelDown("Kernel configuration", force);
    this.lsm.registerHook();
    this.enabled = true;
  }

  /** security/security.c early_security_init(): early LSMs are always enabled. */
  earlySecurityInit(): void {
    if (this.config.SECURITY_LOCKDOWN_LSM && this.early) this.lsmInit();
  }

  /** init/main.c parse_early_param() -> do_early_param() for "lockdown". */
  parseEarlyParam(): void {
    if (!this.config.SECURITY_LOCKDOWN_LSM) return;
    for (const { param, val } of this.args) {
      if (!parameq(param, "lockdown")) continue;
      if (lockdownParam(this.lsm, val) !== 0) this.log("warn", `Malformed early option '${param}'`);
    }
  }

  /** drivers/firmware/efi/secureboot.c efi_set_secure_boot(); only on EFI boots. */
  efiSetSecureBoot(efiBoot: boolean, mode: SecureBootMode): void {
    if (!efiBoot) return;
    if (mode === "disabled") this.log("info", "secureboot: Secure boot disabled");
    else if (mode === "enabled") {
      if (this.config.SECURITY_LOCKDOWN_LSM && this.config.LOCK_DOWN_IN_EFI_SECURE_BOOT)
        this.lsm.lockKernelDown("EFI Secure Boot", "integrity");
      this.log("info", "secureboot: Secure boot enabled");
    } else
      this.log(
        "warn",
        `secureboot: Secure boot could not be determined (mode ${SECURE_BOOT_MODE_VALUE[mode]})`,
      );
  }

  /** The LSM order security_init() uses: the last lsm= wins, else CONFIG_LSM. */
  lsmOrder(): { order: string[]; origin: "cmdline" | "builtin" } {
    let chosen: string | null = null;
    for (const { param, val } of this.args) if (param === "lsm" && val !== null) chosen = val;
    return chosen !== null
      ? { order: chosen.split(","), origin: "cmdline" }
      : { order: this.config.LSM.split(","), origin: "builtin" };
  }

  /** security/security.c security_init() -> ordered_lsm_init() for lockdown. */
  securityInit(): void {
    if (!this.config.SECURITY_LOCKDOWN_LSM || this.early) return;
    if (this.lsmOrder().order.includes("lockdown")) this.lsmInit();
  }
}

export interface BootOptions extends LockdownOptions {
  cmdline?: string;
  config?: Partial<LockdownConfig>;
  /** Booted through EFI, and the mode the EFI stub determined. */
  efi?: { booted: boolean; mode: SecureBootMode };
}

/** All lockdown phases of start_kernel(), in order, on Debian's config plus overrides. */
export function bootLockdown(opts: BootOptions): LockdownBoot {
  const config = { ...DEBIAN_LOCKDOWN_CONFIG, ...opts.config };
  const boot = new LockdownBoot(config, opts.cmdline ?? "", opts);
  boot.earlySecurityInit();
  boot.parseEarlyParam();
  boot.efiSetSecureBoot(opts.efi?.booted ?? false, opts.efi?.mode ?? "unset");
  boot.securityInit();
  return boot;
}

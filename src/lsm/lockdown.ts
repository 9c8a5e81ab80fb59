// security/lockdown/lockdown.c: the state, the ratchet and the hook.
import { ERRNO } from "../errno.js";
import { LEVEL_MARKER, LEVELS, type Level } from "./levels.js";
import type { Clock, Logger } from "./log.js";
import { RateLimit } from "./ratelimit.js";
import { type LockdownReason, REASONS, reasonByValue, reasonValue } from "./reasons.js";
import type { KernelVersion } from "./versions.js";

const EPERM = -ERRNO.EPERM;

/** Where lock_kernel_down() is called from: its `where` strings in these trees. */
export type LockdownSource = "command line" | "Kernel configuration" | "securityfs" | "EFI Secure Boot";

export interface LockdownOptions {
  version: KernelVersion;
  clock?: Clock;
  log?: Logger;
}

export class Lockdown {
  readonly version: KernelVersion;
  private readonly log: Logger;
  /** static enum lockdown_reason kernel_locked_down; starts at LOCKDOWN_NONE. */
  private current = 0;
  /** Whether the locked_down hook is registered (security_add_hooks ran). */
  private hooked = false;
  /** pr_notice_ratelimited() in lockdown_is_locked_down: one shared state. */
  private readonly ratelimit: RateLimit;
  /** Every lock_kernel_down() that raised the level, in order. */
  readonly raises: { where: LockdownSource; level: Level }[] = [];

  constructor(opts: LockdownOptions) {
    this.version = opts.version;
    this.log = opts.log ?? (() => {});
    this.ratelimit = new RateLimit(opts.clock ?? (() => 0), "lockdown_is_locked_down");
  }

  /** The enum value of a level in this kernel. */
  private levelValue(level: Level): number {
    return reasonValue(LEVEL_MARKER[level], this.version);
  }

  /** The current level's label. */
  get level(): Level {
    for (const l of [...LEVELS].reverse()) if (this.current >= this.levelValue(l)) return l;
    return "none";
  }

  /** The raw enum value of kernel_locked_down. */
  get value(): number {
    return this.current;
  }

  get hookRegistered(): boolean {
    return this.hooked;
  }

  /**
   * lock_kernel_down(): the single setter. Equal, lower or `none` -> -EPERM,
   * nothing changes, nothing is logged.
   */
  lockKernelDown(where: LockdownSource, level: Level): 0 | typeof EPERM {
    const v = this.levelValue(level);
    if (this.current >= v) return EPERM;
    this.current = v;
    this.raises.push({ where, level });
    this.log({ level: "notice", text: `Kernel is locked down from ${where}; see man kernel_lockdown.7` });
    return 0;
  }

  /** security_add_hooks(lockdown_hooks, ...): from lockdown_lsm_init(). */
  registerHook(): void {
    this.hooked = true;
  }

  /**
   * lockdown_is_locked_down(what): the hook itself. `what` is a reason name or
   * a raw enum value (values >= LOCKDOWN_CONFIDENTIALITY_MAX trigger the WARN).
   */
  isLockedDown(what: LockdownReason | number, comm: string): 0 | typeof EPERM {
    const value = typeof what === "number" ? what : reasonValue(what, this.version);
    if (value >= this.levelValue("confidentiality") || value < 0) {
      // WARN(what >= LOCKDOWN_CONFIDENTIALITY_MAX, "Invalid lockdown reason"): a
      // backtrace, no "Lockdown:" line, and EPERM at every level.
      this.log({ level: "warn", text: "Invalid lockdown reason" });
      return EPERM;
    }
    if (this.current >= value) {
      const description = reasonByValue(value, this.version)?.description;
      if (description) {
        const { ok, suppressed } = this.ratelimit.check();
        if (suppressed) this.log({ level: "warn", text: suppressed });
        if (ok)
          this.log({
            level: "notice",
            text: `Lockdown: ${comm.slice(0, 15)}: ${description} is restricted; see man kernel_lockdown.7`,
          });
      }
      return EPERM;
    }
    return 0;
  }

  /**
   * security_locked_down() (security/security.c): 0 while no hook is
   * registered (an ordinary LSM before security_init(), or one not enabled by
   * lsm=), else the hook's answer.
   */
  securityLockedDown(what: LockdownReason | number, comm: string): 0 | typeof EPERM {
    return this.hooked ? this.isLockedDown(what, comm) : 0;
  }

  /** Whether a reason is denied at the current level, without logging. */
  denies(what: LockdownReason): boolean {
    return this.hooked && this.current >= reasonValue(what, this.version);
  }
}

/** The lowest level that denies a reason, from the table. */
export function deniedFrom(reason: LockdownReason): Level | null {
  return REASONS.find((r) => r.reason === reason)?.level ?? null;
}

// lib/ratelimit.c ___ratelimit() with the state of one printk_ratelimited()
// call site (DEFINE_RATELIMIT_STATE(_rs, DEFAULT_RATELIMIT_INTERVAL,
// DEFAULT_RATELIMIT_BURST), include/linux/ratelimit_types.h). Time is counted in
// jiffies, as the kernel counts it, so window edges fall where they do in Linux.
import type { Clock } from "./log.js";

/** Debian's amd64 kernels are built with CONFIG_HZ=250. */
export const HZ = 250;
export const DEFAULT_RATELIMIT_INTERVAL = 5 * HZ;
export const DEFAULT_RATELIMIT_BURST = 10;
/** include/linux/jiffies.h INITIAL_JIFFIES: jiffies start 300 s before wrap. */
const INITIAL_JIFFIES = 2 ** 32 - 300 * HZ;

export class RateLimit {
  private begin = 0;
  private printed = 0;
  private missed = 0;

  constructor(
    private readonly clock: Clock,
    /** __func__ of the call site, printed in the "callbacks suppressed" line. */
    private readonly func: string,
    private readonly interval = DEFAULT_RATELIMIT_INTERVAL,
    private readonly burst = DEFAULT_RATELIMIT_BURST,
  ) {}

  private jiffies(): number {
    return INITIAL_JIFFIES + Math.floor((this.clock() * HZ) / 1000);
  }

  /**
   * Returns whether the caller may print, and the "callbacks suppressed" line
   * the kernel prints (KERN_WARNING) when a window with drops has ended.
   */
  check(): { ok: boolean; suppressed?: string } {
    if (!this.interval) return { ok: true };
    const now = this.jiffies();
    let suppressed: string | undefined;
    if (!this.begin) this.begin = now;
    // time_is_before_jiffies(begin + interval): strictly after the window.
    if (now > this.begin + this.interval) {
      if (this.missed) {
        suppressed = `${this.func}: ${this.missed} callbacks suppressed`;
        this.missed = 0;
      }
      this.begin = now;
      this.printed = 0;
    }
    if (this.burst && this.burst > this.printed) {
      this.printed++;
      return suppressed ? { ok: true, suppressed } : { ok: true };
    }
    this.missed++;
    return suppressed ? { ok: false, suppressed } : { ok: false };
  }
}

// What the audit reports. A Finding is one thing that stops working at a
// lockdown level, with the evidence it was found from and what to do.
import type { Level, LockdownReason } from "../kernel/policy.js";
import { reasonInfo } from "../kernel/policy.js";

export type BreakLevel = Exclude<Level, "none">;

export interface Finding {
  /** Stable kind of problem, e.g. "module.unsigned", "kexec.kexec-load", "tool.msr-write". */
  id: string;
  reason: LockdownReason;
  /** The lowest level at which it breaks (the reason's level). */
  breaksAt: BreakLevel;
  /** The file, module, tool or setting concerned. */
  subject: string;
  /** What was read that shows it (file:line, verdict, errno). */
  evidence: string;
  /** What to do about it. */
  remedy: string;
  /** Kernel release, when the finding belongs to one installed kernel. */
  kernel?: string;
}

/** Builds a finding whose level comes from the reason table. */
export function finding(f: Omit<Finding, "breaksAt"> & { breaksAt?: BreakLevel }): Finding {
  const lvl = reasonInfo(f.reason).level;
  const breaksAt = f.breaksAt ?? (lvl === "confidentiality" ? "confidentiality" : "integrity");
  const out: Finding = {
    id: f.id,
    reason: f.reason,
    breaksAt,
    subject: f.subject,
    evidence: f.evidence,
    remedy: f.remedy,
  };
  if (f.kernel !== undefined) out.kernel = f.kernel;
  return out;
}

/** Things examined and found fine: shown so the report says what it looked at. */
export interface Fine {
  check: string;
  subject: string;
  detail: string;
}

export function breaksAtLevel(f: Finding, level: Level): boolean {
  if (level === "none") return false;
  return level === "confidentiality" || f.breaksAt === "integrity";
}

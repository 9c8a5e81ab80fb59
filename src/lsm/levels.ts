// The three lockdown levels. In the kernel a level is just a member of
// enum lockdown_reason (include/linux/security.h): LOCKDOWN_NONE,
// LOCKDOWN_INTEGRITY_MAX and LOCKDOWN_CONFIDENTIALITY_MAX; the labels are
// their lockdown_reasons[] strings (security/security.c).

export type Level = "none" | "integrity" | "confidentiality";

/** In order, lowest first: security/lockdown/lockdown.c lockdown_levels[]. */
export const LEVELS: readonly Level[] = ["none", "integrity", "confidentiality"];

/** The enum member each level is. */
export const LEVEL_MARKER = {
  none: "LOCKDOWN_NONE",
  integrity: "LOCKDOWN_INTEGRITY_MAX",
  confidentiality: "LOCKDOWN_CONFIDENTIALITY_MAX",
} as const satisfies Record<Level, string>;

export function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

/** Ordering only; a numeric comparison against reasons goes through enum values. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

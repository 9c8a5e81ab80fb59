// Looks a user's words up: a reason name, an operation, a description
// fragment. Pure lookup over the tables; no I/O.
import { OPERATIONS, type Operation, UNRESTRICTED } from "./operations.js";
import { type LockdownReason, REASONS, type ReasonInfo } from "./reasons.js";

export interface Explanation {
  reason: ReasonInfo;
  operations: Operation[];
}

export interface ExplainResult {
  query: string;
  /** How the query matched. */
  match: "reason" | "operation" | "description" | "partial" | "unrestricted" | "none";
  explanations: Explanation[];
  /** For queries that name something lockdown does not restrict. */
  unrestricted?: string;
}

/** `w` occurs in `q` delimited by non-word characters. */
function containsWord(q: string, w: string): boolean {
  let i = q.indexOf(w);
  const word = /[a-z0-9_]/;
  while (i !== -1) {
    const before = q[i - 1];
    const after = q[i + w.length];
    if ((before === undefined || !word.test(before)) && (after === undefined || !word.test(after)))
      return true;
    i = q.indexOf(w, i + 1);
  }
  return false;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");

function explanation(reason: LockdownReason, ops?: Operation[]): Explanation {
  const info = REASONS.find((r) => r.reason === reason)!;
  return { reason: info, operations: ops ?? OPERATIONS.filter((o) => o.reason === reason) };
}

function byReason(ops: Operation[]): Explanation[] {
  const seen = new Map<LockdownReason, Operation[]>();
  for (const o of ops) seen.set(o.reason, [...(seen.get(o.reason) ?? []), o]);
  return [...seen.entries()].map(([r, o]) => explanation(r, o));
}

export function explain(query: string): ExplainResult {
  const q = norm(query);
  const real = REASONS.filter((r) => r.level !== null);
  // 1. A reason name, with or without the LOCKDOWN_ prefix.
  const upper = q.toUpperCase().replace(/^LOCKDOWN_/, "");
  const named = real.find((r) => r.reason === `LOCKDOWN_${upper}`);
  if (named) return { query, match: "reason", explanations: [explanation(named.reason)] };
  // 2. Something lockdown leaves alone.
  const free = UNRESTRICTED.find((u) => u.words.includes(q));
  if (free) return { query, match: "unrestricted", explanations: [], unrestricted: free.note };
  // 3. An operation word, exactly.
  const exact = OPERATIONS.filter((o) => o.words.includes(q));
  if (exact.length) return { query, match: "operation", explanations: byReason(exact) };
  // 4. A fragment of a description string.
  const desc = real.filter((r) => r.description.toLowerCase().includes(q));
  if (desc.length && q.length >= 3)
    return { query, match: "description", explanations: desc.map((r) => explanation(r.reason)) };
  // 5. Partial words, both ways ("/dev/mem read", "bpftrace -e ...").
  if (q.length >= 3) {
    const partial = OPERATIONS.filter((o) =>
      o.words.some((w) => containsWord(q, w) || (q.length > 3 && w.includes(q))),
    );
    if (partial.length) return { query, match: "partial", explanations: byReason(partial) };
  }
  return { query, match: "none", explanations: [] };
}

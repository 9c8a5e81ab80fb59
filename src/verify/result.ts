// What every verifier answers: the verdict a careful tool gives, and the
// decision of the kernel's own signature check with the given keyrings.
import type { ErrnoName } from "../errno.js";

/** The corpus manifest's vocabulary. Unsigned, invalid and untrusted are never merged. */
export type Verdict =
  | "valid"
  | "untrusted"
  | "invalid-digest"
  | "invalid-signature"
  | "invalid"
  | "unsigned"
  | "not-a-signature"
  | "valid-nested-only";

export const VERDICTS: readonly Verdict[] = [
  "valid",
  "untrusted",
  "invalid-digest",
  "invalid-signature",
  "invalid",
  "unsigned",
  "not-a-signature",
  "valid-nested-only",
];

export type FileType = "pe" | "module" | "ima";

/** One signature found in the file (for PE: every WIN_CERTIFICATE, and nested ones). */
export interface SignatureReport {
  signer: string | null;
  issuer: string | null;
  /** Serial number, uppercase hex (as modinfo's sig_key without colons). */
  serial: string | null;
  keyId: string | null;
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  /** Description of the trusted key the signature chains to, or null. */
  anchor: string | null;
  verdict: Verdict;
  nested: boolean;
  message: string;
}

/** The kernel's answer: accept, or the errno its signature check returns. */
export interface KernelDecision {
  accept: boolean;
  errno: ErrnoName | null;
  /** Which keyring vouched (accept), or the step that refused. */
  keyring: string | null;
  reason: string;
}

export interface VerifyResult {
  type: FileType;
  verdict: Verdict;
  kernel: KernelDecision;
  signatures: SignatureReport[];
  message: string;
}

export function accept(keyring: string | null, reason = "signature verified"): KernelDecision {
  return { accept: true, errno: null, keyring, reason };
}

export function refuse(errno: ErrnoName | null, reason: string): KernelDecision {
  return { accept: false, errno, keyring: null, reason };
}

/** When several signatures disagree, the file's verdict is the best one, else the most telling failure. */
const RANK: Verdict[] = [
  "valid",
  "valid-nested-only",
  "invalid-digest",
  "invalid-signature",
  "untrusted",
  "invalid",
  "not-a-signature",
  "unsigned",
];

export function combineVerdicts(vs: Verdict[]): Verdict {
  let best: Verdict = "unsigned";
  for (const v of vs) if (RANK.indexOf(v) < RANK.indexOf(best)) best = v;
  return best;
}

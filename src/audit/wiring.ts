// Wires the verify and kernel layers into the audit. Until they land, the
// structural verifier (signature present or not) is used and module
// parameters cannot be classified.
import type { AuditOptions } from "./index.js";

export function defaultAuditHooks(): Pick<AuditOptions, "verifier" | "readParams"> {
  return {};
}

// Wires the verify and kernel layers into the audit.
import type { AuditOptions } from "./index.js";
import { verifyLayer } from "./verify-adapter.js";

export function defaultAuditHooks(): Pick<AuditOptions, "verifier" | "readParams"> {
  return { verifier: verifyLayer() };
}

// --format json: the report object as is (stable schema, `schema: 1`).
import type { AuditReport } from "../index.js";

export function renderJson(r: AuditReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

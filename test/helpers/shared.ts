// Locates ../shared (the read-only spec and corpus next to the clone). Tests
// that need it skip, saying so, when it is absent.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SHARED = process.env.KERNEL_LOCKDOWN_SHARED ?? resolve(REPO, "..", "shared");
export const HAVE_SHARED = existsSync(join(SHARED, "spec", "reasons.json"));
export const SKIP_SHARED = HAVE_SHARED ? false : `../shared not found at ${SHARED}`;

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

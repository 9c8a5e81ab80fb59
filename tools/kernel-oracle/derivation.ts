// How an oracle case is rebuilt from a file of ../shared/corpus: a list of byte
// edits applied in order. Shared by the generator (cases.ts) and the test
// (test/verify/real-kernel.test.ts), so both build exactly the same bytes.
import { createHash } from "node:crypto";

export type Edit =
  /** Overwrite bytes at offset. */
  | { op: "set"; offset: number; hex: string }
  /** XOR one byte with mask (a bit flip when mask has one bit). */
  | { op: "xor"; offset: number; mask: number }
  /** Cut the file to length bytes. */
  | { op: "truncate"; length: number }
  /** Append bytes. */
  | { op: "append"; hex: string }
  /** Append length zero bytes. */
  | { op: "append-zeros"; length: number };

export interface Derivation {
  /** Path under ../shared/corpus. */
  base: string;
  /** What was changed and why, in words. */
  description: string;
  edits: Edit[];
  /** SHA-256 of the result. */
  sha256: string;
}

export function applyEdits(base: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = Buffer.from(base);
  for (const e of edits) {
    switch (e.op) {
      case "set": {
        const v = Buffer.from(e.hex, "hex");
        if (e.offset + v.length > b.length) throw new Error(`set past EOF at ${e.offset}`);
        v.copy(b, e.offset);
        break;
      }
      case "xor":
        if (e.offset >= b.length) throw new Error(`xor past EOF at ${e.offset}`);
        b[e.offset] = b[e.offset]! ^ e.mask;
        break;
      case "truncate":
        b = b.subarray(0, e.length);
        break;
      case "append":
        b = Buffer.concat([b, Buffer.from(e.hex, "hex")]);
        break;
      case "append-zeros":
        b = Buffer.concat([b, Buffer.alloc(e.length)]);
        break;
    }
  }
  return new Uint8Array(b);
}

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

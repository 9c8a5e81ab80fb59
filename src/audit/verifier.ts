// The audit's view of signature verification: a small interface the verify
// layer implements (modules in batches on worker threads, PE images,
// certificate names). Until it is wired, `structuralVerifier` answers only
// what needs no cryptography: whether a module carries a signature at all.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ErrnoName } from "../errno.js";
import { detectCompression } from "../verify/files.js";
import { decompressModule } from "../verify/module.js";

/** valid: verifies and chains to a given key; untrusted: well-formed but no key (ENOKEY);
 *  unsigned: no signature (ENODATA); invalid: corrupt/bad signature (EBADMSG, EKEYREJECTED, ...);
 *  unverified: signed, but nothing could check it. */
export type Verdict = "valid" | "untrusted" | "unsigned" | "invalid" | "unverified";

export interface SignatureResult {
  verdict: Verdict;
  /** The errno the kernel's own check returns (ENODATA, ENOKEY, EKEYREJECTED, EBADMSG, ...). */
  errno?: ErrnoName;
  /** Signer as named in the signature (issuer / serial), when readable. */
  signer?: string;
  detail?: string;
}

export interface ModuleResult extends SignatureResult {
  /** Host path of the module file. */
  file: string;
}

export interface CertName {
  subject: string;
  issuer: string;
  serial: string;
}

export interface ModuleBatch {
  /** Supplies the keys; resolves with one result per file, in input order. */
  verify(keys: {
    version: "6.1" | "6.12";
    builtin: Uint8Array[];
    platform: Uint8Array[];
    /** CONFIG_CRYPTO_ECDSA of that kernel, when its config is known. */
    ecdsa?: boolean;
  }): Promise<ModuleResult[]>;
}

export interface AuditVerifier {
  readonly name: string;
  /** Starts checking modules (host paths); the keys follow when they are known. */
  modules(files: string[], progress?: (done: number, total: number) => void): ModuleBatch;
  /** Verifies a PE/Authenticode image (kexec_file_load's check) against certificates. */
  peImage(image: Uint8Array, certs: Uint8Array[]): Promise<SignatureResult>;
  /** Names a certificate. */
  certName(der: Uint8Array): CertName | undefined;
}

const MARKER = Buffer.from("~Module signature appended~\n");

/**
 * The module image the kernel checks: .ko.xz/.ko.zst/.ko.gz are signed first, then compressed, and
 * decompressed by the same decoders the verify layer uses (kernel/module/decompress.c semantics).
 */
export async function moduleImage(_file: string, raw: Uint8Array): Promise<Uint8Array> {
  try {
    return await decompressModule(raw);
  } catch (e) {
    // The WebAssembly xz decoder lacks some integrity checks (SHA-256) that liblzma, which kmod
    // uses, accepts: fall back to the xz program.
    if (detectCompression(raw) !== "xz") throw e;
    try {
      return new Uint8Array(
        execFileSync("xz", ["-dc"], { input: raw, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "ignore"] }),
      );
    } catch {
      throw e;
    }
  }
}

export async function moduleBytes(file: string): Promise<Uint8Array> {
  return moduleImage(file, readFileSync(file));
}

export function hasSignatureMarker(b: Uint8Array): boolean {
  if (b.length < MARKER.length + 12) return false;
  return Buffer.from(b.subarray(b.length - MARKER.length)).equals(MARKER);
}

/** The fallback: unsigned vs signed-but-unverified, no cryptography. */
export const structuralVerifier: AuditVerifier = {
  name: "structural (no signature verification available)",
  modules(files, progress) {
    return {
      async verify() {
        const out: ModuleResult[] = [];
        let i = 0;
        for (const file of files) {
          try {
            const b = await moduleBytes(file);
            out.push(
              hasSignatureMarker(b)
                ? { file, verdict: "unverified", detail: "signature present; not verified" }
                : { file, verdict: "unsigned", errno: "ENODATA" },
            );
          } catch (e) {
            out.push({ file, verdict: "invalid", errno: "EBADMSG", detail: (e as Error).message });
          }
          progress?.(++i, files.length);
        }
        return out;
      },
    };
  },
  async peImage() {
    return { verdict: "unverified", detail: "no PE verifier available" };
  },
  certName() {
    return undefined;
  },
};

// The audit's view of signature verification: a small interface the verify
// layer implements (modules in batches on worker threads, PE images,
// certificate names). Until it is wired, `structuralVerifier` answers only
// what needs no cryptography: whether a module carries a signature at all.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { decompress as zstd } from "fzstd";
import type { ErrnoName } from "../errno.js";

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

export interface AuditVerifier {
  readonly name: string;
  /** Verifies modules (host paths) against the trusted certificates (DER). */
  modules(
    files: string[],
    certs: Uint8Array[],
    progress?: (done: number, total: number) => void,
  ): Promise<ModuleResult[]>;
  /** Verifies a PE/Authenticode image (kexec_file_load's check) against certificates. */
  peImage(image: Uint8Array, certs: Uint8Array[]): Promise<SignatureResult>;
  /** Names a certificate. */
  certName(der: Uint8Array): CertName | undefined;
}

const MARKER = Buffer.from("~Module signature appended~\n");

/** Decompresses .ko.xz/.ko.zst/.ko.gz (signed first, then compressed). */
export async function moduleBytes(file: string): Promise<Buffer> {
  const raw = readFileSync(file);
  if (file.endsWith(".zst")) return Buffer.from(zstd(raw));
  if (file.endsWith(".gz")) return gunzipSync(raw);
  if (file.endsWith(".xz")) {
    const mod = (await import("xz-decompress")) as unknown as {
      default?: typeof import("xz-decompress");
    } & typeof import("xz-decompress");
    const Xz = (mod.default ?? mod).XzReadableStream;
    const s = new Xz(new Blob([raw]).stream() as unknown as ReadableStream<Uint8Array>);
    return Buffer.from(
      await new Response(s as unknown as ConstructorParameters<typeof Response>[0]).arrayBuffer(),
    );
  }
  return raw;
}

export function hasSignatureMarker(b: Uint8Array): boolean {
  if (b.length < MARKER.length + 12) return false;
  return Buffer.from(b.subarray(b.length - MARKER.length)).equals(MARKER);
}

/** The fallback: unsigned vs signed-but-unverified, no cryptography. */
export const structuralVerifier: AuditVerifier = {
  name: "structural (no signature verification available)",
  async modules(files, _certs, progress) {
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
  async peImage() {
    return { verdict: "unverified", detail: "no PE verifier available" };
  },
  certName() {
    return undefined;
  },
};

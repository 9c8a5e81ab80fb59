// The verify layer behind the audit's AuditVerifier interface: modules go
// through verifyMany() (worker threads, keyrings built once per worker),
// images through verifyPe(); certificates are named by the X.509 parser.

import type { KernelVersion } from "../kernel/policy.js";
import { parseX509 } from "../verify/files.js";
import { createKeyrings, keyFromDer, type VerifyResult, verifyPe } from "../verify/index.js";
import { startModuleBatch } from "./module-pool.js";
import type { AuditVerifier, CertName, SignatureResult } from "./verifier.js";

export function versionOf(release: string | undefined): KernelVersion {
  return release && /^6\.(1[2-9]|[2-9]\d)/.test(release) ? "6.12" : "6.1";
}

function toResult(r: VerifyResult): SignatureResult {
  const s = r.signatures[0];
  const signer = s
    ? [
        s.signer,
        s.issuer && s.issuer !== s.signer ? `issued by ${s.issuer}` : null,
        s.serial ? `serial ${s.serial}` : null,
      ]
        .filter(Boolean)
        .join(", ") || undefined
    : undefined;
  const base = (v: SignatureResult["verdict"]): SignatureResult => {
    const out: SignatureResult = { verdict: v };
    if (r.kernel.errno) out.errno = r.kernel.errno;
    if (signer) out.signer = signer;
    if (r.message) out.detail = r.message;
    return out;
  };
  if (r.kernel.accept)
    return { ...base("valid"), ...(r.kernel.keyring ? { detail: `accepted via ${r.kernel.keyring}` } : {}) };
  switch (r.verdict) {
    case "unsigned":
      return { ...base("unsigned"), errno: r.kernel.errno ?? "ENODATA" };
    case "untrusted":
      return { ...base("untrusted"), errno: r.kernel.errno ?? "ENOKEY" };
    case "valid":
    case "valid-nested-only":
      // Cryptographically fine but refused (blacklist, nested-only): the kernel's errno decides.
      return r.kernel.errno === "ENOKEY" ? base("untrusted") : base("invalid");
    default:
      return base("invalid");
  }
}

export function verifyLayer(opts: { release?: string; workers?: number } = {}): AuditVerifier {
  return {
    name: "verify layer (kernel-faithful PKCS#7/Authenticode)",
    modules(files, progress) {
      const p: { workers?: number; progress?: (d: number, t: number) => void } = {};
      if (opts.workers !== undefined) p.workers = opts.workers;
      if (progress) p.progress = progress;
      return startModuleBatch(files, p);
    },
    async peImage(image, certs) {
      const v = versionOf(opts.release);
      const kr = createKeyrings(v);
      for (const der of certs) {
        try {
          kr.platform.add(keyFromDer(der, v, kr.blacklist, "audit"));
        } catch {
          /* a certificate the kernel would not load either */
        }
      }
      return toResult(verifyPe(image, kr));
    },
    certName(der): CertName | undefined {
      try {
        const c = parseX509(der, "6.12");
        return {
          subject: c.subject,
          issuer: c.issuer,
          serial: Buffer.from(c.rawSerial).toString("hex").toUpperCase(),
        };
      } catch {
        return undefined;
      }
    },
  };
}

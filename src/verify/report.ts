// From a verified (or refused) PKCS#7 to the verdict and the report line of
// each signature. The verdict is a careful tool's reading of the same facts
// the kernel computes.
import { commonName } from "../formats/x509.js";
import type { Pkcs7Result, SignerState } from "./pkcs7-verify.js";
import type { SignatureReport, Verdict } from "./result.js";

/** The verdict of one PKCS#7 whose kernel-style verification gave `r`. */
export function pkcs7Verdict(r: Pkcs7Result): { verdict: Verdict; message: string } {
  if (!r.parsed) return { verdict: "invalid", message: `malformed signature: ${r.reason}` };
  if (r.errno === null) return { verdict: "valid", message: "signature verified" };
  const signers = r.parsed.signers;
  const failed = signers.find((s) => s.verifyErrno !== null && s.verifyErrno !== "ENOPKG");
  if (failed) {
    if (/Message digest doesn't match/.test(failed.verifyReason))
      return { verdict: "invalid-digest", message: "signed content does not match its messageDigest" };
    if (failed.embeddedCheck?.errno)
      return failed.embeddedCheck.contentMismatch
        ? { verdict: "invalid-digest", message: "signed data was modified (digest mismatch)" }
        : {
            verdict: "invalid-signature",
            message: `signature value does not verify (${failed.embeddedCheck.reason})`,
          };
    return { verdict: "invalid", message: failed.verifyReason };
  }
  if (signers.some((s) => s.blacklisted))
    return { verdict: "untrusted", message: "signer certificate is blacklisted" };
  if (/revocation list/.test(r.reason)) return { verdict: "untrusted", message: r.reason };
  const rejected = signers.find((s) => s.trustErrno === "EKEYREJECTED");
  if (rejected?.trustCheck?.errno)
    return rejected.trustCheck.contentMismatch
      ? { verdict: "invalid-digest", message: "signed data was modified (digest mismatch)" }
      : {
          verdict: "invalid-signature",
          message: `signature value does not verify (${rejected.trustCheck.reason})`,
        };
  if (r.errno === "ENOKEY")
    return { verdict: "untrusted", message: "signature does not chain to a trusted key" };
  return { verdict: "invalid", message: r.reason };
}

function hexUpper(b: Uint8Array | undefined): string | null {
  if (!b) return null;
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i)).toString("hex").toUpperCase();
}

/** The report line of one SignerInfo. */
export function signerReport(
  s: SignerState,
  verdict: Verdict,
  message: string,
  nested: boolean,
): SignatureReport {
  const embedded = s.signer?.c.cert;
  const trusted = s.trustedBy?.checked.cert;
  const signerCert = embedded ?? (s.trustCheck?.errno === null ? trusted : undefined);
  return {
    signer: signerCert
      ? commonName(signerCert.rawSubject)
      : s.si.rawIssuer
        ? commonName(s.si.rawIssuer)
        : null,
    issuer: s.si.rawIssuer ? commonName(s.si.rawIssuer) : embedded ? commonName(embedded.rawIssuer) : null,
    serial: hexUpper(s.si.rawSerial),
    keyId: s.si.skid ? Buffer.from(s.si.skid).toString("hex") : null,
    digestAlgorithm: s.si.hashAlgo,
    signatureAlgorithm: s.si.pkeyAlgo,
    anchor: s.trustErrno === null && s.trustedBy ? s.trustedBy.description : null,
    verdict,
    nested,
    message,
  };
}

export function emptyReport(verdict: Verdict, message: string, nested = false): SignatureReport {
  return {
    signer: null,
    issuer: null,
    serial: null,
    keyId: null,
    digestAlgorithm: null,
    signatureAlgorithm: null,
    anchor: null,
    verdict,
    nested,
    message,
  };
}

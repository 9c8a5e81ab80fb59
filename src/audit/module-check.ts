// One module's signature as module_sig_check() + mod_verify_sig() decide it
// (Debian: .secondary_trusted_keys, then .platform on ENOKEY), using the verify
// layer's PKCS#7 verifier once per keyring (no second "every anchor" pass: the
// audit only needs the kernel's answer).

import type { KernelVersion } from "../kernel/policy.js";
import { commonName, splitModuleSignature } from "../verify/files.js";
import { createKeyrings, type Keyrings, keyFromDer, verifyPkcs7Signature } from "../verify/index.js";
import type { SignatureResult } from "./verifier.js";

export interface KeyMaterial {
  version: KernelVersion;
  /** The kernel's builtin certificates (.builtin_trusted_keys). */
  builtin: Uint8Array[];
  /** --cert and live db/MOK certificates (.platform, Debian's module fallback). */
  platform: Uint8Array[];
  /** The kernel's CONFIG_CRYPTO_ECDSA, when its config is known (Debian's 6.1: no). */
  ecdsa?: boolean;
}

export function moduleKeyrings(k: KeyMaterial): Keyrings {
  const kr = createKeyrings(k.version, { ecdsa: k.ecdsa ?? true });
  for (const [list, ring] of [
    [k.builtin, kr.builtin],
    [k.platform, kr.platform],
  ] as const)
    for (const der of list) {
      try {
        ring.add(keyFromDer(der, k.version, kr.blacklist, "audit", kr.crypto));
      } catch {
        /* a certificate the kernel would refuse to load: not trusted */
      }
    }
  return kr;
}

function hex(b: Uint8Array | undefined): string {
  return b ? Buffer.from(b).toString("hex").toUpperCase() : "";
}

/** The kernel's answer for one decompressed module image. */
export function checkModule(image: Uint8Array, kr: Keyrings): SignatureResult {
  const split = splitModuleSignature(image);
  if (split.kind === "unsigned") return { verdict: "unsigned", errno: "ENODATA" };
  // mod_check_sig(): an id_type other than PKCS#7 is ENOPKG ("unsupported crypto"), which
  // module_sig_check() treats like a missing key (EPERM under lockdown), not as fatal.
  if (split.kind === "error")
    return {
      verdict: split.errno === "ENOPKG" ? "untrusted" : "invalid",
      errno: split.errno,
      detail: split.reason,
    };
  let r = verifyPkcs7Signature(split.pkcs7, split.content, kr, kr.secondary, "module");
  if (r.errno === "ENOKEY" && kr.platform.keys.length > 0)
    r = verifyPkcs7Signature(split.pkcs7, split.content, kr, kr.platform, "module");
  const si = r.parsed?.signers[0]?.si;
  const signer = si
    ? [
        si.rawIssuer ? commonName(si.rawIssuer) : undefined,
        si.rawSerial ? `serial ${hex(si.rawSerial)}` : si.skid ? `key id ${hex(si.skid)}` : undefined,
      ]
        .filter(Boolean)
        .join(", ")
    : undefined;
  const out: SignatureResult = { verdict: "valid" };
  if (signer) out.signer = signer;
  if (r.errno === null) return { ...out, detail: `accepted via ${r.keyring ?? "keyring"}` };
  out.errno = r.errno;
  out.detail = r.reason;
  // module_sig_check(): ENOKEY and ENOPKG are "soft" (EPERM under lockdown); everything else is fatal.
  out.verdict = r.errno === "ENOKEY" || r.errno === "ENOPKG" ? "untrusted" : "invalid";
  return out;
}

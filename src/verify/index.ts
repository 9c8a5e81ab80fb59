/**
 * Signature verification as Linux 6.1 / 6.12 decide it: PE/COFF Authenticode
 * (kexec_file_load), appended module signatures (finit_module) and IMA
 * security.ima signatures. Every answer carries two readings:
 *
 *   verdict  what a careful verifier says: "valid" | "untrusted" |
 *            "invalid-digest" | "invalid-signature" | "invalid" | "unsigned" |
 *            "not-a-signature" | "valid-nested-only" (all anchors, all signatures)
 *   kernel   { accept, errno } of the kernel's own check with the given keyrings:
 *            verify_pefile_signature() (tried with .secondary, then .platform on
 *            ENOKEY, as kexec does), mod_verify_sig() (ENODATA when unsigned;
 *            .secondary then .platform, then Debian's bin: blacklist), or IMA's
 *            asymmetric_verify() (errno null where IMA refuses without one).
 *            Enforcement (sig_enforce, lockdown) is the caller's business.
 *
 * Keyrings
 *   const kr = createKeyrings("6.1");           // .builtin, .secondary(->builtin,machine), .machine, .platform, .ima, blacklist
 *   addCertFile(kr.builtin, "signing_key.pem");  // PEM (one or more certs) or DER; throws InputError naming the file
 *   kr.blacklist.addHash("bin:<sha256 hex>");    // or "tbs:<hex>"; kr.blacklist.certs is the revocation keyring
 *   keyringsFromCerts(["a.pem"], "6.12")         // every cert in .builtin and .ima (the CLI's --cert)
 *
 * Verifying
 *   verifyModule(bytes, kr)          -> VerifyResult   (decompressed image; sync)
 *   verifyModuleFile(bytes, kr)      -> Promise<VerifyResult>  (.ko.xz/.ko.zst/.ko.gz decompressed first)
 *   verifyModuleDetached(content, p7s, kr), verifyPeDetached(image, p7, kr)
 *   verifyPe(bytes, kr, { kernelKeyrings?: Keyring[] })
 *   verifyIma({ content } | { digest, hashAlgo }, xattrValue, kr, { kexec?, signatureRequired? })
 *   verifyBytes(bytes, kr, { type?, name? }) / verifyPath(path, kr, opts)  (type detected from content)
 *   verifyMany(paths, certFiles, opts)  -> AsyncIterable of { file, result | error } in input order,
 *            worker threads for 64+ files (new VerifyPool(loadAnchors(certFiles, v), v, size) to start early)
 *   verifyPkcs7Signature(der, data | undefined, kr, trustKeyring, usage)  the kernel's
 *            verify_pkcs7_signature() alone: { errno, reason, keyring, parsed }
 *
 * VerifyResult = { type, verdict, kernel: { accept, errno, keyring, reason }, signatures: [{ signer, issuer,
 *   serial, keyId, digestAlgorithm, signatureAlgorithm, anchor, verdict, nested, message }], message }
 *
 * Malformed input never throws: it becomes a verdict and an errno. Only
 * unreadable files or certificates throw (InputError).
 *
 * Where the kernel would read out of bounds or hash without limit (sections
 * past EOF, a PKCS#7 header past EOF, sections naming the same bytes many
 * times) we answer -ELIBBAD instead and say so in kernel.reason.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { detectType } from "./detect.js";
import { verifyIma } from "./ima.js";
import type { Keyring, Keyrings } from "./keyring.js";
import { loadCertFile } from "./keyring.js";
import { verifyModuleFile } from "./module.js";
import { verifyPe } from "./pe.js";
import { type FileType, refuse, type VerifyResult } from "./result.js";

export { detectType } from "./detect.js";
export { asymmetricVerify, type ImaOptions, type ImaSubject, verifyIma } from "./ima.js";
export {
  anchorsOf,
  Blacklist,
  certificatesIn,
  createKeyrings,
  findAsymmetricKey,
  type Key,
  Keyring,
  type Keyrings,
  keyFromDer,
  keyringsFromCerts,
  loadCertFile,
} from "./keyring.js";
export {
  decompressModule,
  type ModuleOptions,
  verifyModule,
  verifyModuleDetached,
  verifyModuleFile,
} from "./module.js";
export { authenticodeDigest, type PeOptions, verifyPe, verifyPeDetached } from "./pe.js";
export { type Pkcs7Result, type Usage, verifyPkcs7Signature } from "./pkcs7-verify.js";
export {
  FULL_CRYPTO,
  type KernelCrypto,
  kernelCryptoFromConfig,
  type VerifyOutcome,
} from "./public-key.js";
export {
  type FileType,
  type KernelDecision,
  type SignatureReport,
  VERDICTS,
  type Verdict,
  type VerifyResult,
} from "./result.js";

/** Adds every certificate of a PEM/DER file to a keyring. */
export function addCertFile(kr: Keyring, path: string, keyrings?: Keyrings): Keyring {
  for (const k of loadCertFile(path, keyrings?.version ?? "6.1", keyrings?.blacklist)) kr.add(k);
  return kr;
}

export interface VerifyOptions {
  type?: FileType;
  /** File name, used to classify compressed modules. */
  name?: string;
  /** IMA: the raw security.ima value. */
  imaSig?: Uint8Array;
}

/** Verifies one file's bytes: PE image or module, or an IMA check when `imaSig` is given. */
export async function verifyBytes(
  b: Uint8Array,
  kr: Keyrings,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const type = opts.type ?? (opts.imaSig ? "ima" : detectType(b, opts.name));
  switch (type) {
    case "pe":
      return verifyPe(b, kr);
    case "module":
      return verifyModuleFile(b, kr);
    case "ima":
      if (!opts.imaSig)
        return {
          type: "ima",
          verdict: "unsigned",
          kernel: refuse(null, "missing-hash"),
          signatures: [],
          message: "no security.ima value",
        };
      return verifyIma({ content: b }, opts.imaSig, kr);
    default:
      return {
        type: "module",
        verdict: "invalid",
        kernel: refuse("ENOEXEC", "not a PE image or kernel module"),
        signatures: [],
        message: "not a PE image or kernel module",
      };
  }
}

export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function verifyPath(
  path: string,
  kr: Keyrings,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  return verifyBytes(readInput(path), kr, { name: path, ...opts });
}

export { type BatchItem, type BatchOptions, loadAnchors, poolSize, VerifyPool, verifyMany } from "./batch.js";

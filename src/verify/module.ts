// Kernel modules with an appended PKCS#7 signature: the kernel's
// mod_verify_sig() (kernel/module/signing.c) as called by module_sig_check(),
// including Debian's .platform fallback on -ENOKEY and its "bin:" hash
// blacklist, and the verdict of a careful verifier.
import { createHash } from "node:crypto";
import { FormatError } from "../errors.js";
import { decompress, detectCompression } from "../formats/decompress.js";
import { splitModuleSignature } from "../formats/module-sig.js";
import { anchorsOf, type Keyring, type Keyrings } from "./keyring.js";
import { type Pkcs7Result, verifyPkcs7Signature } from "./pkcs7-verify.js";
import { emptyReport, pkcs7Verdict, signerReport } from "./report.js";
import { accept, type KernelDecision, refuse, type SignatureReport, type VerifyResult } from "./result.js";

export interface ModuleOptions {
  /** Keyrings tried in order while the answer is -ENOKEY (default .secondary then .platform, as Debian builds). */
  kernelKeyrings?: Keyring[];
}

function reports(r: Pkcs7Result, verdict: VerifyResult["verdict"], message: string): SignatureReport[] {
  const s = r.parsed?.signers ?? [];
  return s.length ? s.map((x) => signerReport(x, verdict, message, false)) : [emptyReport(verdict, message)];
}

/**
 * Verifies a module image (already decompressed). The kernel answer is what
 * mod_verify_sig() returns (-ENODATA when module_sig_check() finds no marker),
 * before sig_enforce or lockdown turn it into -EKEYREJECTED / -EPERM.
 */
export function verifyModule(file: Uint8Array, keyrings: Keyrings, opts: ModuleOptions = {}): VerifyResult {
  const split = splitModuleSignature(file);
  if (split.kind === "unsigned")
    return {
      type: "module",
      verdict: "unsigned",
      kernel: refuse("ENODATA", "unsigned module"),
      signatures: [],
      message: "no signature",
    };
  if (split.kind === "error")
    return {
      type: "module",
      verdict: "invalid",
      kernel: refuse(split.errno, split.reason),
      signatures: [],
      message: split.reason,
    };
  // The kernel's decision
  let kernel: KernelDecision = refuse("ENOKEY", "no keyring");
  let kr: Pkcs7Result | undefined;
  for (const trust of opts.kernelKeyrings ?? [keyrings.secondary, keyrings.platform]) {
    kr = verifyPkcs7Signature(split.pkcs7, split.content, keyrings, trust, "module");
    kernel = kr.errno
      ? refuse(kr.errno, kr.reason)
      : accept(trust.name, `signature by a key in ${trust.name}`);
    if (kr.errno !== "ENOKEY") break;
  }
  if (kernel.accept && keyrings.blacklist.bin.size > 0) {
    // Debian: mod_is_hash_blacklisted() over the whole image, signature included
    const h = createHash("sha256").update(file).digest("hex");
    if (keyrings.blacklist.isBinBlacklisted(h))
      kernel = refuse("EKEYREJECTED", `Module hash ${h} is blacklisted`);
  }
  // The verdict, against every anchor. With the default keyrings the kernel's last pass searched
  // .secondary then .platform just as the anchor set does, so its findings are the verdict's.
  const r =
    !opts.kernelKeyrings && kr
      ? kr
      : verifyPkcs7Signature(split.pkcs7, split.content, keyrings, anchorsOf(keyrings, "module"), "module");
  let { verdict, message } = pkcs7Verdict(r);
  if (
    verdict === "valid" &&
    !kernel.accept &&
    kernel.errno === "EKEYREJECTED" &&
    /blacklisted/.test(kernel.reason)
  )
    ({ verdict, message } = { verdict: "untrusted", message: kernel.reason });
  return { type: "module", verdict, kernel, signatures: reports(r, verdict, message), message };
}

/** A module file as the loader gets it: .ko.xz / .ko.zst / .ko.gz are decompressed first. */
export async function decompressModule(file: Uint8Array): Promise<Uint8Array> {
  const c = detectCompression(file);
  return c ? decompress(file, c) : file;
}

export async function verifyModuleFile(
  file: Uint8Array,
  keyrings: Keyrings,
  opts: ModuleOptions = {},
): Promise<VerifyResult> {
  let plain: Uint8Array;
  try {
    plain = await decompressModule(file);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return {
      type: "module",
      verdict: "invalid",
      kernel: refuse(e.errno ?? "EINVAL", e.message),
      signatures: [],
      message: e.message,
    };
  }
  return verifyModule(plain, keyrings, opts);
}

/** A module's detached PKCS#7 (sign-file -d, a .p7s) over the module content. */
export function verifyModuleDetached(content: Uint8Array, p7s: Uint8Array, keyrings: Keyrings): VerifyResult {
  let kernel: KernelDecision = refuse("ENOKEY", "no keyring");
  for (const trust of [keyrings.secondary, keyrings.platform]) {
    const k = verifyPkcs7Signature(p7s, content, keyrings, trust, "module");
    kernel = k.errno ? refuse(k.errno, k.reason) : accept(trust.name);
    if (k.errno !== "ENOKEY") break;
  }
  const r = verifyPkcs7Signature(p7s, content, keyrings, anchorsOf(keyrings, "module"), "module");
  const { verdict, message } = pkcs7Verdict(r);
  return { type: "module", verdict, kernel, signatures: reports(r, verdict, message), message };
}

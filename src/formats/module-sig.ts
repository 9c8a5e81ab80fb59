// The appended module signature (include/linux/module_signature.h,
// kernel/module/signing.c: module_sig_check()/mod_verify_sig(),
// kernel/module_signature.c: mod_check_sig()).
//
//   <module> <PKCS#7, sig_len bytes> <struct module_signature, 12> "~Module signature appended~\n"
import type { ErrnoName } from "../errno.js";

export const MODULE_SIG_STRING = "~Module signature appended~\n";
const MAGIC = Buffer.from(MODULE_SIG_STRING, "latin1");
export const MODULE_SIGNATURE_SIZE = 12;
export const PKEY_ID_PKCS7 = 2;

/** struct module_signature */
export interface ModuleSignatureInfo {
  algo: number;
  hash: number;
  idType: number;
  signerLen: number;
  keyIdLen: number;
  pad: [number, number, number];
  sigLen: number;
}

export type ModuleSigSplit =
  | { kind: "unsigned" }
  | { kind: "error"; errno: ErrnoName; reason: string; info?: ModuleSignatureInfo }
  | { kind: "signed"; content: Uint8Array; pkcs7: Uint8Array; info: ModuleSignatureInfo };

export function hasModuleSigMarker(file: Uint8Array): boolean {
  const m = MAGIC.length;
  return file.length > m && Buffer.from(file.buffer, file.byteOffset + file.length - m, m).equals(MAGIC);
}

/** module_sig_check() + mod_verify_sig() + mod_check_sig(): splits an image the kernel's way. */
export function splitModuleSignature(file: Uint8Array): ModuleSigSplit {
  if (!hasModuleSigMarker(file)) return { kind: "unsigned" };
  const modlen = file.length - MAGIC.length;
  if (modlen <= MODULE_SIGNATURE_SIZE)
    return { kind: "error", errno: "EBADMSG", reason: "module too short for a signature" };
  const b = file.subarray(modlen - MODULE_SIGNATURE_SIZE, modlen);
  const info: ModuleSignatureInfo = {
    algo: b[0]!,
    hash: b[1]!,
    idType: b[2]!,
    signerLen: b[3]!,
    keyIdLen: b[4]!,
    pad: [b[5]!, b[6]!, b[7]!],
    sigLen: ((b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!) >>> 0,
  };
  if (info.sigLen >= modlen - MODULE_SIGNATURE_SIZE)
    return {
      kind: "error",
      errno: "EBADMSG",
      reason: `sig_len ${info.sigLen} does not fit the module`,
      info,
    };
  if (info.idType !== PKEY_ID_PKCS7)
    return {
      kind: "error",
      errno: "ENOPKG",
      reason: "module: not signed with expected PKCS#7 message",
      info,
    };
  if (info.algo || info.hash || info.signerLen || info.keyIdLen || info.pad[0] || info.pad[1] || info.pad[2])
    return {
      kind: "error",
      errno: "EBADMSG",
      reason: "module: PKCS#7 signature info has unexpected non-zero params",
      info,
    };
  const m = modlen - MODULE_SIGNATURE_SIZE - info.sigLen;
  return { kind: "signed", content: file.subarray(0, m), pkcs7: file.subarray(m, m + info.sigLen), info };
}

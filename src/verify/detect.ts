// What kind of file is this? PE image, kernel module (ELF, possibly
// compressed) or neither, from its first and last bytes, and failing those
// from its name: a damaged image (broken MZ or PE header) named like one is
// still answered as the kernel's check of that kind answers it
// (verify_pefile_signature() -ELIBBAD, module_sig_check() -ENODATA / -EBADMSG)
// rather than refused as unclassifiable.
import { basename } from "node:path";
import { detectCompression } from "../formats/decompress.js";
import { hasModuleSigMarker } from "../formats/module-sig.js";
import { looksLikePe } from "../formats/pe.js";
import type { FileType } from "./result.js";

const ELF = [0x7f, 0x45, 0x4c, 0x46];
const PE_NAME = /\.(efi|exe|dll|sys|signed)$|^(vmlinuz|bzimage)/i;
const MODULE_NAME = /\.ko$/;

export function detectType(b: Uint8Array, name = ""): FileType | undefined {
  if (looksLikePe(b)) return "pe";
  if (ELF.every((x, i) => b[i] === x) || hasModuleSigMarker(b)) return "module";
  if (detectCompression(b) && /\.ko\.(xz|zst|gz)$/.test(name)) return "module";
  // "MZ" with a PE header that does not check out: still a PE image, malformed
  if (b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a) return "pe";
  const base = basename(name);
  if (PE_NAME.test(base)) return "pe";
  if (MODULE_NAME.test(base)) return "module";
  return undefined;
}

// What kind of file is this? PE image, kernel module (ELF, possibly
// compressed) or neither, from its first and last bytes.
import { detectCompression } from "../formats/decompress.js";
import { hasModuleSigMarker } from "../formats/module-sig.js";
import { looksLikePe } from "../formats/pe.js";
import type { FileType } from "./result.js";

const ELF = [0x7f, 0x45, 0x4c, 0x46];

export function detectType(b: Uint8Array, name = ""): FileType | undefined {
  if (looksLikePe(b)) return "pe";
  if (ELF.every((x, i) => b[i] === x) || hasModuleSigMarker(b)) return "module";
  if (detectCompression(b) && /\.ko\.(xz|zst|gz)$/.test(name)) return "module";
  return undefined;
}

// Certificates the kernel would trust beyond its builtin ones, where the root
// lets us read them: on a live host the UEFI db and shim's MokListRT (the
// .platform and .machine keyrings), as EFI_SIGNATURE_LISTs in efivars; and
// files the user names with --cert (DER or PEM).
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import type { Root } from "./rootfs.js";

export interface TrustedCert {
  der: Uint8Array;
  /** Where it came from: "builtin <release>", "--cert <file>", "efivars db", "efivars MokListRT". */
  origin: string;
}

const X509_GUID = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072";

function guid(b: Uint8Array, at: number): string {
  const h = (i: number) => (b[at + i] as number).toString(16).padStart(2, "0");
  return `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** X.509 entries of an EFI_SIGNATURE_LIST sequence (UEFI spec 32.4.1), bounded. */
export function efiSignatureListCerts(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  while (p + 28 <= data.length) {
    const type = guid(data, p);
    const listSize = dv.getUint32(p + 16, true);
    const headerSize = dv.getUint32(p + 20, true);
    const sigSize = dv.getUint32(p + 24, true);
    if (listSize < 28 || p + listSize > data.length || sigSize < 16) break;
    if (type === X509_GUID) {
      for (let q = p + 28 + headerSize; q + sigSize <= p + listSize; q += sigSize)
        out.push(data.slice(q + 16, q + sigSize));
    }
    p += listSize;
  }
  return out;
}

/** db and MokListRT certificates of the running system (live only). */
export function platformCerts(root: Root): TrustedCert[] {
  if (!root.live) return [];
  const out: TrustedCert[] = [];
  const vars: [string, string][] = [
    ["db-d719b2cb-3d3a-4596-a3bc-dad00e67656f", "efivars db (.platform keyring)"],
    ["MokListRT-605dab50-e046-4300-abb6-3dd810dd8b23", "efivars MokListRT (.machine/.platform keyring)"],
  ];
  for (const [name, origin] of vars) {
    const b = root.bytes(`/sys/firmware/efi/efivars/${name}`);
    if (!b || b.length < 4) continue;
    for (const der of efiSignatureListCerts(b.subarray(4))) out.push({ der, origin });
  }
  return out;
}

/** Reads a --cert file: DER, or PEM with one or more CERTIFICATE blocks. */
export function readCertFile(file: string): TrustedCert[] {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch (e) {
    throw new InputError(file, (e as NodeJS.ErrnoException).code ?? "unreadable");
  }
  const text = b.toString("latin1");
  if (text.includes("-----BEGIN")) {
    const out: TrustedCert[] = [];
    for (const m of text.matchAll(/-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END/g))
      out.push({
        der: Buffer.from((m[1] as string).replace(/\s+/g, ""), "base64"),
        origin: `--cert ${file}`,
      });
    if (out.length === 0) throw new InputError(file, "no CERTIFICATE in PEM file");
    return out;
  }
  if (b[0] !== 0x30) throw new InputError(file, "not a DER or PEM certificate");
  return [{ der: b, origin: `--cert ${file}` }];
}

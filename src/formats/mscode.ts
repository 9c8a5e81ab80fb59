// SpcIndirectDataContent as the kernel reads it for kexec
// (crypto/asymmetric_keys/mscode.asn1, mscode_parser.c: mscode_parse()).
import type { ErrnoName } from "../errno.js";
import { FormatError } from "../errors.js";
import { bytes, Cursor, expect, lookUpOid, oidToString, TAG } from "./der.js";
import type { KernelVersion } from "./oid-registry.js";

export interface MsCode {
  /** Image digest algorithm, kernel crypto name ("sha256", ...). */
  digestAlgo: string;
  digestOid: string;
  digest: Uint8Array;
}

function fail(msg: string, errno: ErrnoName): never {
  throw new FormatError(`mscode: ${msg}`, errno);
}

/** mscode_note_digest_algo() per kernel version. */
const IMAGE_DIGESTS: Record<string, { name: string; v61: boolean; v612: boolean }> = {
  md4: { name: "md4", v61: true, v612: false },
  md5: { name: "md5", v61: true, v612: false },
  sha1: { name: "sha1", v61: true, v612: true },
  sha256: { name: "sha256", v61: true, v612: true },
  sha384: { name: "sha384", v61: true, v612: true },
  sha512: { name: "sha512", v61: true, v612: true },
  sha224: { name: "sha224", v61: true, v612: false },
  sha3_256: { name: "sha3-256", v61: false, v612: true },
  sha3_384: { name: "sha3-384", v61: false, v612: true },
  sha3_512: { name: "sha3-512", v61: false, v612: true },
};

/**
 * mscode_parse(): `content` is the PKCS#7 content value with its header put
 * back (`hdrLen` bytes before it), as verify_pkcs7_message_sig() hands it over.
 */
export function parseMsCode(content: Uint8Array, v: KernelVersion): MsCode {
  const top = expect(content, 0, Math.min(content.length, 65535), TAG.SEQUENCE, "MSCode");
  const c = new Cursor(content, top);
  const type = new Cursor(content, c.next(TAG.SEQUENCE, "type"));
  const ctOid = bytes(content, type.next(TAG.OID, "contentType"));
  // mscode_note_content_type()
  const ct = lookUpOid(ctOid, v);
  if (ct === undefined) fail(`Unknown OID: ${oidToString(ctOid)}`, "EBADMSG");
  // pesign once wrote msIndividualSPKeyPurpose instead of msPeImageDataObjId
  if (ct !== "msPeImageDataObjId" && ct !== "msIndividualSPKeyPurpose")
    fail("Unexpected content type OID", "EBADMSG");
  type.any("parameters");
  if (!type.done) fail("trailing data in SpcAttributeTypeAndOptionalValue", "EBADMSG");
  const body = new Cursor(content, c.next(TAG.SEQUENCE, "content"));
  const alg = new Cursor(content, body.next(TAG.SEQUENCE, "digestAlgorithm"));
  const dOid = bytes(content, alg.next(TAG.OID, "algorithm"));
  // mscode_note_digest_algo()
  const dname = lookUpOid(dOid, v);
  if (dname === undefined) fail(`Unknown OID: ${oidToString(dOid)}`, "EBADMSG");
  const d = IMAGE_DIGESTS[dname];
  if (!d || !(v === "6.1" ? d.v61 : d.v612)) fail(`Unsupported content type: ${dname}`, "ENOPKG");
  if (!alg.done) alg.any("parameters");
  if (!alg.done) fail("trailing data in DigestAlgorithmIdentifier", "EBADMSG");
  const digest = bytes(content, body.next(TAG.OCTET_STRING, "digest"));
  if (!body.done || !c.done) fail("trailing data in SpcIndirectDataContent", "EBADMSG");
  return { digestAlgo: d.name, digestOid: oidToString(dOid), digest };
}

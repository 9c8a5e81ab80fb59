// The security.ima extended attribute (security/integrity/integrity.h:
// enum evm_ima_xattr_type, struct signature_v2_hdr; digsig_asymmetric.c).
export const IMA_XATTR = {
  IMA_XATTR_DIGEST: 0x01,
  EVM_XATTR_HMAC: 0x02,
  EVM_IMA_XATTR_DIGSIG: 0x03,
  IMA_XATTR_DIGEST_NG: 0x04,
  EVM_XATTR_PORTABLE_DIGSIG: 0x05,
  IMA_VERITY_DIGSIG: 0x06,
} as const;

export const SIGNATURE_V2_HDR_SIZE = 9;

/** struct signature_v2_hdr (packed): type, version, hash_algo, keyid (BE32), sig_size (BE16), sig. */
export interface SignatureV2Hdr {
  type: number;
  version: number;
  hashAlgo: number;
  keyid: number;
  sigSize: number;
  sig: Uint8Array;
}

export type ImaXattr =
  | { kind: "empty" }
  | { kind: "digest"; type: number; hashAlgo: number | undefined; digest: Uint8Array }
  | { kind: "signature"; type: number; hdr: SignatureV2Hdr | undefined; raw: Uint8Array }
  | { kind: "other"; type: number };

/** Classifies a raw xattr value by its type byte; never throws. */
export function parseImaXattr(x: Uint8Array): ImaXattr {
  if (x.length === 0) return { kind: "empty" };
  const type = x[0]!;
  if (type === IMA_XATTR.IMA_XATTR_DIGEST)
    return { kind: "digest", type, hashAlgo: undefined, digest: x.subarray(1) };
  if (type === IMA_XATTR.IMA_XATTR_DIGEST_NG)
    return { kind: "digest", type, hashAlgo: x[1], digest: x.subarray(Math.min(2, x.length)) };
  if (
    type === IMA_XATTR.EVM_IMA_XATTR_DIGSIG ||
    type === IMA_XATTR.IMA_VERITY_DIGSIG ||
    type === IMA_XATTR.EVM_XATTR_PORTABLE_DIGSIG
  ) {
    const hdr =
      x.length >= SIGNATURE_V2_HDR_SIZE
        ? {
            type,
            version: x[1]!,
            hashAlgo: x[2]!,
            keyid: ((x[3]! << 24) | (x[4]! << 16) | (x[5]! << 8) | x[6]!) >>> 0,
            sigSize: (x[7]! << 8) | x[8]!,
            sig: x.subarray(SIGNATURE_V2_HDR_SIZE),
          }
        : undefined;
    return { kind: "signature", type, hdr, raw: x };
  }
  return { kind: "other", type };
}

// A small, bounded BER reader with the exact tolerances of the kernel's
// ASN.1 decoder (lib/asn1_decoder.c: asn1_ber_decoder()), used on the hot
// path instead of a general ASN.1 library:
//   - one-byte tags only (a 0x1f low tag number is "long tag", -EBADMSG);
//   - definite lengths of at most two length octets, non-minimal forms allowed;
//   - indefinite lengths for constructed encodings only, ended by 00 00;
//   - a whole message longer than 65535 bytes is refused with -EMSGSIZE;
//   - bytes after the outermost element are ignored (no check at completion).
// Every failure is a FormatError carrying the kernel's errno (EBADMSG).
import { FormatError } from "../errors.js";
import { type KernelVersion, OID_REGISTRY } from "./oid-registry.js";

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  CONS: 0x20,
} as const;

/** One element: `value`..`value+len` is its content, `end` is past it (and past any EOC). */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly hdr: number;
  readonly value: number;
  readonly len: number;
  readonly end: number;
  readonly indefinite: boolean;
}

/** lib/asn1_decoder.c: asn1_ber_decoder() refuses datalen > 65535 up front. */
export const ASN1_MAX_DATALEN = 65535;

function bad(what: string): never {
  throw new FormatError(`ASN.1: ${what}`, "EBADMSG");
}

/**
 * lib/asn1_decoder.c: asn1_find_indefinite_length(). Returns the length of the
 * content from `dp` up to and including the matching EOC.
 */
function indefiniteLength(buf: Uint8Array, dp: number, datalen: number): number {
  const start = dp;
  let level = 1;
  for (;;) {
    if (datalen - dp < 2)
      bad(datalen === dp ? "missing EOC in indefinite length constructed" : "data overrun");
    const tag = buf[dp++]!;
    if (tag === 0) {
      if (buf[dp++] !== 0) bad("invalid length EOC");
      if (--level <= 0) return dp - start;
      continue;
    }
    if ((tag & 0x1f) === 0x1f) {
      let t: number;
      do {
        if (datalen - dp < 2) bad("data overrun");
        t = buf[dp++]!;
      } while (t & 0x80);
    }
    let len = buf[dp++]!;
    if (len > 0x7f) {
      if (len === 0x80) {
        if ((tag & TAG.CONS) === 0) bad("indefinite length primitive not permitted");
        level++;
        continue;
      }
      let n = len - 0x80;
      if (n > 7) bad("unsupported length");
      if (n > datalen - dp) bad("data overrun");
      len = 0;
      for (; n > 0; n--) len = len * 256 + buf[dp++]!;
    }
    if (len > datalen - dp) bad("data overrun");
    dp += len;
  }
}

/**
 * Reads the element at `dp`, which must end by `datalen`. When `cons` is set
 * the caller expects a constructed type: the kernel then ignores the
 * constructed bit of the data when matching the tag (asn1_ber_decoder: "tmp &=
 * ~(optag & ASN1_CONS_BIT)").
 */
export function readTlv(buf: Uint8Array, dp: number, datalen: number): Tlv {
  const start = dp;
  if (datalen - dp < 2) bad("data overrun");
  const tag = buf[dp++]!;
  if ((tag & 0x1f) === 0x1f) bad("long tag not supported");
  let hdr = 2;
  let len = buf[dp++]!;
  if (len > 0x7f) {
    if (len === 0x80) {
      if ((tag & TAG.CONS) === 0) bad("indefinite length primitive not permitted");
      if (2 > datalen - dp) bad("data overrun");
      const withEoc = indefiniteLength(buf, dp, datalen);
      return { tag, start, hdr, value: dp, len: withEoc - 2, end: dp + withEoc, indefinite: true };
    }
    let n = len - 0x80;
    if (n > 2) bad("unsupported length");
    if (n > datalen - dp) bad("data overrun");
    hdr += n;
    for (len = 0; n > 0; n--) len = (len << 8) | buf[dp++]!;
  }
  if (len > datalen - dp) bad("data overrun");
  return { tag, start, hdr, value: dp, len, end: dp + len, indefinite: false };
}

/** Tag match as the kernel's decoder does it, for an expected `optag`. */
export function tagMatches(tag: number, optag: number): boolean {
  return ((optag ^ tag) & ~(optag & TAG.CONS) & 0xff) === 0;
}

/** Reads an element that must carry `optag`; `what` names it in the error. */
export function expect(buf: Uint8Array, dp: number, datalen: number, optag: number, what: string): Tlv {
  const t = readTlv(buf, dp, datalen);
  if (!tagMatches(t.tag, optag)) bad(`${what}: unexpected tag 0x${t.tag.toString(16)}`);
  return t;
}

/** The children of a constructed element, read lazily and bounded by it. */
export function* children(buf: Uint8Array, parent: Tlv): Generator<Tlv> {
  let dp = parent.value;
  const end = parent.value + parent.len;
  while (dp < end) {
    const t = readTlv(buf, dp, end);
    yield t;
    dp = t.end;
  }
}

/** Cursor over the children of one constructed element, for grammar-shaped parsers. */
export class Cursor {
  dp: number;
  readonly end: number;
  constructor(
    readonly buf: Uint8Array,
    parent: Tlv,
  ) {
    this.dp = parent.value;
    this.end = parent.value + parent.len;
  }
  get done(): boolean {
    return this.dp >= this.end;
  }
  peekTag(): number | undefined {
    return this.dp < this.end ? this.buf[this.dp] : undefined;
  }
  /** Next element, which must carry `optag`. */
  next(optag: number, what: string): Tlv {
    const t = expect(this.buf, this.dp, this.end, optag, what);
    this.dp = t.end;
    return t;
  }
  /** Next element of any tag. */
  any(what: string): Tlv {
    if (this.dp >= this.end) bad(`${what}: missing`);
    const t = readTlv(this.buf, this.dp, this.end);
    this.dp = t.end;
    return t;
  }
  /** Next element if its tag matches `optag` (an OPTIONAL field), else undefined. */
  optional(optag: number): Tlv | undefined {
    if (this.dp >= this.end) return undefined;
    const tag = this.buf[this.dp]!;
    if (!tagMatches(tag, optag)) return undefined;
    return this.next(optag, "optional");
  }
}

/**
 * Walks a Name (SEQUENCE OF SET OF SEQUENCE { OID, ANY }) as the kernel's
 * grammars do, so a malformed name fails where it fails in Linux; `fail`
 * raises the caller's own error.
 */
export function walkName(buf: Uint8Array, name: Tlv, fail: (msg: string) => never): void {
  const rdns = new Cursor(buf, name);
  while (!rdns.done) {
    const avas = new Cursor(buf, rdns.next(TAG.SET, "RelativeDistinguishedName"));
    while (!avas.done) {
      const ava = new Cursor(buf, avas.next(TAG.SEQUENCE, "AttributeValueAssertion"));
      ava.next(TAG.OID, "attributeType");
      ava.any("attributeValue");
      if (!ava.done) fail("trailing data in AttributeValueAssertion");
    }
  }
}

export function bytes(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.value, t.value + t.len);
}

/** The whole encoding (tag, length, content) of an element. */
export function raw(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.start, t.end);
}

// --- OIDs --------------------------------------------------------------------

/** Dotted form of OID content octets (for messages and tables). */
export function oidToString(v: Uint8Array): string {
  if (v.length === 0) return "";
  const parts: number[] = [];
  let acc = 0;
  let first = true;
  for (const b of v) {
    acc = acc * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      const x = acc < 40 ? 0 : acc < 80 ? 1 : 2;
      parts.push(x, acc - 40 * x);
      first = false;
    } else parts.push(acc);
    acc = 0;
  }
  return parts.join(".");
}

export function oidToBytes(dotted: string): Uint8Array {
  const p = dotted.split(".").map(Number);
  const out: number[] = [];
  const push = (n: number) => {
    const tmp = [n & 0x7f];
    for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) tmp.unshift((n & 0x7f) | 0x80);
    out.push(...tmp);
  };
  push(p[0]! * 40 + p[1]!);
  for (const n of p.slice(2)) push(n);
  return Uint8Array.from(out);
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

let BY_BYTES: Record<KernelVersion, Map<string, string>> | undefined;

/** The registry keyed by content octets, built on first use (start-up stays lean). */
function registry(): Record<KernelVersion, Map<string, string>> {
  if (BY_BYTES) return BY_BYTES;
  BY_BYTES = { "6.1": new Map(), "6.12": new Map() };
  for (const [name, [dotted, in61, in612]] of Object.entries(OID_REGISTRY)) {
    const key = hex(oidToBytes(dotted));
    if (in61) BY_BYTES["6.1"].set(key, name);
    if (in612) BY_BYTES["6.12"].set(key, name);
  }
  return BY_BYTES;
}

/** lib/oid_registry.c: look_up_OID(): the registry name, or undefined for OID__NR. */
export function lookUpOid(v: Uint8Array, version: KernelVersion): string | undefined {
  return registry()[version].get(hex(v));
}

export function toHex(b: Uint8Array): string {
  return hex(b);
}

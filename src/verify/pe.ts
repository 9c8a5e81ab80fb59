// Authenticode-signed PE images: the kexec_file_load check
// (crypto/asymmetric_keys/verify_pefile.c: verify_pefile_signature(), tried
// with .secondary and then .platform on -ENOKEY as
// arch/x86/kernel/kexec-bzimage64.c: bzImage64_verify_sig() does), and the
// verdict of a careful verifier that reads every WIN_CERTIFICATE.
import type { ErrnoName } from "../errno.js";
import { FormatError } from "../errors.js";
import { type MsCode, parseMsCode } from "../formats/mscode.js";
import {
  authenticodeRanges,
  listWinCertificates,
  type PeLayout,
  parsePe,
  type Range,
  stripSigWrapper,
  WIN_CERT_REVISION_2_0,
  WIN_CERT_TYPE_PKCS_SIGNED_DATA,
  type WinCertificate,
} from "../formats/pe.js";
import { OID_NESTED_SIGNATURE } from "../formats/pkcs7.js";
import { DIGEST_SIZES, digestRanges, equalBytes } from "./hash.js";
import { anchorsOf, type Keyring, type Keyrings } from "./keyring.js";
import { type Pkcs7Result, verifyPkcs7Signature } from "./pkcs7-verify.js";
import { emptyReport, pkcs7Verdict, signerReport } from "./report.js";
import {
  accept,
  combineVerdicts,
  type KernelDecision,
  refuse,
  type SignatureReport,
  type Verdict,
  type VerifyResult,
} from "./result.js";

/** The content of the PKCS#7 with its own header, as mscode_parse() receives it. */
function contentWithHeader(r: Pkcs7Result): Uint8Array | undefined {
  const m = r.parsed?.msg;
  if (!m?.data) return undefined;
  const d = m.data;
  return new Uint8Array(d.buffer, d.byteOffset - m.dataHdrLen, d.length + m.dataHdrLen);
}

/** The image's digest over the Authenticode ranges: by default hashed from the bytes in memory. */
export type RangeDigester = (algo: string, ranges: readonly Range[]) => Uint8Array | undefined;

/** Digests computed so far (one per algorithm) and how to compute another. */
interface Digests {
  done: Map<string, Uint8Array | undefined>;
  compute: RangeDigester;
}

/** pefile_digest_pe(): compare the image digest with the one the signature carries. */
function imageDigestCheck(
  ranges: readonly Range[],
  mc: MsCode,
  cache: Digests,
): { errno: ErrnoName | null; reason: string } {
  const size = DIGEST_SIZES[mc.digestAlgo];
  if (size === undefined) return { errno: "ENOPKG", reason: `no ${mc.digestAlgo} here` };
  if (size !== mc.digest.length)
    return { errno: "EBADMSG", reason: `Digest size mismatch (${size} != ${mc.digest.length})` };
  if (!cache.done.has(mc.digestAlgo)) cache.done.set(mc.digestAlgo, cache.compute(mc.digestAlgo, ranges));
  const d = cache.done.get(mc.digestAlgo);
  if (!d) return { errno: "ENOPKG", reason: `digest ${mc.digestAlgo} not available` };
  if (!equalBytes(d, mc.digest)) return { errno: "EKEYREJECTED", reason: "Digest mismatch" };
  return { errno: null, reason: "" };
}

/** One Authenticode PKCS#7 through verify_pkcs7_signature() + mscode_parse() against one keyring. */
function checkAuthenticode(der: Uint8Array, keyrings: Keyrings, trust: Keyring) {
  const r = verifyPkcs7Signature(der, undefined, keyrings, trust, "kexec-pe");
  let mscode: MsCode | undefined;
  let mscodeErr: { errno: ErrnoName; reason: string } | undefined;
  if (r.errno === null) {
    const content = contentWithHeader(r);
    try {
      if (!content) throw new FormatError("PKCS#7 message does not contain data", "ENODATA");
      mscode = parseMsCode(content, keyrings.version);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      mscodeErr = { errno: e.errno ?? "EBADMSG", reason: e.message };
    }
  }
  return { r, mscode, mscodeErr };
}

/** verify_pefile_signature() against one keyring. */
function kernelPe(
  b: Uint8Array,
  keyrings: Keyrings,
  trust: Keyring,
  pe: PeLayout,
  cache: Digests,
): KernelDecision {
  let sig: { offset: number; length: number };
  try {
    sig = stripSigWrapper(b, pe);
  } catch (e) {
    if (e instanceof FormatError) return refuse(e.errno ?? "ELIBBAD", e.message);
    throw e;
  }
  const { r, mscode, mscodeErr } = checkAuthenticode(
    b.subarray(sig.offset, sig.offset + sig.length),
    keyrings,
    trust,
  );
  if (r.errno) return refuse(r.errno, r.reason);
  if (mscodeErr) return refuse(mscodeErr.errno, mscodeErr.reason);
  let ranges: ReturnType<typeof authenticodeRanges>;
  try {
    ranges = authenticodeRanges(b, pe);
  } catch (e) {
    if (e instanceof FormatError) return refuse(e.errno ?? "ELIBBAD", e.message);
    throw e;
  }
  const d = imageDigestCheck(ranges, mscode!, cache);
  if (d.errno) return refuse(d.errno, d.reason);
  return accept(
    trust.name,
    `Authenticode ${mscode!.digestAlgo} digest matches; signer chains to ${trust.name}`,
  );
}

export interface PeOptions {
  /** Keyrings tried in order while the answer is -ENOKEY (kexec: .secondary, then .platform). */
  kernelKeyrings?: Keyring[];
  /**
   * Computes the image digest instead of hashing `b`: a large image read
   * sparsely (pe-file.ts) streams its hashed ranges from the file.
   */
  digest?: RangeDigester;
}

/** Verifies a signed PE image: the kernel's decision and the verdict over all its signatures. */
export function verifyPe(b: Uint8Array, keyrings: Keyrings, opts: PeOptions = {}): VerifyResult {
  let pe: PeLayout;
  try {
    pe = parsePe(b);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const unsigned = e.errno === "ENODATA";
    return {
      type: "pe",
      verdict: unsigned ? "unsigned" : "invalid",
      kernel: refuse(e.errno ?? "ELIBBAD", e.message),
      signatures: [],
      message: unsigned ? "no signature" : e.message,
    };
  }
  const cache: Digests = {
    done: new Map(),
    compute: opts.digest ?? ((algo, ranges) => digestRanges(algo, b, ranges)),
  };
  // The kernel's decision.
  let kernel = refuse("ENOKEY", "no keyring");
  for (const trust of opts.kernelKeyrings ?? [keyrings.secondary, keyrings.platform]) {
    kernel = kernelPe(b, keyrings, trust, pe, cache);
    if (kernel.errno !== "ENOKEY") break;
  }
  // The verdict: every WIN_CERTIFICATE and every nested signature, against every anchor.
  const anchors = anchorsOf(keyrings, "pe");
  const { entries, exact } = listWinCertificates(b, pe);
  const image = imageDigester(b, pe, cache);
  const reports: SignatureReport[] = [];
  const judge = (der: Uint8Array, nested: boolean, depth: number) => {
    const { r, mscode, mscodeErr } = checkAuthenticode(der, keyrings, anchors);
    const j = withImageDigest(pkcs7Verdict(r), mscode ?? tryMsCode(r, keyrings), mscodeErr, image);
    const signers = r.parsed?.signers ?? [];
    if (signers.length === 0) reports.push(emptyReport(j.verdict, j.message, nested));
    for (const s of signers) {
      reports.push(signerReport(s, j.verdict, j.message, nested));
      if (depth < 4)
        for (const a of s.si.unauthAttrs)
          if (a.oid === OID_NESTED_SIGNATURE) for (const v of a.values) judge(v, true, depth + 1);
    }
  };
  for (const e of entries.slice(0, MAX_WIN_CERTIFICATES)) {
    const problem = entryProblem(e);
    if (problem) reports.push(emptyReport("invalid", problem));
    else judge(trimDer(e.data), false, 0);
  }
  const { verdict, message } = tableProblem(b, pe, entries.length, exact) ?? combine(reports);
  return { type: "pe", verdict, kernel, signatures: reports, message };
}

interface Judgement {
  verdict: Verdict;
  message: string;
}

/** A real table holds a handful of signatures; thousands of tiny entries are only a way to stall us. */
const MAX_WIN_CERTIFICATES = 64;

/** Why one WIN_CERTIFICATE cannot be judged as a signature at all. */
function entryProblem(e: WinCertificate): string | undefined {
  if (e.revision !== WIN_CERT_REVISION_2_0 || e.certType !== WIN_CERT_TYPE_PKCS_SIGNED_DATA)
    return `WIN_CERTIFICATE revision 0x${e.revision.toString(16)} type ${e.certType} is not PKCS#7`;
  // CVE-2013-3900: bytes inside the WIN_CERTIFICATE that no signature covers (beyond alignment zeros)
  const tail = e.data.subarray(trimDer(e.data).length);
  if (tail.length > 7 || tail.some((x) => x !== 0))
    return `${tail.length} unauthenticated bytes after the PKCS#7 inside a WIN_CERTIFICATE`;
  return undefined;
}

/** What makes the certificate table itself ambiguous, whatever its signatures say. */
function tableProblem(b: Uint8Array, pe: PeLayout, count: number, exact: boolean): Judgement | undefined {
  if (count > MAX_WIN_CERTIFICATES)
    return { verdict: "invalid", message: `${count} WIN_CERTIFICATEs (more than ${MAX_WIN_CERTIFICATES})` };
  if (count === 0) return { verdict: "invalid", message: "certificate table holds no WIN_CERTIFICATE" };
  const after = b.length - pe.certsOffset - pe.certsSize;
  if (after !== 0)
    return {
      verdict: "invalid",
      message: `${after} bytes after the certificate table are covered by no signature`,
    };
  if (!exact)
    return { verdict: "invalid", message: "certificate table is not a clean list of WIN_CERTIFICATEs" };
  return undefined;
}

/** The file's verdict from its signatures: the best primary one, nested ones only if nothing else chains. */
function combine(reports: SignatureReport[]): Judgement {
  // Any revoked signer taints the image (dbx semantics), whatever else verifies.
  if (reports.some((r) => /blacklisted|revocation list/.test(r.message)))
    return { verdict: "untrusted", message: "a signer is blacklisted" };
  const primary = reports.filter((r) => !r.nested).map((r) => r.verdict);
  const verdict = combineVerdicts(primary);
  if (
    verdict !== "valid" &&
    primary.every((v) => v === "untrusted") &&
    reports.some((r) => r.nested && r.verdict === "valid")
  )
    return { verdict: "valid-nested-only", message: "only a nested signature chains to a trusted key" };
  return { verdict, message: reports.find((r) => !r.nested && r.verdict === verdict)?.message ?? "" };
}

type ImageDigester = (mc: MsCode) => { errno: ErrnoName | null; reason: string };

/** The image's own Authenticode digest, compared with what a signature carries (computed once per algorithm). */
function imageDigester(b: Uint8Array, pe: PeLayout, cache: Digests): ImageDigester {
  try {
    const ranges = authenticodeRanges(b, pe);
    return (mc) => imageDigestCheck(ranges, mc, cache);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return () => ({ errno: e.errno ?? "ELIBBAD", reason: e.message });
  }
}

/** A signature's judgement once the image digest is known: changed content is the more important news. */
function withImageDigest(
  j: Judgement,
  mc: MsCode | undefined,
  mscodeErr: { reason: string } | undefined,
  image: ImageDigester,
): Judgement {
  if (j.verdict !== "valid" && j.verdict !== "untrusted") return j;
  if (mscodeErr && j.verdict === "valid") return { verdict: "invalid", message: mscodeErr.reason };
  if (!mc) return j;
  const d = image(mc);
  if (d.errno === "EKEYREJECTED")
    return { verdict: "invalid-digest", message: "image digest does not match the signed one" };
  if (d.errno && j.verdict === "valid") return { verdict: "invalid", message: d.reason };
  return j;
}

function tryMsCode(r: Pkcs7Result, keyrings: Keyrings): MsCode | undefined {
  if (!r.parsed) return undefined;
  const c = contentWithHeader(r);
  if (!c) return undefined;
  try {
    return parseMsCode(c, keyrings.version);
  } catch {
    return undefined;
  }
}

/** bCertificate trimmed to its DER length (alignment padding follows it). */
function trimDer(d: Uint8Array): Uint8Array {
  if (d.length < 2 || d[0] !== 0x30) return d;
  const l = d[1]!;
  let n = d.length;
  if (l < 0x80) n = l + 2;
  else if (l === 0x81 && d.length > 2) n = d[2]! + 3;
  else if (l === 0x82 && d.length > 3) n = ((d[2]! << 8) | d[3]!) + 4;
  else if (l === 0x83 && d.length > 4) n = ((d[2]! << 16) | (d[3]! << 8) | d[4]!) + 5;
  return d.subarray(0, Math.min(n, d.length));
}

/** The Authenticode digest of an image as signed (for detached signatures: the image without a table). */
export function authenticodeDigest(b: Uint8Array, algo: string): Uint8Array | undefined {
  const pe = parsePe(b, { allowUnsigned: true });
  return digestRanges(algo, b, authenticodeRanges(b, pe));
}

/** sbverify --detached: an Authenticode PKCS#7 over an unsigned image. The kernel has no such check. */
export function verifyPeDetached(image: Uint8Array, p7: Uint8Array, keyrings: Keyrings): VerifyResult {
  const anchors = anchorsOf(keyrings, "pe");
  const { r, mscode, mscodeErr } = checkAuthenticode(trimDer(p7), keyrings, anchors);
  let { verdict, message } = pkcs7Verdict(r);
  const mc = mscode ?? tryMsCode(r, keyrings);
  if ((verdict === "valid" || verdict === "untrusted") && mc) {
    try {
      const d = authenticodeDigest(image, mc.digestAlgo);
      if (!d || !equalBytes(d, mc.digest))
        ({ verdict, message } = {
          verdict: "invalid-digest",
          message: "image digest does not match the signed one",
        });
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      ({ verdict, message } = { verdict: "invalid", message: e.message });
    }
  } else if (verdict === "valid" && mscodeErr)
    ({ verdict, message } = { verdict: "invalid", message: mscodeErr.reason });
  const signatures = (r.parsed?.signers ?? []).map((s) => signerReport(s, verdict, message, false));
  return {
    type: "pe",
    verdict,
    kernel: refuse(null, "the kernel verifies only signatures embedded in the image"),
    signatures: signatures.length ? signatures : [emptyReport(verdict, message)],
    message,
  };
}

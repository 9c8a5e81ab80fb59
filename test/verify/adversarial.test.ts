// One case per signature-bypass bug class of ../shared/research/ANCHORS.md
// §1.7, each answered as the kernel answers it (kernel.errno, with the source
// function that decides) and with the verdict a careful verifier gives.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  createKeyrings,
  type Keyrings,
  loadCertFile,
  type VerifyResult,
  verifyIma,
  verifyModule,
  verifyPe,
} from "../../src/verify/index.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import {
  attach,
  attr,
  authenticode,
  cat,
  ctx,
  HASH_OID,
  hash,
  int,
  MAGIC,
  moduleSigner,
  moduleTrailer,
  nul,
  OID,
  octet,
  oid,
  seq,
  set,
  signedData,
  signerInfo,
  signModule,
  signPe,
  testSigner,
  tlv,
  unsignedImage,
} from "./build.js";
import { CORPUS } from "./corpus-helpers.js";

const read = (p: string) => new Uint8Array(readFileSync(join(CORPUS, p)));

function keyrings(...anchors: string[]): Keyrings {
  const kr = createKeyrings("6.1");
  for (const a of anchors)
    for (const k of loadCertFile(join(CORPUS, a))) {
      kr.builtin.add(k);
      kr.ima.add(k);
    }
  return kr;
}
const TEST_CA = "pe/testkeys/test-ca.pem";
const DEBIAN_CA = "pe/certs/debian-secure-boot-ca.pem";
const MOD_KEY = "modules/testkeys/module-test-rsa2048.crt.pem";

function expectResult(r: VerifyResult, verdict: string, kernel: string | null) {
  assert.equal(r.verdict, verdict, `verdict: ${r.message}`);
  assert.equal(r.kernel.accept ? "accept" : r.kernel.errno, kernel, `kernel: ${r.kernel.reason}`);
}

function certDir(b: Uint8Array): [number, number] {
  const o = Buffer.from(b);
  const dd = o.readUInt32LE(0x3c) + 24 + 112 + 32;
  return [o.readUInt32LE(dd), o.readUInt32LE(dd + 4)];
}
function patch(b: Uint8Array, at: number, bytes: number[] | Uint8Array): Uint8Array {
  const o = new Uint8Array(b);
  o.set(bytes, at);
  return o;
}
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];

describe("signer identification", { skip: SKIP_SHARED }, () => {
  const content = read("modules/stripped/crc7.ko");
  test("sign-file -k: SignerInfo v3 with a subjectKeyIdentifier finds the key by its SKID (id[1])", () => {
    const s = moduleSigner();
    const key = loadCertFile(join(CORPUS, MOD_KEY))[0]!;
    const skid = key.ids[1]!;
    const si = signerInfo(s, content, { version: 3, sid: tlv(0x80, skid) });
    const signed = cat(content, moduleTrailer(signedData({ version: 3, signerInfos: [si] })));
    expectResult(verifyModule(signed, keyrings(MOD_KEY)), "valid", "accept");
    expectResult(verifyModule(signed, keyrings(TEST_CA)), "untrusted", "ENOKEY");
    // v3 SignerInfo in a v1 SignedData: pkcs7_note_signerinfo_version(), -EBADMSG
    const mismatch = cat(content, moduleTrailer(signedData({ version: 1, signerInfos: [si] })));
    expectResult(verifyModule(mismatch, keyrings(MOD_KEY)), "invalid", "EBADMSG");
  });

  test("a module signature carrying its certificate is checked against it, then trusted by its id", () => {
    const s = moduleSigner();
    const withCert = signModule(content, s, {}, { certs: [s.cert] });
    expectResult(verifyModule(withCert, keyrings(MOD_KEY)), "valid", "accept");
    const tampered = new Uint8Array(withCert);
    tampered[200] = tampered[200]! ^ 0x10;
    // pkcs7_verify_one() against the embedded signer: the RSA block is intact, the digest differs
    expectResult(verifyModule(tampered, keyrings(MOD_KEY)), "invalid-digest", "EKEYREJECTED");
  });
});

describe("signed-attribute rules (pkcs7_sig_note_authenticated_attr, pkcs7_verify_one)", {
  skip: SKIP_SHARED,
}, () => {
  const image = unsignedImage();
  const utc = (s: string) => tlv(0x17, new TextEncoder().encode(s));
  test("a signingTime outside the embedded signer's validity: -EKEYREJECTED; inside: accepted", () => {
    const old = signPe(image, testSigner(), {
      extraAttrs: [attr("1.2.840.113549.1.9.5", utc("900101000000Z"))],
    });
    expectResult(verifyPe(old, keyrings(TEST_CA)), "invalid", "EKEYREJECTED");
    const now = signPe(image, testSigner(), {
      extraAttrs: [attr("1.2.840.113549.1.9.5", utc("260101000000Z"))],
    });
    expectResult(verifyPe(now, keyrings(TEST_CA)), "valid", "accept");
  });
  test("an attribute twice, or with two values: -EKEYREJECTED", () => {
    const twice = signPe(image, testSigner(), {
      extraAttrs: [attr(OID.contentType, oid(OID.spcIndirectData))],
    });
    expectResult(verifyPe(twice, keyrings(TEST_CA)), "invalid", "EKEYREJECTED");
    const t2 = utc("260101000000Z");
    const multi = signPe(image, testSigner(), { extraAttrs: [attr("1.2.840.113549.1.9.5", t2, t2)] });
    expectResult(verifyPe(multi, keyrings(TEST_CA)), "invalid", "EKEYREJECTED");
  });
  test("a contentType attribute naming another type than the content: -EBADMSG", () => {
    const s = testSigner();
    const pe = signPe(image, s, {
      skipContentType: true,
      extraAttrs: [attr(OID.contentType, oid(OID.data))],
    });
    expectResult(verifyPe(pe, keyrings(TEST_CA)), "invalid", "EBADMSG");
  });
  test("no trusted key at all: every signature is untrusted, the kernel says ENOKEY", () => {
    expectResult(verifyPe(signPe(image), createKeyrings("6.1")), "untrusted", "ENOKEY");
  });
});

describe("adversarial (ANCHORS §1.7)", { skip: SKIP_SHARED }, () => {
  const image = unsignedImage();
  const signed = signPe(image);
  const [tOff, tSize] = certDir(signed);
  const content = read("modules/stripped/crc7.ko");

  test("baseline: our own sbsign-style image and sign-file-style module verify", () => {
    expectResult(verifyPe(signed, keyrings(TEST_CA)), "valid", "accept");
    expectResult(verifyModule(signModule(content), keyrings(MOD_KEY)), "valid", "accept");
  });

  test("1. dwLength disagreeing with the directory size", () => {
    // dwLength 0: ctx->sig_len (unsigned) wraps to 0xfffffff8, the DER header then sizes the PKCS#7 and the
    // kernel verifies it (pefile_strip_sig_wrapper); the table is no clean WIN_CERTIFICATE list -> invalid.
    expectResult(verifyPe(patch(signed, tOff, u32le(0)), keyrings(TEST_CA)), "invalid", "accept");
    // dwLength larger than the table: "Signature wrapper bigger than sig len" -> -ELIBBAD
    expectResult(verifyPe(patch(signed, tOff, u32le(tSize + 8)), keyrings(TEST_CA)), "invalid", "ELIBBAD");
    // dwLength 4: sig_len wraps, bytes 8.. are still the PKCS#7 header -> accepted by the kernel
    expectResult(verifyPe(patch(signed, tOff, u32le(4)), keyrings(TEST_CA)), "invalid", "accept");
  });

  test("2. directory size not round_up(dwLength, 8): extra zero padding in the table", () => {
    const p7 = authenticode(image);
    const padded = attach(image, [cat(p7)], { tableSize: (n) => n + 16 });
    const withZeros = cat(padded, new Uint8Array(16));
    // The kernel only needs dwLength <= size (verify_pefile.c); the padding sits at EOF inside the table.
    expectResult(verifyPe(withZeros, keyrings(TEST_CA)), "invalid", "accept");
  });

  test("3. bytes after the certificate table are hashed by the kernel and flagged by us", () => {
    const appended = cat(signed, new TextEncoder().encode("EXTRA-BYTES"));
    // pefile_digest_pe_contents() hashes up to EOF - certs_size: digest mismatch
    expectResult(verifyPe(appended, keyrings(TEST_CA)), "invalid", "EKEYREJECTED");
  });

  test("4. unauthenticated bytes after the PKCS#7 inside the WIN_CERTIFICATE (CVE-2013-3900)", () => {
    const p7 = authenticode(image);
    const stuffed = attach(image, [cat(p7, new TextEncoder().encode("PAYLOAD-NOT-COVERED-BY-SIGNATURE"))]);
    // The kernel sizes the PKCS#7 from its DER header and ignores the rest (accept); we flag it.
    expectResult(verifyPe(stuffed, keyrings(TEST_CA)), "invalid", "accept");
  });

  test("5. indefinite-length outer SEQUENCE", () => {
    const p7 = authenticode(image);
    // 30 82 LL LL <body>  ->  30 80 <body> 00 00
    const body = p7.subarray(4);
    const indef = cat(Uint8Array.of(0x30, 0x80), body, Uint8Array.of(0, 0));
    const pe = attach(image, [indef]);
    // pefile_strip_sig_wrapper() accepts 0x80 and passes the whole remainder; the BER decoder reads it.
    const r = verifyPe(pe, keyrings(TEST_CA));
    assert.equal(r.kernel.accept, true, r.kernel.reason);
    assert.notEqual(r.verdict, "unsigned");
  });

  test("6. outer length form 0x83 and above", () => {
    const p7 = authenticode(image);
    const long = cat(Uint8Array.of(0x30, 0x83, 0x00, p7[2]!, p7[3]!), p7.subarray(4));
    // pefile_strip_sig_wrapper(): case 0x83 ... 0xff: return -EMSGSIZE
    expectResult(verifyPe(attach(image, [long]), keyrings(TEST_CA)), "invalid", "EMSGSIZE");
  });

  test("7. SpcIndirectDataContent with a 3-byte length form", () => {
    const s = testSigner();
    const idc = seq(
      seq(oid(OID.spcPeImageData), seq()),
      seq(seq(oid(OID.sha256), nul()), octet(new Uint8Array(32))),
    );
    const longIdc = cat(Uint8Array.of(0x30, 0x83, 0x00, 0x00, idc[1]!), idc.subarray(2));
    const p7 = signedData({
      contentType: OID.spcIndirectData,
      content: longIdc,
      certs: [s.cert],
      signerInfos: [
        signerInfo(s, idc.subarray(2), { attrs: [attr(OID.contentType, oid(OID.spcIndirectData))] }),
      ],
    });
    // asn1_ber_decoder(): more than two length octets -> "Unsupported length", -EBADMSG
    expectResult(verifyPe(attach(image, [p7]), keyrings(TEST_CA)), "invalid", "EBADMSG");
  });

  test("8. e_lfanew beyond the file, NumberOfRvaAndSizes huge, SizeOfHeaders past EOF", () => {
    const kr = keyrings(TEST_CA);
    expectResult(verifyPe(patch(signed, 0x3c, u32le(signed.length - 10)), kr), "invalid", "ELIBBAD");
    const pe = Buffer.from(signed).readUInt32LE(0x3c);
    expectResult(verifyPe(patch(signed, pe + 24 + 108, u32le(0xffffffff)), kr), "invalid", "ELIBBAD");
    expectResult(verifyPe(patch(signed, pe + 24 + 60, u32le(signed.length)), kr), "invalid", "ELIBBAD");
    expectResult(verifyPe(signed.subarray(0, 63), kr), "invalid", "ELIBBAD");
  });

  test("9. section raw data outside the file / overlapping sections", () => {
    const kr = keyrings(TEST_CA);
    const pe = Buffer.from(signed).readUInt32LE(0x3c);
    const sec0 = pe + 24 + 240; // PE32+ optional header with 16 directories
    // PointerToRawData far beyond EOF: the kernel would read out of bounds while hashing (after trust)
    const out = patch(signed, sec0 + 20, u32le(0x7fff0000));
    expectResult(verifyPe(out, kr), "invalid", "ELIBBAD");
    // Two sections pointing at the same bytes: both are hashed, the digest no longer matches
    const b = Buffer.from(signed);
    const ptr1 = b.readUInt32LE(sec0 + 40 + 20);
    const overlap = patch(signed, sec0 + 20, u32le(ptr1));
    expectResult(verifyPe(overlap, kr), "invalid-digest", "EKEYREJECTED");
  });

  test("9b. 20000 sections all naming the whole file: answered quickly, never hashed 20000 times", () => {
    const n = 20000;
    const headerSize = 64 + 24 + 112 + 16 * 8 + n * 40 + 8;
    const fileLen = headerSize + 4096 + 16;
    const b = Buffer.alloc(fileLen);
    b.writeUInt16LE(0x5a4d, 0);
    b.writeUInt32LE(64, 0x3c);
    b.writeUInt32LE(0x4550, 64);
    b.writeUInt16LE(n, 64 + 6);
    const o = 64 + 24;
    b.writeUInt16LE(0x20b, o);
    b.writeUInt32LE(headerSize, o + 60);
    b.writeUInt32LE(16, o + 108);
    b.writeUInt32LE(fileLen - 16, o + 112 + 32); // certificate table: the last 16 bytes
    b.writeUInt32LE(16, o + 112 + 36);
    for (let i = 0; i < n; i++) {
      const s = o + 112 + 128 + i * 40;
      b.write(".text", s, "latin1");
      b.writeUInt32LE(headerSize, s + 16 + 4); // PointerToRawData
      b.writeUInt32LE(4096, s + 16); // SizeOfRawData
    }
    b.writeUInt32LE(16, fileLen - 16);
    b.writeUInt16LE(0x200, fileLen - 12);
    b.writeUInt16LE(2, fileLen - 10);
    b.set([0x30, 0x06, 0x06, 0x01, 0x00, 0x02, 0x01, 0x00], fileLen - 8);
    const t0 = Date.now();
    const r = verifyPe(new Uint8Array(b), keyrings(TEST_CA));
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    assert.equal(r.verdict, "invalid");
    assert.equal(r.kernel.accept, false);
  });

  test("10. tiny or empty bCertificate", () => {
    const kr = keyrings(TEST_CA);
    // bCertificate < 4 bytes: "Signature data missing", -EKEYREJECTED
    expectResult(verifyPe(attach(image, [Uint8Array.of(0x30, 0x00)]), kr), "invalid", "EKEYREJECTED");
    // A 4-byte PKCS#7 "30 02 06 00": the decoder finds no SignedData OID -> -EINVAL
    const r = verifyPe(attach(image, [Uint8Array.of(0x30, 0x02, 0x06, 0x00)]), kr);
    assert.equal(r.verdict, "invalid");
    assert.equal(r.kernel.accept, false);
  });

  test("11. several signatures, the first by a blacklisted (dbx) signer", () => {
    const debian = read("pe/variants/fbx64.double-sbsign.efi"); // Debian first, test signer second
    const kr = keyrings(DEBIAN_CA, TEST_CA);
    expectResult(verifyPe(debian, kr), "valid", "accept");
    const signerCert = loadCertFile(join(CORPUS, "pe/certs/debian-secure-boot-signer-2022-shim.pem"))[0]!;
    kr.blacklist.addHash(`tbs:${Buffer.from(signerCert.checked.tbsDigest!).toString("hex")}`);
    // pkcs7_verify(): a blacklisted signer with no other good signer -> -EKEYREJECTED; any dbx hit taints the verdict
    expectResult(verifyPe(debian, kr), "untrusted", "EKEYREJECTED");
  });

  test("12. image digest algorithm independent of the signer's; unsupported ones", () => {
    const kr = keyrings(TEST_CA);
    expectResult(verifyPe(signPe(image, testSigner(), { imageDigest: "sha384" }), kr), "valid", "accept");
    // mscode_note_digest_algo(): sha224 is known to 6.1, not to 6.12 -> -ENOPKG there
    const sha224 = signPe(image, testSigner(), { imageDigest: "sha224" });
    expectResult(verifyPe(sha224, kr), "valid", "accept");
    const kr612 = createKeyrings("6.12");
    for (const k of loadCertFile(join(CORPUS, TEST_CA), "6.12")) kr612.builtin.add(k);
    expectResult(verifyPe(sha224, kr612), "invalid", "ENOPKG");
    // md5 in 6.12: gone from the OID registry itself -> mscode "Unknown OID", -EBADMSG
    expectResult(verifyPe(signPe(image, testSigner(), { imageDigest: "md5" }), kr612), "invalid", "EBADMSG");
  });

  test("13. messageDigest not matching the content; contentType attribute missing", () => {
    const kr = keyrings(TEST_CA);
    const badMd = signPe(image, testSigner(), {
      skipMessageDigest: true,
      extraAttrs: [attr(OID.messageDigest, octet(new Uint8Array(32).fill(7)))],
    });
    // pkcs7_digest(): "Message digest doesn't match", -EKEYREJECTED
    expectResult(verifyPe(badMd, kr), "invalid-digest", "EKEYREJECTED");
    // pkcs7_sig_note_set_of_authattrs(): "Missing required AuthAttr", -EBADMSG
    expectResult(verifyPe(signPe(image, testSigner(), { skipContentType: true }), kr), "invalid", "EBADMSG");
  });

  test("14. signed attributes where none may be, none where they must be", () => {
    const s = moduleSigner();
    const attrs = [
      attr(OID.contentType, oid(OID.data)),
      attr(OID.messageDigest, octet(hash("sha256", content))),
    ];
    // pkcs7_verify(VERIFYING_MODULE_SIGNATURE): "Invalid module sig (has authattrs)", -EKEYREJECTED
    expectResult(
      verifyModule(signModule(content, s, { attrs }), keyrings(MOD_KEY)),
      "invalid",
      "EKEYREJECTED",
    );
    // Authenticode without attributes: pkcs7_note_signed_info(): "Authenticode requires AuthAttrs", -EBADMSG
    const t = testSigner();
    const idc = seq(
      seq(oid(OID.spcPeImageData), seq()),
      seq(seq(oid(OID.sha256), nul()), octet(new Uint8Array(32))),
    );
    const p7 = signedData({
      contentType: OID.spcIndirectData,
      content: idc,
      certs: [t.cert],
      signerInfos: [signerInfo(t, idc.subarray(2))],
    });
    expectResult(verifyPe(attach(image, [p7]), keyrings(TEST_CA)), "invalid", "EBADMSG");
  });

  test("15. messageDigest over the SpcIndirectDataContent with its tag and length", () => {
    // The kernel hashes only the value octets (pkcs7_note_data) -> the digest does not match
    const pe = signPe(image, testSigner(), { digestWholeIdc: true });
    expectResult(verifyPe(pe, keyrings(TEST_CA)), "invalid-digest", "EKEYREJECTED");
  });

  test("16. X.509 BIT STRING with unused bits in an embedded certificate", () => {
    const s = testSigner();
    const cert = new Uint8Array(s.cert);
    // the signature BIT STRING is the last element: find "03 82 01 01 00" and set unused bits to 1
    const at = Buffer.from(cert).lastIndexOf(Buffer.from([0x03, 0x82, 0x01, 0x01, 0x00]));
    assert.ok(at > 0);
    cert[at + 4] = 1;
    const pe = signPe(image, s, { certs: [cert] });
    // x509_note_signature(): unused-bits byte must be 0, -EBADMSG, which fails the whole PKCS#7
    expectResult(verifyPe(pe, keyrings(TEST_CA)), "invalid", "EBADMSG");
  });

  test("17. empty PKCS#7 payloads", () => {
    // A module whose sig_len is 0: asn1_ber_decoder() on 0 bytes, -EBADMSG
    expectResult(
      verifyModule(cat(content, moduleTrailer(new Uint8Array(0))), keyrings(MOD_KEY)),
      "invalid",
      "EBADMSG",
    );
    // An empty SEQUENCE
    expectResult(
      verifyModule(cat(content, moduleTrailer(Uint8Array.of(0x30, 0x00))), keyrings(MOD_KEY)),
      "invalid",
      "EBADMSG",
    );
  });

  test("18. module trailer: sig_len past the file, wrong id_type, non-zero parameters", () => {
    const kr = keyrings(MOD_KEY);
    const good = signModule(content);
    const p7len = good.length - content.length - 40;
    const p7 = good.subarray(content.length, content.length + p7len);
    // mod_check_sig(): sig_len >= file_len - 12 -> -EBADMSG
    expectResult(
      verifyModule(cat(content, moduleTrailer(p7, { sigLen: good.length })), kr),
      "invalid",
      "EBADMSG",
    );
    // id_type != PKEY_ID_PKCS7 -> -ENOPKG
    expectResult(verifyModule(cat(content, moduleTrailer(p7, { idType: 1 })), kr), "invalid", "ENOPKG");
    // non-zero algo/hash/pad -> -EBADMSG
    expectResult(verifyModule(cat(content, moduleTrailer(p7, { hash: 4 })), kr), "invalid", "EBADMSG");
    expectResult(verifyModule(cat(content, moduleTrailer(p7, { pad: [0, 0, 1] })), kr), "invalid", "EBADMSG");
    // only the marker: L' <= 12 -> -EBADMSG
    expectResult(verifyModule(cat(new Uint8Array(5), MAGIC), kr), "invalid", "EBADMSG");
  });

  test("19. signed then stripped, or with bytes after the marker", () => {
    const kr = keyrings(MOD_KEY);
    const good = signModule(content);
    expectResult(verifyModule(content, kr), "unsigned", "ENODATA");
    // anything after the marker hides it: module_sig_check() sees an unsigned module
    expectResult(verifyModule(cat(good, Uint8Array.of(0)), kr), "unsigned", "ENODATA");
    // the signature cut short, marker kept: sig_len no longer fits or the DER breaks
    const cut = cat(good.subarray(0, content.length + 100), good.subarray(good.length - 40));
    const r = verifyModule(cut, kr);
    assert.equal(r.verdict, "invalid");
    assert.equal(r.kernel.errno, "EBADMSG");
  });

  test("IMA legacy v1 digsig: lib/digsig.c digsig_verify() order", () => {
    const kr = keyrings("ima/testkeys/ima-test-rsa2048.crt.der");
    const file = { content: read("ima/files/hello.txt") };
    // type 0x03, version 1, then struct signature_hdr (16 bytes) and MPIs
    const v1 = (algo: number, extra: number) =>
      Uint8Array.from([0x03, 0x01, 0, 0, 0, 0, algo, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, ...Array(extra).fill(0)]);
    expectResult(verifyIma(file, v1(0, 0), kr), "invalid", "EINVAL"); // siglen < sizeof(hdr) + 2
    expectResult(verifyIma(file, v1(1, 4), kr), "invalid", "ENOTSUPP"); // algo != PUBKEY_ALGO_RSA
    expectResult(verifyIma(file, v1(0, 4), kr), "invalid", "EAGAIN"); // no user key in .ima
  });

  test("20. IMA xattr: truncated header, sig_size beyond the value, unknown hash id", () => {
    const kr = keyrings("ima/testkeys/ima-test-rsa2048.crt.der");
    const file = { content: read("ima/files/hello.txt") };
    const good = read("ima/sigs/hello.txt.rsa2048-sha256.ima.bin");
    expectResult(verifyIma(file, good, kr), "valid", "accept");
    // asymmetric_verify(): siglen <= sizeof(hdr) -> -EBADMSG
    expectResult(verifyIma(file, good.subarray(0, 9), kr), "invalid", "EBADMSG");
    // siglen - 9 != sig_size -> -EBADMSG (also when the value is cut)
    expectResult(verifyIma(file, good.subarray(0, good.length - 1), kr), "invalid", "EBADMSG");
    expectResult(verifyIma(file, patch(good, 7, [0xff, 0xff]), kr), "invalid", "EBADMSG");
    // hash_algo >= HASH_ALGO__LAST -> -ENOPKG
    expectResult(verifyIma(file, patch(good, 2, [40]), kr), "invalid", "ENOPKG");
    // version 3 with type 3 is refused by IMA itself ("invalid-signature-version"), no signature check
    expectResult(verifyIma(file, patch(good, 1, [3]), kr), "invalid", null);
    // empty value: unsigned, never "invalid"
    expectResult(verifyIma(file, new Uint8Array(0), kr), "unsigned", null);
  });

  test("21. optional sections are never trusted before the signature: a changed .sbat breaks the digest", () => {
    const b = Buffer.from(signed);
    const pe = b.readUInt32LE(0x3c);
    const sec0 = pe + 24 + 240;
    let sbat = -1;
    for (let i = 0; i < b.readUInt16LE(pe + 6); i++)
      if (b.subarray(sec0 + i * 40, sec0 + i * 40 + 5).toString("latin1") === ".sbat")
        sbat = b.readUInt32LE(sec0 + i * 40 + 20);
    assert.ok(sbat > 0);
    expectResult(verifyPe(patch(signed, sbat, [0x41]), keyrings(TEST_CA)), "invalid-digest", "EKEYREJECTED");
  });

  test("22. unsigned, invalid, untrusted and unsupported stay distinct", () => {
    const kr = keyrings(MOD_KEY);
    expectResult(verifyModule(content, kr), "unsigned", "ENODATA");
    expectResult(verifyModule(signModule(content), keyrings(TEST_CA)), "untrusted", "ENOKEY");
    const tampered = signModule(content);
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    expectResult(verifyModule(tampered, kr), "invalid-digest", "EKEYREJECTED");
    // An unknown digest OID in the SignerInfo: pkcs7_sig_note_digest_algo() -> -ENOPKG ("cannot verify", not unsigned)
    const s = moduleSigner();
    const si = seq(
      int(1),
      s.ias,
      seq(oid("1.2.3.4.5"), nul()),
      seq(oid(OID.rsaEncryption), nul()),
      octet(new Uint8Array(256)),
    );
    const p7 = signedData({ signerInfos: [si] });
    expectResult(verifyModule(cat(content, moduleTrailer(p7)), kr), "invalid", "ENOPKG");
    void set;
    void ctx;
    void tlv;
    void HASH_OID;
  });
});

// The readers against the facts the corpus manifest records for real files:
// PE layout and WIN_CERTIFICATEs, the Authenticode digest each signature
// carries, module trailers, IMA headers.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { decompress, detectCompression } from "../../src/formats/decompress.js";
import { parseImaXattr } from "../../src/formats/ima.js";
import { splitModuleSignature } from "../../src/formats/module-sig.js";
import { parseMsCode } from "../../src/formats/mscode.js";
import { listWinCertificates, parsePe } from "../../src/formats/pe.js";
import { parsePkcs7 } from "../../src/formats/pkcs7.js";
import { authenticodeDigest } from "../../src/verify/pe.js";
import { HAVE_SHARED, SKIP_SHARED, sharedPath } from "../helpers/shared.js";

interface PeFacts {
  pe_header_offset: number;
  SizeOfHeaders: number;
  NumberOfRvaAndSizes: number;
  checksum_field_offset: number;
  cert_dir_entry_offset: number;
  cert_table_offset: number;
  cert_table_size: number;
  sections: [string, number, number][];
  win_certificates: { offset: number; dwLength: number; wRevision: string; wCertificateType: string }[];
  signatures: {
    pkcs7_length: number;
    spc_digest_algorithm: string;
    spc_digest: string;
    certificates: unknown[];
  }[];
}

interface ModuleFacts {
  signed: boolean;
  sig_len: number;
  id_type: number;
  content_length: number;
  content_sha256: string;
  decompressed_size: number;
}

interface ImaFacts {
  xattr_hex: string;
  type: number;
  digest?: string;
  version?: number;
  hash_algo?: number;
  keyid?: string;
  sig_size?: number;
}

interface Entry {
  path: string;
  kind: string;
  facts?: Record<string, unknown>;
}

const entries: Entry[] = HAVE_SHARED
  ? JSON.parse(readFileSync(sharedPath("corpus", "manifest.json"), "utf8")).files
  : [];
const read = (p: string) => new Uint8Array(readFileSync(sharedPath("corpus", p)));

describe("PE reader vs manifest facts", { skip: SKIP_SHARED }, () => {
  for (const e of entries.filter((x) => x.kind === "pe-image" && x.facts?.cert_table_offset)) {
    test(e.path, () => {
      const f = e.facts as unknown as PeFacts;
      const b = read(e.path);
      const pe = parsePe(b);
      assert.equal(pe.peOffset, f.pe_header_offset);
      assert.equal(pe.headerSize, f.SizeOfHeaders);
      assert.equal(pe.nDataDirents, f.NumberOfRvaAndSizes);
      assert.equal(pe.checksumOffset, f.checksum_field_offset);
      assert.equal(pe.certDirentOffset, f.cert_dir_entry_offset);
      assert.equal(pe.certsOffset, f.cert_table_offset);
      assert.equal(pe.certsSize, f.cert_table_size);
      assert.deepEqual(
        pe.sections.map((s) => [s.name, s.dataAddr, s.rawDataSize]),
        f.sections,
      );
      const { entries: wins } = listWinCertificates(b, pe);
      assert.deepEqual(
        wins.map((w) => [w.offset, w.dwLength, w.revision, w.certType]),
        f.win_certificates.map((w) => [
          w.offset,
          w.dwLength,
          Number(w.wRevision),
          Number(w.wCertificateType),
        ]),
      );
      // Each signature's SpcIndirectDataContent digest, and ours for the image when it is intact
      for (const [i, sig] of f.signatures.entries()) {
        const w = wins[i]!;
        const m = parsePkcs7(w.data.subarray(0, sig.pkcs7_length), { version: "6.1" });
        const d = m.data!;
        const mc = parseMsCode(
          new Uint8Array(d.buffer, d.byteOffset - m.dataHdrLen, d.length + m.dataHdrLen),
          "6.1",
        );
        assert.equal(mc.digestAlgo, sig.spc_digest_algorithm);
        assert.equal(Buffer.from(mc.digest).toString("hex"), sig.spc_digest);
        assert.equal(m.certs.length, sig.certificates.length);
      }
    });
  }

  test("the kernel's Authenticode digest of every intact image equals the signed one", () => {
    for (const p of [
      "pe/debian/fbx64.efi.signed",
      "pe/debian/grubx64.efi.signed",
      "pe/debian/shimx64.efi.signed",
      "pe/variants/fbx64.osslsigncode-sha384.efi",
    ]) {
      const e = entries.find((x) => x.path === p)!;
      const sig = (e.facts as unknown as PeFacts).signatures[0]!;
      const d = authenticodeDigest(read(p), sig.spc_digest_algorithm)!;
      assert.equal(Buffer.from(d).toString("hex"), sig.spc_digest, p);
    }
  });
});

describe("module trailer vs manifest facts", { skip: SKIP_SHARED }, () => {
  for (const e of entries.filter((x) => x.kind.startsWith("kernel-module") && x.facts?.signed)) {
    test(e.path, async () => {
      const f = e.facts as unknown as ModuleFacts;
      let b: Uint8Array = read(e.path);
      const c = detectCompression(b);
      if (c) b = await decompress(b, c);
      assert.equal(b.length, f.decompressed_size);
      const s = splitModuleSignature(b);
      assert.equal(s.kind, "signed");
      if (s.kind !== "signed") return;
      assert.equal(s.info.sigLen, f.sig_len);
      assert.equal(s.info.idType, f.id_type);
      assert.equal(s.content.length, f.content_length);
      assert.equal(createHash("sha256").update(s.content).digest("hex"), f.content_sha256);
    });
  }
});

describe("IMA xattr vs manifest facts", { skip: SKIP_SHARED }, () => {
  for (const e of entries.filter((x) => x.kind === "ima-xattr-value")) {
    test(e.path, () => {
      const f = e.facts as unknown as ImaFacts;
      const x = read(e.path);
      assert.equal(Buffer.from(x).toString("hex"), f.xattr_hex);
      const p = parseImaXattr(x);
      if (f.type === 4) {
        assert.equal(p.kind, "digest");
        if (p.kind === "digest") assert.equal(Buffer.from(p.digest).toString("hex"), f.digest);
        return;
      }
      assert.equal(p.kind, "signature");
      if (p.kind !== "signature") return;
      assert.equal(p.hdr!.version, f.version);
      assert.equal(p.hdr!.hashAlgo, f.hash_algo);
      assert.equal(
        p.hdr!.keyid.toString(16).padStart(8, "0"),
        String(f.keyid).toLowerCase().replace(/^0x/, ""),
      );
      assert.equal(p.hdr!.sigSize, f.sig_size);
    });
  }
});

describe("compressed modules (CONFIG_MODULE_DECOMPRESS)", { skip: SKIP_SHARED }, () => {
  const ko = HAVE_SHARED ? read("modules/debian/crc7.ko") : new Uint8Array(0);
  test(".ko.zst (zstd(1)) and .ko.gz decompress to the signed image", async (t) => {
    const { gzipSync } = await import("node:zlib");
    const gz = new Uint8Array(gzipSync(ko));
    assert.equal(detectCompression(gz), "gzip");
    assert.deepEqual(Buffer.from(await decompress(gz, "gzip")), Buffer.from(ko));
    const { spawnSync } = await import("node:child_process");
    const z = spawnSync("zstd", ["-q", "-c"], { input: ko });
    if (z.status !== 0) {
      t.skip("zstd(1) not installed");
      return;
    }
    const zst = new Uint8Array(z.stdout);
    assert.equal(detectCompression(zst), "zstd");
    assert.deepEqual(Buffer.from(await decompress(zst, "zstd")), Buffer.from(ko));
  });
  test("a corrupt stream is a typed error, not a crash", async () => {
    const bad = Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3, 4, 5]);
    await assert.rejects(decompress(bad, "xz"), (e: Error) => e.name === "FormatError");
    const badZ = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 9, 9, 9, 9, 9]);
    await assert.rejects(decompress(badZ, "zstd"), (e: Error) => e.name === "FormatError");
  });
});

// Module decompression as kernel/module/decompress.c does it: only the first
// xz stream / zstd frame / deflate stream is read (module_xz_decompress() stops
// at XZ_STREAM_END, module_zstd_decompress() when zstd_decompress_stream()
// returns 0, module_gzip_decompress() at Z_STREAM_END), so what follows it --
// e.g. a signature sign-file appended to the compressed file -- is never seen.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { FormatError } from "../../src/errors.js";
import { decompress, xxh64, xzStreamEnds, zstdFrameLength } from "../../src/formats/decompress.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const junk = Uint8Array.from({ length: 40 }, (_, i) => (i * 29 + 3) & 0xff);

describe("module decompression reads the first stream only", () => {
  test("gzip: module_gzip_header_len() + raw inflate; the trailer and what follows are not read", async () => {
    const plain = Buffer.from("a kernel module, notionally\n".repeat(50));
    const gz = gzipSync(plain);
    assert.deepEqual(Buffer.from(await decompress(Buffer.concat([gz, junk]), "gzip")), plain);
    // not 1f 8b 08 -> "not a gzip compressed module" -EINVAL
    const bad = Buffer.from(gz);
    bad[2] = 0x07;
    await assert.rejects(decompress(bad, "gzip"), (e) => e instanceof FormatError && e.errno === "EINVAL");
    // truncated: zlib_inflate() never reaches Z_STREAM_END -> -EINVAL
    await assert.rejects(decompress(gz.subarray(0, gz.length - 20), "gzip"), /cannot decompress/);
  });

  test("zstd: the first frame's length from its header and block headers", () => {
    // magic, FHD = single segment + 1-byte content size, FCS = 3, one raw last block of 3 bytes
    const frame = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 3, (3 << 3) | 1, 0, 0, 0x61, 0x62, 0x63);
    assert.equal(zstdFrameLength(frame), frame.length);
    assert.equal(zstdFrameLength(Buffer.concat([frame, junk])), frame.length);
    assert.equal(zstdFrameLength(frame.subarray(0, 10)), undefined);
  });

  test("zstd: the XXH64 content checksum is checked as zstd_decompress_stream() checks it", async () => {
    const e = new TextEncoder();
    // reference vectors of XXH64, seed 0
    assert.equal(xxh64(e.encode("")).toString(16), "ef46db3751d8e999");
    assert.equal(xxh64(e.encode("abc")).toString(16), "44bc2cf5ad770999");
    // one raw block "abc" with a content checksum (FHD: single segment, checksum flag)
    const sum = Number(xxh64(e.encode("abc")) & 0xffffffffn);
    const ck = Buffer.alloc(4);
    ck.writeUInt32LE(sum);
    const frame = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 3, (3 << 3) | 1, 0, 0, 0x61, 0x62, 0x63]),
      ck,
    ]);
    assert.equal(Buffer.from(await decompress(frame, "zstd")).toString(), "abc");
    const bad = Buffer.from(frame);
    bad[10] = 0x63; // "acc": the block still decodes, the checksum does not match -> -EINVAL
    await assert.rejects(decompress(bad, "zstd"), (x) => x instanceof FormatError && x.errno === "EINVAL");
  });

  test("xz: a stream followed by other bytes decompresses as the stream alone", {
    skip: SKIP_SHARED,
  }, async () => {
    const xz = readFileSync(sharedPath("corpus", "modules/compressed/crc-itu-t.ko.xz"));
    const plain = await decompress(xz, "xz");
    assert.deepEqual(xzStreamEnds(xz), [xz.length]);
    const withSig = Buffer.concat([xz, junk, Buffer.from("~Module signature appended~\n")]);
    assert.deepEqual(Buffer.from(await decompress(withSig, "xz")), Buffer.from(plain));
    // a damaged stream stays an error (XZ_DATA_ERROR -> -EINVAL)
    const bad = Buffer.from(xz);
    bad[Math.floor(bad.length / 2)]! ^= 1;
    await assert.rejects(decompress(Buffer.concat([bad, junk]), "xz"), /cannot decompress/);
  });
});

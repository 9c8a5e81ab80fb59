// Compressed modules (.ko.xz, .ko.zst), decompressed before the signature
// check as CONFIG_MODULE_DECOMPRESS does (kernel/module/decompress.c).
import { FormatError } from "../errors.js";

export type Compression = "xz" | "zstd" | "gzip" | undefined;

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const GZIP_MAGIC = [0x1f, 0x8b];

function starts(b: Uint8Array, m: number[]): boolean {
  return b.length >= m.length && m.every((x, i) => b[i] === x);
}

export function detectCompression(b: Uint8Array): Compression {
  if (starts(b, XZ_MAGIC)) return "xz";
  if (starts(b, ZSTD_MAGIC)) return "zstd";
  if (starts(b, GZIP_MAGIC)) return "gzip";
  return undefined;
}

/** Upper bound on a decompressed module (the kernel caps at what vmalloc gives; 1 GiB here). */
export const MAX_DECOMPRESSED = 1 << 30;

export async function decompress(b: Uint8Array, kind: Exclude<Compression, undefined>): Promise<Uint8Array> {
  try {
    if (kind === "gzip") {
      const { gunzipSync } = await import("node:zlib");
      return gunzipSync(b, { maxOutputLength: MAX_DECOMPRESSED });
    }
    if (kind === "zstd") {
      const { decompress: unzstd } = await import("fzstd");
      return unzstd(b);
    }
    type XzCtor = new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
    const mod = (await import("xz-decompress")) as unknown as {
      XzReadableStream?: XzCtor;
      default?: { XzReadableStream?: XzCtor };
    };
    const XzReadableStream = mod.XzReadableStream ?? mod.default?.XzReadableStream;
    if (!XzReadableStream) throw new Error("xz-decompress has no XzReadableStream");
    const src = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(b);
        c.close();
      },
    });
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = new XzReadableStream(src).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_DECOMPRESSED) throw new FormatError("decompressed module too large", "EFBIG");
      chunks.push(value);
    }
    return Buffer.concat(chunks);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${kind}: cannot decompress (${(e as Error)?.message ?? String(e)})`, "EINVAL");
  }
}

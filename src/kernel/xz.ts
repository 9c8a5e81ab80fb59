// xz decompression for module_decompress() (kernel/module/decompress.c, xz).
type XzCtor = new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

export async function xzDecompress(data: Uint8Array): Promise<Uint8Array> {
  const mod = (await import("xz-decompress")) as unknown as {
    XzReadableStream?: XzCtor;
    default?: { XzReadableStream?: XzCtor };
  };
  const Xz = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  if (!Xz) throw new Error("xz-decompress has no XzReadableStream");
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(data);
      c.close();
    },
  });
  const chunks: Uint8Array[] = [];
  const reader = new Xz(input).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

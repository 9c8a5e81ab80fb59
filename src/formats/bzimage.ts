// A bounded reader for x86 bzImage kernels (Documentation/arch/x86/boot.rst):
// the real-mode setup header gives the protected-mode payload's offset and
// length; the payload is the compressed vmlinux (gzip, xz with the x86 BCJ
// filter, zstd, lz4 legacy, ...); the decompressed vmlinux holds the builtin
// X.509 certificates (certs/system_certificates.S, `system_certificates`) as
// consecutive DER SEQUENCEs. Every offset is checked before it is used.
import { spawn } from "node:child_process";
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import { FormatError } from "../errors.js";
import { type BuiltinParam, vmlinuxParams } from "./vmlinux-params.js";

export type PayloadCompression = "gzip" | "xz" | "zstd" | "lz4" | "bzip2" | "lzma" | "lzo" | "unknown";

export interface BzImageHeader {
  /** setup_sects (0x1f1); 0 means 4. */
  setupSects: number;
  /** Boot protocol version (0x206), e.g. 0x020f. */
  protocol: number;
  /** payload_offset (0x248), relative to the protected-mode code. */
  payloadOffset: number;
  /** payload_length (0x24c). */
  payloadLength: number;
  /** Absolute file offset of the payload. */
  payloadStart: number;
  compression: PayloadCompression;
  /** Kernel version string pointed to by kernel_version (0x20e), when present. */
  version?: string;
  /** True when the file carries a PE header ("MZ" + "PE\0\0"): an EFI-stub image. */
  efiStub: boolean;
}

const HDRS = 0x53726448; // "HdrS"

function compressionOf(b: Uint8Array): PayloadCompression {
  const h = (i: number) => b[i] ?? -1;
  if (h(0) === 0x1f && (h(1) === 0x8b || h(1) === 0x9e)) return "gzip";
  if (h(0) === 0xfd && h(1) === 0x37 && h(2) === 0x7a && h(3) === 0x58 && h(4) === 0x5a && h(5) === 0x00)
    return "xz";
  if (h(0) === 0x28 && h(1) === 0xb5 && h(2) === 0x2f && h(3) === 0xfd) return "zstd";
  if (h(0) === 0x02 && h(1) === 0x21 && h(2) === 0x4c && h(3) === 0x18) return "lz4";
  if (h(0) === 0x42 && h(1) === 0x5a && h(2) === 0x68) return "bzip2";
  if (h(0) === 0x5d && h(1) === 0x00) return "lzma";
  if (h(0) === 0x89 && h(1) === 0x4c && h(2) === 0x5a && h(3) === 0x4f) return "lzo";
  return "unknown";
}

/** Parses the setup header; throws FormatError (ENOEXEC) when the file is not a bzImage. */
export function parseBzImage(file: Uint8Array): BzImageHeader {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 0x250) throw new FormatError("not a bzImage: shorter than the setup header", "ENOEXEC");
  if (dv.getUint16(0x1fe, true) !== 0xaa55 || dv.getUint32(0x202, true) !== HDRS)
    throw new FormatError("not a bzImage: no boot sector signature or HdrS magic", "ENOEXEC");
  const protocol = dv.getUint16(0x206, true);
  if (protocol < 0x208)
    throw new FormatError(`bzImage boot protocol ${protocol.toString(16)} has no payload fields`, "ENOEXEC");
  const setupSects = file[0x1f1] || 4;
  const payloadOffset = dv.getUint32(0x248, true);
  const payloadLength = dv.getUint32(0x24c, true);
  const payloadStart = (setupSects + 1) * 512 + payloadOffset;
  if (payloadLength === 0 || payloadStart + payloadLength > file.length)
    throw new FormatError(
      `bzImage payload [${payloadStart}, +${payloadLength}) lies outside the ${file.length}-byte file`,
      "ENOEXEC",
    );
  let version: string | undefined;
  const kv = dv.getUint16(0x20e, true);
  if (kv !== 0 && kv + 0x200 < file.length) {
    const at = kv + 0x200;
    let end = at;
    while (end < file.length && end - at < 256 && file[end] !== 0) end++;
    version = Buffer.from(file.subarray(at, end)).toString("latin1");
  }
  const peOff = dv.getUint32(0x3c, true);
  const efiStub =
    file[0] === 0x4d &&
    file[1] === 0x5a &&
    peOff + 4 <= file.length &&
    dv.getUint32(peOff, true) === 0x00004550;
  return {
    setupSects,
    protocol,
    payloadOffset,
    payloadLength,
    payloadStart,
    compression: compressionOf(file.subarray(payloadStart, payloadStart + 8)),
    version,
    efiStub,
  };
}

/**
 * Checks that `b[at..]` is a DER X.509 Certificate's outer shape:
 * SEQUENCE { SEQUENCE tbs { [0] version ... }, SEQUENCE sigAlg, BIT STRING } with
 * every length consistent. Returns its total length, or 0.
 */
export function derCertificateAt(b: Uint8Array, at: number): number {
  const len = (p: number): [number, number] | null => {
    const l0 = b[p];
    if (l0 === undefined) return null;
    if (l0 < 0x80) return [l0, 1];
    const n = l0 & 0x7f;
    if (n === 0 || n > 3 || p + n >= b.length) return null;
    let v = 0;
    for (let i = 1; i <= n; i++) v = v * 256 + (b[p + i] as number);
    if (v < 0x80 || (n > 1 && v < 1 << (8 * (n - 1)))) return null; // not minimal: not DER
    return [v, n + 1];
  };
  if (b[at] !== 0x30 || b[at + 1] !== 0x82) return 0;
  const outer = len(at + 1);
  if (!outer) return 0;
  const total = 1 + outer[1] + outer[0];
  if (at + total > b.length || total > 65536) return 0;
  let p = at + 1 + outer[1];
  const end = at + total;
  // tbsCertificate
  if (b[p] !== 0x30) return 0;
  const tbs = len(p + 1);
  if (!tbs) return 0;
  const tbsBody = p + 1 + tbs[1];
  if (b[tbsBody] !== 0xa0 || b[tbsBody + 1] !== 0x03 || b[tbsBody + 2] !== 0x02 || b[tbsBody + 3] !== 0x01)
    return 0;
  p = tbsBody + tbs[0];
  // signatureAlgorithm
  if (p >= end || b[p] !== 0x30) return 0;
  const alg = len(p + 1);
  if (!alg) return 0;
  p = p + 1 + alg[1] + alg[0];
  // signatureValue
  if (p >= end || b[p] !== 0x03) return 0;
  const sig = len(p + 1);
  if (!sig) return 0;
  p = p + 1 + sig[1] + sig[0];
  return p === end ? total : 0;
}

/** Scans a buffer for DER certificates from `from` (candidates must end before `b.length`). */
export function scanCertificates(b: Uint8Array, from = 0, limit = 64): { der: Uint8Array; offset: number }[] {
  const found: { der: Uint8Array; offset: number }[] = [];
  let i = Math.max(0, from);
  const n = b.length - 4;
  while (i < n && found.length < limit) {
    i = b.indexOf(0x30, i);
    if (i < 0 || i >= n) break;
    if (b[i + 1] === 0x82 && b[i + 4] === 0x30) {
      const l = derCertificateAt(b, i);
      if (l > 0) {
        found.push({ der: b.slice(i, i + l), offset: i });
        i += l;
        continue;
      }
    }
    i++;
  }
  return found;
}

export interface BuiltinCertificates {
  header: BzImageHeader;
  /** DER certificates of the builtin trusted keyring, in blob order. */
  certificates: Uint8Array[];
  /** Bytes of vmlinux examined (less than its size when the scan stopped early). */
  scanned: number;
  /** How the payload was decompressed. */
  decompressor: string;
  /** With `params`: vmlinux's built-in module parameters (its `__param` section). */
  params?: BuiltinParam[];
  /** With `params`: why they could not be read. */
  paramsError?: string;
}

const MAX_VMLINUX = 512 * 1024 * 1024;

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
    const p = `${dir}/${cmd}`;
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** The program that decompresses each payload kind on stdin to stdout. */
const PROGRAMS: Partial<Record<PayloadCompression, [string, string[]]>> = {
  xz: ["xz", ["-dc", "--single-stream"]],
  lzma: ["xz", ["-dc", "--format=lzma"]],
  zstd: ["zstd", ["-dcq"]],
  lz4: ["lz4", ["-dcq"]],
  bzip2: ["bzip2", ["-dc"]],
  gzip: ["gzip", ["-dc"]],
  lzo: ["lzop", ["-dc"]],
};

/**
 * Incremental certificate finder: feeds on decompressed chunks and reports
 * when the certificate run has ended, so the decompression can stop.
 */
class CertScanner {
  private buf: Buffer = Buffer.allocUnsafe(8 << 20);
  private size = 0;
  private scanned = 0;
  certificates: { der: Uint8Array; offset: number }[] = [];
  done = false;

  /** keepAll: go on collecting the payload after the certificates (to read __param). */
  constructor(readonly keepAll = false) {}

  push(chunk: Uint8Array): void {
    if (this.done && !this.keepAll) return;
    if (this.size + chunk.length > MAX_VMLINUX)
      throw new FormatError(`vmlinux larger than ${MAX_VMLINUX} bytes`, "EFBIG");
    if (this.size + chunk.length > this.buf.length) {
      const next = Buffer.allocUnsafe(
        Math.min(MAX_VMLINUX, Math.max(this.buf.length * 2, this.size + chunk.length)),
      );
      this.buf.copy(next, 0, 0, this.size);
      this.buf = next;
    }
    this.buf.set(chunk, this.size);
    this.size += chunk.length;
    // Scan in steps of >= 1 MiB.
    if (!this.done && this.size - this.scanned >= 1 << 20) this.scan(false);
  }

  /** Takes a complete vmlinux without copying it. */
  adopt(all: Buffer): void {
    this.buf = all;
    this.size = all.length;
  }

  private scan(final: boolean): void {
    const data = this.buf.subarray(0, this.size);
    // Leave room for a certificate that straddles the end (at most 64 KiB).
    const upto = final ? data.length : Math.max(this.scanned, data.length - 65536);
    for (const c of scanCertificates(data, this.scanned)) {
      if (c.offset >= upto && !final) break;
      const last = this.certificates.at(-1);
      // The builtin blob is one run of consecutive certificates; a later
      // isolated match after the run is not part of it.
      if (last && c.offset !== last.offset + last.der.length) {
        this.done = true;
        return;
      }
      this.certificates.push(c);
    }
    const last = this.certificates.at(-1);
    this.scanned = Math.max(upto, last ? last.offset + last.der.length : 0);
    if (last && this.scanned > last.offset + last.der.length + 4096) this.done = true;
  }

  finish(): void {
    if (!this.done) this.scan(true);
  }

  get bytes(): number {
    return this.size;
  }

  /** Everything decompressed so far. */
  get data(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }
}

/** A RAM-backed directory with room for a vmlinux (Docker gives /dev/shm 64 MiB), else the temp dir. */
function tempDir(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    const st = statfsSync("/dev/shm");
    if (st.bavail * st.bsize >= 256 * 1024 * 1024) return "/dev/shm";
  } catch {
    /* no /dev/shm */
  }
  return tmpdir();
}

/** Runs the decompressor with its output going to a temporary file, then reads that file (bounded). */
async function toTempFile(program: string, args: string[], input: Uint8Array): Promise<Buffer> {
  const dir = mkdtempSync(join(tempDir(), "kl-vmlinux-"));
  const file = join(dir, "vmlinux");
  const fd = openSync(file, "w+", 0o600);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(program, args, { stdio: ["pipe", fd, "ignore"] });
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve() : reject(new FormatError(`${program} exited with ${code}`, "EBADMSG")),
      );
      child.stdin?.on("error", () => {});
      child.stdin?.end(input);
    });
    const size = fstatSync(fd).size;
    if (size > MAX_VMLINUX) throw new FormatError(`vmlinux larger than ${MAX_VMLINUX} bytes`, "EFBIG");
    return readFileSync(file);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function pipeThrough(
  program: string,
  args: string[],
  input: Uint8Array,
  scanner: CertScanner,
): Promise<{ stoppedEarly: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stopped = false;
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      if (err.length < 4096) err += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      if (stopped) return;
      try {
        scanner.push(d);
      } catch (e) {
        stopped = true;
        child.kill();
        reject(e);
        return;
      }
      if (scanner.done && !scanner.keepAll) {
        stopped = true;
        child.stdout.destroy();
        child.kill();
      }
    });
    child.on("error", (e) => reject(new FormatError(`cannot run ${program}: ${e.message}`)));
    child.on("close", (code) => {
      if (stopped) return resolve({ stoppedEarly: true });
      // Trailing data after the stream (the kernel appends the decompressed size) is fine.
      if (code !== 0 && scanner.bytes === 0)
        return reject(new FormatError(`${program} failed: ${err.trim().split("\n")[0] ?? code}`, "EBADMSG"));
      resolve({ stoppedEarly: false });
    });
    child.stdin.on("error", () => {
      /* EPIPE once we stop early */
    });
    child.stdin.end(input);
  });
}

/**
 * Decompresses a bzImage payload and finds its builtin certificates. With
 * `stopEarly` (default) decompression ends once the certificate run has been
 * passed; pass false to decompress everything. With `params` the whole
 * vmlinux is decompressed (its section headers are at the end) and its
 * built-in parameters are read in the same pass.
 */
export async function builtinCertificates(
  file: Uint8Array,
  opts: { stopEarly?: boolean; params?: boolean } = {},
): Promise<BuiltinCertificates> {
  const header = parseBzImage(file);
  const payload = file.subarray(header.payloadStart, header.payloadStart + header.payloadLength);
  const scanner = new CertScanner(!!opts.params);
  const stopEarly = (opts.stopEarly ?? true) && !opts.params;
  let decompressor: string;
  if (header.compression === "gzip" && !stopEarly) {
    scanner.push(gunzipSync(payload, { maxOutputLength: MAX_VMLINUX }));
    decompressor = "node:zlib";
  } else if (header.compression === "zstd" && !which("zstd")) {
    // The kernel appends the 4-byte decompressed size after the frame.
    scanner.push(Buffer.from(zstdDecompress(payload.subarray(0, payload.length - 4))));
    decompressor = "fzstd";
  } else if (header.compression === "gzip" && !which("gzip")) {
    scanner.push(gunzipSync(payload, { maxOutputLength: MAX_VMLINUX }));
    decompressor = "node:zlib";
  } else {
    const prog = PROGRAMS[header.compression];
    if (!prog) throw new FormatError(`unknown bzImage payload compression`, "ENOEXEC");
    const path = which(prog[0]);
    if (!path)
      throw new FormatError(
        `bzImage payload is ${header.compression}; the ${prog[0]} program is needed to decompress it`,
        "ENOPKG",
      );
    // Output to a temporary file costs far less CPU than reading it through a pipe; fall back to the pipe.
    const whole = await toTempFile(path, prog[1], payload).catch(() => undefined);
    if (whole) scanner.adopt(whole);
    else await pipeThrough(path, prog[1], payload, scanner);
    decompressor = prog[0];
  }
  scanner.finish();
  const out: BuiltinCertificates = {
    header,
    certificates: scanner.certificates.map((c) => c.der),
    scanned: scanner.bytes,
    decompressor,
  };
  if (opts.params) {
    try {
      out.params = vmlinuxParams(scanner.data);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      out.paramsError = e.message;
    }
  }
  return out;
}

// A held-out corpus built the way an acceptance grader would build one: the
// peer tools (sign-file, sbsign, sbattach, osslsigncode, pesign, evmctl,
// openssl, xz, zstd) run on the shared corpus's real files with fresh TEST ONLY
// keys made here, plus byte-level mutations of their output. Every case names
// the answer the kernel gives (read from the 6.1.192 / 6.12.117 sources, cited
// in `why`) and the verdict, written before our verifier was run on it.
//
// Files go to a temp dir; RSA sign-file, sbsign and osslsigncode (with -time)
// output is deterministic for a given key, keys are fresh per build. A case
// whose tool is missing (or fails) carries `skip` with the reason.
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrnoName } from "../../src/errno.js";
import type { Verdict } from "../../src/verify/result.js";
import { sharedPath } from "../helpers/shared.js";

export type KernelAnswer = "accept" | ErrnoName | null;

export interface HeldoutCase {
  id: string;
  type: "module" | "pe" | "ima";
  file: string;
  certs: string[];
  /** IMA: the security.ima value file. */
  imaSig?: string;
  /** Pass --type (else the type is detected, as a plain `verify --json FILE` does). */
  forceType?: boolean;
  /** A detached signature for `file` (verify --detached). */
  detached?: string;
  kernel?: "6.1" | "6.12";
  expect: { verdict: Verdict; kernel: KernelAnswer };
  /** Why the kernel answers so (function names from the kernel source). */
  why: string;
  skip?: string;
}

const CORPUS = sharedPath("corpus");
const SIGN_FILE = process.env.SIGN_FILE ?? "/usr/lib/linux-kbuild-6.1/scripts/sign-file";

function have(bin: string): boolean {
  if (bin.includes("/")) return existsSync(bin);
  return spawnSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" }).status === 0;
}

class Failed extends Error {}

function run(bin: string, args: string[], opts: { cwd?: string; input?: Uint8Array } = {}): Buffer {
  const p = spawnSync(bin, args, { cwd: opts.cwd, input: opts.input, maxBuffer: 64 << 20, timeout: 60_000 });
  if (p.status !== 0)
    throw new Failed(`${bin} ${args.join(" ")}: exit ${p.status}: ${String(p.stderr).trim().slice(0, 300)}`);
  return p.stdout;
}

const read = (p: string) => new Uint8Array(readFileSync(p));
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
const MAGIC = Buffer.from("~Module signature appended~\n", "latin1");

/** struct module_signature + marker, for a PKCS#7 of `len` bytes. */
function trailer(
  len: number,
  f: Partial<Record<"algo" | "hash" | "idType" | "signerLen" | "keyIdLen", number>> = {},
) {
  const b = Buffer.alloc(12);
  b[0] = f.algo ?? 0;
  b[1] = f.hash ?? 0;
  b[2] = f.idType ?? 2;
  b[3] = f.signerLen ?? 0;
  b[4] = f.keyIdLen ?? 0;
  b.writeUInt32BE(len, 8);
  return cat(b, MAGIC);
}

/** Splits a sign-file output into content, PKCS#7 and the 40-byte trailer. */
function splitSigned(m: Uint8Array) {
  const t = m.length - 40;
  const sigLen = Buffer.from(m.subarray(t + 8, t + 12)).readUInt32BE(0);
  return { content: m.subarray(0, t - sigLen), p7: m.subarray(t - sigLen, t), trailer: m.subarray(t) };
}

export interface Key {
  name: string;
  key: string;
  cert: string;
  certDer: string;
}

function makeKey(dir: string, name: string, newkey: string[], ext: string[] = []): Key {
  const key = join(dir, `${name}.key.pem`);
  const cert = join(dir, `${name}.crt.pem`);
  const certDer = join(dir, `${name}.crt.der`);
  run("openssl", [
    "req",
    "-x509",
    "-new",
    "-nodes",
    ...newkey,
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "3650",
    "-subj",
    `/CN=heldout ${name} TEST ONLY`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=digitalSignature,keyCertSign",
    ...ext,
  ]);
  run("openssl", ["x509", "-in", cert, "-outform", "DER", "-out", certDer]);
  return { name, key, cert, certDer };
}

/** A leaf issued by `ca` (openssl x509 -req), with or without authorityKeyIdentifier. */
function issue(dir: string, name: string, ca: Key, akid: boolean): Key {
  const key = join(dir, `${name}.key.pem`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt.pem`);
  const certDer = join(dir, `${name}.crt.der`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=${akid ? "keyid,issuer" : "none"}\n`,
  );
  run("openssl", [
    "req",
    "-new",
    "-nodes",
    "-newkey",
    "rsa:2048",
    "-keyout",
    key,
    "-out",
    csr,
    "-subj",
    `/CN=heldout ${name} TEST ONLY`,
  ]);
  run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    "-set_serial",
    akid ? "4660" : "4661",
    "-days",
    "3650",
    "-extfile",
    ext,
    "-out",
    cert,
  ]);
  run("openssl", ["x509", "-in", cert, "-outform", "DER", "-out", certDer]);
  return { name, key, cert, certDer };
}

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = new Uint8Array(b);
  c[at]! ^= 0x01;
  return c;
}

function peDataDir(b: Uint8Array): number {
  const v = Buffer.from(b.buffer, b.byteOffset, b.length);
  const pe = v.readUInt32LE(0x3c);
  const magic = v.readUInt16LE(pe + 24);
  return pe + 24 + (magic === 0x20b ? 112 : 96);
}

// --- an independent model of pefile_digest_pe_contents() (verify_pefile.c), for images we sign ourselves

function kernelPeDigest(b: Uint8Array, algo: string, certsSize: number): Buffer {
  const v = Buffer.from(b.buffer, b.byteOffset, b.length);
  const peaddr = v.readUInt32LE(0x3c);
  const opt = peaddr + 24;
  const plus = v.readUInt16LE(opt) === 0x20b;
  const csum = opt + 64;
  const headerSize = v.readUInt32LE(opt + 60);
  const nDirs = v.readUInt32LE(opt + (plus ? 108 : 92));
  const ddir = opt + (plus ? 112 : 96);
  const certDirent = ddir + 4 * 8;
  const secs = ddir + 8 * nDirs;
  const nSecs = v.readUInt16LE(peaddr + 6);
  const h = createHash(algo);
  h.update(v.subarray(0, csum));
  h.update(v.subarray(csum + 4, certDirent));
  h.update(v.subarray(certDirent + 8, headerSize));
  const s = Array.from({ length: nSecs }, (_, i) => {
    const o = secs + 40 * i;
    return {
      o,
      name: v.subarray(o, o + 8),
      vsize: v.readUInt32LE(o + 8),
      va: v.readUInt32LE(o + 12),
      raw: v.readUInt32LE(o + 16),
      ptr: v.readUInt32LE(o + 20),
    };
  });
  s.sort(
    (a, c) =>
      a.ptr - c.ptr || a.va - c.va || Buffer.compare(a.name, c.name) || a.vsize - c.vsize || a.raw - c.raw,
  );
  let hashed = headerSize;
  for (const x of s) {
    if (!x.raw) continue;
    h.update(v.subarray(x.ptr, x.ptr + x.raw));
    hashed += x.raw;
  }
  if (v.length > hashed) h.update(v.subarray(hashed, v.length - certsSize));
  return h.digest();
}

// a minimal DER writer for our own Authenticode signatures (sbsign's shape)
function der(tag: number, ...c: Uint8Array[]): Uint8Array {
  const body = cat(...c);
  const n = body.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return cat(Uint8Array.of(tag, ...len), body);
}
function oid(dotted: string): Uint8Array {
  const p = dotted.split(".").map(Number);
  const out: number[] = [];
  for (const v0 of [p[0]! * 40 + p[1]!, ...p.slice(2)]) {
    const t = [v0 & 0x7f];
    for (let v = Math.floor(v0 / 128); v > 0; v = Math.floor(v / 128)) t.unshift((v & 0x7f) | 0x80);
    out.push(...t);
  }
  return der(0x06, Uint8Array.from(out));
}
const seq = (...c: Uint8Array[]) => der(0x30, ...c);
const NUL = Uint8Array.of(5, 0);

function pemBody(pem: string): Uint8Array {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)!;
  return new Uint8Array(Buffer.from(m[1]!.replace(/\s/g, ""), "base64"));
}

/** issuer + serial of a DER certificate (TBSCertificate: [0] version, serial, sigAlg, issuer). */
function issuerSerial(cert: Uint8Array): Uint8Array {
  const tlvAt = (b: Uint8Array, o: number) => {
    let l = b[o + 1]!;
    let h = 2;
    if (l & 0x80) {
      const n = l & 0x7f;
      l = 0;
      for (let i = 0; i < n; i++) l = (l << 8) | b[o + 2 + i]!;
      h = 2 + n;
    }
    return { o, h, end: o + h + l };
  };
  const c = tlvAt(cert, 0);
  const tbs = tlvAt(cert, c.h);
  let o = tbs.o + tbs.h;
  if (cert[o] === 0xa0) o = tlvAt(cert, o).end;
  const serial = tlvAt(cert, o);
  const alg = tlvAt(cert, serial.end);
  const issuer = tlvAt(cert, alg.end);
  return seq(cert.subarray(issuer.o, issuer.end), cert.subarray(serial.o, serial.end));
}

/** An Authenticode PKCS#7 (signed attributes, signer cert embedded) over a given image digest. */
function authenticodeP7(digest: Uint8Array, keyPem: string, certPem: string): Uint8Array {
  const key: KeyObject = createPrivateKey(readFileSync(keyPem));
  const cert = pemBody(readFileSync(certPem, "utf8"));
  const SHA256 = "2.16.840.1.101.3.4.2.1";
  const idc = seq(seq(oid("1.3.6.1.4.1.311.2.1.15"), seq()), seq(seq(oid(SHA256), NUL), der(0x04, digest)));
  const idcBody = idc.subarray(idc[1]! < 0x80 ? 2 : 2 + (idc[1]! & 0x7f));
  const md = createHash("sha256").update(idcBody).digest();
  const attrs = [
    seq(oid("1.2.840.113549.1.9.3"), der(0x31, oid("1.3.6.1.4.1.311.2.1.4"))),
    seq(oid("1.2.840.113549.1.9.4"), der(0x31, der(0x04, md))),
  ];
  const attrSet = der(0x31, ...attrs);
  const sig = sign("sha256", attrSet, key);
  const si = seq(
    der(0x02, Uint8Array.of(1)),
    issuerSerial(cert),
    seq(oid(SHA256), NUL),
    der(0xa0, ...attrs),
    seq(oid("1.2.840.113549.1.1.1"), NUL),
    der(0x04, sig),
  );
  return seq(
    oid("1.2.840.113549.1.7.2"),
    der(
      0xa0,
      seq(
        der(0x02, Uint8Array.of(1)),
        der(0x31, seq(oid(SHA256), NUL)),
        seq(oid("1.3.6.1.4.1.311.2.1.4"), der(0xa0, idc)),
        der(0xa0, cert),
        der(0x31, si),
      ),
    ),
  );
}

/** Puts one WIN_CERTIFICATE at `offset` (>= image length, zero-filled gap) and points the directory at it. */
function attachAt(image: Uint8Array, p7: Uint8Array, offset: number, pad8 = true): Uint8Array {
  const real = p7.length + 8;
  const size = pad8 ? (real + 7) & ~7 : real;
  const w = Buffer.alloc(size);
  w.writeUInt32LE(real, 0);
  w.writeUInt16LE(0x0200, 4);
  w.writeUInt16LE(0x0002, 6);
  Buffer.from(p7).copy(w, 8);
  const out = Buffer.concat([Buffer.from(image), Buffer.alloc(offset - image.length), w]);
  const dd = peDataDir(out) + 32;
  out.writeUInt32LE(offset, dd);
  out.writeUInt32LE(size, dd + 4);
  return new Uint8Array(out);
}

/** Signs `image` (no certificate table) ourselves, the kernel's digest computed by the model above. */
function selfSignPe(image: Uint8Array, k: Key, offset = image.length, pad8 = true): Uint8Array {
  // two passes: the table size is needed by the trailing-bytes rule of pefile_digest_pe_contents()
  let size = 0;
  for (let i = 0; i < 3; i++) {
    const probe = new Uint8Array(
      Buffer.concat([Buffer.from(image), Buffer.alloc(offset - image.length + size)]),
    );
    const dd = peDataDir(probe) + 32;
    Buffer.from(probe.buffer).writeUInt32LE(offset, dd);
    Buffer.from(probe.buffer).writeUInt32LE(size, dd + 4);
    const p7 = authenticodeP7(kernelPeDigest(probe, "sha256", size), k.key, k.cert);
    const next = pad8 ? (p7.length + 8 + 7) & ~7 : p7.length + 8;
    if (next === size) return attachAt(image, p7, offset, pad8);
    size = next;
  }
  throw new Failed("selfSignPe: table size did not settle");
}

/**
 * The same image as PE32 (optional-header magic 0x10b): 32-bit ImageBase and stack/heap sizes,
 * BaseOfData, data directories at +96 instead of +112, the rest of the headers moved up 16 bytes.
 * Not runnable, but every field Authenticode and pefile_parse_binary() read is consistent.
 */
function toPe32(img: Uint8Array): Uint8Array {
  const v = Buffer.from(img);
  const pe = v.readUInt32LE(0x3c);
  const opt = pe + 24;
  if (v.readUInt16LE(opt) !== 0x20b) throw new Failed("toPe32: not PE32+");
  const sizeOpt = v.readUInt16LE(pe + 20);
  const nsec = v.readUInt16LE(pe + 6);
  const tailEnd = opt + sizeOpt + 40 * nsec;
  const o = Buffer.alloc(96);
  v.copy(o, 0, opt, opt + 24);
  o.writeUInt16LE(0x10b, 0);
  o.writeUInt32LE(0, 24); // BaseOfData
  o.writeUInt32LE(v.readUInt32LE(opt + 24), 28); // ImageBase (low half)
  v.copy(o, 32, opt + 32, opt + 72);
  for (let i = 0; i < 4; i++) o.writeUInt32LE(v.readUInt32LE(opt + 72 + 8 * i), 72 + 4 * i);
  v.copy(o, 88, opt + 104, opt + 112); // LoaderFlags, NumberOfRvaAndSizes
  const rest = Buffer.from(v.subarray(opt + 112, tailEnd));
  const out = Buffer.from(v);
  o.copy(out, opt);
  rest.copy(out, opt + 96);
  out.fill(0, opt + 96 + rest.length, tailEnd);
  out.writeUInt16LE(sizeOpt - 16, pe + 20);
  return new Uint8Array(out);
}

/**
 * Builds every case into `dir`. `peBase`: the unsigned image the PE cases are made from (default the shared corpus's fbx64). The
 * kernel oracle (tools/kernel-oracle/heldout.ts) passes an unsigned bzImage, so that kexec_file_load()'s
 * bzImage64_probe() lets the case reach the signature check.
 */
export function buildHeldout(dir: string, opts: { peBase?: string } = {}): HeldoutCase[] {
  mkdirSync(dir, { recursive: true });
  const cases: HeldoutCase[] = [];
  const add = (c: HeldoutCase) => cases.push(c);
  /** Runs a builder; a missing tool or a tool failure makes the cases skip, saying why. */
  const tryBuild = (tools: string[], stubs: Omit<HeldoutCase, "file">[], f: () => void) => {
    const missing = tools.filter((t) => !have(t));
    if (missing.length) {
      for (const s of stubs) add({ ...s, file: "", skip: `${missing.join(", ")} not installed` });
      return;
    }
    try {
      f();
    } catch (e) {
      if (!(e instanceof Failed)) throw e;
      for (const s of stubs) add({ ...s, file: "", skip: e.message });
    }
  };
  const P = (name: string) => join(dir, name);

  // fresh keys
  const keys: Record<string, Key> = {};
  tryBuild(["openssl"], [], () => {
    keys.rsa2048 = makeKey(dir, "rsa2048", ["-newkey", "rsa:2048"]);
    keys.rsa4096 = makeKey(dir, "rsa4096", ["-newkey", "rsa:4096"]);
    keys.p256 = makeKey(dir, "p256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    keys.p384 = makeKey(dir, "p384", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
    keys.p521 = makeKey(dir, "p521", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"]);
    keys.rsa2560 = makeKey(dir, "rsa2560", ["-newkey", "rsa:2560"]);
    keys.rsa3072 = makeKey(dir, "rsa3072", ["-newkey", "rsa:3072"]);
    keys.rsa1024 = makeKey(dir, "rsa1024", ["-newkey", "rsa:1024"]);
    keys.leaf = issue(dir, "leaf-akid", keys.rsa4096!, true);
    keys.leafNoAkid = issue(dir, "leaf-noakid", keys.rsa4096!, false);
    keys.noskid = makeKey(
      dir,
      "noskid",
      ["-newkey", "rsa:2048"],
      ["-addext", "subjectKeyIdentifier=none", "-addext", "authorityKeyIdentifier=none"],
    );
  });
  if (!keys.rsa2048) {
    const why = have("openssl") ? "openssl could not make the test keys" : "openssl not installed";
    for (const type of ["module", "pe", "ima"] as const)
      add({
        id: `${type}-cases`,
        type,
        file: "",
        certs: [],
        expect: { verdict: "valid", kernel: "accept" },
        why: "no keys",
        skip: why,
      });
    return cases;
  }
  const K = keys as Record<
    "rsa2048" | "rsa4096" | "rsa2560" | "rsa3072" | "rsa1024" | "p256" | "p384" | "p521" | "noskid",
    Key
  >;

  buildModules(K, add, tryBuild, P);
  buildPe(K, add, tryBuild, P, opts.peBase);
  buildIma(K, add, tryBuild, P);
  return cases;
}

type Add = (c: HeldoutCase) => void;
type TryBuild = (tools: string[], stubs: Omit<HeldoutCase, "file">[], f: () => void) => void;

// --- modules ---------------------------------------------------------------------------------

function buildModules(K: Record<string, Key>, add: Add, tryBuild: TryBuild, P: (n: string) => string) {
  const base = join(CORPUS, "modules/stripped/crc7.ko");
  const base2 = join(CORPUS, "modules/stripped/nls_utf8.ko");
  const content = read(base);
  const signFile = (hash: string, k: Key, src: string, out: string, extra: string[] = []) => {
    copyFileSync(src, out);
    run(SIGN_FILE, [...extra, hash, k.key, k.cert, out]);
    return read(out);
  };
  const ok = (
    cert: Key,
    why = "mod_verify_sig() -> verify_pkcs7_signature(): pkcs7_verify() then pkcs7_validate_trust() finds the signer by issuer+serial in .builtin_trusted_keys",
  ) => ({
    certs: [cert.cert],
    expect: { verdict: "valid" as Verdict, kernel: "accept" as KernelAnswer },
    why,
  });

  // sign-file with every key type and hash
  const signings: [string, string, string, string][] = [
    ["mod-rsa2048-sha256", "rsa2048", "sha256", base],
    ["mod-rsa2048-sha1", "rsa2048", "sha1", base],
    ["mod-rsa2048-sha224", "rsa2048", "sha224", base],
    ["mod-rsa2048-sha384", "rsa2048", "sha384", base2],
    ["mod-rsa4096-sha512", "rsa4096", "sha512", base],
    ["mod-rsa4096-sha256", "rsa4096", "sha256", base2],
    ["mod-p256-sha256", "p256", "sha256", base],
    ["mod-p256-sha512", "p256", "sha512", base],
    ["mod-p384-sha384", "p384", "sha384", base2],
    ["mod-p384-sha256", "p384", "sha256", base],
  ];
  const signed: Record<string, Uint8Array> = {};
  for (const [id, kn, h, src] of signings)
    tryBuild([SIGN_FILE], [{ id, type: "module", ...ok(K[kn]!) }], () => {
      signed[id] = signFile(h, K[kn]!, src, P(`${id}.ko`));
      add({ id, type: "module", file: P(`${id}.ko`), ...ok(K[kn]!) });
    });
  // 6.12 too, for the two common ones
  for (const id of ["mod-rsa2048-sha256", "mod-p384-sha384", "mod-rsa2048-sha1"])
    if (signed[id]) {
      const kn = id.includes("p384") ? "p384" : "rsa2048";
      add({
        id: `${id}@6.12`,
        type: "module",
        file: P(`${id}.ko`),
        kernel: "6.12",
        ...ok(K[kn]!, "6.12: pkcs7_sig_note_digest_algo() still accepts SHA-1/SHA-2; same path as 6.1"),
      });
    }

  // P-521: x509_extract_key_data() / x509_note_params() of 6.1 know only P-192/256/384, so the
  // certificate never reaches a keyring: -ENOKEY. 6.12 has ecdsa-nist-p521.
  tryBuild([SIGN_FILE], [{ id: "mod-p521-sha512", type: "module", ...ok(K.p521!) }], () => {
    signFile("sha512", K.p521!, base, P("mod-p521-sha512.ko"));
    add({
      id: "mod-p521-sha512@6.1",
      type: "module",
      file: P("mod-p521-sha512.ko"),
      certs: [K.p521!.cert],
      kernel: "6.1",
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "6.1 x509_note_params(): only prime192v1/prime256v1/secp384r1 -> -ENOPKG, the cert is not loaded: no key -> pkcs7_validate_trust() -ENOKEY",
    });
    add({
      id: "mod-p521-sha512@6.12",
      type: "module",
      file: P("mod-p521-sha512.ko"),
      kernel: "6.12",
      ...ok(K.p521!, "6.12 has ecdsa-nist-p521"),
    });
  });

  // a signer issued by a trusted CA (rsa4096): sign-file embeds no certificate, so the only lookup
  // left is the signer's own issuer+serial ("last resort" in pkcs7_validate_trust_one())
  tryBuild([SIGN_FILE, "openssl"], [], () => {
    signFile("sha256", K.leaf!, base, P("mod-leaf.ko"));
    add({
      id: "mod-issued-signer-no-cert",
      type: "module",
      file: P("mod-leaf.ko"),
      certs: [K.rsa4096!.cert],
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "no certs in the PKCS#7: pkcs7_validate_trust_one() can only look up the signer's issuer+serial, the keyring holds only its CA -> -ENOKEY",
    });
    const p7 = P("mod-leaf-cms.p7s");
    run("openssl", [
      "cms",
      "-sign",
      "-binary",
      "-nosmimecap",
      "-noattr",
      "-outform",
      "DER",
      "-md",
      "sha256",
      "-signer",
      K.leaf!.cert,
      "-inkey",
      K.leaf!.key,
      "-in",
      base,
      "-out",
      p7,
    ]);
    const d = read(p7);
    writeFileSync(P("mod-leaf-cms.ko"), cat(content, d, trailer(d.length)));
    add({
      id: "mod-issued-signer-cert-embedded",
      type: "module",
      file: P("mod-leaf-cms.ko"),
      ...ok(
        K.rsa4096!,
        "embedded leaf not in the keyring; its AKID finds the CA: verify_signature(CA key, leaf->sig) -> 0",
      ),
    });
    add({
      id: "mod-issued-signer-leaf-anchor",
      type: "module",
      file: P("mod-leaf.ko"),
      ...ok(K.leaf!, "the leaf itself in the keyring: direct issuer+serial match"),
    });
  });

  // RSA key sizes: rsa_check_key_length() takes 512/1024/1536/2048/3072/4096 (no FIPS mode)
  tryBuild([SIGN_FILE], [], () => {
    signFile("sha256", K.rsa3072!, base, P("mod-rsa3072.ko"));
    add({
      id: "mod-rsa3072",
      type: "module",
      file: P("mod-rsa3072.ko"),
      ...ok(K.rsa3072!, "RSA-3072 is a listed length"),
    });
    signFile("sha256", K.rsa1024!, base, P("mod-rsa1024.ko"));
    add({
      id: "mod-rsa1024",
      type: "module",
      file: P("mod-rsa1024.ko"),
      ...ok(K.rsa1024!, "RSA-1024 is listed (refused only with fips_enabled)"),
    });
    signFile("sha256", K.rsa2560!, base, P("mod-rsa2560.ko"));
    add({
      id: "mod-rsa2560",
      type: "module",
      file: P("mod-rsa2560.ko"),
      certs: [K.rsa2560!.cert],
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "the self-signed RSA-2560 cert never loads: x509_check_for_self_signed() -> rsa_check_key_length() -EINVAL; no key -> -ENOKEY",
    });
  });

  // SHA3-256: 6.1's pkcs7_sig_note_digest_algo() does not know it; 6.12 has pkcs1pad(rsa,sha3-256)
  tryBuild([SIGN_FILE], [], () => {
    signFile("sha3-256", K.rsa2048!, base, P("mod-rsa2048-sha3-256.ko"));
    add({
      id: "mod-rsa2048-sha3-256@6.1",
      type: "module",
      file: P("mod-rsa2048-sha3-256.ko"),
      certs: [K.rsa2048!.cert],
      kernel: "6.1",
      expect: { verdict: "invalid", kernel: "ENOPKG" },
      why: "6.1 pkcs7_sig_note_digest_algo(): unsupported digest -> pkcs7_parse_message() -ENOPKG",
    });
    add({
      id: "mod-rsa2048-sha3-256@6.12",
      type: "module",
      file: P("mod-rsa2048-sha3-256.ko"),
      kernel: "6.12",
      ...ok(K.rsa2048!, "6.12 knows OID_sha3_256 and pkcs1pad(rsa,sha3-256)"),
    });
  });

  // signer identified by subjectKeyIdentifier (sign-file -k)
  tryBuild([SIGN_FILE], [{ id: "mod-rsa2048-skid", type: "module", ...ok(K.rsa2048!) }], () => {
    signFile("sha256", K.rsa2048!, base, P("mod-rsa2048-skid.ko"), ["-k"]);
    add({
      id: "mod-rsa2048-skid",
      type: "module",
      file: P("mod-rsa2048-skid.ko"),
      ...ok(
        K.rsa2048!,
        "pkcs7_sig_note_skid(): auth_ids[0] is the SKID; find_asymmetric_key() matches it against the key's id[1]",
      ),
    });
  });
  tryBuild([SIGN_FILE], [{ id: "mod-p256-skid", type: "module", ...ok(K.p256!) }], () => {
    signFile("sha256", K.p256!, base, P("mod-p256-skid.ko"), ["-k"]);
    add({
      id: "mod-p256-skid",
      type: "module",
      file: P("mod-p256-skid.ko"),
      ...ok(K.p256!, "SKID lookup, ECDSA"),
    });
  });

  const s = signed["mod-rsa2048-sha256"];
  if (!s) return;
  const sp = splitSigned(s);
  const sEc = signed["mod-p256-sha256"];
  const write = (name: string, b: Uint8Array) => {
    writeFileSync(P(name), b);
    return P(name);
  };
  const bad = (
    id: string,
    b: Uint8Array,
    verdict: Verdict,
    kernel: KernelAnswer,
    why: string,
    certs = [K.rsa2048!.cert],
    ext = "ko",
  ) => add({ id, type: "module", file: write(`${id}.${ext}`, b), certs, expect: { verdict, kernel }, why });

  add({
    id: "mod-untrusted",
    type: "module",
    file: P("mod-rsa2048-sha256.ko"),
    certs: [K.p256!.cert],
    expect: { verdict: "untrusted", kernel: "ENOKEY" },
    why: "no cert in the PKCS#7, none in the keyring by issuer+serial: pkcs7_validate_trust_one() -ENOKEY",
  });
  bad("mod-unsigned", content, "unsigned", "ENODATA", "module_sig_check(): no marker -> -ENODATA");
  bad(
    "mod-truncated-1",
    s.subarray(0, s.length - 1),
    "unsigned",
    "ENODATA",
    "the marker no longer ends the file: module_sig_check() sees an unsigned module",
  );
  bad(
    "mod-extra-byte",
    cat(s, Uint8Array.of(0x0a)),
    "unsigned",
    "ENODATA",
    "data after the marker: module_sig_check() memcmp of the last 28 bytes fails",
  );
  const T = (f: Parameters<typeof trailer>[1], len = sp.p7.length) => cat(sp.content, sp.p7, trailer(len, f));
  bad(
    "mod-siglen-huge",
    T({}, s.length),
    "invalid",
    "EBADMSG",
    "mod_check_sig(): sig_len >= file_len - sizeof(ms) -> -EBADMSG",
  );
  bad(
    "mod-siglen-boundary",
    T({}, s.length - 40),
    "invalid",
    "EBADMSG",
    "mod_check_sig(): sig_len == modlen - 12 is still >= -> -EBADMSG",
  );
  bad(
    "mod-siglen-minus1",
    T({}, sp.p7.length - 1),
    "invalid",
    "EBADMSG",
    "PKCS#7 starts one byte late: asn1_ber_decoder() tag mismatch -> pkcs7_parse_message() -EBADMSG",
  );
  bad(
    "mod-siglen-plus1",
    T({}, sp.p7.length + 1),
    "invalid",
    "EBADMSG",
    "PKCS#7 starts one byte early: asn1_ber_decoder() tag mismatch -> -EBADMSG",
  );
  bad(
    "mod-p7-trailing-zeros",
    cat(sp.content, sp.p7, new Uint8Array(4), trailer(sp.p7.length + 4)),
    "valid",
    "accept",
    "4 zero bytes after the PKCS#7 inside sig_len: asn1_ber_decoder() returns at ASN1_OP_COMPLETE without an excess-data check; content boundary unchanged",
  );
  bad(
    "mod-siglen-zero",
    T({}, 0),
    "invalid",
    "EBADMSG",
    "sig_len 0: asn1_ber_decoder() on 0 bytes -> data overrun -> -EBADMSG",
  );
  bad(
    "mod-idtype-pgp",
    T({ idType: 0 }),
    "invalid",
    "ENOPKG",
    "mod_check_sig(): id_type != PKEY_ID_PKCS7 -> -ENOPKG",
  );
  bad(
    "mod-idtype-x509",
    T({ idType: 1 }),
    "invalid",
    "ENOPKG",
    "mod_check_sig(): id_type != PKEY_ID_PKCS7 -> -ENOPKG",
  );
  bad("mod-algo-1", T({ algo: 1 }), "invalid", "EBADMSG", "mod_check_sig(): non-zero algo -> -EBADMSG");
  bad("mod-hash-4", T({ hash: 4 }), "invalid", "EBADMSG", "mod_check_sig(): non-zero hash -> -EBADMSG");
  bad(
    "mod-keyidlen",
    T({ keyIdLen: 20 }),
    "invalid",
    "EBADMSG",
    "mod_check_sig(): non-zero key_id_len -> -EBADMSG",
  );
  bad(
    "mod-signerlen",
    T({ signerLen: 5 }),
    "invalid",
    "EBADMSG",
    "mod_check_sig(): non-zero signer_len -> -EBADMSG",
  );
  bad(
    "mod-idtype-pgp-siglen-huge",
    T({ idType: 0 }, s.length),
    "invalid",
    "EBADMSG",
    "mod_check_sig() checks sig_len before id_type",
  );
  bad(
    "mod-sig-appended-twice",
    cat(s, sp.p7, sp.trailer),
    "invalid-digest",
    "EKEYREJECTED",
    "the outer block's content is module+first block: digest differs; no certs, so pkcs7_validate_trust_one() verify_signature() fails -> -EKEYREJECTED",
  );
  bad(
    "mod-tampered-content",
    flip(s, 0x200),
    "invalid-digest",
    "EKEYREJECTED",
    "digest differs: pkcs7_validate_trust_one() turns the verify_signature() failure into -EKEYREJECTED",
  );
  bad(
    "mod-tampered-sigvalue",
    flip(s, sp.content.length + sp.p7.length - 10),
    "invalid-signature",
    "EKEYREJECTED",
    "signature value broken, no certs: pkcs7_validate_trust_one() -> -EKEYREJECTED",
  );
  bad(
    "mod-tampered-sigvalue-untrusted",
    flip(s, sp.content.length + sp.p7.length - 10),
    "untrusted",
    "ENOKEY",
    "no key found before any signature check: -ENOKEY",
    [K.p256!.cert],
  );
  if (sEc) {
    const e = splitSigned(sEc);
    bad(
      "mod-p256-tampered-content",
      flip(sEc, 0x200),
      "invalid-signature",
      "EKEYREJECTED",
      "ecdsa_verify() -EKEYREJECTED, pkcs7_validate_trust_one() -EKEYREJECTED",
      [K.p256!.cert],
    );
    bad(
      "mod-p256-truncated-sig",
      cat(e.content, e.p7.subarray(0, e.p7.length - 1), trailer(e.p7.length - 1)),
      "invalid",
      "EBADMSG",
      "PKCS#7 one byte short: the outer SEQUENCE overruns -> asn1_ber_decoder() -EBADMSG",
      [K.p256!.cert],
    );
  }

  tryBuild([SIGN_FILE], [], () => {
    copyFileSync(base, P("mod-detached.ko"));
    run(SIGN_FILE, ["-d", "sha256", K.rsa2048!.key, K.rsa2048!.cert, P("mod-detached.ko")]);
    add({
      id: "mod-detached-p7s",
      type: "module",
      file: base,
      detached: P("mod-detached.ko.p7s"),
      ...ok(K.rsa2048!, "sign-file -d: the PKCS#7 that would be appended, checked over the module"),
    });
    add({
      id: "mod-detached-p7s-wrong-module",
      type: "module",
      file: base2,
      detached: P("mod-detached.ko.p7s"),
      certs: [K.rsa2048!.cert],
      expect: { verdict: "invalid-digest", kernel: "EKEYREJECTED" },
      why: "another module: the digest differs -> pkcs7_validate_trust_one() -EKEYREJECTED",
    });
  });

  // strip on a signed module rewrites the ELF and drops what follows it (the signature)
  tryBuild(["strip"], [], () => {
    copyFileSync(P("mod-rsa2048-sha256.ko"), P("mod-stripped-after-signing.ko"));
    run("strip", ["-g", P("mod-stripped-after-signing.ko")]);
    add({
      id: "mod-strip-after-signing",
      type: "module",
      file: P("mod-stripped-after-signing.ko"),
      certs: [K.rsa2048!.cert],
      expect: { verdict: "unsigned", kernel: "ENODATA" },
      why: "strip -g keeps only the ELF: no marker -> module_sig_check() -ENODATA",
    });
  });

  // signed twice with different keys (sign-file over a signed module): only the outer signature counts
  tryBuild([SIGN_FILE], [], () => {
    signFile("sha256", K.p384!, P("mod-rsa2048-sha256.ko"), P("mod-double-rsa-then-p384.ko"));
    add({
      id: "mod-double-outer-trusted",
      type: "module",
      file: P("mod-double-rsa-then-p384.ko"),
      ...ok(K.p384!, "the outer (P-384) signature covers module+inner signature"),
    });
    add({
      id: "mod-double-inner-trusted",
      type: "module",
      file: P("mod-double-rsa-then-p384.ko"),
      certs: [K.rsa2048!.cert],
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "mod_verify_sig() reads only the last trailer; the inner signature is content",
    });
  });

  // the signer's certificate embedded (openssl cms -sign keeps certs; sign-file never does)
  const cms = (id: string, k: Key, extra: string[]) => {
    const p7 = P(`${id}.p7s`);
    run("openssl", [
      "cms",
      "-sign",
      "-binary",
      "-nosmimecap",
      "-outform",
      "DER",
      "-md",
      "sha256",
      "-signer",
      k.cert,
      "-inkey",
      k.key,
      "-in",
      base,
      "-out",
      p7,
      ...extra,
    ]);
    const d = read(p7);
    return cat(content, d, trailer(d.length));
  };
  tryBuild(["openssl"], [], () => {
    const m = cms("mod-cms-cert", K.rsa2048!, ["-noattr"]);
    writeFileSync(P("mod-cms-cert.ko"), m);
    add({
      id: "mod-cms-cert",
      type: "module",
      file: P("mod-cms-cert.ko"),
      ...ok(
        K.rsa2048!,
        "embedded cert: pkcs7_verify_one() checks it, pkcs7_validate_trust_one() finds it in the keyring",
      ),
    });
    add({
      id: "mod-cms-cert-untrusted",
      type: "module",
      file: P("mod-cms-cert.ko"),
      certs: [K.p256!.cert],
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "signature fine against the embedded cert, which chains to nothing: -ENOKEY",
    });
    const sp2 = splitSigned(m);
    bad(
      "mod-cms-cert-tampered-content",
      flip(m, 0x200),
      "invalid-digest",
      "EKEYREJECTED",
      "pkcs7_verify_one(): public_key_verify_signature() with the embedded cert: PKCS#1 digest differs -> -EKEYREJECTED (before any trust step)",
      [K.p256!.cert],
    );
    void sp2;
    const ec = cms("mod-cms-cert-p256", K.p256!, ["-noattr"]);
    writeFileSync(P("mod-cms-cert-p256.ko"), ec);
    add({
      id: "mod-cms-cert-p256",
      type: "module",
      file: P("mod-cms-cert-p256.ko"),
      ...ok(K.p256!, "embedded cert, ECDSA"),
    });
    const kid = cms("mod-cms-keyid", K.rsa2048!, ["-noattr", "-keyid", "-nocerts"]);
    writeFileSync(P("mod-cms-keyid.ko"), kid);
    add({
      id: "mod-cms-keyid",
      type: "module",
      file: P("mod-cms-keyid.ko"),
      ...ok(K.rsa2048!, "SKID sid, no certs"),
    });
    const attrs = cms("mod-cms-authattrs", K.rsa2048!, ["-nocerts"]);
    bad(
      "mod-cms-authattrs",
      attrs,
      "invalid",
      "EKEYREJECTED",
      "pkcs7_verify(): VERIFYING_MODULE_SIGNATURE with authattrs -> 'Invalid module sig (has authattrs)' -EKEYREJECTED",
    );
    const embedded = cms("mod-cms-nodetach", K.rsa2048!, ["-noattr", "-nodetach"]);
    bad(
      "mod-cms-nodetach",
      embedded,
      "invalid",
      "EBADMSG",
      "verify_pkcs7_message_sig(): pkcs7_supply_detached_data() 'Data already supplied' -> 'PKCS#7 signature with non-detached data' -EBADMSG",
    );
    // two SignerInfos (RSA-2048 and P-256), only one of them trusted
    const p7two = P("mod-cms-two.p7s");
    run("openssl", [
      "cms",
      "-sign",
      "-binary",
      "-nosmimecap",
      "-noattr",
      "-nocerts",
      "-outform",
      "DER",
      "-md",
      "sha256",
      "-signer",
      K.rsa2048!.cert,
      "-inkey",
      K.rsa2048!.key,
      "-signer",
      K.p256!.cert,
      "-inkey",
      K.p256!.key,
      "-in",
      base,
      "-out",
      p7two,
    ]);
    const two = read(p7two);
    writeFileSync(P("mod-cms-two.ko"), cat(content, two, trailer(two.length)));
    add({
      id: "mod-cms-two-signers-second-trusted",
      type: "module",
      file: P("mod-cms-two.ko"),
      ...ok(
        K.p256!,
        "pkcs7_validate_trust(): -ENOKEY for one SignerInfo is skipped, the other one is trusted -> 0",
      ),
    });
    add({
      id: "mod-cms-two-signers-none-trusted",
      type: "module",
      file: P("mod-cms-two.ko"),
      certs: [K.rsa4096!.cert],
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "neither SignerInfo finds a key -> -ENOKEY",
    });
    // cms -stream: BER indefinite lengths, and OpenSSL then embeds the content although -nodetach is absent
    const ber = cms("mod-cms-ber", K.rsa2048!, ["-noattr", "-nocerts", "-stream"]);
    bad(
      "mod-cms-stream-embedded",
      ber,
      "invalid",
      "EBADMSG",
      "asn1_ber_decoder() parses the indefinite lengths; the content is embedded, so pkcs7_supply_detached_data() fails -> -EBADMSG",
    );
  });

  // compressed modules (kmod 30 decompresses in user space; the kernel's signature check sees the plain image)
  const compress = (id: string, tool: string, args: string[], src: Uint8Array, ext: string) => {
    const out = run(tool, args, { input: src });
    writeFileSync(P(`${id}.ko.${ext}`), out);
    return P(`${id}.ko.${ext}`);
  };
  tryBuild(["xz"], [], () => {
    add({
      id: "mod-xz-crc32",
      type: "module",
      file: compress("mod-xz-crc32", "xz", ["-c", "--check=crc32", "--lzma2=dict=1MiB"], s, "xz"),
      ...ok(K.rsa2048!, "decompressed, then mod_verify_sig()"),
    });
    add({
      id: "mod-xz-crc64",
      type: "module",
      file: compress("mod-xz-crc64", "xz", ["-c"], s, "xz"),
      ...ok(K.rsa2048!, "kmod decompresses with liblzma (any check), the kernel sees the plain image"),
    });
    add({
      id: "mod-xz-unsigned",
      type: "module",
      file: compress("mod-xz-unsigned", "xz", ["-c", "--check=crc32"], content, "xz"),
      certs: [K.rsa2048!.cert],
      expect: { verdict: "unsigned", kernel: "ENODATA" },
      why: "decompressed image has no marker",
    });
    const x = read(compress("mod-xz-c", "xz", ["-c", "--check=crc32"], s, "xz"));
    const corrupt = flip(x, Math.floor(x.length / 2));
    bad(
      "mod-xz-corrupt",
      corrupt,
      "invalid",
      "EINVAL",
      "module_xz_decompress(): xz_dec_run() != XZ_STREAM_END -> -EINVAL",
      [K.rsa2048!.cert],
      "ko.xz",
    );
    // the first byte of an LZMA range-coder stream is always 0 and rc_read_init() (lib/xz/xz_dec_lzma2.c)
    // shifts it out unchecked: `xz -t` calls the file corrupt, the kernel's decoder does not care
    const chunk = 12 + (x[12]! + 1) * 4;
    if (x[chunk]! >= 0xe0)
      bad(
        "mod-xz-rc-first-byte",
        flip(x, chunk + 6),
        "valid",
        "accept",
        "rc_read_init() ignores the range coder's first byte; the CRC32 covers the uncompressed data, which is unchanged",
        [K.rsa2048!.cert],
        "ko.xz",
      );
    bad(
      "mod-xz-truncated",
      x.subarray(0, x.length - 20),
      "invalid",
      "EINVAL",
      "stream ends early: xz_dec_run() XZ_BUF_ERROR -> -EINVAL",
      [K.rsa2048!.cert],
      "ko.xz",
    );
  });
  tryBuild(["zstd"], [], () => {
    add({
      id: "mod-zst",
      type: "module",
      file: compress("mod-zst", "zstd", ["-c", "-q"], s, "zst"),
      ...ok(K.rsa2048!, "decompressed, then mod_verify_sig()"),
    });
    if (sEc)
      add({
        id: "mod-zst-p256",
        type: "module",
        file: compress("mod-zst-p256", "zstd", ["-c", "-q", "-19"], sEc, "zst"),
        ...ok(K.p256!, "decompressed, then mod_verify_sig()"),
      });
    add({
      id: "mod-zst-unsigned",
      type: "module",
      file: compress("mod-zst-unsigned", "zstd", ["-c", "-q"], content, "zst"),
      certs: [K.rsa2048!.cert],
      expect: { verdict: "unsigned", kernel: "ENODATA" },
      why: "no marker",
    });
    const z = read(compress("mod-zst-c", "zstd", ["-c", "-q"], s, "zst"));
    for (const [id, at] of [
      ["mod-zst-corrupt-middle", Math.floor(z.length / 2)],
      ["mod-zst-corrupt-near-end", z.length - 6],
    ] as const)
      bad(
        id,
        flip(z, at),
        "invalid",
        "EINVAL",
        "zstd_decompress_stream() fails (corrupt block, or the XXH64 content checksum does not match) -> module_zstd_decompress() -EINVAL",
        [K.rsa2048!.cert],
        "ko.zst",
      );
    bad(
      "mod-zst-truncated",
      z.subarray(0, z.length - 10),
      "invalid",
      "EINVAL",
      "module_zstd_decompress(): zstd_decompress_stream() does not finish -> -EINVAL",
      [K.rsa2048!.cert],
      "ko.zst",
    );
  });
  // signed *after* compression (sign-file run on the .ko.xz): the kernel's decoders stop at the end of
  // the first stream and never see the signature -> an unsigned module
  for (const [tool, args, ext] of [
    ["xz", ["-c", "--check=crc32"], "xz"],
    ["zstd", ["-c", "-q"], "zst"],
    ["gzip", ["-c", "-n"], "gz"],
  ] as const)
    tryBuild([tool, SIGN_FILE], [], () => {
      const f = compress(`mod-signed-after-${ext}`, tool, [...args], content, ext);
      run(SIGN_FILE, ["sha256", K.rsa2048!.key, K.rsa2048!.cert, f]);
      add({
        id: `mod-signed-after-compress-${ext}`,
        type: "module",
        file: f,
        certs: [K.rsa2048!.cert],
        expect: { verdict: "unsigned", kernel: "ENODATA" },
        why: `module_${ext === "gz" ? "gzip" : ext === "zst" ? "zstd" : "xz"}_decompress() stops at the end of the first stream; the signature after it is never read -> module_sig_check() -ENODATA`,
      });
      const sig = read(compress(`mod-c-${ext}`, tool, [...args], s, ext));
      bad(
        `mod-${ext}-trailing-garbage`,
        cat(
          sig,
          Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff),
        ),
        "valid",
        "accept",
        "bytes after the compressed stream are not read by the kernel's decoder",
        [K.rsa2048!.cert],
        `ko.${ext}`,
      );
    });

  tryBuild(["gzip"], [], () => {
    add({
      id: "mod-gz",
      type: "module",
      file: compress("mod-gz", "gzip", ["-c", "-n"], s, "gz"),
      ...ok(K.rsa2048!, "decompressed, then mod_verify_sig()"),
    });
  });
}

// --- PE --------------------------------------------------------------------------------------

function buildPe(
  K: Record<string, Key>,
  add: Add,
  tryBuild: TryBuild,
  P: (n: string) => string,
  unsigned = join(CORPUS, "pe/variants/fbx64.unsigned.efi"),
) {
  const CA = join(CORPUS, "pe/testkeys/test-ca.pem");
  const SIGNER = {
    key: join(CORPUS, "pe/testkeys/test-signer.key"),
    cert: join(CORPUS, "pe/testkeys/test-signer.pem"),
  };
  const SIGNER2 = {
    key: join(CORPUS, "pe/testkeys/test-signer2.key"),
    cert: join(CORPUS, "pe/testkeys/test-signer2.pem"),
  };
  const DEBIAN_CA = join(CORPUS, "pe/certs/debian-secure-boot-ca.pem");
  const write = (name: string, b: Uint8Array) => {
    writeFileSync(P(name), b);
    return P(name);
  };
  const valid = (id: string, file: string | Uint8Array, certs: string[], why: string) =>
    add({
      id,
      type: "pe",
      file: typeof file === "string" ? file : write(`${id}.efi`, file),
      certs,
      expect: { verdict: "valid", kernel: "accept" },
      why,
    });
  const peCase = (
    id: string,
    b: Uint8Array | string,
    certs: string[],
    verdict: Verdict,
    kernel: KernelAnswer,
    why: string,
  ) =>
    add({
      id,
      type: "pe",
      file: typeof b === "string" ? b : write(`${id}.efi`, b),
      certs,
      expect: { verdict, kernel },
      why,
    });

  let sb: Uint8Array | undefined;
  tryBuild(["sbsign"], [], () => {
    run("sbsign", ["--key", SIGNER.key, "--cert", SIGNER.cert, "--output", P("pe-sbsign.efi"), unsigned]);
    sb = read(P("pe-sbsign.efi"));
    valid(
      "pe-sbsign",
      P("pe-sbsign.efi"),
      [CA],
      "verify_pefile_signature(): pkcs7_validate_trust_one() reaches test-ca through the signer's AKID",
    );
    peCase(
      "pe-sbsign-untrusted",
      P("pe-sbsign.efi"),
      [DEBIAN_CA],
      "untrusted",
      "ENOKEY",
      "the chain meets no key: -ENOKEY",
    );
    valid(
      "pe-sbsign-leaf-anchor",
      P("pe-sbsign.efi"),
      [SIGNER.cert],
      "the embedded signer cert itself is in the keyring",
    );
    run("sbsign", [
      "--key",
      K.rsa4096!.key,
      "--cert",
      K.rsa4096!.cert,
      "--output",
      P("pe-sbsign-rsa4096.efi"),
      unsigned,
    ]);
    valid(
      "pe-sbsign-rsa4096",
      P("pe-sbsign-rsa4096.efi"),
      [K.rsa4096!.cert],
      "self-signed RSA-4096 leaf in the keyring",
    );
    // sbsign over a signed image: a second WIN_CERTIFICATE
    run("sbsign", [
      "--key",
      K.rsa2048!.key,
      "--cert",
      K.rsa2048!.cert,
      "--output",
      P("pe-sbsign-twice.efi"),
      P("pe-sbsign.efi"),
    ]);
    valid(
      "pe-sbsign-twice-first",
      P("pe-sbsign-twice.efi"),
      [CA],
      "pefile_strip_sig_wrapper() takes the first WIN_CERTIFICATE (dwLength <= table size)",
    );
    peCase(
      "pe-sbsign-twice-second",
      P("pe-sbsign-twice.efi"),
      [K.rsa2048!.cert],
      "valid",
      "ENOKEY",
      "the kernel reads only the first WIN_CERTIFICATE (test-signer): -ENOKEY; the second signature is valid for a verifier",
    );

    const b = Buffer.from(sb!);
    const csum = b.readUInt32LE(0x3c) + 24 + 64;
    const c = Buffer.from(b);
    c.writeUInt32LE((c.readUInt32LE(csum) ^ 0x5a5a) >>> 0, csum);
    peCase(
      "pe-checksum-only",
      new Uint8Array(c),
      [CA],
      "valid",
      "accept",
      "pefile_digest_pe_contents() skips image_checksum_offset",
    );
    peCase(
      "pe-appended-8",
      cat(sb!, new Uint8Array(8)),
      [CA],
      "invalid",
      "EKEYREJECTED",
      "pefile_digest_pe_contents() hashes pelen - hashed - certs_size bytes after the sections: the range moves into the table -> digest mismatch -EKEYREJECTED (after the trust check passed)",
    );
    peCase(
      "pe-appended-untrusted",
      cat(sb!, new Uint8Array(8)),
      [DEBIAN_CA],
      "invalid",
      "ENOKEY",
      "verify_pkcs7_signature() runs before pefile_digest_pe(): -ENOKEY wins",
    );
    peCase(
      "pe-tampered-text",
      flip(sb!, 0x1000),
      [CA],
      "invalid-digest",
      "EKEYREJECTED",
      "pefile_digest_pe(): Digest mismatch -> -EKEYREJECTED",
    );
    // the directory names a table 8 bytes shorter than the real one: dwLength > size
    const dd = peDataDir(sb!) + 32;
    const t = Buffer.from(sb!);
    t.writeUInt32LE(t.readUInt32LE(dd + 4) - 8, dd + 4);
    peCase(
      "pe-dirsize-short",
      new Uint8Array(t),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_strip_sig_wrapper(): wrapper.length > sig_len -> -ELIBBAD",
    );
    // revision 0x0100
    const r = Buffer.from(sb!);
    r.writeUInt16LE(0x0100, r.readUInt32LE(dd) + 4);
    peCase(
      "pe-revision-1",
      new Uint8Array(r),
      [CA],
      "invalid",
      "ENOTSUPP",
      "pefile_strip_sig_wrapper(): revision != 2.0 -> -ENOTSUPP",
    );
    const ty = Buffer.from(sb!);
    ty.writeUInt16LE(0x0001, ty.readUInt32LE(dd) + 6);
    peCase(
      "pe-certtype-x509",
      new Uint8Array(ty),
      [CA],
      "invalid",
      "ENOTSUPP",
      "pefile_strip_sig_wrapper(): cert_type != PKCS_SIGNED_DATA -> -ENOTSUPP",
    );
    // no directory entry: unsigned
    const u = Buffer.from(sb!);
    u.writeUInt32LE(0, dd);
    u.writeUInt32LE(0, dd + 4);
    peCase(
      "pe-dir-zeroed",
      new Uint8Array(u),
      [CA],
      "unsigned",
      "ENODATA",
      "pefile_parse_binary(): certs dirent empty -> -ENODATA",
    );
    const at = (mut: (w: Buffer, table: number) => void) => {
      const w = Buffer.from(sb!);
      mut(w, w.readUInt32LE(dd));
      return new Uint8Array(w);
    };
    peCase(
      "pe-dir-va-in-headers",
      at((w) => w.writeUInt32LE(0x100, dd)),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary(): chkaddr(header_size, va, size): va < header_size -> -ELIBBAD",
    );
    peCase(
      "pe-dir-past-eof",
      at((w) => w.writeUInt32LE(w.readUInt32LE(dd + 4) + 8, dd + 4)),
      [CA],
      "invalid",
      "ELIBBAD",
      "chkaddr(): va + size > file -> -ELIBBAD",
    );
    peCase(
      "pe-dir-size-4",
      at((w) => w.writeUInt32LE(4, dd + 4)),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_strip_sig_wrapper(): sig_len < sizeof(wrapper) -> -ELIBBAD",
    );
    peCase(
      "pe-dwlength-10",
      at((w, t) => w.writeUInt32LE(10, t)),
      [CA],
      "invalid",
      "EKEYREJECTED",
      "pefile_strip_sig_wrapper(): dwLength - 8 < 4 -> 'Signature data missing' -EKEYREJECTED",
    );
    peCase(
      "pe-p7-not-sequence",
      at((w, t) => w.writeUInt8(0x31, t + 8)),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_strip_sig_wrapper(): pkcs7[0] != SEQUENCE -> -ELIBBAD",
    );
    peCase(
      "pe-p7-len-0x83",
      at((w, t) => w.writeUInt8(0x83, t + 9)),
      [CA],
      "invalid",
      "EMSGSIZE",
      "pefile_strip_sig_wrapper(): length form 0x83..0xff -> -EMSGSIZE",
    );
    peCase(
      "pe-p7-len-too-long",
      at((w, t) => w.writeUInt16BE(w.readUInt16BE(t + 10) + 0x100, t + 10)),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_strip_sig_wrapper(): DER length beyond dwLength -> -ELIBBAD",
    );
    peCase(
      "pe-dir-size-zero",
      at((w) => w.writeUInt32LE(0, dd + 4)),
      [CA],
      "unsigned",
      "ENODATA",
      "pefile_parse_binary(): certs.size == 0 -> -ENODATA",
    );
    const mz = write(
      "pe-mz-broken.efi",
      at((w) => w.writeUInt16LE(0x5a4e, 0)),
    );
    add({
      id: "pe-mz-broken--type-pe",
      type: "pe",
      forceType: true,
      file: mz,
      certs: [CA],
      expect: { verdict: "invalid", kernel: "ELIBBAD" },
      why: "verify --type pe: pefile_parse_binary(): MZ magic -> -ELIBBAD",
    });
    add({
      id: "pe-mz-broken-detected",
      type: "pe",
      file: mz,
      certs: [CA],
      expect: { verdict: "invalid", kernel: "ELIBBAD" },
      why: "no --type: named .efi (detectType() falls back on the name), so answered as verify_pefile_signature() answers it: MZ magic -> -ELIBBAD",
    });
    const pe = Buffer.from(sb!);
    pe.writeUInt32LE(0x00004551, pe.readUInt32LE(0x3c));
    peCase(
      "pe-pe-magic-broken",
      new Uint8Array(pe),
      [CA],
      "invalid",
      "ELIBBAD",
      "MZ intact, 'PE\\0\\0' broken: pefile_parse_binary() -> -ELIBBAD (detected as PE from MZ)",
    );
    // NumberOfRvaAndSizes = 4 after signing
    const n = Buffer.from(sb!);
    const opt = n.readUInt32LE(0x3c) + 24;
    n.writeUInt32LE(4, opt + 108);
    peCase(
      "pe-nrva-4-after-signing",
      new Uint8Array(n),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary() still reads ddir->certs (index 4) but takes the section table from directory entries 4..: raw sizes of ~2 GB past EOF; pefile_digest_pe_contents() would read out of bounds, which we answer -ELIBBAD (README: documented departure)",
    );
    // SizeOfHeaders beyond the file
    const h = Buffer.from(sb!);
    h.writeUInt32LE(h.length, opt + 60);
    peCase(
      "pe-sizeofheaders-eof",
      new Uint8Array(h),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary(): header_size >= datalen -> -ELIBBAD",
    );
    const nsec = Buffer.from(sb!).readUInt16LE(opt - 24 + 6);
    const secEnd = opt + 112 + 16 * 8 + 40 * nsec;
    const h3 = Buffer.from(sb!);
    h3.writeUInt32LE(secEnd - 40, opt + 60);
    peCase(
      "pe-sizeofheaders-cuts-sections",
      new Uint8Array(h3),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary(): n_sections > (header_size - cursor) / sizeof(section_header) -> -ELIBBAD",
    );
    const h4 = Buffer.from(sb!);
    h4.writeUInt32LE(opt + 100, opt + 60);
    peCase(
      "pe-sizeofheaders-inside-opthdr",
      new Uint8Array(h4),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary(): cursor (end of the optional header) >= header_size -> -ELIBBAD",
    );
    const h5 = Buffer.from(sb!);
    h5.writeUInt32LE(0xffff, opt + 108);
    peCase(
      "pe-nrva-huge",
      new Uint8Array(h5),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary(): n_data_dirents > (header_size - cursor) / 8 -> -ELIBBAD",
    );
    const h6 = Buffer.from(sb!);
    h6.writeUInt32LE(0x1000, 0x3c);
    peCase(
      "pe-lfanew-past-headers",
      new Uint8Array(h6),
      [CA],
      "invalid",
      "ELIBBAD",
      "e_lfanew at 0x1000: no PE magic there -> pefile_parse_binary() -ELIBBAD",
    );
    const h2 = Buffer.from(sb!);
    h2.writeUInt32LE(opt + 112 + 16, opt + 60);
    peCase(
      "pe-sizeofheaders-cuts-dirs",
      new Uint8Array(h2),
      [CA],
      "invalid",
      "ELIBBAD",
      "pefile_parse_binary(): n_data_dirents > (header_size - cursor) / 8 -> -ELIBBAD",
    );
  });

  // signers issued by a trusted CA, with and without authorityKeyIdentifier; an embedded intermediate
  tryBuild(["sbsign"], [], () => {
    run("sbsign", [
      "--key",
      K.leaf!.key,
      "--cert",
      K.leaf!.cert,
      "--output",
      P("pe-leaf-akid.efi"),
      unsigned,
    ]);
    valid(
      "pe-issued-signer-akid",
      P("pe-leaf-akid.efi"),
      [K.rsa4096!.cert],
      "pkcs7_validate_trust_one(): the leaf's AKID (auth_ids) finds the CA in the keyring",
    );
    run("sbsign", [
      "--key",
      K.leafNoAkid!.key,
      "--cert",
      K.leafNoAkid!.cert,
      "--output",
      P("pe-leaf-noakid.efi"),
      unsigned,
    ]);
    peCase(
      "pe-issued-signer-no-akid",
      P("pe-leaf-noakid.efi"),
      [K.rsa4096!.cert],
      "untrusted",
      "ENOKEY",
      "no AKID: last->sig->auth_ids are NULL, the kernel never looks the issuer up by name -> -ENOKEY (OpenSSL would chain by name)",
    );
    peCase(
      "pe-rogue-chain-root",
      join(CORPUS, "pe/variants/fbx64.rogue-chain.efi"),
      [join(CORPUS, "pe/testkeys/rogue-root.pem")],
      "valid",
      "accept",
      "leaf -> embedded intermediate (pkcs7_verify_sig_chain()) -> root in the keyring via the intermediate's AKID",
    );
    peCase(
      "pe-rogue-chain-intermediate",
      join(CORPUS, "pe/variants/fbx64.rogue-chain.efi"),
      [join(CORPUS, "pe/testkeys/rogue-intermediate.pem")],
      "valid",
      "accept",
      "the embedded intermediate is itself in the keyring (find_asymmetric_key(x509->id, x509->skid)) and verifies the leaf",
    );
  });

  // images we sign ourselves with the kernel's digest (independent model above): weird but acceptable layouts
  tryBuild([], [], () => {
    const img = read(unsigned);
    const pad = (8 - (img.length % 8)) % 8;
    const aligned = cat(img, new Uint8Array(pad));
    valid(
      "pe-self-signed",
      selfSignPe(aligned, K.rsa2048!),
      [K.rsa2048!.cert],
      "our own Authenticode over the kernel's digest",
    );
    valid(
      "pe-table-unaligned-offset",
      selfSignPe(cat(img, Uint8Array.of(1, 2, 3)), K.rsa2048!),
      [K.rsa2048!.cert],
      "verify_pefile.c never requires an 8-aligned table offset; the 3 bytes before it are hashed as trailing data",
    );
    valid(
      "pe-table-size-unpadded",
      selfSignPe(aligned, K.rsa2048!, aligned.length, false),
      [K.rsa2048!.cert],
      "dwLength == table size, not a multiple of 8: pefile_strip_sig_wrapper() only needs dwLength <= size",
    );
    valid(
      "pe-table-gap-before",
      selfSignPe(aligned, K.rsa2048!, aligned.length + 64),
      [K.rsa2048!.cert],
      "64 zero bytes between the image and the table are hashed (pelen - hashed - certs_size)",
    );
    const opt = Buffer.from(aligned).readUInt32LE(0x3c) + 24;
    // SizeOfHeaders reaching into the first section's data (hashed twice by the kernel)
    const hs = Buffer.from(aligned);
    hs.writeUInt32LE(hs.readUInt32LE(opt + 60) + 0x200, opt + 60);
    valid(
      "pe-sizeofheaders-overlap",
      selfSignPe(new Uint8Array(hs), K.rsa2048!),
      [K.rsa2048!.cert],
      "header_size past the first section: the kernel hashes the overlap twice and does not object",
    );
    // two section headers naming the same bytes
    const ov = Buffer.from(aligned);
    const secs = opt + ov.readUInt16LE(opt - 24 + 16);
    ov.copy(ov, secs + 40 + 16, secs + 16, secs + 24); // section 2 gets section 1's raw size + pointer
    valid(
      "pe-sections-overlap",
      selfSignPe(new Uint8Array(ov), K.rsa2048!),
      [K.rsa2048!.cert],
      "overlapping sections are hashed twice; hashed_bytes then exceeds nothing that matters; signed over that digest",
    );
  });

  tryBuild(["osslsigncode"], [], () => {
    writeFileSync(P("pe32-unsigned.efi"), toPe32(read(unsigned)));
    run("osslsigncode", [
      "sign",
      "-certs",
      SIGNER.cert,
      "-key",
      SIGNER.key,
      "-h",
      "sha256",
      "-time",
      "1735689600",
      "-in",
      P("pe32-unsigned.efi"),
      "-out",
      P("pe32-ossl.efi"),
    ]);
    valid(
      "pe32-ossl",
      P("pe32-ossl.efi"),
      [CA],
      "PE32: pefile_parse_binary() takes the pe32_opt_hdr branch (checksum at +64, data directories at +96)",
    );
    const t = Buffer.from(read(P("pe32-ossl.efi")));
    t[0x1000]! ^= 1;
    peCase(
      "pe32-tampered",
      new Uint8Array(t),
      [CA],
      "invalid-digest",
      "EKEYREJECTED",
      "PE32, a byte of section data changed: Digest mismatch -EKEYREJECTED",
    );
    const c = Buffer.from(read(P("pe32-ossl.efi")));
    const csum = c.readUInt32LE(0x3c) + 24 + 64;
    c.writeUInt32LE(c.readUInt32LE(csum) ^ 0xffff, csum);
    peCase(
      "pe32-checksum-only",
      new Uint8Array(c),
      [CA],
      "valid",
      "accept",
      "PE32 CheckSum (also at +64) is skipped",
    );
  });

  tryBuild(["osslsigncode"], [], () => {
    // -time is the signingTime attribute: pkcs7_verify_one() requires it inside the signer's validity
    // (test-signer: 2024..2049; the fresh keys: from now)
    const T = "1735689600"; // 2025-01-01
    const now = String(Math.floor(Date.now() / 1000) + 60);
    for (const h of ["sha1", "sha256", "sha384", "sha512"]) {
      run("osslsigncode", [
        "sign",
        "-certs",
        SIGNER.cert,
        "-key",
        SIGNER.key,
        "-h",
        h,
        "-time",
        T,
        "-in",
        unsigned,
        "-out",
        P(`pe-ossl-${h}.efi`),
      ]);
      valid(`pe-ossl-${h}`, P(`pe-ossl-${h}.efi`), [CA], `mscode_note_digest_algo(): ${h} known`);
    }
    run("osslsigncode", [
      "sign",
      "-certs",
      K.p256!.cert,
      "-key",
      K.p256!.key,
      "-h",
      "sha256",
      "-time",
      now,
      "-in",
      unsigned,
      "-out",
      P("pe-ossl-p256.efi"),
    ]);
    valid(
      "pe-ossl-p256",
      P("pe-ossl-p256.efi"),
      [K.p256!.cert],
      "pkcs7_sig_note_pkey_algo(): ecdsa-with-SHA256 -> ecdsa/x962",
    );
    run("osslsigncode", [
      "sign",
      "-certs",
      K.p384!.cert,
      "-key",
      K.p384!.key,
      "-h",
      "sha384",
      "-time",
      now,
      "-in",
      unsigned,
      "-out",
      P("pe-ossl-p384.efi"),
    ]);
    valid("pe-ossl-p384", P("pe-ossl-p384.efi"), [K.p384!.cert], "ECDSA P-384");
    run("osslsigncode", [
      "sign",
      "-certs",
      SIGNER.cert,
      "-key",
      SIGNER.key,
      "-h",
      "sha256",
      "-time",
      "1700000000",
      "-in",
      unsigned,
      "-out",
      P("pe-ossl-early.efi"),
    ]);
    peCase(
      "pe-ossl-signingtime-before-notbefore",
      P("pe-ossl-early.efi"),
      [CA],
      "invalid",
      "EKEYREJECTED",
      "pkcs7_verify_one(): signingTime 2023-11 < test-signer notBefore 2024 -> 'Message signed outside of X.509 validity window' -EKEYREJECTED (before the trust step)",
    );
    peCase(
      "pe-ossl-signingtime-before-notbefore-untrusted",
      P("pe-ossl-early.efi"),
      [DEBIAN_CA],
      "invalid",
      "EKEYREJECTED",
      "the signing-time check is in pkcs7_verify(), before pkcs7_validate_trust()",
    );
    run("osslsigncode", [
      "sign",
      "-certs",
      SIGNER.cert,
      "-key",
      SIGNER.key,
      "-h",
      "sha256",
      "-ph",
      "-n",
      "heldout",
      "-i",
      "https://example.invalid/",
      "-time",
      T,
      "-in",
      unsigned,
      "-out",
      P("pe-ossl-ph.efi"),
    ]);
    valid(
      "pe-ossl-pagehashes-opus",
      P("pe-ossl-ph.efi"),
      [CA],
      "page hashes (in SpcPeImageData) and SpcSpOpusInfo are skipped by mscode_parse()",
    );
    // with an RFC 3161 timestamp (built-in TSA): an unauthenticated attribute the kernel ignores
    run("osslsigncode", [
      "sign",
      "-certs",
      SIGNER.cert,
      "-key",
      SIGNER.key,
      "-h",
      "sha256",
      "-TSA-certs",
      K.rsa2048!.cert,
      "-TSA-key",
      K.rsa2048!.key,
      "-TSA-time",
      "1700000000",
      "-in",
      unsigned,
      "-out",
      P("pe-ossl-tsa.efi"),
    ]);
    valid(
      "pe-ossl-tsa",
      P("pe-ossl-tsa.efi"),
      [CA],
      "unauthenticated attributes (the timestamp) are parsed and ignored",
    );
    // nested: test-signer primary, rsa4096 nested
    run("osslsigncode", [
      "sign",
      "-certs",
      K.rsa4096!.cert,
      "-key",
      K.rsa4096!.key,
      "-h",
      "sha256",
      "-time",
      now,
      "-nest",
      "-in",
      P("pe-ossl-sha256.efi"),
      "-out",
      P("pe-ossl-nested.efi"),
    ]);
    valid("pe-ossl-nested-primary", P("pe-ossl-nested.efi"), [CA], "the primary signature decides");
    peCase(
      "pe-ossl-nested-only",
      P("pe-ossl-nested.efi"),
      [K.rsa4096!.cert],
      "valid-nested-only",
      "ENOKEY",
      "the kernel ignores nested signatures (unauthenticated attribute): the primary chains to nothing -> -ENOKEY",
    );
  });

  tryBuild(["sbsign"], [], () => {
    run("sbsign", [
      "--key",
      SIGNER.key,
      "--cert",
      SIGNER.cert,
      "--detached",
      "--output",
      P("pe-detached.p7"),
      unsigned,
    ]);
    add({
      id: "pe-detached",
      type: "pe",
      file: unsigned,
      detached: P("pe-detached.p7"),
      certs: [CA],
      expect: { verdict: "valid", kernel: null },
      why: "sbsign --detached over the unsigned image; no kernel path takes a detached PE signature (kexec reads the embedded one), so there is no kernel answer",
    });
    add({
      id: "pe-detached-other-image",
      type: "pe",
      file: join(CORPUS, "pe/debian/vmlinuz-6.1.0-56-amd64.unsigned.efi"),
      detached: P("pe-detached.p7"),
      certs: [CA],
      expect: { verdict: "invalid-digest", kernel: null },
      why: "the image digest in the SpcIndirectData is fbx64's; detached: no kernel answer",
    });
  });

  tryBuild(["sbsign", "sbattach"], [], () => {
    copyFileSync(P("pe-sbsign.efi"), P("pe-sbattach-removed.efi"));
    run("sbattach", ["--remove", P("pe-sbattach-removed.efi")]);
    add({
      id: "pe-sbattach-remove",
      type: "pe",
      file: P("pe-sbattach-removed.efi"),
      certs: [CA],
      expect: { verdict: "unsigned", kernel: "ENODATA" },
      why: "sbattach --remove zeroes the certificate directory: pefile_parse_binary() -ENODATA",
    });
    const b = Buffer.from(read(P("pe-sbsign.efi")));
    const dd = peDataDir(b) + 32;
    const padded = Buffer.concat([b, Buffer.alloc(16)]);
    padded.writeUInt32LE(b.readUInt32LE(dd + 4) + 16, dd + 4);
    add({
      id: "pe-table-extra-zero-padding",
      type: "pe",
      file: write("pe-table-extra-zero-padding.efi", new Uint8Array(padded)),
      certs: [CA],
      expect: { verdict: "invalid", kernel: "accept" },
      why: "16 more zero bytes inside the table (directory size grown): the kernel accepts (dwLength <= size; the trailing-bytes rule still ends at pelen - certs_size), but the table is not a clean WIN_CERTIFICATE list (a zero-length entry; osslsigncode: 'Corrupted attribute certificate table'): unauthenticated padding, CVE-2013-3900 class -> invalid",
    });
  });

  // fbx64's detached signature attached to another image (the Debian 6.1 kernel)
  tryBuild(["sbsign", "sbattach"], [], () => {
    if (!existsSync(P("pe-detached.p7")))
      run("sbsign", [
        "--key",
        SIGNER.key,
        "--cert",
        SIGNER.cert,
        "--detached",
        "--output",
        P("pe-detached.p7"),
        unsigned,
      ]);
    copyFileSync(
      join(CORPUS, "pe/debian/vmlinuz-6.1.0-56-amd64.unsigned.efi"),
      P("pe-vmlinuz-foreign-sig.efi"),
    );
    run("sbattach", ["--attach", P("pe-detached.p7"), P("pe-vmlinuz-foreign-sig.efi")]);
    peCase(
      "pe-foreign-signature",
      P("pe-vmlinuz-foreign-sig.efi"),
      [CA],
      "invalid-digest",
      "EKEYREJECTED",
      "trusted signer, but the SpcIndirectData digest is fbx64's: pefile_digest_pe() 'Digest mismatch' -EKEYREJECTED",
    );
    peCase(
      "pe-foreign-signature-untrusted",
      P("pe-vmlinuz-foreign-sig.efi"),
      [DEBIAN_CA],
      "invalid-digest",
      "ENOKEY",
      "verify_pkcs7_signature() (trust) fails first with -ENOKEY; the verdict still reports the digest mismatch",
    );
  });

  // two signatures attached by sbattach
  tryBuild(["sbsign", "sbattach"], [], () => {
    run("sbsign", [
      "--key",
      SIGNER2.key,
      "--cert",
      SIGNER2.cert,
      "--detached",
      "--output",
      P("pe-s2.p7"),
      unsigned,
    ]);
    run("sbsign", [
      "--key",
      K.rsa2048!.key,
      "--cert",
      K.rsa2048!.cert,
      "--detached",
      "--output",
      P("pe-k.p7"),
      unsigned,
    ]);
    copyFileSync(unsigned, P("pe-sbattach-two.efi"));
    run("sbattach", ["--attach", P("pe-k.p7"), P("pe-sbattach-two.efi")]);
    run("sbattach", ["--attach", P("pe-s2.p7"), P("pe-sbattach-two.efi")]);
    valid(
      "pe-sbattach-two-first",
      P("pe-sbattach-two.efi"),
      [K.rsa2048!.cert],
      "the first WIN_CERTIFICATE is the one the kernel checks",
    );
    peCase(
      "pe-sbattach-two-second",
      P("pe-sbattach-two.efi"),
      [CA],
      "valid",
      "ENOKEY",
      "the second WIN_CERTIFICATE is invisible to verify_pefile_signature(): -ENOKEY",
    );
  });

  tryBuild(["pesign", "certutil", "pk12util"], [], () => {
    const db = P("nssdb");
    mkdirSync(db, { recursive: true });
    run("certutil", ["-N", "-d", db, "--empty-password"]);
    run("certutil", ["-A", "-d", db, "-n", "test-ca", "-t", "CT,C,C", "-i", CA]);
    run("pk12util", ["-i", join(CORPUS, "pe/testkeys/test-signer.p12"), "-d", db, "-W", ""]);
    const list = String(run("certutil", ["-L", "-d", db]));
    const nick = list
      .split("\n")
      .map((l) => /^(.*?)\s+u,u,u\s*$/.exec(l)?.[1])
      .find((x) => x);
    if (!nick) throw new Failed("pesign: no user certificate in the NSS db");
    run("pesign", ["-n", db, "-c", nick.trim(), "-s", "-i", unsigned, "-o", P("pe-pesign.efi")]);
    valid(
      "pe-pesign",
      P("pe-pesign.efi"),
      [CA],
      "pesign signature (signing time attribute, CA cert embedded)",
    );
  });
}

// --- IMA -------------------------------------------------------------------------------------

function buildIma(K: Record<string, Key>, add: Add, tryBuild: TryBuild, P: (n: string) => string) {
  const files = join(CORPUS, "ima/files");
  const imaCase = (
    id: string,
    file: string,
    sig: Uint8Array | string,
    certs: string[],
    verdict: Verdict,
    kernel: KernelAnswer,
    why: string,
  ) => {
    let s = sig as string;
    if (typeof sig !== "string") {
      s = P(`${id}.ima`);
      writeFileSync(s, sig);
    }
    add({ id, type: "ima", file, imaSig: s, certs, expect: { verdict, kernel }, why });
  };
  tryBuild(["evmctl"], [], () => {
    const sigs: Record<string, Uint8Array> = {};
    const evm = (id: string, k: Key, algo: string, name: string) => {
      const f = P(`${id}.${name}`);
      copyFileSync(join(files, name), f);
      run("evmctl", ["ima_sign", "--sigfile", "--key", k.key, "-a", algo, f]);
      sigs[id] = read(`${f}.sig`);
      return f;
    };
    const combos: [string, string, string, string][] = [
      ["ima-rsa2048-sha256", "rsa2048", "sha256", "hello.txt"],
      ["ima-rsa2048-sha1", "rsa2048", "sha1", "script.sh"],
      ["ima-rsa2048-sha512", "rsa2048", "sha512", "random-4k.bin"],
      ["ima-rsa4096-sha256", "rsa4096", "sha256", "random-64k.bin"],
      ["ima-p256-sha256", "p256", "sha256", "hello.txt"],
      ["ima-p384-sha384", "p384", "sha384", "one-byte.bin"],
      ["ima-p256-sha1", "p256", "sha1", "empty.bin"],
    ];
    const filesOf: Record<string, string> = {};
    for (const [id, kn, algo, name] of combos) {
      filesOf[id] = evm(id, K[kn]!, algo, name);
      imaCase(
        id,
        filesOf[id]!,
        `${filesOf[id]}.sig`,
        [K[kn]!.certDer],
        "valid",
        "accept",
        "asymmetric_verify(): key by keyid (SKID tail), verify_signature()",
      );
    }
    const r = sigs["ima-rsa2048-sha256"]!;
    const f = filesOf["ima-rsa2048-sha256"]!;
    imaCase(
      "ima-untrusted",
      f,
      r,
      [K.p256!.certDer],
      "untrusted",
      "ENOKEY",
      "request_asymmetric_key(): no key with that id -> -ENOKEY",
    );
    const wk = new Uint8Array(r);
    wk[5]! ^= 0xff;
    imaCase(
      "ima-wrong-keyid",
      f,
      wk,
      [K.rsa2048!.certDer],
      "untrusted",
      "ENOKEY",
      "keyid names no key in .ima -> -ENOKEY",
    );
    imaCase(
      "ima-truncated-1",
      f,
      r.subarray(0, r.length - 1),
      [K.rsa2048!.certDer],
      "invalid",
      "EBADMSG",
      "asymmetric_verify(): siglen != sig_size -> -EBADMSG",
    );
    const tr = Buffer.from(r.subarray(0, r.length - 1));
    tr.writeUInt16BE(tr.length - 9, 7);
    imaCase(
      "ima-truncated-consistent",
      f,
      new Uint8Array(tr),
      [K.rsa2048!.certDer],
      "invalid-signature",
      "EINVAL",
      "pkcs1pad_verify(): sig_size != key_size -> -EINVAL",
    );
    imaCase(
      "ima-header-only",
      f,
      r.subarray(0, 9),
      [K.rsa2048!.certDer],
      "invalid",
      "EBADMSG",
      "siglen <= sizeof(hdr) -> -EBADMSG",
    );
    const big = Buffer.from(r);
    big.writeUInt16BE(big.readUInt16BE(7) + 1, 7);
    imaCase(
      "ima-sigsize-big",
      f,
      new Uint8Array(big),
      [K.rsa2048!.certDer],
      "invalid",
      "EBADMSG",
      "siglen != sig_size -> -EBADMSG",
    );
    const ha = new Uint8Array(r);
    ha[2] = 6; // sha512
    imaCase(
      "ima-hashalgo-mismatch-rsa",
      f,
      ha,
      [K.rsa2048!.certDer],
      "invalid-signature",
      "EBADMSG",
      "IMA hashes with the header's algo (sha512); pkcs1pad_verify_complete(): DigestInfo prefix differs -> -EBADMSG",
    );
    const hb = new Uint8Array(r);
    hb[2] = 0xee;
    imaCase(
      "ima-hashalgo-unknown",
      f,
      hb,
      [K.rsa2048!.certDer],
      "invalid",
      "ENOPKG",
      "hash_algo >= HASH_ALGO__LAST -> -ENOPKG",
    );
    const e = sigs["ima-p256-sha256"]!;
    const ea = new Uint8Array(e);
    ea[2] = 6;
    imaCase(
      "ima-hashalgo-mismatch-ecdsa",
      filesOf["ima-p256-sha256"]!,
      ea,
      [K.p256!.certDer],
      "invalid-signature",
      "EKEYREJECTED",
      "ecdsa_verify() over the sha512 digest: r mismatch -> -EKEYREJECTED",
    );
    const et = Buffer.from(e.subarray(0, e.length - 1));
    et.writeUInt16BE(et.length - 9, 7);
    imaCase(
      "ima-ecdsa-truncated-consistent",
      filesOf["ima-p256-sha256"]!,
      new Uint8Array(et),
      [K.p256!.certDer],
      "invalid-signature",
      "EBADMSG",
      "ecdsa_verify(): the DER (r,s) no longer parses -> asn1_ber_decoder() -EBADMSG",
    );
    const other = join(files, "hello.tampered.txt");
    imaCase(
      "ima-other-file",
      other,
      r,
      [K.rsa2048!.certDer],
      "invalid-digest",
      "EKEYREJECTED",
      "digest differs: pkcs1pad_verify_complete() final memcmp -> -EKEYREJECTED",
    );
    imaCase(
      "ima-ecdsa-other-file",
      other,
      e,
      [K.p256!.certDer],
      "invalid-signature",
      "EKEYREJECTED",
      "ecdsa_verify() -> -EKEYREJECTED; ECDSA cannot tell a changed digest from a changed signature (no digest recovery), so the verdict is invalid-signature as for corpus ECDSA tampered-sig",
    );
    // digest-only xattrs (evmctl ima_hash -n prints the value in hex): 0x04 <algo> <digest>, or 0x01 <sha1>
    for (const [id, algo] of [
      ["ima-hash-only-sha256", "sha256"],
      ["ima-hash-only-sha1", "sha1"],
      ["ima-hash-only-sha512", "sha512"],
    ] as const) {
      const hf = P(`${id}.hello.txt`);
      copyFileSync(join(files, "hello.txt"), hf);
      const hex = /^[0-9a-f]{20,}$/m.exec(String(run("evmctl", ["ima_hash", "-n", "-a", algo, hf])))?.[0];
      if (!hex) throw new Failed(`evmctl ima_hash -n -a ${algo}: no hex value printed`);
      imaCase(
        id,
        hf,
        new Uint8Array(Buffer.from(hex, "hex")),
        [K.rsa2048!.certDer],
        "not-a-signature",
        null,
        "IMA_XATTR_DIGEST(_NG): with a signature-requiring policy ima_appraise refuses (IMA-signature-required) before any signature check: no errno",
      );
    }
    // P-521: 6.12 only (x509_note_params() of 6.1 has no secp521r1: the cert never loads)
    const f521 = evm("ima-p521-sha512", K.p521!, "sha512", "hello.txt");
    add({
      id: "ima-p521-sha512@6.12",
      type: "ima",
      file: f521,
      imaSig: `${f521}.sig`,
      certs: [K.p521!.certDer],
      kernel: "6.12",
      expect: { verdict: "valid", kernel: "accept" },
      why: "6.12: ecdsa-nist-p521, x962 encoding",
    });
    add({
      id: "ima-p521-sha512@6.1",
      type: "ima",
      file: f521,
      imaSig: `${f521}.sig`,
      certs: [K.p521!.certDer],
      kernel: "6.1",
      expect: { verdict: "untrusted", kernel: "ENOKEY" },
      why: "6.1: the P-521 cert is not in .ima (x509 -ENOPKG): request_asymmetric_key() -ENOKEY",
    });
    const f384 = evm("ima-rsa4096-sha384", K.rsa4096!, "sha384", "script.sh");
    imaCase(
      "ima-rsa4096-sha384",
      f384,
      `${f384}.sig`,
      [K.rsa4096!.certDer],
      "valid",
      "accept",
      "RSA-4096, sha384",
    );
    const f224 = evm("ima-p256-sha224", K.p256!, "sha224", "random-4k.bin");
    imaCase(
      "ima-p256-sha224",
      f224,
      `${f224}.sig`,
      [K.p256!.certDer],
      "valid",
      "accept",
      "ECDSA P-256 with sha224 (hash_algo 7)",
    );
    const fec = evm("ima-p384-sha512", K.p384!, "sha512", "random-64k.bin");
    imaCase(
      "ima-p384-sha512",
      fec,
      `${fec}.sig`,
      [K.p384!.certDer],
      "valid",
      "accept",
      "ECDSA P-384 over a 64-byte digest: ecdsa_verify() uses its first 48 bytes",
    );
    // a certificate without subjectKeyIdentifier: the keyid evmctl writes (SHA-1 of the key) names no key id
    const fns = evm("ima-noskid", K.noskid!, "sha256", "hello.txt");
    imaCase(
      "ima-cert-without-skid",
      fns,
      `${fns}.sig`,
      [K.noskid!.certDer],
      "untrusted",
      "ENOKEY",
      "asymmetric_key_cmp_partial() matches the keyid against the tails of the key's ids (issuer+serial, SKID): there is no SKID -> -ENOKEY",
    );
    // --keyid: a keyid that names nothing
    const fk = P("ima-keyid.hello.txt");
    copyFileSync(join(files, "hello.txt"), fk);
    run("evmctl", [
      "ima_sign",
      "--sigfile",
      "--key",
      K.rsa2048!.key,
      "-a",
      "sha256",
      "--keyid",
      "deadbeef",
      fk,
    ]);
    imaCase(
      "ima-evmctl-keyid-override",
      fk,
      `${fk}.sig`,
      [K.rsa2048!.certDer],
      "untrusted",
      "ENOKEY",
      "keyid deadbeef: request_asymmetric_key() -ENOKEY",
    );
    // version byte 3 on a type-3 xattr: ima_appraise 'invalid-signature-version', no crypto call
    const v3 = new Uint8Array(r);
    v3[1] = 3;
    imaCase(
      "ima-version-3",
      f,
      v3,
      [K.rsa2048!.certDer],
      "invalid",
      null,
      "xattr_verify(): EVM_IMA_XATTR_DIGSIG with version >= 3 -> cause invalid-signature-version, integrity_digsig_verify() not called",
    );
    // a byte after the DER (r, s) SEQUENCE, sig_size counting it: asn1_ber_decoder() stops at
    // ASN1_OP_COMPLETE without looking at what follows the outer element
    const ex = Buffer.concat([Buffer.from(e), Buffer.of(0x00)]);
    ex.writeUInt16BE(ex.length - 9, 7);
    imaCase(
      "ima-ecdsa-trailing-byte",
      filesOf["ima-p256-sha256"]!,
      new Uint8Array(ex),
      [K.p256!.certDer],
      "valid",
      "accept",
      "asn1_ber_decoder() has no excess-data check after the top-level SEQUENCE: ecdsa_verify() accepts",
    );
    const rx = Buffer.concat([Buffer.from(r), Buffer.of(0x00)]);
    rx.writeUInt16BE(rx.length - 9, 7);
    imaCase(
      "ima-rsa-trailing-byte",
      f,
      new Uint8Array(rx),
      [K.rsa2048!.certDer],
      "invalid-signature",
      "EINVAL",
      "pkcs1pad_verify(): sig_size 257 != key_size 256 -> -EINVAL",
    );
    const et1 = e.subarray(0, e.length - 1);
    imaCase(
      "ima-ecdsa-truncated-1",
      filesOf["ima-p256-sha256"]!,
      et1,
      [K.p256!.certDer],
      "invalid",
      "EBADMSG",
      "asymmetric_verify(): siglen != sig_size -> -EBADMSG",
    );
  });
}

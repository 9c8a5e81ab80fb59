// Structure-aware fuzzing of every reader: real inputs from the corpus,
// mutated where their structure lives (DER headers and lengths, PE headers and
// the certificate table, the module trailer, the IMA header), plus random
// bytes. The only exceptions allowed out of a reader are our typed errors;
// the verifiers must not throw at all.
//
// Runs: FUZZ_RUNS per reader (CI default 30000, about 200k inputs in all; a tenth of it for the
// full verifiers, which hash whole files). `FUZZ_RUNS=100000` is the 100k-per-reader run (13-19 s here),
// `FUZZ_RUNS=1000000` the long run (1M per parser, 100k per verifier: 150 s here, no failure).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import fc from "fast-check";
import { LockdownError } from "../../src/errors.js";
import { children, readTlv, type Tlv } from "../../src/formats/der.js";
import { parseImaXattr } from "../../src/formats/ima.js";
import { splitModuleSignature } from "../../src/formats/module-sig.js";
import { parseMsCode } from "../../src/formats/mscode.js";
import { authenticodeRanges, listWinCertificates, parsePe, stripSigWrapper } from "../../src/formats/pe.js";
import { parsePkcs7 } from "../../src/formats/pkcs7.js";
import { parseX509 } from "../../src/formats/x509.js";
import { createKeyrings, loadCertFile, verifyIma, verifyModule, verifyPe } from "../../src/verify/index.js";
import { HAVE_SHARED, SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 30_000);
const VERIFY_RUNS = Math.max(1, Math.floor(RUNS / 10));
const read = (p: string) => new Uint8Array(readFileSync(sharedPath("corpus", p)));

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; v: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; n: number }
  | { kind: "u32"; at: number; v: number };

/** Mutations aimed at `hot` (offsets where the structure lives) half of the time. */
function mutations(hot: () => number[]): fc.Arbitrary<Mutation[]> {
  const pos = fc.oneof(
    fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({ f, hot: false })),
    fc.nat().map((i) => ({ f: i, hot: true })),
  );
  const at = pos.map((p) => (p.hot ? -1 - p.f : p.f));
  const m: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at, bit: fc.nat(7) }),
    fc.record({
      kind: fc.constant("set" as const),
      at,
      v: fc.constantFrom(0x00, 0x01, 0x02, 0x30, 0x7f, 0x80, 0x81, 0x82, 0x83, 0xa0, 0xff),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at }),
    fc.record({
      kind: fc.constant("insert" as const),
      at,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
    }),
    fc.record({ kind: fc.constant("delete" as const), at, n: fc.integer({ min: 1, max: 6 }) }),
    fc.record({
      kind: fc.constant("u32" as const),
      at,
      v: fc.constantFrom(
        0,
        1,
        4,
        7,
        8,
        9,
        0x40,
        0xffff,
        0x10000,
        0x7fffffff,
        0x80000000,
        0xfffffff8,
        0xffffffff,
      ),
    }),
  );
  void hot;
  return fc.array(m, { minLength: 1, maxLength: 4 });
}

function apply(seed: Uint8Array, ms: Mutation[], hot: number[]): Uint8Array {
  let b = seed;
  for (const m of ms) {
    if (b.length === 0) return b;
    const where =
      m.at < 0 && hot.length
        ? Math.min(b.length - 1, hot[(-1 - m.at) % hot.length]!)
        : Math.floor(Math.abs(m.at) * (b.length - 1)) % b.length;
    switch (m.kind) {
      case "flip":
        b = new Uint8Array(b);
        b[where] = b[where]! ^ (1 << m.bit);
        break;
      case "set":
        b = new Uint8Array(b);
        b[where] = m.v;
        break;
      case "truncate":
        b = b.subarray(0, where);
        break;
      case "insert": {
        const o = new Uint8Array(b.length + m.bytes.length);
        o.set(b.subarray(0, where), 0);
        o.set(m.bytes, where);
        o.set(b.subarray(where), where + m.bytes.length);
        b = o;
        break;
      }
      case "delete": {
        const tail = b.subarray(Math.min(b.length, where + m.n));
        const o = new Uint8Array(where + tail.length);
        o.set(b.subarray(0, where), 0);
        o.set(tail, where);
        b = o;
        break;
      }
      case "u32": {
        b = new Uint8Array(b);
        for (let i = 0; i < 4 && where + i < b.length; i++) b[where + i] = (m.v >>> (8 * i)) & 0xff;
        break;
      }
    }
  }
  return b;
}

/** Offsets of every DER header byte (tag and length octets) in a message. */
function derHot(b: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (t: Tlv, depth: number) => {
    out.push(t.start, t.start + 1, t.start + 2);
    if (depth > 12 || !(t.tag & 0x20)) return;
    try {
      for (const c of children(b, t)) walk(c, depth + 1);
    } catch {
      /* not DER below here */
    }
  };
  try {
    walk(readTlv(b, 0, b.length), 0);
  } catch {
    /* seed always parses */
  }
  return out;
}

function allowTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof LockdownError) return;
    throw e;
  }
}

function fuzz(
  name: string,
  seeds: Uint8Array[],
  hotOf: (b: Uint8Array) => number[],
  fn: (b: Uint8Array) => void,
  runs = RUNS,
) {
  test(`${name}: ${runs} mutated inputs throw nothing but typed errors`, { skip: SKIP_SHARED }, () => {
    const hots = seeds.map(hotOf);
    const seedIx = fc.nat(seeds.length - 1);
    fc.assert(
      fc.property(
        seedIx,
        mutations(() => []),
        (i, ms) => {
          const input = apply(seeds[i]!, ms, hots[i]!);
          allowTyped(() => fn(input));
        },
      ),
      { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261128) },
    );
    // and some plain random bytes
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => allowTyped(() => fn(b))),
      { numRuns: Math.min(runs, 2000) },
    );
  });
}

describe("fuzz", { skip: SKIP_SHARED }, () => {
  if (!HAVE_SHARED) return;
  const p7s = [
    read("modules/p7s/crc7.ko.p7s"),
    read("pe/signatures/fbx64.sig1.p7"),
    read("modules/variants/crc7.detached.p7s"),
    read("pe/variants/fbx64.sbsign-test.detached.p7"),
  ];
  const certs = [
    read("pe/certs/debian-secure-boot-ca.der"),
    read("modules/certs/debian-6.12.117+deb12-cloud-amd64-module-signing.der"),
    read("pe/testkeys/test-signer.der"),
  ];
  const pe = read("pe/debian/fbx64.efi.signed");
  const peHot = (() => {
    const b = Buffer.from(pe);
    const lfanew = b.readUInt32LE(0x3c);
    const h = [0, 1, 0x3c, 0x3d, lfanew, lfanew + 6, lfanew + 24, lfanew + 24 + 60, lfanew + 24 + 108];
    for (let i = 0; i < 16; i++) h.push(lfanew + 24 + 112 + i * 8, lfanew + 24 + 116 + i * 8);
    for (let i = 0; i < 7; i++)
      h.push(lfanew + 264 + i * 40 + 16, lfanew + 264 + i * 40 + 20, lfanew + 264 + i * 40);
    h.push(117360, 117364, 117366, 117368, 117369, 117370, 117371);
    return h;
  })();
  const ko = read("modules/debian/crc7.ko");
  const koHot = Array.from({ length: 80 }, (_, i) => ko.length - 80 + i);
  const imaSigs = [
    read("ima/sigs/hello.txt.rsa2048-sha256.ima.bin"),
    read("ima/sigs/hello.txt.ecdsa-p256-sha256.ima.bin"),
    read("ima/sigs/hello.txt.digest-sha256.ima.bin"),
  ];
  const imaHot = () => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

  fuzz("der", p7s, derHot, (b) => {
    const walk = (t: Tlv, d: number) => {
      if (d < 16 && t.tag & 0x20) for (const c of children(b, t)) walk(c, d + 1);
    };
    walk(readTlv(b, 0, b.length), 0);
  });
  fuzz("x509", certs, derHot, (b) => parseX509(b, "6.1"));
  fuzz("pkcs7", p7s, derHot, (b) => {
    parsePkcs7(b, { version: "6.1" });
    parsePkcs7(b, { version: "6.12" });
  });
  const idc = (() => {
    const m = parsePkcs7(read("pe/signatures/fbx64.sig1.p7"), { version: "6.1" });
    const d = m.data!;
    return new Uint8Array(d.buffer, d.byteOffset - m.dataHdrLen, d.length + m.dataHdrLen).slice();
  })();
  fuzz("mscode", [idc], derHot, (b) => parseMsCode(b, "6.1"));
  fuzz(
    "pe",
    [pe],
    () => peHot,
    (b) => {
      const l = parsePe(b);
      listWinCertificates(b, l);
      allowTyped(() => stripSigWrapper(b, l));
      authenticodeRanges(b, l);
    },
  );
  fuzz(
    "module-sig",
    [ko],
    () => koHot,
    (b) => splitModuleSignature(b),
  );
  fuzz("ima", imaSigs, imaHot, (b) => parseImaXattr(b));

  // The verifiers: nothing may escape at all.
  const noThrow = (fn: (b: Uint8Array) => unknown) => (b: Uint8Array) => {
    try {
      fn(b);
    } catch (e) {
      assert.fail(`verifier threw ${(e as Error)?.stack ?? e}`);
    }
  };
  const krPe = createKeyrings("6.1");
  for (const k of loadCertFile(sharedPath("corpus", "pe/certs/debian-secure-boot-ca.pem")))
    krPe.builtin.add(k);
  const krMod = createKeyrings("6.1");
  for (const k of loadCertFile(
    sharedPath("corpus", "modules/certs/debian-6.1.0-56-amd64-module-signing.pem"),
  ))
    krMod.builtin.add(k);
  const krIma = createKeyrings("6.12");
  for (const f of ["ima-test-rsa2048.crt.der", "ima-test-ecdsa-p256.crt.der"])
    for (const k of loadCertFile(sharedPath("corpus", "ima/testkeys", f), "6.12")) krIma.ima.add(k);
  const hello = { content: read("ima/files/hello.txt") };
  fuzz(
    "verifyPe",
    [pe],
    () => peHot,
    noThrow((b) => verifyPe(b, krPe)),
    VERIFY_RUNS,
  );
  fuzz(
    "verifyModule",
    [ko],
    () => koHot,
    noThrow((b) => verifyModule(b, krMod)),
    VERIFY_RUNS,
  );
  fuzz(
    "verifyIma",
    imaSigs,
    imaHot,
    noThrow((b) => verifyIma(hello, b, krIma)),
    VERIFY_RUNS,
  );
  void join;
});

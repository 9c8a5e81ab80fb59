// vmlinux's built-in parameter table (`__param`): a small linked ELF built
// here, Debian's real 6.1 and 6.12 kernels (from ../shared), malformed and
// fuzzed input (only FormatError may come out).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { FormatError, LockdownError } from "../../src/errors.js";
import { builtinCertificates } from "../../src/formats/bzimage.js";
import { KERNEL_PARAM_FL_HWPARAM } from "../../src/formats/elf.js";
import { vmlinuxParams } from "../../src/formats/vmlinux-params.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 30_000);
const RODATA = 0xffffffff82000000n;
const PARAM = 0xffffffff824bd480n;

/** A linked x86_64 ELF (ET_EXEC) with .rodata names and a __param table, as vmlinux has them. */
function tinyVmlinux(params: { name: string; perm: number; level: number; flags: number }[]): Buffer {
  const rodata = Buffer.concat(params.map((p) => Buffer.from(`${p.name}\0`)));
  let o = 0;
  const nameOff = params.map((p) => {
    const at = o;
    o += p.name.length + 1;
    return at;
  });
  const table = Buffer.alloc(40 * params.length);
  params.forEach((p, i) => {
    table.writeBigUInt64LE(RODATA + BigInt(nameOff[i]!), i * 40);
    table.writeBigUInt64LE(0xffffffff82a00000n, i * 40 + 16); // ops: somewhere in .data
    table.writeUInt16LE(p.perm, i * 40 + 24);
    table.writeInt8(p.level, i * 40 + 26);
    table.writeUInt8(p.flags, i * 40 + 27);
  });
  const shstr = Buffer.from("\0.rodata\0__param\0.shstrtab\0");
  const layout = [64, 64 + rodata.length, 64 + rodata.length + table.length];
  const shoff = layout[2]! + shstr.length;
  const h = Buffer.alloc(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  h.writeUInt16LE(2, 0x10); // ET_EXEC
  h.writeUInt16LE(62, 0x12); // EM_X86_64
  h.writeBigUInt64LE(BigInt(shoff), 0x28);
  h.writeUInt16LE(64, 0x3a);
  h.writeUInt16LE(4, 0x3c);
  h.writeUInt16LE(3, 0x3e);
  const sh = (name: number, type: number, flags: number, addr: bigint, off: number, size: number) => {
    const s = Buffer.alloc(64);
    s.writeUInt32LE(name, 0);
    s.writeUInt32LE(type, 4);
    s.writeBigUInt64LE(BigInt(flags), 8);
    s.writeBigUInt64LE(addr, 0x10);
    s.writeBigUInt64LE(BigInt(off), 0x18);
    s.writeBigUInt64LE(BigInt(size), 0x20);
    return s;
  };
  return Buffer.concat([
    h,
    rodata,
    table,
    shstr,
    Buffer.alloc(64),
    sh(1, 1, 2, RODATA, layout[0]!, rodata.length),
    sh(9, 1, 2, PARAM, layout[1]!, table.length),
    sh(17, 3, 0, 0n, layout[2]!, shstr.length),
  ]);
}

const SAMPLE = [
  { name: "8250.share_irqs", perm: 0o644, level: -1, flags: KERNEL_PARAM_FL_HWPARAM },
  { name: "8250.nr_uarts", perm: 0o644, level: -1, flags: 0 },
  { name: "syscall.x32", perm: 0o444, level: 3, flags: 0 },
];

describe("vmlinux __param reader", () => {
  it("reads names through section addresses, with perm, level and flags", () => {
    const ps = vmlinuxParams(tinyVmlinux(SAMPLE));
    assert.deepEqual(
      ps.map((p) => [p.name, p.perm, p.level, p.hardware, p.unsafe]),
      [
        ["8250.share_irqs", 0o644, -1, true, false],
        ["8250.nr_uarts", 0o644, -1, false, false],
        ["syscall.x32", 0o444, 3, false, false],
      ],
    );
  });

  it("rejects what is not a linked x86_64 vmlinux or a broken table, with FormatError", () => {
    const good = tinyVmlinux(SAMPLE);
    const table = 64 + 42; // after the three names in .rodata
    const cases: [string, (b: Buffer) => void][] = [
      ["ET_REL (a module)", (b) => b.writeUInt16LE(1, 0x10)],
      ["another machine", (b) => b.writeUInt16LE(183, 0x12)],
      ["a name pointer into no section", (b) => b.writeBigUInt64LE(0x1000n, table)],
      ["a name pointer just past .rodata", (b) => b.writeBigUInt64LE(RODATA + 42n, table)],
      ["a name running off its section", (b) => b.writeUInt8(0x78, table - 1)],
      ["a table size that is not a multiple of 40", (b) => b.writeBigUInt64LE(41n, b.length - 128 + 0x20)],
    ];
    for (const [what, mutate] of cases) {
      const b = Buffer.from(good);
      mutate(b);
      assert.throws(() => vmlinuxParams(b), FormatError, what);
    }
  });

  it("fuzzed input: only typed errors", () => {
    const base = tinyVmlinux(SAMPLE);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.option(fc.nat(base.length), { nil: undefined }),
        (sets, cut) => {
          const b = Buffer.from(base.subarray(0, cut ?? base.length));
          for (const [at, v] of sets) if (at < b.length) b[at] = v;
          try {
            vmlinuxParams(b);
          } catch (e) {
            if (!(e instanceof LockdownError)) throw e;
          }
        },
      ),
      { numRuns: Math.max(200, Math.floor(RUNS / 10)) },
    );
  });

  // Debian's kernels: 8250 (CONFIG_SERIAL_8250=y) is the only built-in driver with
  // module_param_hw*() in 6.1 (drivers/tty/serial/8250/8250_core.c: share_irqs, probe_rsa).
  for (const [rel, total, hw] of [
    ["6.1.0-56-amd64", 251, ["8250.probe_rsa", "8250.share_irqs"]],
    ["6.12.117+deb12-amd64", 341, ["8250.probe_rsa", "8250.share_irqs", "ec_sys.write_support"]],
  ] as const)
    it(`${rel}: read in the same pass as the builtin certificates`, { skip: SKIP_SHARED }, async () => {
      const r = await builtinCertificates(readFileSync(sharedPath(`corpus/oracle/${rel}/vmlinuz.signed`)), {
        params: true,
      });
      assert.equal(r.certificates.length, 1);
      assert.equal(r.paramsError, undefined);
      assert.equal(r.params?.length, total);
      assert.deepEqual(
        r.params
          ?.filter((p) => p.hardware)
          .map((p) => p.name)
          .sort(),
        [...hw],
      );
      const byName = new Map(r.params?.map((p) => [p.name, p]));
      assert.equal(byName.get("8250.nr_uarts")?.hardware, false);
      assert.equal(byName.get("i8042.nopnp")?.level, -1);
      assert.equal(byName.has("8250_core.share_irqs"), false, "SERIAL_8250_DEPRECATED_OPTIONS is not set");
    });
});

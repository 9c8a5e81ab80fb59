// kexec_file_load's flags per version, bzImage64_probe()'s messages, and the
// "Loading segment" pr_debug() lines of 6.1 (6.12 has none without KEXEC_FILE_DEBUG).
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boot, bzImage } from "./helpers.js";

const DYNDBG = 'dyndbg="file kernel/kexec_file.c +p"';
const files = { "/k": bzImage("UNSIGNED") };
const load = (v: "6.1" | "6.12", flags: string[] = ["KEXEC_FILE_NO_INITRAMFS"]) =>
  boot(v, "none", { files, cmdline: DYNDBG }).kexecFileLoad("/k", null, "console=ttyS0", flags);

describe("kexec_file_load: segments and flags", () => {
  it("6.1: purgatory, boot_params, kernel, placed top-down in System RAM", () => {
    const r = load("6.1");
    assert.equal(r.result, "ok");
    const segs = r.log.filter((l) => l.startsWith("kexec_file: Loading segment"));
    // %p hashes are per boot: compare the rest.
    const noPtr = segs.map((l) => l.replace(/buf=0x[0-9a-f]{16} /, ""));
    assert.deepEqual(noPtr, [
      // purgatory.ro of Debian's build: 0x4000 of sections + 0x1000 of .bss, 4 KiB aligned
      "kexec_file: Loading segment 0: bufsz=0x4000 mem=0x9a000 memsz=0x5000",
      // ALIGN(4096 + 14 + 30, 16) + setup_data + efi_setup_data + setup_data + RNG seed
      "kexec_file: Loading segment 1: bufsz=0x10d0 mem=0x98000 memsz=0x2000",
      // kernel_len - (setup_sects + 1) * 512; PAGE_ALIGN(init_size), ALIGN_DOWN(0x3ffe0000 - memsz, 2 MiB)
      "kexec_file: Loading segment 2: bufsz=0x0 mem=0x3ee00000 memsz=0x1000000",
    ]);
  });
  it("6.12: the segment lines are kexec_dprintk(), not pr_debug()", () => {
    const r = load("6.12");
    assert.equal(r.result, "ok");
    assert.deepEqual(
      r.log.filter((l) => l.includes("segment")),
      [],
    );
  });
  it("KEXEC_FILE_DEBUG is a 6.12 flag", () => {
    assert.equal(load("6.1", ["KEXEC_FILE_NO_INITRAMFS", "KEXEC_FILE_DEBUG"]).result, "EINVAL");
    assert.equal(load("6.12", ["KEXEC_FILE_NO_INITRAMFS", "KEXEC_FILE_DEBUG"]).result, "ok");
  });
  it("bzImage64_probe(): its checks in order", () => {
    const img = (edit: (b: Buffer) => void) => {
      const b = Buffer.from(bzImage("X"));
      edit(b);
      return new Uint8Array(b);
    };
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0x3ff), "File is too short to be a bzImage"],
      [img((b) => b.write("HdrX", 0x202, "latin1")), "Not a bzImage"],
      [img((b) => b.writeUInt16LE(0, 0x1fe)), "No x86 boot sector present"],
      [img((b) => b.writeUInt16LE(0x020b, 0x206)), "Must be at least protocol version 2.12"],
      [img((b) => (b[0x211] = 0)), "zImage not a bzImage"],
      [img((b) => b.writeUInt16LE(0x22, 0x236)), "Not a bzImage64. XLF_KERNEL_64 is not set."],
      [img((b) => b.writeUInt16LE(0x21, 0x236)), "XLF_CAN_BE_LOADED_ABOVE_4G is not set."],
      [img((b) => b.writeUInt16LE(0x03, 0x236)), "bzImage cannot handle 5-level paging mode."],
    ];
    for (const [image, err] of cases) {
      const k = boot("6.1", "none", { files: { "/k": image } });
      const r = k.kexecFileLoad("/k", null, "", ["KEXEC_FILE_NO_INITRAMFS"]);
      assert.deepEqual([r.result, r.log], ["ENOEXEC", [`kexec-bzImage64: ${err}`]]);
    }
  });
});

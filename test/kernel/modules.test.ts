// finit_module on the battery's real modules (real signature checks), both versions.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import { Kernel, kernelVerifier } from "../../src/kernel/index.js";
import type { KernelVersion } from "../../src/lsm/index.js";
import { SKIP_SHARED, sharedPath } from "../helpers/shared.js";
import { line } from "./helpers.js";

const REL: Record<KernelVersion, string> = { "6.1": "6.1.0-56-amd64", "6.12": "6.12.117+deb12-amd64" };
const NAMES = [
  "signed.ko",
  "unsigned.ko",
  "badsig.ko",
  "forced.ko",
  "hwparam.ko",
  "mtd.ko",
  "phram.ko",
  "xfrm_algo.ko",
  "xfrm_user.ko",
  "ah4.ko",
];

async function kernel(
  v: KernelVersion,
  cmdline: string,
  secureBoot = false,
  extra: Record<string, Uint8Array> = {},
): Promise<Kernel> {
  const dir = (f: string) => sharedPath("corpus", "oracle", REL[v], f);
  const files: Record<string, Uint8Array> = { ...extra };
  for (const n of NAMES) files[`/m/${n}`] = readFileSync(dir(n));
  if (v === "6.12") files["/m/compressed.ko.xz"] = readFileSync(dir("compressed.ko.xz"));
  const keyrings = {
    builtin: [readFileSync(dir("module-signing.pem"))],
    secondary: [],
    platform: [],
    machine: [],
    blacklist: [],
  };
  const k = new Kernel({
    version: v,
    cmdline,
    secureBoot,
    files,
    keyrings,
    checker: kernelVerifier(v, keyrings),
  });
  await k.prepare();
  k.boot();
  k.sleep(5500);
  return k;
}

for (const v of ["6.1", "6.12"] as const) {
  describe(`${v}: module loading`, { skip: SKIP_SHARED }, () => {
    it("none: unsigned loads with the taint line once; bad signature always EKEYREJECTED", async () => {
      const k = await kernel(v, "");
      assert.equal(k.finitModule("/m/signed.ko").result, "ok");
      assert.equal(k.finitModule("/m/signed.ko").result, "EEXIST");
      const u = k.finitModule("/m/unsigned.ko");
      assert.deepEqual(
        [u.result, u.log],
        ["ok", ["crc7: module verification failed: signature and/or required key missing - tainting kernel"]],
      );
      assert.deepEqual(k.finitModule("/m/forced.ko", "", ["MODULE_INIT_IGNORE_MODVERSIONS"]).log, []);
      assert.deepEqual(
        [k.finitModule("/m/badsig.ko").result, k.finitModule("/m/badsig.ko").log],
        ["EKEYREJECTED", []],
      );
      assert.equal(k.finitModule("/m/phram.ko").result, "ENOENT");
      assert.equal(k.finitModule("/m/mtd.ko").result, "ok");
      assert.equal(k.finitModule("/m/phram.ko").result, "ok");
      const w = k.write("/sys/module/phram/parameters/phram", "x");
      assert.deepEqual(
        [w.result, w.log],
        ["ok", ["Setting dangerous option phram - tainting kernel", "phram: not enough arguments"]],
      );
      assert.equal(k.finitModule("/m/hwparam.ko", "port=0x91").result, "ok");
    });
    it("integrity: unsigned/forced EPERM, hardware parameters refused at load and in sysfs", async () => {
      const k = await kernel(v, "lockdown=integrity");
      assert.deepEqual(k.finitModule("/m/unsigned.ko").log, [line("unsigned module loading")]);
      assert.equal(k.finitModule("/m/forced.ko", "", ["MODULE_INIT_IGNORE_MODVERSIONS"]).result, "EPERM");
      assert.equal(k.finitModule("/m/forced.ko").result, "ok");
      const h = k.finitModule("/m/hwparam.ko", "port=0x91");
      assert.deepEqual(
        [h.result, h.log],
        ["EPERM", [line("unsafe module parameters"), "cpu5wdt: `0x91' invalid for parameter `port'"]],
      );
      assert.equal(k.finitModule("/m/hwparam.ko", "ticks=5").result, "ok");
      k.finitModule("/m/mtd.ko");
      k.finitModule("/m/phram.ko");
      assert.equal(k.write("/sys/module/phram/parameters/phram", "x").result, "EPERM");
    });
    it("Secure Boot: IMA's arch policy enforces signatures (EKEYREJECTED, no Lockdown line)", async () => {
      const k = await kernel(v, "", true);
      const u = k.finitModule("/m/unsigned.ko");
      assert.deepEqual([u.result, u.log], ["EKEYREJECTED", ["Loading of unsigned module is rejected"]]);
      assert.equal(k.finitModule("/m/signed.ko").result, "ok");
    });
    it("confidentiality: xfrm SA keys are redacted, three asks per get", async () => {
      const k = await kernel(v, "lockdown=confidentiality");
      for (const n of ["xfrm_algo", "xfrm_user", "ah4"])
        assert.equal(k.finitModule(`/m/${n}.ko`).result, "ok");
      const r = k.xfrmGetsa("hmac(sha256)", new Uint8Array(32).fill(0xa5));
      assert.equal(r.result, "redacted");
      assert.deepEqual(
        r.log.filter((l) => l.startsWith("Lockdown:")),
        Array(3).fill(line("xfrm SA secret")),
      );
      const free = await kernel(v, "");
      for (const n of ["xfrm_algo", "xfrm_user", "ah4"]) free.finitModule(`/m/${n}.ko`);
      assert.equal(free.xfrmGetsa("hmac(sha256)", new Uint8Array(32).fill(0xa5)).result, "ok");
    });
    if (v === "6.12")
      it("MODULE_INIT_COMPRESSED_FILE: decompressed in the kernel, then the signature is checked", async () => {
        const k = await kernel(v, "lockdown=integrity");
        assert.equal(k.finitModule("/m/compressed.ko.xz", "", ["MODULE_INIT_COMPRESSED_FILE"]).result, "ok");
        assert.equal(k.finitModule("/m/signed.ko", "", ["MODULE_INIT_COMPRESSED_FILE"]).result, "EINVAL");
      });
    if (v === "6.12")
      it("MODULE_INIT_COMPRESSED_FILE: the kernel's xz decoder (real 6.12 in QEMU: EINVAL for both)", async () => {
        // `xz` writes CRC64 by default; lib/xz knows only none and CRC32 (XZ_OPTIONS_ERROR = 6)
        const xz = Buffer.from(readFileSync(sharedPath("corpus", "oracle", REL[v], "compressed.ko.xz")));
        xz[7] = 4;
        xz.writeUInt32LE(crc32(xz.subarray(6, 8)), 8);
        const zst = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
        const k = await kernel(v, "", false, { "/m/crc64.ko.xz": xz, "/m/m.ko.zst": zst });
        const a = k.finitModule("/m/crc64.ko.xz", "", ["MODULE_INIT_COMPRESSED_FILE"]);
        assert.deepEqual([a.result, a.log], ["EINVAL", ["decompression failed with status 6"]]);
        const b = k.finitModule("/m/m.ko.zst", "", ["MODULE_INIT_COMPRESSED_FILE"]);
        assert.deepEqual([b.result, b.log], ["EINVAL", ["not an xz compressed module"]]);
      });
    else
      it("MODULE_INIT_COMPRESSED_FILE without CONFIG_MODULE_DECOMPRESS", async () => {
        const k = await kernel(v, "");
        assert.equal(k.finitModule("/m/signed.ko", "", ["MODULE_INIT_COMPRESSED_FILE"]).result, "EOPNOTSUPP");
      });
  });
}

describe("msr.allow_writes (filter_write after the lockdown check)", { skip: SKIP_SHARED }, () => {
  for (const v of ["6.1", "6.12"] as const)
    it(v, async () => {
      const k = await kernel(v, "");
      assert.equal(k.finitModule("/m/signed.ko").result, "ok");
      const cur = k.pread("/dev/cpu/0/msr", 0x174, 8).data as Uint8Array;
      const w = k.pwrite("/dev/cpu/0/msr", 0x174, cur);
      assert.equal(w.result, "ok");
      assert.match(w.log[0]!, /^msr: Write to unrecognized MSR 0x174 by probe/);
      assert.deepEqual(k.pwrite("/dev/cpu/0/msr", 0x174, cur).log, []);
      assert.equal(k.write("/sys/module/msr/parameters/allow_writes", "off").result, "ok");
      assert.equal(
        Buffer.from(k.read("/sys/module/msr/parameters/allow_writes").data as Uint8Array).toString(),
        "off\n",
      );
      assert.deepEqual([k.pwrite("/dev/cpu/0/msr", 0x174, cur).result], ["EPERM"]);
      const locked = await kernel(v, "lockdown=integrity");
      locked.finitModule("/m/signed.ko", "allow_writes=on");
      assert.equal(locked.pwrite("/dev/cpu/0/msr", 0x174, cur).result, "EPERM");
    });
});

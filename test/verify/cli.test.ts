// kernel-lockdown verify, run in-process through the dispatcher: output
// shapes, exit codes and one-line errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import { CORPUS } from "./corpus-helpers.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["verify", ...argv], {
    out: (t) => {
      out += t.endsWith("\n") ? t : `${t}\n`;
    },
    err: (t) => {
      err += t.endsWith("\n") ? t : `${t}\n`;
    },
    isTTY: false,
  });
  return { code, out, err };
}

const c = (p: string) => join(CORPUS, p);
const DEBIAN_CA = c("pe/certs/debian-secure-boot-ca.pem");
const MOD_CERT = c("modules/certs/debian-6.1.0-56-amd64-module-signing.pem");

describe("kernel-lockdown verify", { skip: SKIP_SHARED }, () => {
  test("a valid PE: sbverify-like line, exit 0", async () => {
    const r = await cli("--cert", DEBIAN_CA, c("pe/debian/fbx64.efi.signed"));
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /fbx64\.efi\.signed: Signature verification OK \(signer "Debian Secure Boot Signer 2022 - shim"/,
    );
    assert.match(r.out, /kernel: accept/);
    assert.equal(r.err, "");
  });

  test("--json: one object per file with the documented fields", async () => {
    const r = await cli(
      "--json",
      "--cert",
      DEBIAN_CA,
      c("pe/debian/fbx64.efi.signed"),
      c("pe/variants/fbx64.unsigned.efi"),
    );
    assert.equal(r.code, 1);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(Object.keys(lines[0]), ["file", "type", "verdict", "kernel", "signatures", "message"]);
    assert.deepEqual(lines[0].kernel, { accept: true, errno: null });
    assert.deepEqual(Object.keys(lines[0].signatures[0]), [
      "signer",
      "issuer",
      "serial",
      "digestAlgorithm",
      "signatureAlgorithm",
      "anchor",
    ]);
    assert.equal(lines[1].verdict, "unsigned");
    assert.deepEqual(lines[1].kernel, { accept: false, errno: "ENODATA" });
  });

  test("a directory is walked; unclassifiable files in it are skipped; exit 1 when any is not valid", async () => {
    const r = await cli("--json", "--cert", MOD_CERT, c("modules"));
    assert.equal(r.code, 1, r.err);
    const lines = r.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.ok(lines.every((l) => l.type === "module"));
    assert.ok(lines.some((l) => l.file.endsWith("crc7.ko") && l.verdict === "valid"));
    assert.ok(lines.some((l) => l.file.endsWith("stripped/crc7.ko") && l.verdict === "unsigned"));
    assert.ok(!lines.some((l) => l.file.endsWith(".der") || l.file.endsWith(".p7s")));
  });

  test("--type module on a directory of modules only, all valid: exit 0", async () => {
    const r = await cli("--type", "module", "--cert", MOD_CERT, c("modules/debian"));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim().split("\n").length, 11);
  });

  test("--ima-sig gives the security.ima value", async () => {
    const r = await cli(
      "--json",
      "--type",
      "ima",
      "--cert",
      c("ima/testkeys/ima-test-ecdsa-p256.crt.der"),
      "--ima-sig",
      c("ima/sigs/hello.txt.ecdsa-p256-sha256.ima.bin"),
      c("ima/files/hello.txt"),
    );
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.type, "ima");
    assert.equal(o.verdict, "valid");
    assert.equal(o.signatures[0].signatureAlgorithm, "ecdsa-nist-p256");
  });

  test("--detached: a module .p7s and an sbsign --detached signature", async () => {
    const m = await cli(
      "--cert",
      MOD_CERT,
      "--detached",
      c("modules/p7s/crc7.ko.p7s"),
      c("modules/stripped/crc7.ko"),
    );
    assert.equal(m.code, 0, m.out + m.err);
    const p = await cli(
      "--cert",
      c("pe/testkeys/test-ca.pem"),
      "--detached",
      c("pe/variants/fbx64.sbsign-test.detached.p7"),
      c("pe/variants/fbx64.unsigned.efi"),
    );
    assert.equal(p.code, 0, p.out + p.err);
    const bad = await cli(
      "--cert",
      MOD_CERT,
      "--detached",
      c("modules/p7s/crc7.ko.p7s"),
      c("modules/stripped/nls_utf8.ko"),
    );
    assert.equal(bad.code, 1);
  });

  test("hostile input is a verdict (exit 1, one line), not a crash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kl-verify-"));
    const f = join(dir, "trunc.efi");
    const { readFileSync } = await import("node:fs");
    writeFileSync(f, readFileSync(c("pe/debian/fbx64.efi.signed")).subarray(0, 300));
    const r = await cli("--cert", DEBIAN_CA, f);
    assert.equal(r.code, 1);
    assert.equal(r.out.trim().split("\n").length, 1);
    assert.match(r.out, /invalid/);
    assert.equal(r.err, "");
  });

  test("usage and input errors: one line naming the problem, exit 2, nothing on stdout", async () => {
    for (const argv of [
      ["--type", "elf", c("pe/debian/fbx64.efi.signed")],
      ["--cert", "/nonexistent.pem", c("pe/debian/fbx64.efi.signed")],
      ["--cert", c("README.md"), c("pe/debian/fbx64.efi.signed")],
      ["--cert", DEBIAN_CA, "/nonexistent.efi"],
      ["--cert", DEBIAN_CA],
      ["--bogus"],
      ["--cert", DEBIAN_CA, "--ima-sig", "/nonexistent.sig", c("ima/files/hello.txt")],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
      assert.equal(r.out, "", argv.join(" "));
      assert.equal(r.err.trim().split("\n").length, 1, r.err);
      assert.doesNotMatch(r.err, /\n\s+at /);
    }
  });

  test("without --ima-sig the file's security.ima xattr is read (getfattr)", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "kl-ima-"));
    const f = join(dir, "hello.txt");
    const { copyFileSync, readFileSync } = await import("node:fs");
    copyFileSync(c("ima/files/hello.txt"), f);
    const hex = readFileSync(c("ima/sigs/hello.txt.rsa2048-sha256.ima.bin")).toString("hex");
    const set = spawnSync("setfattr", ["-n", "security.ima", "-v", `0x${hex}`, f], { stdio: "ignore" });
    if (set.status !== 0) {
      t.skip("cannot set security.ima here (setfattr missing, not root, or no xattr support)");
      return;
    }
    const r = await cli("--json", "--type", "ima", "--cert", c("ima/testkeys/ima-test-rsa2048.crt.der"), f);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(JSON.parse(r.out).verdict, "valid");
  });

  test("a file that is neither PE nor module, named explicitly: exit 2", async () => {
    const r = await cli("--cert", DEBIAN_CA, c("README.md"));
    assert.equal(r.code, 2);
    assert.match(r.err, /README\.md: not a PE image or kernel module/);
  });
});

describe("verify --kernel-config", { skip: SKIP_SHARED }, () => {
  const dir = mkdtempSync(join(tmpdir(), "kconfig-"));
  const debian61 = join(dir, "config-6.1");
  // the lines of Debian's /boot/config-6.1.0-56-amd64 that matter here
  writeFileSync(debian61, "CONFIG_MODULES=y\nCONFIG_CRYPTO_ECC=m\n# CONFIG_CRYPTO_ECDSA is not set\n");
  const withEcdsa = join(dir, "config-6.12");
  writeFileSync(withEcdsa, "CONFIG_MODULES=y\nCONFIG_CRYPTO_ECDSA=y\n");
  const ecCert = c("ima/testkeys/ima-test-ecdsa-p256.crt.der");
  const args = ["--ima-sig", c("ima/sigs/hello.txt.ecdsa-p256-sha256.ima.bin"), c("ima/files/hello.txt")];

  test("a build without CONFIG_CRYPTO_ECDSA loads no ECDSA certificate (as Debian's real 6.1)", async () => {
    const r = await cli("--kernel-config", debian61, "--cert", ecCert, "--json", ...args);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.out).kernel.errno, "ENOKEY");
    assert.match(
      r.err,
      /warning: .*ima-test-ecdsa-p256\.crt\.der: a certificate this kernel would not load \(ENOENT/,
    );
  });

  test("with CONFIG_CRYPTO_ECDSA, and without --kernel-config: accepted", async () => {
    for (const extra of [["--kernel-config", withEcdsa], []]) {
      const r = await cli(...extra, "--cert", ecCert, "--json", ...args);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out).kernel.accept, true);
    }
  });

  test("a file that is no kernel configuration: one line, exit 2", async () => {
    const r = await cli("--kernel-config", ecCert, "--cert", ecCert, ...args);
    assert.equal(r.code, 2);
    assert.match(r.err, /ima-test-ecdsa-p256\.crt\.der: not a kernel configuration/);
    assert.equal(r.out, "");
  });
});

// npm run bench: the verify benchmark on Debian's current 6.1 kernel package.
//
// 1. `apt-cache depends linux-image-amd64` names the kernel package; it is
//    fetched with `apt-get download` and unpacked into .bench-cache/ (once).
// 2. The module-signing certificate is taken from the kernel itself (the xz
//    payload of the bzImage is decompressed and scanned for certificates, as
//    ../shared/corpus/README.md describes); the Authenticode anchor is the
//    signer certificate embedded in vmlinuz's own signature.
// 3. Measured in this run: our CLI over every module (wall, 2 workers), a
//    sample of `openssl cms -verify` calls extrapolated to all modules, the
//    SHA-256 + RSA bound on one core, and the signed vmlinuz against a bare
//    `node -e 0` start-up and sbverify.
import { execFileSync, spawnSync } from "node:child_process";
import { constants, createHash, createPublicKey, publicDecrypt } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { splitModuleSignature } from "../src/formats/module-sig.js";
import { parsePe, stripSigWrapper } from "../src/formats/pe.js";
import { parsePkcs7 } from "../src/formats/pkcs7.js";
import { keyFromDer } from "../src/verify/keyring.js";

const ROOT = resolve(import.meta.dirname, "..");
const CACHE = join(ROOT, ".bench-cache");
const CLI = join(ROOT, "bin", "kernel-lockdown.js");

function sh(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
}

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (n.endsWith(".ko")) out.push(p);
  }
  return out;
}

function fetchKernel(): { pkg: string; root: string } {
  mkdirSync(CACHE, { recursive: true });
  const dep = /Depends: (linux-image-6\.1\.\S+)/.exec(sh("apt-cache", ["depends", "linux-image-amd64"]));
  if (!dep) throw new Error("apt-cache depends linux-image-amd64 names no linux-image-6.1 package");
  const pkg = dep[1]!;
  const root = join(CACHE, "root");
  const marker = join(CACHE, `${pkg}.unpacked`);
  if (!existsSync(marker)) {
    let deb = readdirSync(CACHE).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
    if (!deb) {
      console.log(`fetching ${pkg} with apt-get download ...`);
      sh("apt-get", ["download", pkg], { cwd: CACHE });
      deb = readdirSync(CACHE).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"))!;
    }
    sh("dpkg", ["-x", join(CACHE, deb), root]);
    writeFileSync(marker, "");
  }
  return { pkg, root };
}

/** The builtin module-signing certificate: scan the decompressed kernel for DER certificates. */
function moduleCert(vmlinuz: string, modules: string[]): string {
  const out = join(CACHE, "module-signing.der");
  if (existsSync(out)) return out;
  const b = readFileSync(vmlinuz);
  const setupSects = b[0x1f1] || 4;
  const payload = (setupSects + 1) * 512 + b.readUInt32LE(0x248);
  const xz = b.subarray(payload, payload + b.readUInt32LE(0x24c));
  const vmlinux = execFileSync("xz", ["-dc", "--single-stream"], {
    input: xz,
    maxBuffer: 1 << 30,
    stdio: ["pipe", "pipe", "ignore"],
  });
  // the serial every module names
  const split = splitModuleSignature(readFileSync(modules[0]!));
  if (split.kind !== "signed") throw new Error("first module is not signed");
  const serial = Buffer.from(parsePkcs7(split.pkcs7, { version: "6.1" }).signers[0]!.rawSerial!).toString(
    "hex",
  );
  for (
    let i = vmlinux.indexOf(Buffer.from([0x30, 0x82]));
    i >= 0;
    i = vmlinux.indexOf(Buffer.from([0x30, 0x82]), i + 1)
  ) {
    if (vmlinux[i + 4] !== 0x30 || vmlinux[i + 5] !== 0x82) continue;
    const len = vmlinux.readUInt16BE(i + 2) + 4;
    const der = vmlinux.subarray(i, i + len);
    try {
      const k = keyFromDer(der, "6.1");
      if (Buffer.from(k.checked.cert.rawSerial).toString("hex") === serial) {
        writeFileSync(out, der);
        return out;
      }
    } catch {
      /* not a certificate */
    }
  }
  throw new Error("module-signing certificate not found in vmlinux");
}

/** The signer certificate embedded in the image's own Authenticode signature, as the anchor. */
function peAnchor(vmlinuz: string): string {
  const out = join(CACHE, "vmlinuz-signer.der");
  if (existsSync(out)) return out;
  const b = readFileSync(vmlinuz);
  const sig = stripSigWrapper(b, parsePe(b));
  const m = parsePkcs7(b.subarray(sig.offset, sig.offset + sig.length), { version: "6.1" });
  writeFileSync(out, m.certs[0]!.der);
  return out;
}

/** A PEM copy of a DER certificate file (for the peers that want PEM). */
function pemFile(der: string): string {
  const pem = der.replace(/\.der$/, ".pem");
  const b64 = readFileSync(der).toString("base64").replace(/.{64}/g, "$&\n");
  writeFileSync(pem, `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
  return pem;
}

function main() {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) sh("npm", ["run", "build"], { cwd: ROOT });
  const { pkg, root } = fetchKernel();
  const modules = walk(join(root, "lib", "modules"));
  const vmlinuz = join(root, "boot", readdirSync(join(root, "boot")).find((f) => f.startsWith("vmlinuz-"))!);
  const bytes = modules.reduce((n, f) => n + statSync(f).size, 0);
  const cert = moduleCert(vmlinuz, modules);
  const anchor = peAnchor(vmlinuz);
  const cores = (() => {
    try {
      return Number(sh("nproc", []).trim());
    } catch {
      return 0;
    }
  })();
  const load = existsSync("/proc/loadavg")
    ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")
    : "?";
  console.log(
    `${pkg}: ${modules.length} modules, ${(bytes / 2 ** 20).toFixed(0)} MiB; ${cores} cores, load average ${load}`,
  );

  // Warm the page cache, as every tool below reads the same files.
  for (const f of modules) readFileSync(f);

  // 1. our CLI over every module
  const ours: number[] = [];
  const cpu: number[] = [];
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
  for (let i = 0; i < 5; i++) {
    const args = [CLI, "verify", "--type", "module", "--cert", cert, join(root, "lib", "modules")];
    const t0 = process.hrtime.bigint();
    const r = timeBin
      ? spawnSync(timeBin, ["-f", "%U %S", process.execPath, ...args], {
          encoding: "utf8",
          maxBuffer: 1 << 28,
        })
      : spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    ours.push(ms(t0));
    const t = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (t) cpu.push((Number(t[1]) + Number(t[2])) * 1000);
    const lines = r.stdout.trim().split("\n").length;
    if (r.status !== 0 || lines !== modules.length)
      throw new Error(`verify exited ${r.status} with ${lines} lines: ${r.stderr.slice(0, 300)}`);
  }
  const oursMs = median(ours);

  // 2. openssl cms -verify, a sample of modules, extrapolated
  let opensslMs: number | undefined;
  const sampleN = 40;
  if (have("openssl")) {
    const certPem = pemFile(cert);
    const tmp = join(CACHE, "cms");
    mkdirSync(tmp, { recursive: true });
    const step = Math.max(1, Math.floor(modules.length / sampleN));
    const sample = modules.filter((_, i) => i % step === 0).slice(0, sampleN);
    let total = 0;
    for (const [i, f] of sample.entries()) {
      const s = splitModuleSignature(readFileSync(f));
      if (s.kind !== "signed") continue;
      const p7 = join(tmp, `${i}.p7s`);
      const content = join(tmp, `${i}.bin`);
      writeFileSync(p7, s.pkcs7);
      writeFileSync(content, s.content);
      const t0 = process.hrtime.bigint();
      const r = spawnSync(
        "openssl",
        // as ../shared/corpus/tools/verify-module.sh does it
        [
          "cms",
          "-verify",
          "-binary",
          "-inform",
          "DER",
          "-in",
          p7,
          "-content",
          content,
          "-certfile",
          certPem,
          "-nointern",
          "-noverify",
          "-out",
          "/dev/null",
        ],
        { stdio: "ignore" },
      );
      total += ms(t0);
      if (r.status !== 0) throw new Error(`openssl cms -verify failed on ${f}`);
    }
    opensslMs = (total / sample.length) * modules.length;
  }

  // 3. the bound: SHA-256 over every signed content plus one RSA public operation each, one core
  const spki = (() => {
    const k = keyFromDer(readFileSync(cert), "6.1");
    return createPublicKey({ key: Buffer.from(k.checked.cert.pub.spki), format: "der", type: "spki" });
  })();
  const t3 = process.hrtime.bigint();
  for (const f of modules) {
    const s = splitModuleSignature(readFileSync(f));
    if (s.kind !== "signed") continue;
    createHash("sha256").update(s.content).digest();
    const sig = parsePkcs7(s.pkcs7, { version: "6.1" }).signers[0]!.s;
    publicDecrypt({ key: spki, padding: constants.RSA_NO_PADDING }, sig);
  }
  const boundMs = ms(t3);

  // 4. the signed vmlinuz: one process against node's own start-up, the least any node
  //    program must do (read the image and SHA-256 it, nothing else) and sbverify.
  //    The runs are interleaved so that a noisy machine affects every row alike.
  const N = 21;
  const FLOOR =
    'const{createHash:c}=require("node:crypto"),f=require("node:fs"),d=f.openSync(process.argv[1]),' +
    "z=f.fstatSync(d).size,b=Buffer.allocUnsafe(1<<18),h=c('sha256');" +
    "for(let o=0;o<z;){const n=f.readSync(d,b,0,Math.min(b.length,z-o),o);h.update(b.subarray(0,n));o+=n}h.digest()";
  const runs: Record<string, [string, string[]]> = {
    node: [process.execPath, ["-e", "0"]],
    floor: [process.execPath, ["-e", FLOOR, vmlinuz]],
    version: [process.execPath, [CLI, "--version"]],
    pe: [process.execPath, [CLI, "verify", "--cert", anchor, vmlinuz]],
  };
  if (have("sbverify")) runs.sbverify = ["sbverify", ["--cert", pemFile(anchor), vmlinuz]];
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let i = 0; i < N; i++)
    for (const [k, [cmd, args]] of Object.entries(runs)) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: "ignore" });
      times[k]!.push(ms(t0));
      if (r.status !== 0) throw new Error(`${k}: ${cmd} exited ${r.status}`);
    }
  const nodeMs = median(times.node!);
  const floorMs = median(times.floor!);
  const versionMs = median(times.version!);
  const peMs = median(times.pe!);
  const sbverifyMs = times.sbverify ? median(times.sbverify) : undefined;

  const f = (x: number | undefined) => (x === undefined ? "n/a" : `${x.toFixed(1)} ms`);
  const rows = [
    [
      "modules: kernel-lockdown verify (CLI, all modules, median of 5)",
      f(oursMs),
      `target <= 1000 ms; CPU (user+sys) ${cpu.length ? f(median(cpu)) : "n/a"}`,
    ],
    [
      `modules: openssl cms -verify loop (${sampleN}-module sample, extrapolated)`,
      f(opensslMs),
      opensslMs ? `${(opensslMs / oursMs).toFixed(0)}x slower than ours` : "",
    ],
    [
      "modules: SHA-256 + RSA public op bound, one core, in-process",
      f(boundMs),
      `ours / bound = ${(oursMs / boundMs).toFixed(2)}`,
    ],
    ["vmlinuz: node -e 0", f(nodeMs), ""],
    [
      "vmlinuz: node reading + SHA-256 of the image, nothing else",
      f(floorMs),
      `+${(floorMs - nodeMs).toFixed(1)} ms over node: the least a node verifier costs`,
    ],
    [
      "vmlinuz: kernel-lockdown --version (dispatcher start-up)",
      f(versionMs),
      `+${(versionMs - nodeMs).toFixed(1)} ms over node`,
    ],
    [
      "vmlinuz: kernel-lockdown verify (one process)",
      f(peMs),
      `+${(peMs - nodeMs).toFixed(1)} ms over node start-up (target <= 10 ms), +${(peMs - floorMs).toFixed(1)} ms over read + hash`,
    ],
    [
      "vmlinuz: sbverify",
      f(sbverifyMs),
      sbverifyMs ? `ours / sbverify = ${(peMs / sbverifyMs).toFixed(2)}` : "",
    ],
  ];
  const w = Math.max(...rows.map((r) => r[0]!.length));
  for (const r of rows) console.log(`${r[0]!.padEnd(w)}  ${r[1]!.padStart(11)}  ${r[2]}`);
}

main();

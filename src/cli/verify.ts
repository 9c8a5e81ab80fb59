// kernel-lockdown verify: PE images, kernel modules and IMA signatures, each
// answered with a verdict and the kernel's own decision. The verification
// library is imported only when the command runs (start-up stays lean).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError, UsageError } from "../errors.js";
import type { BatchItem } from "../verify/batch.js";
import type { VerifyResult } from "../verify/result.js";
import { oneOf, parse } from "./args.js";
import { type Command, EXIT_NEGATIVE, EXIT_OK, EXIT_USAGE, type Io } from "./command.js";
import { progress } from "./progress.js";

const TYPES = ["pe", "module", "ima"] as const;
const KERNELS = ["6.1", "6.12"] as const;

const USAGE = `usage: kernel-lockdown verify [--type pe|module|ima] [--cert FILE]... [--ima-sig FILE]
                              [--detached SIG] [--kernel 6.1|6.12] [--kernel-config FILE]
                              [--json] FILE|DIR...

Verifies Authenticode-signed PE images (as kexec_file_load does), kernel modules
with appended signatures (as finit_module does; .ko.xz/.ko.zst decompressed first)
and IMA security.ima signatures, deciding as Linux 6.1 / 6.12 decide.

  --type T        pe, module or ima (default: detected from content)
  --cert FILE     trust anchor: PEM (one or more certificates) or DER; repeatable.
                  Used as the trust store and as the kernel keyring (.builtin, .ima)
  --ima-sig FILE  the raw security.ima value (else the file's xattr is read)
  --detached SIG  verify FILE against a detached PKCS#7 (sbsign --detached, a module .p7s)
  --kernel V      6.1 (default) or 6.12
  --kernel-config FILE
                  the kernel's build (/boot/config-*): without CONFIG_CRYPTO_ECDSA
                  (Debian's 6.1) ECDSA keys cannot vouch for anything
  --json          one JSON object per file per line

A directory is walked for every file of the type asked for (or every file that
can be classified). Verdicts: valid, untrusted, invalid-digest, invalid-signature,
invalid, unsigned, not-a-signature, valid-nested-only. kernel: accept, or the errno
of the kernel's signature check (before sig_enforce / lockdown apply).
Exit: 0 every file valid, 1 any file not valid, 2 usage error or unreadable input.`;

interface Target {
  path: string;
  fromDir: boolean;
}

/** A directory's files, depth first in name order, as they are found. */
function* walk(dir: string): Generator<Target> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(
      dir,
      `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of entries) {
    const p = join(dir, d.name);
    let isDir = d.isDirectory();
    let isFile = d.isFile();
    if (d.isSymbolicLink()) {
      try {
        const st = statSync(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // dangling symlink
      }
    }
    if (isDir) yield* walk(p);
    else if (isFile) yield { path: p, fromDir: true };
  }
}

/**
 * Every file to verify. The arguments are checked at once (a missing one is a
 * usage error before any work); directories are walked lazily, so that
 * verification starts while the walk goes on.
 */
function targets(args: string[]): Iterable<Target> {
  const kinds = args.map((a) => {
    try {
      return { path: a, dir: statSync(a).isDirectory() };
    } catch (e) {
      throw new InputError(a, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
  return (function* () {
    for (const k of kinds)
      if (k.dir) yield* walk(k.path);
      else yield { path: k.path, fromDir: false };
  })();
}

/** The first `n` items of an iterator, and whether that was all of it. */
function head<T>(it: Iterator<T>, n: number): { items: T[]; done: boolean } {
  const items: T[] = [];
  while (items.length < n) {
    const r = it.next();
    if (r.done) return { items, done: true };
    items.push(r.value);
  }
  return { items, done: false };
}

/** A kernel's build file (/boot/config-*): its CONFIG_ symbols, without the prefix. */
function kernelConfig(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "latin1");
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!/^(# )?CONFIG_[A-Z0-9_]+[= ]/m.test(text))
    throw new InputError(file, "not a kernel configuration (no CONFIG_ lines)");
  return new Map([...text.matchAll(/^CONFIG_([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

function readOrFail(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function jsonLine(file: string, r: VerifyResult): string {
  return JSON.stringify({
    file,
    type: r.type,
    verdict: r.verdict,
    kernel: { accept: r.kernel.accept, errno: r.kernel.errno },
    signatures: r.signatures.map((s) => ({
      signer: s.signer,
      issuer: s.issuer,
      serial: s.serial,
      digestAlgorithm: s.digestAlgorithm,
      signatureAlgorithm: s.signatureAlgorithm,
      anchor: s.anchor,
      ...(s.nested ? { nested: true } : {}),
    })),
    message: r.message,
  });
}

function textLine(file: string, r: VerifyResult): string {
  const k = r.kernel.accept ? "kernel: accept" : `kernel: ${r.kernel.errno ?? "refuse"}`;
  const main = r.signatures.find((s) => s.verdict === r.verdict) ?? r.signatures[0];
  if (r.verdict === "valid") {
    const who = main?.signer
      ? ` (signer "${main.signer}"${main.anchor ? `, anchor "${main.anchor}"` : ""})`
      : "";
    return `${file}: Signature verification OK${who}; ${k}`;
  }
  const who = main?.signer ? ` (signer "${main.signer}")` : "";
  return `${file}: ${r.verdict}: ${r.message}${who}; ${k}${r.kernel.accept ? "" : ` (${r.kernel.reason})`}`;
}

async function run(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("verify", argv, {
    type: { type: "string" },
    cert: { type: "string", multiple: true },
    "ima-sig": { type: "string" },
    detached: { type: "string" },
    kernel: { type: "string" },
    json: { type: "boolean" },
    "kernel-config": { type: "string" },
  });
  const type = oneOf("verify", "type", values.type, TYPES);
  const version = oneOf("verify", "kernel", values.kernel, KERNELS) ?? "6.1";
  if (positionals.length === 0) throw new UsageError("verify: no FILE given");
  const certs = values.cert ?? [];
  const imaSig = values["ima-sig"];
  if (values.detached && type === "ima")
    throw new UsageError("verify: --detached is for PE images and modules, not IMA");
  if (values.detached && positionals.length !== 1)
    throw new UsageError("verify: --detached takes exactly one FILE");
  // Only what the run needs is loaded: one file loads one verifier, many files the worker pool.
  // The per-file core is fetched while the certificates load (module loading is I/O bound).
  const core = import("../verify/batch-core.js");
  core.catch(() => {});
  const config = values["kernel-config"] ? kernelConfig(values["kernel-config"]) : undefined;
  const { keyringsFromCerts } = await import("../verify/keyring.js");
  const { kernelCryptoFromConfig } = await import("../verify/public-key.js");
  const crypto = config && kernelCryptoFromConfig((n) => config.get(n));
  // A bad certificate is reported before anything else; one this kernel would not load is said once.
  const kr = keyringsFromCerts(certs, version, crypto, (file, why) =>
    io.err(
      `kernel-lockdown verify: warning: ${file}: a certificate this kernel would not load (${why.errno ?? "EINVAL"}: ${why.message}); it vouches for nothing`,
    ),
  );
  // Many files are likely: start the worker pool now, it loads while the directories are walked.
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  let pool: import("../verify/batch.js").VerifyPool | undefined;
  if (!values.detached && (positionals.length > 64 || positionals.some(isDir))) {
    const b = await import("../verify/batch.js");
    const size = b.poolSize(Number.POSITIVE_INFINITY);
    if (size > 0) pool = new b.VerifyPool(b.loadAnchors(certs, version), version, size, crypto);
  }
  try {
    return await verifyTargets(
      core,
      positionals,
      { type, imaSig, detached: values.detached, json: values.json ?? false, certs, version, crypto },
      kr,
      pool,
      io,
    );
  } finally {
    await pool?.close();
  }
}

interface RunOptions {
  type: (typeof TYPES)[number] | undefined;
  imaSig: string | undefined;
  detached: string | undefined;
  json: boolean;
  certs: string[];
  version: (typeof KERNELS)[number];
  crypto: { ecdsa: boolean } | undefined;
}

async function verifyTargets(
  core: Promise<typeof import("../verify/batch-core.js")>,
  positionals: string[],
  o: RunOptions,
  kr: import("../verify/keyring.js").Keyrings,
  pool: import("../verify/batch.js").VerifyPool | undefined,
  io: Io,
): Promise<number> {
  const { type, imaSig } = o;
  const it = targets(positionals)[Symbol.iterator]();
  const first = head(it, 16);
  const lines: string[] = [];
  let allValid = true;
  const emit = (file: string, r: VerifyResult) => {
    if (r.verdict !== "valid") allValid = false;
    lines.push(o.json ? jsonLine(file, r) : textLine(file, r));
  };
  if (imaSig) readOrFail(imaSig);
  if (o.detached) {
    if (!first.done || first.items.length !== 1)
      throw new UsageError("verify: --detached takes exactly one FILE");
    const file = first.items[0]!.path;
    const content = readOrFail(file);
    const sig = readOrFail(o.detached);
    const { detectType } = await import("../verify/detect.js");
    if (type === "pe" || (type === undefined && detectType(content, file) === "pe"))
      emit(file, (await import("../verify/pe.js")).verifyPeDetached(content, sig, kr));
    else emit(file, (await import("../verify/module.js")).verifyModuleDetached(content, sig, kr));
  } else {
    const items: BatchItem[] = [];
    if (first.done && first.items.length === 1) {
      const { verifyOne } = await core;
      const t = first.items[0]!;
      items.push(await verifyOne({ file: t.path, type, imaSigFile: imaSig, skip: t.fromDir }, kr));
    } else {
      // Paths found by walking are skipped quietly when they are not of the type asked for.
      const fromDir = new Set<string>();
      const paths = (function* () {
        for (const t of first.items) {
          if (t.fromDir) fromDir.add(t.path);
          yield t.path;
        }
        for (let r = it.next(); !r.done; r = it.next()) {
          if (r.value.fromDir) fromDir.add(r.value.path);
          yield r.value.path;
        }
      })();
      const opts = {
        type,
        version: o.version,
        imaSigFile: imaSig,
        skipUnclassified: fromDir,
        ...(o.crypto ? { crypto: o.crypto } : {}),
      };
      const { verifyMany } = await import("../verify/batch.js");
      const source =
        pool && !first.done
          ? pool.run(paths, opts)
          : verifyMany([...paths], o.certs, { ...opts, workers: 0 });
      const bar = progress();
      try {
        for await (const item of source) {
          items.push(item);
          bar.update(`verify: ${items.length} done`);
        }
      } finally {
        bar.done();
      }
    }
    for (const it of items) {
      if ("error" in it) {
        if (it.skipped) continue;
        io.err(`kernel-lockdown verify: ${it.error}`);
        return EXIT_USAGE;
      }
      emit(it.file, it.result);
    }
    if (lines.length === 0) throw new UsageError("verify: no file of the requested type found");
  }
  io.out(lines.join("\n"));
  return allValid ? EXIT_OK : EXIT_NEGATIVE;
}

export const verifyCommand: Command = {
  name: "verify",
  summary: "verify PE, module and IMA signatures as the kernel does",
  usage: USAGE,
  run,
};

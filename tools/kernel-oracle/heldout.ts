// The held-out set (test/verify/heldout-build.ts) through the real kernels: builds it once (PE cases
// made from an unsigned bzImage, so that kexec_file_load() reaches the signature check), writes the
// ready files as run.ts --inputs lists, boots each Debian kernel once (one QEMU at a time) and puts
// the kernel's answer next to the held-out expectation and our verifier's answer with the boot's
// keyrings (.builtin = the kernel's module signing key; _ima = the case's certificates).
//
//   node --import tsx tools/kernel-oracle/heldout.ts [--dir DIR] [--reuse] [--modules DIR]
//
// Writes DIR/results-<release>.json (run.ts) and DIR/table.md. Detached-signature cases are left
// out (no kernel path takes one). Compressed modules run decompressed in userspace (what kmod does
// when the kernel cannot: 6.1 has no CONFIG_MODULE_DECOMPRESS) and, on 6.12, also as is with
// MODULE_INIT_COMPRESSED_FILE (Debian's 6.12 decompresses xz only).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  createKeyrings,
  type Keyrings,
  loadCertFile,
  type VerifyResult,
  verifyIma,
  verifyModule,
  verifyModuleFile,
  verifyPe,
} from "../../src/verify/index.js";
import { buildHeldout, type HeldoutCase } from "../../test/verify/heldout-build.js";
import type { InputCase, InputResult } from "./run.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const { values: args } = parseArgs({
  options: {
    dir: { type: "string", default: "/tmp/kernel-oracle-heldout" },
    reuse: { type: "boolean", default: false },
    modules: {
      type: "string",
      default: join(REPO, ".bench-cache", "root", "lib", "modules", "6.1.0-56-amd64"),
    },
    shared: { type: "string", default: process.env.KERNEL_LOCKDOWN_SHARED ?? resolve(REPO, "..", "shared") },
  },
});
const DIR = args.dir!;
const CORPUS = join(args.shared!, "corpus");
const PE_BASE = join(CORPUS, "pe/debian/vmlinuz-6.1.0-56-amd64.unsigned.efi");
const KERNELS = [
  { release: "6.1.0-56-amd64", version: "6.1" },
  { release: "6.12.117+deb12-amd64", version: "6.12" },
] as const;

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function compression(b: Uint8Array): "xz" | "zst" | "gz" | null {
  const h = Buffer.from(b.subarray(0, 6)).toString("hex");
  if (h === "fd377a585a00") return "xz";
  if (h.startsWith("28b52ffd")) return "zst";
  if (h.startsWith("1f8b")) return "gz";
  return null;
}

/** Userspace decompression (kmod's fallback); null when the tool refuses the file. */
function decompress(file: string, kind: "xz" | "zst" | "gz"): Uint8Array | null {
  const tool = { xz: ["xz", "-dc"], zst: ["zstd", "-dcq"], gz: ["gzip", "-dc"] }[kind];
  const p = spawnSync(tool[0]!, [...tool.slice(1), file], { maxBuffer: 64 << 20 });
  return p.status === 0 ? new Uint8Array(p.stdout) : null;
}

/** The module's name= from .modinfo. */
function modName(b: Uint8Array): string {
  const s = Buffer.from(b).toString("latin1");
  const m = /\0name=([A-Za-z0-9_-]+)\0/.exec(s);
  return m ? m[1]! : "unknown";
}

interface Plan {
  c: HeldoutCase;
  /** Input ids per variant: "plain" (as the file is, or decompressed in userspace), "kdecomp" (6.12, flags 4). */
  plain?: string;
  plainBytes?: Uint8Array;
  kdecomp?: string;
  note?: string;
}

function build(): { plans: Plan[]; inputs: Record<string, InputCase[]> } {
  const cases = buildHeldout(DIR, { peBase: PE_BASE });
  writeFileSync(join(DIR, "cases.json"), JSON.stringify(cases, null, 1));
  const plans: Plan[] = [];
  const common: InputCase[] = [];
  const only612: InputCase[] = [];
  const byHash = new Map<string, string>();
  const once = (id: string, kind: InputCase["kind"], bytes: Uint8Array, extra = {}) => {
    const key = `${kind} ${sha(bytes)} ${JSON.stringify(extra)}`;
    const have = byHash.get(key);
    if (have) return have;
    byHash.set(key, id);
    return id;
  };
  for (const c of cases) {
    if (c.skip) {
      plans.push({ c, note: `skipped by the builder: ${c.skip}` });
      continue;
    }
    if (c.detached) {
      plans.push({ c, note: "detached signature: no kernel check" });
      continue;
    }
    const bytes = new Uint8Array(readFileSync(c.file));
    if (c.type === "pe") {
      const id = once(c.id, "pe", bytes);
      if (id === c.id) common.push({ id, kind: "pe", file: c.file });
      plans.push({ c, plain: id, plainBytes: bytes });
    } else if (c.type === "module") {
      const z = compression(bytes);
      const plan: Plan = { c };
      let plain: Uint8Array | null = bytes;
      let plainFile = c.file;
      if (z) {
        plain = decompress(c.file, z);
        plainFile = `${c.file}.plain`;
        if (plain) writeFileSync(plainFile, plain);
        else plan.note = `${z} -d refuses the file (no userspace load)`;
        const kid = once(`${c.id}@kdecomp`, "module", bytes, { flags: 4 });
        if (kid === `${c.id}@kdecomp`)
          only612.push({ id: kid, kind: "module", file: c.file, flags: 4, module: "unknown" });
        plan.kdecomp = kid;
      }
      if (plain) {
        const id = once(c.id, "module", plain);
        if (id === c.id) common.push({ id, kind: "module", file: plainFile, module: modName(plain) });
        plan.plain = id;
        plan.plainBytes = plain;
      }
      plans.push(plan);
    } else {
      common.push({
        id: c.id,
        kind: "ima",
        file: c.imaSig!,
        content: c.file,
        certs: c.certs.map((x) => (x.endsWith(".pem") ? x.replace(/\.pem$/, ".der") : x)),
      });
      plans.push({ c, plain: c.id });
    }
  }
  // a compressed module's name (for delete_module) is its decompressed one
  for (const i of only612) {
    const p = plans.find((x) => x.kdecomp === i.id);
    i.module = p?.plainBytes ? modName(p.plainBytes) : "crc7";
  }
  return { plans, inputs: { "6.1": common, "6.12": [...common, ...only612] } };
}

function boot(release: string, inputs: InputCase[]): string {
  const inFile = join(DIR, `inputs-${release}.json`);
  const out = join(DIR, `results-${release}.json`);
  writeFileSync(inFile, JSON.stringify(inputs, null, 1));
  if (args.reuse && existsSync(out)) return out;
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(REPO, "tools", "kernel-oracle", "run.ts"),
      "--release",
      release,
      "--inputs",
      inFile,
      "--out",
      out,
      "--modules",
      args.modules!.replace("6.1.0-56-amd64", release),
      "--mem",
      "4096",
    ],
    { stdio: ["ignore", "inherit", "inherit"], cwd: REPO },
  );
  return out;
}

const answer = (r: VerifyResult) => (r.kernel.accept ? "accept" : (r.kernel.errno ?? "null"));

function kernelAnswer(r: InputResult | undefined): string {
  if (!r) return "-";
  if (r.kind === "ima") return r.accept ? "accept" : `${r.kernelErrno ?? "null"} (${r.cause})`;
  return r.kernelErrno ?? "accept";
}

async function main() {
  const { plans, inputs } = build();
  const results: Record<string, Map<string, InputResult>> = {};
  for (const { release, version } of KERNELS) {
    const out = boot(release, inputs[version]!);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    results[version] = new Map((doc.results as InputResult[]).map((r) => [r.id, r]));
  }
  const rows: string[] = [
    "| case | held-out (certs) | boot-mapped | 6.1 kernel | ours 6.1 | 6.12 kernel | ours 6.12 | 6.12 in-kernel decompress: kernel / ours | note |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const disagreements: string[] = [];
  const summary: unknown[] = [];
  for (const p of plans) {
    const c = p.c;
    const exp = c.expect.kernel ?? "null";
    const mapped = c.type === "ima" ? exp : exp === "accept" ? "ENOKEY" : exp;
    const cells: Record<string, { kernel: string; ours: string }> = {};
    for (const { release, version } of KERNELS) {
      const kr: Keyrings = createKeyrings(version);
      for (const k of loadCertFile(join(CORPUS, "oracle", release, "module-signing.der"), version))
        kr.builtin.add(k);
      const res = results[version]!;
      const variants: [string, string | undefined][] = [
        ["plain", p.plain],
        ["kdecomp", version === "6.12" ? p.kdecomp : undefined],
      ];
      for (const [variant, id] of variants) {
        if (!id) continue;
        const r = res.get(id);
        let ours: string;
        if (c.type === "pe") ours = answer(verifyPe(p.plainBytes!, kr));
        else if (c.type === "module")
          ours =
            variant === "plain"
              ? answer(verifyModule(p.plainBytes!, kr))
              : answer(await verifyModuleFile(new Uint8Array(readFileSync(c.file)), kr));
        else {
          const ikr = createKeyrings(version);
          for (const cert of c.certs)
            for (const k of loadCertFile(cert.replace(/\.pem$/, ".der"), version)) ikr.ima.add(k);
          const v = verifyIma(
            { content: new Uint8Array(readFileSync(c.file)) },
            new Uint8Array(readFileSync(c.imaSig!)),
            ikr,
          );
          ours = v.kernel.accept
            ? "accept"
            : `${v.kernel.errno ?? "null"} (${v.kernel.reason.split(":")[0]})`;
        }
        let kernel = kernelAnswer(r);
        // asymmetric_verify() returns EBADMSG/ENOPKG (length, hash_algo) before its pr_debug: only the
        // cause is seen, and it is ours
        if (
          r?.kind === "ima" &&
          !r.accept &&
          r.kernelErrno === null &&
          !r.signatureCheck &&
          ours.endsWith(`(${r.cause})`)
        )
          kernel = ours;
        // a pre-signed fbx64 file (not a bzImage): bzImage64_probe() refuses it before any signature check
        if (r?.kind === "pe" && r.kernelErrno?.startsWith("unknown")) kernel = ours = "n/a (not a bzImage)";
        cells[`${version}/${variant}`] = { kernel, ours };
        const applies = !c.kernel || c.kernel === version;
        if (kernel !== ours)
          disagreements.push(
            `${c.id} [${version}${variant === "kdecomp" ? ", MODULE_INIT_COMPRESSED_FILE" : ""}]${applies ? "" : " (case written for the other kernel)"}: kernel ${kernel} (${r?.errnoFrom}), ours ${ours}\n    ${[...(r?.log ?? []), ...(r?.enforcedLog ?? []).map((l) => `[enforced] ${l}`)].join("\n    ")}`,
          );
      }
    }
    const cell = (k: string) => (cells[k] ? cells[k]! : { kernel: "-", ours: "-" });
    const mark = (x: { kernel: string; ours: string }) =>
      x.kernel === x.ours ? [x.kernel, "="] : [`**${x.kernel}**`, `**${x.ours}**`];
    const kd = cells["6.12/kdecomp"];
    rows.push(
      `| ${c.id} | ${exp} | ${mapped} | ${mark(cell("6.1/plain")).join(" | ")} | ${mark(cell("6.12/plain")).join(" | ")} | ${kd ? mark(kd).join(" / ") : ""} | ${p.note ?? (c.kernel ? `written for ${c.kernel}` : "")} |`,
    );
    summary.push({ id: c.id, type: c.type, expect: exp, kernelTag: c.kernel, note: p.note, cells });
  }
  writeFileSync(
    join(DIR, "table.md"),
    `${rows.join("\n")}\n\n## disagreements\n\n${disagreements.join("\n\n")}\n`,
  );
  writeFileSync(join(DIR, "summary.json"), JSON.stringify(summary, null, 1));
  process.stdout.write(
    `${rows.join("\n")}\n\n${disagreements.length} disagreement(s)\n${disagreements.join("\n\n")}\n`,
  );
}

await main();

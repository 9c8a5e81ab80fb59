// Reading ../shared/corpus/manifest.json: every (entry, trust anchor) pair
// with an expected verdict, and the kernel model's answer for it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelVersion } from "../../src/formats/oid-registry.js";
import {
  createKeyrings,
  loadCertFile,
  type VerifyResult,
  verifyIma,
  verifyModuleDetached,
  verifyModuleFile,
  verifyPe,
  verifyPeDetached,
} from "../../src/verify/index.js";
import { HAVE_SHARED, sharedPath } from "../helpers/shared.js";

export interface Reference {
  tool: string;
  command: string;
  exit_code: number;
  output_summary: string[];
}

export interface Case {
  path: string;
  kind: string;
  signedFile: string | undefined;
  anchor: string;
  verdict: string;
  references: Reference[];
  /** "accept", an errno name, or undefined when the kernel model was not run for this pair. */
  modelKernel: string | undefined;
  modelLine: string;
}

export const CORPUS = sharedPath("corpus");

export function corpusCases(): Case[] {
  if (!HAVE_SHARED) return [];
  const m = JSON.parse(readFileSync(sharedPath("corpus", "manifest.json"), "utf8"));
  const out: Case[] = [];
  for (const f of m.files) {
    const e = f.expected;
    if (!e?.per_trust_anchor) continue;
    for (const a of e.per_trust_anchor) {
      const km = (a.reference as Reference[]).find((r) => r.tool === "kernel-model");
      const line = km?.output_summary[0] ?? "";
      out.push({
        path: f.path,
        kind: f.kind,
        signedFile: f.signed_file,
        anchor: a.trust_anchor,
        verdict: a.verdict,
        references: a.reference,
        modelKernel: km ? (/ACCEPT/.test(line) ? "accept" : /REJECT \((\w+)\)/.exec(line)?.[1]) : undefined,
        modelLine: line,
      });
    }
  }
  return out;
}

function keyrings(anchor: string, v: KernelVersion) {
  const kr = createKeyrings(v);
  for (const k of loadCertFile(join(CORPUS, anchor), v)) {
    kr.builtin.add(k);
    kr.ima.add(k);
  }
  return kr;
}

const read = (p: string) => readFileSync(join(CORPUS, p));

/** The content a detached signature covers, found from the manifest's reference command. */
function detachedContent(c: Case): string {
  for (const r of c.references) {
    const m = /-content (\S+)/.exec(r.command) ?? /sbverify .*--detached \S+ (\S+)/.exec(r.command);
    if (m) return m[1]!;
  }
  throw new Error(`no content for ${c.path}`);
}

/** Verifies one case the way its kind asks for. */
export async function run(c: Case, v: KernelVersion): Promise<VerifyResult> {
  const kr = keyrings(c.anchor, v);
  const path = c.path.split("#")[0]!;
  if (c.kind === "pe-image") return verifyPe(read(path), kr);
  if (c.kind.startsWith("kernel-module")) return verifyModuleFile(read(path), kr);
  if (c.kind === "ima-xattr-value" || c.kind === "ima-check")
    return verifyIma({ content: read(c.signedFile!) }, read(path), kr);
  if (c.kind === "pkcs7-der") {
    const content = read(detachedContent(c));
    return path.startsWith("pe/")
      ? verifyPeDetached(content, read(path), kr)
      : verifyModuleDetached(content, read(path), kr);
  }
  throw new Error(`unhandled kind ${c.kind}`);
}

// The simulated kernel's signature checks, answered by src/verify: the
// system keyrings of a boot (builtin, secondary -> builtin + machine, machine,
// platform, blacklist) and the kernel's own decisions of mod_verify_sig() and
// kexec_kernel_verify_pe_sig() (secondary, then .platform on -ENOKEY).
import { createHash } from "node:crypto";
import { ERRNO } from "../errno.js";
import type { KernelVersion } from "../lsm/versions.js";
import {
  certificatesIn,
  createKeyrings,
  decompressModule,
  FULL_CRYPTO,
  type KernelCrypto,
  type Keyring,
  type Keyrings,
  keyFromDer,
  verifyModule,
  verifyPe,
} from "../verify/index.js";
import { errno } from "./errno.js";

/** kernel/module/decompress.c module_decompress(): the verify layer's bounded decoders. */
export { decompressModule };

import type { CheckResult, KeyringFiles, SignatureChecker } from "./signature.js";

/**
 * Adds every certificate of the files to a keyring, as the kernel's loaders
 * do: a certificate the kernel would refuse (unparseable, blacklisted) is
 * skipped with the loader's complaint in `log`.
 */
function load(
  ring: Keyring,
  files: readonly Uint8Array[],
  version: KernelVersion,
  kr: Keyrings,
  log: string[],
): void {
  for (const f of files)
    for (const der of certificatesIn(f)) {
      try {
        ring.add(keyFromDer(der, version, kr.blacklist, undefined, kr.crypto));
      } catch (e) {
        const err = -(ERRNO[((e as { errno?: string }).errno ?? "EBADMSG") as keyof typeof ERRNO] ?? 74);
        // certs/system_keyring.c / security/integrity/digsig.c wording
        log.push(
          ring === kr.builtin
            ? `Problem loading in-kernel X.509 certificate (${err})`
            : `integrity: Problem loading X.509 certificate ${err}`,
        );
      }
    }
}

/** The system keyrings of a boot, from certificate files and blacklist entries. */
export function systemKeyrings(
  version: KernelVersion,
  files: KeyringFiles,
  log: string[] = [],
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): Keyrings {
  const kr = createKeyrings(version, crypto);
  for (const b of files.blacklist) {
    if (typeof b === "string") kr.blacklist.addHash(b);
    else for (const der of certificatesIn(b)) kr.blacklist.certs.add(keyFromDer(der, version));
  }
  load(kr.builtin, files.builtin, version, kr, log);
  load(kr.machine, files.machine, version, kr, log);
  load(kr.secondary, files.secondary, version, kr, log);
  load(kr.platform, files.platform, version, kr, log);
  return kr;
}

function toRet(accept: boolean, name: string | null): number {
  return accept ? 0 : errno(name ?? "EINVAL");
}

/** Keyrings already built, by keyring-set fingerprint (the simulator never adds keys after boot). */
const KEYRINGS = new Map<string, { kr: Keyrings; log: string[] }>();

/** Answers already computed: per image (by identity), per keyring set. */
const ANSWERS = new WeakMap<Uint8Array, Map<string, CheckResult>>();

function fingerprint(version: KernelVersion, files: KeyringFiles): string {
  const h = createHash("sha256").update(version);
  for (const name of ["builtin", "secondary", "platform", "machine", "blacklist"] as const) {
    h.update(`|${name}`);
    for (const f of files[name])
      h.update(typeof f === "string" ? f : createHash("sha256").update(f).digest("hex")).update(",");
  }
  return h.digest("hex");
}

function cached(image: Uint8Array, key: string, compute: () => CheckResult): CheckResult {
  let m = ANSWERS.get(image);
  if (!m) {
    m = new Map();
    ANSWERS.set(image, m);
  }
  let r = m.get(key);
  if (!r) {
    r = compute();
    m.set(key, r);
  }
  return r;
}

/**
 * A SignatureChecker over src/verify with a boot's keyrings. Answers are
 * cached per image and keyring set (keyrings do not change after boot).
 */
export class KernelVerifier implements SignatureChecker {
  private kr: Keyrings | undefined;
  readonly loadLog: string[] = [];
  private readonly key: string;

  constructor(
    private readonly version: KernelVersion,
    private readonly files: KeyringFiles,
    private readonly crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
  ) {
    this.key = `${fingerprint(version, files)}${crypto.ecdsa ? "" : ":no-ecdsa"}`;
  }

  /** The keyrings, built on first use (shared by boots with the same certificates). */
  get keyrings(): Keyrings {
    if (!this.kr) {
      let hit = KEYRINGS.get(this.key);
      if (!hit) {
        const log: string[] = [];
        hit = { kr: systemKeyrings(this.version, this.files, log, this.crypto), log };
        KEYRINGS.set(this.key, hit);
      }
      this.kr = hit.kr;
      this.loadLog.push(...hit.log);
    }
    return this.kr;
  }

  keyDescriptions(): Record<"builtin" | "secondary" | "platform" | "machine" | "problems", string[]> {
    const kr = this.keyrings;
    const d = (r: Keyring) => r.keys.map((key) => key.description);
    return {
      builtin: d(kr.builtin),
      secondary: d(kr.secondary),
      platform: d(kr.platform),
      machine: d(kr.machine),
      problems: [...this.loadLog],
    };
  }

  modVerifySig(image: Uint8Array): CheckResult {
    return cached(image, `m:${this.key}`, () => this.computeModule(image));
  }

  private computeModule(image: Uint8Array): CheckResult {
    const r = verifyModule(image, this.keyrings);
    const log: string[] = [];
    if (!r.kernel.accept && /blacklisted/.test(r.kernel.reason)) log.push(r.kernel.reason);
    return { ret: toRet(r.kernel.accept, r.kernel.errno), log };
  }

  kexecVerifyPeSig(image: Uint8Array): CheckResult {
    return cached(image, `k:${this.key}`, () => this.computePe(image));
  }

  private computePe(image: Uint8Array): CheckResult {
    const r = verifyPe(image, this.keyrings);
    const ret = toRet(r.kernel.accept, r.kernel.errno);
    // crypto/asymmetric_keys/verify_pefile.c pefile_parse_binary(): pr_warn("Unsigned PE binary")
    return { ret, log: ret === errno("ENODATA") ? ["PEFILE: Unsigned PE binary"] : [] };
  }
}

/** The CheckerFactory scenarios use; `crypto` is the build's (profile.ts: CRYPTO_ECDSA). */
export function kernelVerifier(
  version: KernelVersion,
  files: KeyringFiles,
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): SignatureChecker {
  return new KernelVerifier(version, files, crypto);
}

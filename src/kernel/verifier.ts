// The simulated kernel's signature checks, answered by src/verify: the
// system keyrings of a boot (builtin, secondary -> builtin + machine, machine,
// platform, blacklist) and the kernel's own decisions of mod_verify_sig() and
// kexec_kernel_verify_pe_sig() (secondary, then .platform on -ENOKEY).
import type { KernelVersion } from "../lsm/versions.js";
import {
  certificatesIn,
  createKeyrings,
  type Keyring,
  type Keyrings,
  keyFromDer,
  verifyModule,
  verifyPe,
} from "../verify/index.js";
import { errno } from "./errno.js";
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
        ring.add(keyFromDer(der, version, kr.blacklist));
      } catch (e) {
        log.push(`Problem loading X.509 certificate into ${ring.name}: ${(e as Error).message}`);
      }
    }
}

/** The system keyrings of a boot, from certificate files and blacklist entries. */
export function systemKeyrings(version: KernelVersion, files: KeyringFiles, log: string[] = []): Keyrings {
  const kr = createKeyrings(version);
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

/** A SignatureChecker over src/verify with a boot's keyrings. Results are cached per image. */
export class KernelVerifier implements SignatureChecker {
  readonly keyrings: Keyrings;
  readonly loadLog: string[] = [];
  private readonly modules = new WeakMap<Uint8Array, CheckResult>();
  private readonly images = new WeakMap<Uint8Array, CheckResult>();

  constructor(version: KernelVersion, files: KeyringFiles) {
    this.keyrings = systemKeyrings(version, files, this.loadLog);
  }

  modVerifySig(image: Uint8Array): CheckResult {
    const hit = this.modules.get(image);
    if (hit) return hit;
    const r = verifyModule(image, this.keyrings);
    const log: string[] = [];
    if (!r.kernel.accept && /blacklisted/.test(r.kernel.reason)) log.push(r.kernel.reason);
    const res = { ret: toRet(r.kernel.accept, r.kernel.errno), log };
    this.modules.set(image, res);
    return res;
  }

  kexecVerifyPeSig(image: Uint8Array): CheckResult {
    const hit = this.images.get(image);
    if (hit) return hit;
    const r = verifyPe(image, this.keyrings);
    const ret = toRet(r.kernel.accept, r.kernel.errno);
    // crypto/asymmetric_keys/verify_pefile.c pefile_parse_binary(): pr_warn("Unsigned PE binary")
    const res = { ret, log: ret === errno("ENODATA") ? ["PEFILE: Unsigned PE binary"] : [] };
    this.images.set(image, res);
    return res;
  }
}

/** The CheckerFactory scenarios use. */
export function kernelVerifier(version: KernelVersion, files: KeyringFiles): SignatureChecker {
  return new KernelVerifier(version, files);
}

// The kernel's signature checks as the simulated kernel calls them. The
// cryptography is src/verify's (the real PKCS#7 / Authenticode checks); this
// file only fixes the interface the call sites use, so that module loading and
// kexec_file_load stay the kernel's logic (enforcement, lockdown, IMA) while the
// verifier answers with the errno of mod_verify_sig() / verify_pefile_signature().

/** The system keyrings as a scenario fills them (certificate files, blacklist entries). */
export interface KeyringFiles {
  builtin: Uint8Array[];
  secondary: Uint8Array[];
  platform: Uint8Array[];
  machine: Uint8Array[];
  /** Certificate files, or "bin:<hex>" / "tbs:<hex>" hash keys. */
  blacklist: (Uint8Array | string)[];
}

/** A verifier's answer: 0 or -errno, plus the kernel log lines it printed. */
export interface CheckResult {
  ret: number;
  log: string[];
}

export interface SignatureChecker {
  /**
   * kernel/module/signing.c mod_verify_sig() on a module image that ends
   * with the "~Module signature appended~\n" marker (module_sig_check()
   * checked it): the module_signature trailer checks, verify_pkcs7_signature() against the
   * secondary keyring, the Debian .platform fallback on -ENOKEY and the
   * Debian blacklisted-hash check after success.
   */
  modVerifySig(image: Uint8Array): CheckResult;
  /**
   * arch/x86/kernel/kexec-bzimage64.c bzImage64_verify_sig() ->
   * kexec_kernel_verify_pe_sig(): verify_pefile_signature() against the
   * secondary keyring, then .platform on -ENOKEY.
   */
  kexecVerifyPeSig(image: Uint8Array): CheckResult;
  /** The key descriptions loaded into each keyring ("CN: skid"), for the boot log. */
  keyDescriptions?(): Partial<
    Record<"builtin" | "secondary" | "platform" | "machine" | "problems", string[]>
  >;
}

/**
 * A checker for tests and for kernels built without keys: every signature is
 * "missing key" unless the table says otherwise. Not a verifier.
 */
export class TableChecker implements SignatureChecker {
  constructor(
    private readonly modules: (m: Uint8Array) => CheckResult,
    private readonly pe: (m: Uint8Array) => CheckResult,
  ) {}
  modVerifySig(m: Uint8Array): CheckResult {
    return this.modules(m);
  }
  kexecVerifyPeSig(m: Uint8Array): CheckResult {
    return this.pe(m);
  }
}

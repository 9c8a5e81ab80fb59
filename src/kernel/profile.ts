// Version profiles: what differs between Debian's 6.1 and 6.12 kernels for the
// simulated call sites, and the Kconfig defaults of Debian's amd64 builds that
// the call sites depend on. Overrides come from a scenario's `config`.
import { UsageError } from "../errors.js";
import { DEBIAN_LOCKDOWN_CONFIG, isLevel, type KernelVersion, type LockdownConfig } from "../lsm/index.js";

/** The Kconfig symbols the simulated kernel reads (names without CONFIG_). */
export interface KernelConfig extends LockdownConfig {
  MODULES: boolean;
  MODULE_SIG: boolean;
  /** sig_enforce's initial value (kernel/module/signing.c). */
  MODULE_SIG_FORCE: boolean;
  /** MODULE_INIT_COMPRESSED_FILE support (kernel/module/decompress.c). */
  MODULE_DECOMPRESS: boolean;
  KEXEC: boolean;
  KEXEC_FILE: boolean;
  /** kimage_validate_signature() exists (kernel/kexec_file.c). */
  KEXEC_SIG: boolean;
  KEXEC_SIG_FORCE: boolean;
  /** x86 bzImage loader has verify_sig (arch/x86/kernel/kexec-bzimage64.c). */
  KEXEC_BZIMAGE_VERIFY_SIG: boolean;
  SECONDARY_TRUSTED_KEYRING: boolean;
  INTEGRITY_PLATFORM_KEYRING: boolean;
  INTEGRITY_MACHINE_KEYRING: boolean;
  IMA: boolean;
  IMA_APPRAISE: boolean;
  /** With IMA_APPRAISE, makes ima_appraise_signature() real (include/linux/ima.h); unset in Debian. */
  INTEGRITY_TRUSTED_KEYRING: boolean;
  IMA_ARCH_POLICY: boolean;
  HIBERNATION: boolean;
  /** ECDSA keys can be loaded and checked (crypto/ecdsa.c); without it they fail with -ENOENT. */
  CRYPTO_ECDSA: boolean;
  ACPI_TABLE_UPGRADE: boolean;
  /** efivar_ssdt= (drivers/firmware/efi/efi.c). */
  EFI_CUSTOM_SSDT_OVERLAYS: boolean;
  /** /dev/efi_test (drivers/firmware/efi/test/); not set by Debian. */
  EFI_TEST: boolean;
  DEVPORT: boolean;
  X86_IOPL_IOPERM: boolean;
  KPROBE_EVENTS: boolean;
  MMIOTRACE: boolean;
  BPF_SYSCALL: boolean;
  XFRM_USER: boolean;
  PROC_KCORE: boolean;
  DEBUG_FS: boolean;
  TRACING: boolean;
  /** Debian: "ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE" is selected on x86. */
  ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE: boolean;
}

/**
 * Debian's amd64 configuration, as far as these call sites read it (same for both series; checked
 * against /boot/config-6.1.0-56-amd64 and /boot/config-6.12.117+deb12-amd64 of the packages).
 */
export const DEBIAN_KERNEL_CONFIG: Readonly<KernelConfig> = {
  ...DEBIAN_LOCKDOWN_CONFIG,
  MODULES: true,
  MODULE_SIG: true,
  MODULE_SIG_FORCE: false,
  MODULE_DECOMPRESS: true,
  KEXEC: true,
  KEXEC_FILE: true,
  KEXEC_SIG: true,
  KEXEC_SIG_FORCE: false,
  KEXEC_BZIMAGE_VERIFY_SIG: true,
  SECONDARY_TRUSTED_KEYRING: true,
  INTEGRITY_PLATFORM_KEYRING: true,
  INTEGRITY_MACHINE_KEYRING: true,
  IMA: true,
  IMA_APPRAISE: true,
  INTEGRITY_TRUSTED_KEYRING: false,
  IMA_ARCH_POLICY: true,
  HIBERNATION: true,
  CRYPTO_ECDSA: true,
  ACPI_TABLE_UPGRADE: true,
  EFI_CUSTOM_SSDT_OVERLAYS: true,
  EFI_TEST: false,
  DEVPORT: true,
  X86_IOPL_IOPERM: true,
  KPROBE_EVENTS: true,
  MMIOTRACE: true,
  BPF_SYSCALL: true,
  XFRM_USER: true,
  PROC_KCORE: true,
  DEBUG_FS: true,
  TRACING: true,
  ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE: true,
};

/**
 * Per-series differences of Debian's configuration: 6.12 ships xz-compressed
 * modules and decompresses MODULE_INIT_COMPRESSED_FILE in the kernel; 6.1 ships
 * plain .ko files without CONFIG_MODULE_DECOMPRESS, and is built without
 * CONFIG_CRYPTO_ECDSA (the real kernel refuses ECDSA certificates: add_key
 * -ENOENT, tools/kernel-oracle). 6.12's CONFIG_LSM adds ipe
 * (/boot/config-6.12.117+deb12-amd64).
 */
export const VERSION_CONFIG: Readonly<Record<KernelVersion, Partial<KernelConfig>>> = {
  "6.1": { MODULE_DECOMPRESS: false, CRYPTO_ECDSA: false },
  "6.12": {
    MODULE_DECOMPRESS: true,
    LSM: "landlock,lockdown,yama,loadpin,safesetid,integrity,apparmor,selinux,smack,tomoyo,bpf,ipe",
  },
};

/** What differs between the two series at the simulated call sites. */
export interface VersionProfile {
  version: KernelVersion;
  /**
   * init/main.c start_kernel(): 6.1 calls early_security_init() before
   * setup_arch(); 6.12 calls it after, so checks made inside setup_arch()
   * (acpi_table_upgrade(), acpi_rsdp=) find no hook and pass.
   */
  earlySecurityBeforeSetupArch: boolean;
  /**
   * kernel/bpf/verifier.c: the verifier's line for a helper whose prototype
   * lookup returned NULL. 6.1 check_helper_call(): "unknown func %s#%d";
   * 6.12 check_helper_call() via get_helper_proto(): "program of this type
   * cannot use helper %s#%d".
   */
  bpfUnknownHelper: (name: string, id: number) => string;
  /**
   * How many times the verifier asks a helper's prototype before rejecting a
   * program whose helper is refused: 6.1 only check_helper_call(); 6.12 also
   * mark_fastcall_pattern_for_call() from mark_fastcall_patterns(), which runs
   * before do_check().
   */
  bpfProtoLookupsOnReject: number;
  /** ... and for an accepted helper (adds do_misc_fixups()). */
  bpfProtoLookupsOnAccept: number;
  /** include/linux/kexec.h KEXEC_FILE_FLAGS: 6.12 adds KEXEC_FILE_DEBUG (0x8). */
  kexecFileFlags: number;
  /**
   * kernel/kexec_file.c kexec_file_load(): 6.1 prints "Loading segment %d: ..." with
   * pr_debug() (dyndbg); 6.12 prints "segment[%d]: ..." with kexec_dprintk(), i.e. only
   * for KEXEC_FILE_DEBUG.
   */
  kexecSegmentsPrDebug: boolean;
}

export const PROFILES: Readonly<Record<KernelVersion, VersionProfile>> = {
  "6.1": {
    version: "6.1",
    earlySecurityBeforeSetupArch: true,
    bpfUnknownHelper: (name, id) => `unknown func ${name}#${id}`,
    bpfProtoLookupsOnReject: 1,
    bpfProtoLookupsOnAccept: 2,
    kexecFileFlags: 0x7,
    kexecSegmentsPrDebug: true,
  },
  "6.12": {
    version: "6.12",
    earlySecurityBeforeSetupArch: false,
    bpfUnknownHelper: (name, id) => `program of this type cannot use helper ${name}#${id}`,
    bpfProtoLookupsOnReject: 2,
    bpfProtoLookupsOnAccept: 3,
    kexecFileFlags: 0xf,
    kexecSegmentsPrDebug: false,
  },
};

/** The choice names accepted for LOCK_DOWN_KERNEL_FORCE. */
const FORCE_CHOICES: Record<string, "none" | "integrity" | "confidentiality"> = {
  LOCK_DOWN_KERNEL_FORCE_NONE: "none",
  LOCK_DOWN_KERNEL_FORCE_INTEGRITY: "integrity",
  LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY: "confidentiality",
};

/**
 * Applies a scenario's `config` overrides. Unknown symbols and wrong types are
 * errors (a scenario must not silently test something else).
 */
export function applyConfig(
  overrides: Record<string, unknown>,
  where = "config",
  version: KernelVersion = "6.1",
): KernelConfig {
  const cfg: KernelConfig = { ...DEBIAN_KERNEL_CONFIG, ...VERSION_CONFIG[version] };
  const rec = cfg as unknown as Record<string, unknown>;
  for (const [rawKey, value] of Object.entries(overrides)) {
    const key = rawKey.replace(/^CONFIG_/, "");
    if (key in FORCE_CHOICES) {
      if (typeof value !== "boolean") throw new UsageError(`${where}.${rawKey}: must be a boolean`);
      if (value) cfg.LOCK_DOWN_KERNEL_FORCE = FORCE_CHOICES[key]!;
      continue;
    }
    if (key === "LOCK_DOWN_KERNEL_FORCE") {
      if (typeof value !== "string" || !isLevel(value))
        throw new UsageError(`${where}.${rawKey}: must be "none", "integrity" or "confidentiality"`);
      cfg.LOCK_DOWN_KERNEL_FORCE = value;
      continue;
    }
    if (!(key in rec)) throw new UsageError(`${where}.${rawKey}: unknown Kconfig symbol`);
    const cur = rec[key];
    if (typeof cur !== typeof value)
      throw new UsageError(
        `${where}.${rawKey}: must be a ${typeof cur === "boolean" ? "boolean" : "string"}`,
      );
    rec[key] = value;
  }
  // Kconfig selects: LOCK_DOWN_IN_EFI_SECURE_BOOT selects the early LSM;
  // SECURITY_LOCKDOWN_LSM selects MODULE_SIG.
  if (cfg.SECURITY_LOCKDOWN_LSM && cfg.MODULES) cfg.MODULE_SIG = true;
  return cfg;
}

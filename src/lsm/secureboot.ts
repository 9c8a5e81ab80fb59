// How Secure Boot reaches lockdown (Debian's patches "efi: Add an
// EFI_SECURE_BOOT flag to indicate secure boot mode" and "efi: Lock down the
// kernel if booted in secure boot mode").

/** enum efi_secureboot_mode (include/linux/efi.h). */
export type SecureBootMode = "unset" | "unknown" | "disabled" | "enabled";
export const SECURE_BOOT_MODE_VALUE: Record<SecureBootMode, number> = {
  unset: 0,
  unknown: 1,
  disabled: 2,
  enabled: 3,
};

/** An EFI variable as the stub reads it; `undefined` = EFI_NOT_FOUND, "error" = any other failure. */
export type EfiVar = { value: number; nonVolatile?: boolean } | "error" | undefined;

export interface EfiVariables {
  SecureBoot?: EfiVar;
  SetupMode?: EfiVar;
  /** shim's MokSBStateRT (shim-lock GUID); volatile unless nonVolatile is set. */
  MokSBStateRT?: EfiVar;
}

/**
 * drivers/firmware/efi/libstub/secureboot.c efi_get_secureboot() on top of
 * include/linux/efi.h efi_get_secureboot_mode(). `messages` are the stub's
 * own lines ("Could not determine UEFI Secure Boot status.", ...).
 */
export function efiGetSecureBoot(vars: EfiVariables): { mode: SecureBootMode; messages: string[] } {
  const sb = vars.SecureBoot;
  let mode: SecureBootMode;
  if (sb === undefined) mode = "disabled";
  else if (sb === "error") mode = "unknown";
  else {
    const setup = vars.SetupMode;
    const setupmode = setup === undefined || setup === "error" ? 0 : setup.value;
    mode = sb.value === 0 || setupmode === 1 ? "disabled" : "enabled";
  }
  if (mode === "unknown") return { mode, messages: ["Could not determine UEFI Secure Boot status."] };
  if (mode !== "enabled") return { mode, messages: [] };
  const mok = vars.MokSBStateRT;
  if (mok !== undefined && mok !== "error" && !mok.nonVolatile && mok.value === 1)
    return { mode: "disabled", messages: [] };
  return { mode: "enabled", messages: ["UEFI Secure Boot is enabled."] };
}

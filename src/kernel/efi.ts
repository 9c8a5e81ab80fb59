// drivers/firmware/efi/test/efi_test.c efi_test_open(): security_locked_down(
// LOCKDOWN_EFI_TEST) before the CAP_SYS_ADMIN check. The device exists only
// with CONFIG_EFI_TEST (not set by Debian) on an EFI boot.
import type { Kernel } from "./kernel.js";

export function installEfiTest(k: Kernel): void {
  if (!k.config.EFI_TEST || !k.secureBoot) return;
  k.vfs.add("/dev/efi_test", {
    mode: 0o600,
    open: (kk) => kk.lockedDown("LOCKDOWN_EFI_TEST"),
    ioctl: () => ({ ret: 0 }),
  });
}

// The system keyrings as the boot log shows them being filled:
// certs/system_keyring.c load_system_certificate_list() (.builtin_trusted_keys)
// and security/integrity/platform_certs/load_uefi.c load_uefi_certs() (UEFI db
// into .platform, shim's MokListRT into .machine; only under Secure Boot, a
// Debian patch). The keyrings themselves are src/verify's (verifier.ts).
import type { Kernel } from "./kernel.js";

export function loadCertificates(k: Kernel): void {
  const d = k.checker?.keyDescriptions?.();
  if (!d) return;
  k.printk("Loading compiled-in X.509 certificates", "notice");
  for (const x of d.builtin ?? []) k.printk(`Loaded X.509 cert '${x}'`, "notice");
  for (const x of d.problems ?? []) k.printk(x, "err");
  if (!k.secureBoot) return;
  if (d.platform?.length) {
    k.printk("integrity: Loading X.509 certificate: UEFI:db", "info");
    for (const x of d.platform) k.printk(`integrity: Loaded X.509 cert '${x}'`, "notice");
  }
  if (d.machine?.length) {
    k.printk("integrity: Loading X.509 certificate: UEFI:MokListRT (MOKvar table)", "info");
    for (const x of d.machine) k.printk(`integrity: Loaded X.509 cert '${x}'`, "notice");
  }
}

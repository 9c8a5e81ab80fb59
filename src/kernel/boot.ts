// init/main.c start_kernel() and the initcalls, as far as lockdown is
// concerned, in each version's order. The comm of boot-time checks follows the
// kernel: "swapper" until sched_init() renames the boot task "swapper/0"
// (init_idle()); initcalls run in kernel_init, which inherits that name.
import { acpiRsdp, acpiTableUpgrade, efivarSsdtSetup, installAcpi } from "./acpi.js";
import { installDebugfs } from "./debugfs.js";
import { installDevmem } from "./devmem.js";
import { installEfiTest } from "./efi.js";
import { installHibernation, softwareResume } from "./hibernate.js";
import { installKcore } from "./kcore.js";
import type { Kernel } from "./kernel.js";
import { loadCertificates } from "./keyrings.js";
import { lsmInit } from "./lsm-order.js";
import { installModuleParams } from "./modules.js";
import { installPci } from "./pci.js";
import { installSecurityfs } from "./securityfs.js";
import { tracingBootInit } from "./tracefs.js";
import { installTty } from "./tty.js";

export function startKernel(k: Kernel): void {
  const b = k.lsmBoot;
  k.comm = "swapper";
  // 6.1: early_security_init() before setup_arch(); 6.12: after it.
  if (k.profile.earlySecurityBeforeSetupArch) b.earlySecurityInit();
  // setup_arch(): parse_early_param(), efi_set_secure_boot(), acpi_table_upgrade()
  b.parseEarlyParam();
  b.efiSetSecureBoot(k.secureBoot, k.secureBoot ? "enabled" : "disabled");
  acpiTableUpgrade(k);
  // acpi_boot_table_init() -> acpi_os_get_root_pointer()
  acpiRsdp(k);
  if (!k.profile.earlySecurityBeforeSetupArch) b.earlySecurityInit();
  // parse_args("Booting kernel"): __setup handlers
  efivarSsdtSetup(k);
  // early_trace_init() -> tracer_alloc_buffers(), still before sched_init()
  tracingBootInit(k, "early");
  // sched_init() -> init_idle(): the boot task becomes swapper/0
  k.comm = "swapper/0";
  // security_init() -> ordered_lsm_init(): lsm= supersedes security=; lsm_names is fixed here
  const lsms = lsmInit(k.version, k.config, k.cmdline);
  if (lsms.ignoredLine) k.printk(lsms.ignoredLine.text, lsms.ignoredLine.level);
  b.securityInit();
  // initcalls, level by level (simulated time passes as a TCG guest's would)
  k.clock.advance(500);
  tracingBootInit(k, "core");
  installSecurityfs(k, lsms.names);
  k.clock.advance(300);
  tracingBootInit(k, "fs");
  installDebugfs(k);
  k.clock.advance(300);
  installDevmem(k);
  installTty(k);
  installPci(k);
  installAcpi(k);
  installHibernation(k);
  installKcore(k);
  installEfiTest(k);
  installModuleParams(k);
  tracingBootInit(k, "device");
  k.clock.advance(700);
  tracingBootInit(k, "late");
  loadCertificates(k);
  k.ima.init();
  // late_initcall_sync: software_resume() (6.1) / software_resume_initcall() (6.12)
  softwareResume(k);
  k.clock.advance(200);
}

// What a user would type, mapped to the reason that governs it and what the
// kernel does when it is denied (LOCKDOWN-SPEC §4). Effects and remedies are
// data here; reason names are looked up in reasons.ts, never restated.
import type { LockdownReason } from "./reasons.js";

export interface Operation {
  /** Words a user types: an interface, a syscall, a tool, a file. Lowercase. */
  words: readonly string[];
  reason: LockdownReason;
  /** The kernel function that asks security_locked_down(). */
  callSite: string;
  /** Exactly what the caller sees when denied. */
  effect: string;
  /** What still works, or how to do it the lockdown-compatible way. */
  remedy?: string;
  /** Only in some versions, or version differences. */
  versions?: string;
}

export const OPERATIONS: readonly Operation[] = [
  {
    words: ["insmod", "modprobe", "init_module", "finit_module", "module", "unsigned module", ".ko", "dkms"],
    reason: "LOCKDOWN_MODULE_SIGNATURE",
    callSite: "kernel/module/signing.c: module_sig_check()",
    effect:
      "init_module()/finit_module() fail with EPERM for an unsigned module (-ENODATA), unsupported crypto (-ENOPKG) or an unknown key (-ENOKEY) when sig_enforce is off; with sig_enforce on (MODULE_SIG_FORCE, module.sig_enforce=1, or IMA's arch policy under Secure Boot) the error is EKEYREJECTED and lockdown is not asked. A bad or blacklisted signature is EKEYREJECTED/EBADMSG at every level.",
    remedy:
      "Sign the module with a key the kernel trusts (builtin, secondary or MOK via the .machine keyring; Debian also falls back to .platform): scripts/sign-file sha256 key.pem cert.der module.ko; for DKMS enrol the DKMS MOK with mokutil --import. `modprobe --force` strips the signature check and always counts as unsigned.",
  },
  {
    words: ["/dev/mem", "/dev/port", "/dev/kmem", "devmem", "devmem2", "flashrom", "dmidecode --no-sysfs"],
    reason: "LOCKDOWN_DEV_MEM",
    callSite: "drivers/char/mem.c: open_port()",
    effect:
      "open() of /dev/mem or /dev/port fails with EPERM (any access mode; CAP_SYS_RAWIO is checked first, without it EPERM and no log line). /dev/kmem no longer exists in these kernels.",
    remedy:
      "Use the driver interfaces instead: /sys/firmware/dmi/tables for dmidecode (its default), flashrom's internal programmer needs /dev/mem and will not work; use an external programmer or the vendor's signed update path (fwupd/capsules).",
    versions: "6.12 also skips creating Intel TPMI debugfs files (drivers/platform/x86/intel/tpmi.c).",
  },
  {
    words: ["/dev/efi_test", "efi_test"],
    reason: "LOCKDOWN_EFI_TEST",
    callSite: "drivers/firmware/efi/test/efi_test.c: efi_test_open()",
    effect:
      "open() of /dev/efi_test fails with EPERM (lockdown is asked before CAP_SYS_ADMIN, whose absence gives EACCES).",
    remedy: "Use efivarfs (/sys/firmware/efi/efivars) for variable access.",
  },
  {
    words: ["kexec", "kexec_load", "kexec -l", "kexec_file_load", "kexec -s", "kdump", "crash kernel"],
    reason: "LOCKDOWN_KEXEC",
    callSite: "kernel/kexec.c: kexec_load_check(); kernel/kexec_file.c: kimage_validate_signature()",
    effect:
      "kexec_load() always fails with EPERM (after the CAP_SYS_BOOT check; on Secure Boot systems IMA answers EACCES first: 'impossible to appraise a kernel image without a file descriptor'). kexec_file_load() fails with EPERM when the image's PE signature does not verify against the builtin/secondary/machine or platform keyrings (with kexec signature enforcement on, the verification errno itself, e.g. ENODATA or EKEYREJECTED).",
    remedy:
      'Use kexec_file_load (kexec -s / kexec --kexec-file-syscall; kdump-tools: KDUMP_KEXEC_ARGS="-s") with a kernel image signed by a trusted key (Debian\'s signed vmlinuz is).',
  },
  {
    words: [
      "hibernate",
      "hibernation",
      "suspend to disk",
      "/sys/power/disk",
      "/sys/power/state",
      "/dev/snapshot",
      "resume=",
      "systemctl hibernate",
    ],
    reason: "LOCKDOWN_HIBERNATION",
    callSite: "kernel/power/hibernate.c: hibernation_available()",
    effect:
      "Writing 'disk' to /sys/power/state fails with EPERM and 'disk' is missing when it is read; /sys/power/disk reads exactly '[disabled]' and writes fail with EPERM; open of /dev/snapshot fails with EPERM; resume from a hibernation image is skipped silently at boot. Merely reading /sys/power/state or /sys/power/disk logs the 'hibernation is restricted' line.",
    remedy: "Use suspend to RAM (mem/freeze). There is no signed-image hibernation in these kernels.",
    versions:
      "Writing /sys/power/resume: 6.1 records the device but software_resume() returns at once; 6.12 ignores the write and returns the byte count.",
  },
  {
    words: [
      "pci",
      "setpci",
      "/sys/bus/pci",
      "config space",
      "pci bar",
      "resource0",
      "/proc/bus/pci",
      "pciconfig_write",
      "cxl",
    ],
    reason: "LOCKDOWN_PCI_ACCESS",
    callSite:
      "drivers/pci/pci-sysfs.c: pci_write_config(), pci_mmap_resource(), pci_write_resource_io(); drivers/pci/proc.c",
    effect:
      "Writes to /sys/bus/pci/devices/*/config, mmap() of resourceN files, writes to I/O BAR resource files, writes/mmap()/any ioctl on /proc/bus/pci/*, and the pciconfig_write() syscall fail with EPERM; CXL raw mailbox commands are refused. Config-space reads (lspci, setpci reads) still work.",
    remedy: "Read-only PCI inspection (lspci -vvv) keeps working; write access needs a kernel driver.",
    versions:
      "6.12: amdgpu also skips its register-access debugfs nodes ('amdgpu: HW debugfs nodes disabled (kernel lockdown)').",
  },
  {
    words: ["ioperm", "iopl", "outb", "inb", "kdenabio", "i/o port", "io port", "x server ioports"],
    reason: "LOCKDOWN_IOPORT",
    callSite:
      "arch/x86/kernel/ioport.c: ksys_ioperm(), sys_iopl(); drivers/tty/vt/vt_ioctl.c KDENABIO via ksys_ioperm",
    effect:
      "ioperm(from, num, 1) and raising iopl() fail with EPERM (range errors are EINVAL first; dropping permissions and iopl of the same or a lower level still work); KDENABIO and KDADDIO on a virtual console fail with ENXIO (drivers/tty/vt/vt_ioctl.c turns the refused ksys_ioperm() into -ENXIO), with the same log line.",
    remedy:
      "Use a kernel driver for the device (e.g. i2c-dev, hwmon, the sensors' own drivers) instead of raw port I/O.",
  },
  {
    words: [
      "msr",
      "wrmsr",
      "/dev/cpu/0/msr",
      "x86_energy_perf_policy",
      "undervolt",
      "intel-undervolt",
      "throttled",
      "rdmsr",
    ],
    reason: "LOCKDOWN_MSR",
    callSite: "arch/x86/kernel/msr.c: msr_write(), msr_ioctl()",
    effect:
      "write()/pwrite() to /dev/cpu/N/msr and the X86_IOC_WRMSR_REGS ioctl fail with EPERM (before the 8-byte check). MSR reads (rdmsr, X86_IOC_RDMSR_REGS) are never restricted, even at confidentiality.",
    remedy:
      "Use the kernel's own interfaces: intel_pstate/cpufreq sysfs for EPP (x86_energy_perf_policy can use /sys/devices/system/cpu/cpu*/cpufreq/energy_performance_preference), powercap/RAPL sysfs for power limits. Undervolting through MSR 0x150 has no lockdown-compatible path.",
  },
  {
    words: [
      "acpi table",
      "acpi override",
      "acpi_rsdp",
      "ssdt",
      "initrd acpi",
      "custom_method",
      "efivar_ssdt",
      "acpi configfs",
      "dsdt",
    ],
    reason: "LOCKDOWN_ACPI_TABLES",
    callSite:
      "drivers/acpi/tables.c: acpi_table_upgrade(); drivers/acpi/osl.c; drivers/acpi/acpi_configfs.c; drivers/firmware/efi/efi.c",
    effect:
      "ACPI tables in the initrd (kernel/firmware/acpi/) are dropped with 'ACPI: kernel is locked down, ignoring table override'; acpi_rsdp= and efivar_ssdt= are ignored silently; writes to configfs acpi/table/*/aml fail with EPERM. Boot-time checks only apply when lockdown is early (Debian) or set by Secure Boot.",
    remedy: "Fix the firmware (BIOS update) or carry the fix as a kernel patch in a signed kernel.",
    versions:
      "6.1 also gates debugfs acpi/custom_method (the debugfs open check fires first); the file is gone in 6.12.",
  },
  {
    words: ["device tree", "/proc/powerpc/ofdt", "ofdt"],
    reason: "LOCKDOWN_DEVICE_TREE",
    callSite: "arch/powerpc/platforms/pseries/reconfig.c: ofdt_write()",
    effect: "powerpc pseries only: writes to /proc/powerpc/ofdt fail with EPERM.",
  },
  {
    words: ["pcmcia", "cis", "pccard"],
    reason: "LOCKDOWN_PCMCIA_CIS",
    callSite: "drivers/pcmcia/cistpl.c: pccard_store_cis()",
    effect: "Writing a socket's sysfs 'cis' file (CIS override) fails with EPERM.",
  },
  {
    words: ["tiocsserial", "setserial", "serial port", "/dev/ttys0"],
    reason: "LOCKDOWN_TIOCSSERIAL",
    callSite: "drivers/tty/serial/serial_core.c: uart_set_info()",
    effect:
      "TIOCSSERIAL that changes the port's I/O base, iomem base, hub6, io type, register shift, UART type or IRQ fails with EPERM; other changes (baud_base, flags like low_latency, closing_wait) still work.",
    remedy:
      "Describe the port in firmware (ACPI/PNP) or with the 8250 driver's own options in a signed kernel build.",
  },
  {
    words: [
      "module parameter",
      "hardware parameter",
      "modprobe.d",
      "io=",
      "irq=",
      "/sys/module",
      "module_param_hw",
      "slram",
    ],
    reason: "LOCKDOWN_MODULE_PARAMETERS",
    callSite: "kernel/params.c: param_check_unsafe()",
    effect:
      "Setting a parameter declared with module_param_hw*() (ioport, iomem, irq, dma, ...) fails: at module load the load fails with EPERM after '<module>: `<value>' invalid for parameter `<name>''; on the kernel command line it is ignored; writes to /sys/module/<m>/parameters/<p> fail with EPERM. Ordinary parameters are not affected.",
    remedy:
      "Let the driver probe the hardware (ACPI/PnP/PCI enumeration) instead of forcing I/O ports or IRQs.",
  },
  {
    words: ["mmiotrace", "testmmiotrace"],
    reason: "LOCKDOWN_MMIOTRACE",
    callSite: "arch/x86/mm/testmmiotrace.c: init()",
    effect: "Loading the testmmiotrace module fails with EPERM.",
  },
  {
    words: ["debugfs", "/sys/kernel/debug", "mount -t debugfs"],
    reason: "LOCKDOWN_DEBUGFS",
    callSite: "fs/debugfs/file.c: debugfs_locked_down(); fs/debugfs/inode.c: debugfs_setattr()",
    effect:
      "open() of a debugfs file fails with EPERM unless it is 'safe': no permission bits beyond read (mode & 07777 & ~0444 == 0), not opened for writing, and no ioctl or mmap; chmod/chown on debugfs entries fail with EPERM. Mounting and listing still work; safe read-only files stay readable even at confidentiality.",
    remedy: "Use the stable sysfs/procfs/tracefs interfaces the debugfs file mirrors.",
  },
  {
    words: ["xmon"],
    reason: "LOCKDOWN_XMON_WR",
    callSite: "arch/powerpc/xmon/xmon.c: xmon_is_locked_down()",
    effect: "powerpc: xmon is forced read-only ('xmon: Read-only due to kernel lockdown').",
  },
  {
    words: ["bpf_probe_write_user", "probe_write_user"],
    reason: "LOCKDOWN_BPF_WRITE_USER",
    callSite: "kernel/trace/bpf_trace.c: bpf_tracing_func_proto()",
    effect:
      "Loading a tracing BPF program that calls bpf_probe_write_user fails with EINVAL: the helper's prototype is hidden, so the verifier rejects the call ('unknown func bpf_probe_write_user#36' in 6.1, 'program of this type cannot use helper bpf_probe_write_user#36' in 6.12). Other BPF programs load normally.",
    versions:
      "kernel/bpf/verifier.c check_helper_call(): the refusal's wording changed between 6.1 and 6.12.",
  },
  {
    words: ["kgdb", "kdb write", "gdb stub"],
    reason: "LOCKDOWN_DBG_WRITE_KERNEL",
    callSite:
      "kernel/debug/debug_core.c: kgdb_cpu_enter(); kernel/debug/kdb/kdb_main.c: kdb_check_for_lockdown()",
    effect:
      "The kgdb gdb stub is refused (falls back to kdb if built); kdb's memory-write, register-write and flow-control commands are disabled.",
  },
  {
    words: ["rtas", "errinjct", "rtas error injection"],
    reason: "LOCKDOWN_RTAS_ERROR_INJECTION",
    callSite: "arch/powerpc/kernel/rtas.c: rtas_call(), sys_rtas()",
    effect:
      "powerpc: the rtas() syscall with ibm,open-errinjct / ibm,errinjct fails with EPERM; in-kernel calls get RTAS status -1.",
  },
  {
    words: ["xen", "privcmd", "privcmd.unrestricted"],
    reason: "LOCKDOWN_XEN_USER_ACTIONS",
    callSite: "drivers/xen/privcmd.c: restrict_driver()",
    effect:
      "In a Xen domU, privcmd.unrestricted=1 is ignored with 'xen:privcmd: Kernel is locked down, parameter \"unrestricted\" ignored' and the driver stays restricted.",
    versions: "Arrived by stable update (6.1.167 / 6.12.78).",
  },
  {
    words: ["/proc/kcore", "kcore", "crash", "gdb vmlinux /proc/kcore", "drgn"],
    reason: "LOCKDOWN_KCORE",
    callSite: "fs/proc/kcore.c: open_kcore()",
    effect:
      "open() of /proc/kcore fails with EPERM; lockdown is asked before CAP_SYS_RAWIO, so even unprivileged attempts log the line.",
    remedy:
      "Live kernel debugging with drgn/crash on /proc/kcore is impossible at confidentiality; use kdump (signed crash kernel via kexec -s) and analyse the vmcore.",
  },
  {
    words: ["kprobe", "kprobes", "kprobe_events", "perf probe", "fprobe", "dynamic_events"],
    reason: "LOCKDOWN_KPROBES",
    callSite: "kernel/trace/trace_kprobe.c: __register_trace_kprobe()",
    effect:
      "Creating kprobe events fails with EPERM: perf_event_open() with the kprobe PMU (perf probe, BPF kprobe attach) logs 'use of kprobes'; through tracefs kprobe_events or dynamic_events the open of the file is refused first ('use of tracefs'); kprobe_event= at boot is ignored.",
    versions: "6.12 also gates fprobe events (kernel/trace/trace_fprobe.c: __register_trace_fprobe).",
  },
  {
    words: [
      "bpf_probe_read_kernel",
      "bpf_probe_read",
      "bpftrace",
      "bcc",
      "ebpf tracing",
      "probe_read_kernel",
    ],
    reason: "LOCKDOWN_BPF_READ_KERNEL",
    callSite:
      "kernel/trace/bpf_trace.c: bpf_tracing_func_proto(); kernel/bpf/helpers.c: bpf_base_func_proto()",
    effect:
      "Loading a BPF program that calls bpf_probe_read_kernel(_str), or on x86 bpf_probe_read(_str), fails with EINVAL from the verifier: 'unknown func bpf_probe_read_kernel#113' in 6.1, 'program of this type cannot use helper bpf_probe_read_kernel#113' in 6.12 (#115 for _str, #4 / #45 for the old helpers). bpf_probe_read_user and BTF-based access keep working.",
    versions:
      "kernel/bpf/verifier.c check_helper_call(): the refusal's wording changed between 6.1 and 6.12.",
    remedy:
      "Most bpftrace/bcc tools read kernel memory and stop working at confidentiality; integrity leaves them working.",
  },
  {
    words: ["kdb", "kdb read"],
    reason: "LOCKDOWN_DBG_READ_KERNEL",
    callSite: "kernel/debug/kdb/kdb_main.c: kdb_check_for_lockdown()",
    effect:
      "kdb's memory-read and register-read commands are disabled (backtraces, lsmod, signals and reboot stay).",
  },
  {
    words: [
      "perf",
      "perf_event_open",
      "perf record --intr-regs",
      "perf_sample_regs_intr",
      "sample_regs_intr",
    ],
    reason: "LOCKDOWN_PERF",
    callSite: "kernel/events/core.c: perf_event_open()",
    effect:
      "perf_event_open() with PERF_SAMPLE_REGS_INTR in sample_type fails with EPERM (perf record --intr-regs). Everything else in perf is governed by perf_event_paranoid, not lockdown.",
  },
  {
    words: [
      "tracefs",
      "ftrace",
      "/sys/kernel/tracing",
      "/sys/kernel/debug/tracing",
      "trace-cmd",
      "trace_pipe",
      "current_tracer",
    ],
    reason: "LOCKDOWN_TRACEFS",
    callSite:
      "kernel/trace/trace.c: tracing_check_open_get_tr() and most tracefs open handlers; fs/tracefs/inode.c",
    effect:
      "Raised at runtime: opens of tracefs files fail with EPERM. Set at boot: tracing is not set up at all ('Tracing disabled due to lockdown'): buffers are not allocated and tracefs files are not created, so they are missing (ENOENT).",
    versions: "6.12 also gates eventfs creation and available_filter_functions_addrs.",
  },
  {
    words: ["xmon rw"],
    reason: "LOCKDOWN_XMON_RW",
    callSite: "arch/powerpc/xmon/xmon.c: xmon_is_locked_down()",
    effect: "powerpc: xmon is disabled ('xmon: Disabled due to kernel lockdown'), breakpoints cleared.",
  },
  {
    words: ["xfrm", "ipsec", "ip xfrm state", "sa key", "xfrm_getsa", "strongswan", "libreswan"],
    reason: "LOCKDOWN_XFRM_SECRET",
    callSite: "net/xfrm/xfrm_user.c: xfrm_redact()",
    effect:
      "XFRM netlink dumps and gets return SA keys as zeros (algorithm names and key lengths unchanged, no error): `ip xfrm state` shows zeroed keys.",
    remedy: "IKE daemons keep working (they know their keys); only reading keys back from the kernel stops.",
  },
];

/** Operations that name a given reason. */
export function operationsFor(reason: LockdownReason): Operation[] {
  return OPERATIONS.filter((o) => o.reason === reason);
}

/** Things users expect lockdown to stop but it does not (a false alarm is a defect too). */
export const UNRESTRICTED: readonly { words: readonly string[]; note: string }[] = [
  {
    words: ["rdmsr", "msr read", "x86_ioc_rdmsr_regs", "turbostat"],
    note: "MSR reads (read()/pread() of /dev/cpu/N/msr, X86_IOC_RDMSR_REGS) are never gated by lockdown, even at confidentiality; only writes are (LOCKDOWN_MSR).",
  },
  {
    words: ["lspci", "pci config read"],
    note: "PCI config-space reads are not gated; only writes, BAR mmap and /proc/bus/pci ioctls are (LOCKDOWN_PCI_ACCESS).",
  },
  {
    words: ["bpf_probe_read_user", "uprobe", "uprobes"],
    note: "bpf_probe_read_user(_str) is not gated; uprobes are only affected through tracefs opens at confidentiality (LOCKDOWN_TRACEFS).",
  },
  {
    words: ["kexec unload", "kexec -u"],
    note: "kexec_file_load with KEXEC_FILE_UNLOAD is allowed under lockdown (kexec_load's unload is not: LOCKDOWN_KEXEC applies to every kexec_load call).",
  },
  {
    words: ["sysrq", "lift lockdown"],
    note: "Nothing lowers the lockdown level in these kernels: Debian dropped its SysRq 'lift lockdown' patch in 5.5; only a reboot (without lockdown= / with shim validation disabled) does.",
  },
];

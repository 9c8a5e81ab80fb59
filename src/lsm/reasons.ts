// Every member of enum lockdown_reason (include/linux/security.h) with its
// lockdown_reasons[] description (security/security.c), as in Debian's 6.1.192
// and 6.12.117 trees. Values are per version: the enum is internal, not ABI,
// and has shifted before (LOCKDOWN_XEN_USER_ACTIONS arrived by stable update).
import type { Level } from "./levels.js";
import type { KernelVersion } from "./versions.js";

export type LockdownReason =
  | "LOCKDOWN_NONE"
  | "LOCKDOWN_MODULE_SIGNATURE"
  | "LOCKDOWN_DEV_MEM"
  | "LOCKDOWN_EFI_TEST"
  | "LOCKDOWN_KEXEC"
  | "LOCKDOWN_HIBERNATION"
  | "LOCKDOWN_PCI_ACCESS"
  | "LOCKDOWN_IOPORT"
  | "LOCKDOWN_MSR"
  | "LOCKDOWN_ACPI_TABLES"
  | "LOCKDOWN_DEVICE_TREE"
  | "LOCKDOWN_PCMCIA_CIS"
  | "LOCKDOWN_TIOCSSERIAL"
  | "LOCKDOWN_MODULE_PARAMETERS"
  | "LOCKDOWN_MMIOTRACE"
  | "LOCKDOWN_DEBUGFS"
  | "LOCKDOWN_XMON_WR"
  | "LOCKDOWN_BPF_WRITE_USER"
  | "LOCKDOWN_DBG_WRITE_KERNEL"
  | "LOCKDOWN_RTAS_ERROR_INJECTION"
  | "LOCKDOWN_XEN_USER_ACTIONS"
  | "LOCKDOWN_INTEGRITY_MAX"
  | "LOCKDOWN_KCORE"
  | "LOCKDOWN_KPROBES"
  | "LOCKDOWN_BPF_READ_KERNEL"
  | "LOCKDOWN_DBG_READ_KERNEL"
  | "LOCKDOWN_PERF"
  | "LOCKDOWN_TRACEFS"
  | "LOCKDOWN_XMON_RW"
  | "LOCKDOWN_XFRM_SECRET"
  | "LOCKDOWN_CONFIDENTIALITY_MAX";

export interface ReasonInfo {
  reason: LockdownReason;
  /** lockdown_reasons[reason], exact: the text of "Lockdown: comm: <description> is restricted". */
  description: string;
  /** The lowest level that denies it; null for the three level markers. */
  level: Level | null;
  /** enum value per kernel version; absent when the reason is not in that tree. */
  value: Partial<Record<KernelVersion, number>>;
  since: string;
  /** Kernel functions that call security_locked_down() with this reason, per version. */
  callSites: Partial<Record<KernelVersion, readonly string[]>>;
  /** What a user sees when it is denied. */
  userVisible: string;
}

const BOTH = (v: number) => ({ "6.1": v, "6.12": v });

export const REASONS: readonly ReasonInfo[] = [
  {
    reason: "LOCKDOWN_NONE",
    description: "none",
    level: null,
    value: BOTH(0),
    since: "5.4",
    callSites: {
      "6.1": [],
      "6.12": [],
    },
    userVisible:
      'level marker; security_locked_down(LOCKDOWN_NONE) is always denied ("none is restricted") but no caller passes it',
  },
  {
    reason: "LOCKDOWN_MODULE_SIGNATURE",
    description: "unsigned module loading",
    level: "integrity",
    value: BOTH(1),
    since: "5.4",
    callSites: {
      "6.1": ["kernel/module/signing.c: module_sig_check"],
      "6.12": ["kernel/module/signing.c: module_sig_check"],
    },
    userVisible:
      "init_module/finit_module fails with EPERM when the module is unsigned (-ENODATA), uses unsupported crypto (-ENOPKG) or has an unknown key (-ENOKEY) and sig_enforce is off; with sig_enforce on the error is EKEYREJECTED instead; bad/blacklisted/malformed signatures are always fatal regardless of lockdown",
  },
  {
    reason: "LOCKDOWN_DEV_MEM",
    description: "/dev/mem,kmem,port",
    level: "integrity",
    value: BOTH(2),
    since: "5.4",
    callSites: {
      "6.1": ["drivers/char/mem.c: open_port"],
      "6.12": [
        "drivers/char/mem.c: open_port",
        "drivers/platform/x86/intel/tpmi.c: tpmi probe (debugfs registration skipped)",
      ],
    },
    userVisible:
      "open() of /dev/mem or /dev/port fails with EPERM (CAP_SYS_RAWIO checked first); /dev/kmem does not exist in these trees",
  },
  {
    reason: "LOCKDOWN_EFI_TEST",
    description: "/dev/efi_test access",
    level: "integrity",
    value: BOTH(3),
    since: "5.4",
    callSites: {
      "6.1": ["drivers/firmware/efi/test/efi_test.c: efi_test_open"],
      "6.12": ["drivers/firmware/efi/test/efi_test.c: efi_test_open"],
    },
    userVisible:
      "open() of /dev/efi_test fails with EPERM (checked before CAP_SYS_ADMIN, whose absence gives EACCES)",
  },
  {
    reason: "LOCKDOWN_KEXEC",
    description: "kexec of unsigned images",
    level: "integrity",
    value: BOTH(4),
    since: "5.4",
    callSites: {
      "6.1": [
        "kernel/kexec.c: kexec_load_check",
        "kernel/kexec_file.c: kimage_validate_signature",
        "security/integrity/ima/ima_policy.c: ima_appraise_signature",
      ],
      "6.12": [
        "kernel/kexec.c: kexec_load_check",
        "kernel/kexec_file.c: kimage_validate_signature",
        "security/integrity/ima/ima_policy.c: ima_appraise_signature",
      ],
    },
    userVisible:
      "kexec_load() always fails with EPERM (after CAP_SYS_BOOT and IMA checks; IMA may answer EACCES first); kexec_file_load() fails with EPERM when the image signature does not verify, kexec sig enforcement is off and IMA is not guaranteed to appraise an IMA signature (with enforcement on, the verification error itself is returned); no check without CONFIG_KEXEC_SIG; unload via kexec_file_load allowed",
  },
  {
    reason: "LOCKDOWN_HIBERNATION",
    description: "hibernation",
    level: "integrity",
    value: BOTH(5),
    since: "5.4",
    callSites: {
      "6.1": ["kernel/power/hibernate.c: hibernation_available"],
      "6.12": ["kernel/power/hibernate.c: hibernation_available"],
    },
    userVisible:
      "hibernate (echo disk > /sys/power/state) fails EPERM; /sys/power/state omits 'disk'; /sys/power/disk reads '[disabled]' and writes fail EPERM; /dev/snapshot open EPERM; resume from hibernation image silently skipped; reading those files logs the lockdown message",
  },
  {
    reason: "LOCKDOWN_PCI_ACCESS",
    description: "direct PCI access",
    level: "integrity",
    value: BOTH(6),
    since: "5.4",
    callSites: {
      "6.1": [
        "drivers/pci/pci-sysfs.c: pci_write_config",
        "drivers/pci/pci-sysfs.c: pci_mmap_resource",
        "drivers/pci/pci-sysfs.c: pci_write_resource_io",
        "drivers/pci/proc.c: proc_bus_pci_write",
        "drivers/pci/proc.c: proc_bus_pci_ioctl",
        "drivers/pci/proc.c: proc_bus_pci_mmap",
        "drivers/pci/syscall.c: pciconfig_write",
        "drivers/cxl/core/mbox.c: cxl_mem_raw_command_allowed",
        "arch/alpha/kernel/pci-sysfs.c: pci_mmap_resource",
      ],
      "6.12": [
        "drivers/pci/pci-sysfs.c: pci_write_config",
        "drivers/pci/pci-sysfs.c: pci_mmap_resource",
        "drivers/pci/pci-sysfs.c: pci_write_resource_io",
        "drivers/pci/proc.c: proc_bus_pci_write",
        "drivers/pci/proc.c: proc_bus_pci_ioctl",
        "drivers/pci/proc.c: proc_bus_pci_mmap",
        "drivers/pci/syscall.c: pciconfig_write",
        "drivers/cxl/core/mbox.c: cxl_mem_raw_command_allowed",
        "arch/alpha/kernel/pci-sysfs.c: pci_mmap_resource",
        "drivers/gpu/drm/amd/amdgpu/amdgpu_debugfs.c: amdgpu_debugfs_regs_init (register debugfs nodes not created)",
      ],
    },
    userVisible:
      "EPERM for PCI config-space writes (sysfs config, /proc/bus/pci, pciconfig_write), BAR mmap (sysfs resourceN[_wc], procfs), sysfs I/O BAR writes, every /proc/bus/pci ioctl, and CXL raw mailbox commands; reads are not gated",
  },
  {
    reason: "LOCKDOWN_IOPORT",
    description: "raw io port access",
    level: "integrity",
    value: BOTH(7),
    since: "5.4",
    callSites: {
      "6.1": ["arch/x86/kernel/ioport.c: ksys_ioperm", "arch/x86/kernel/ioport.c: iopl (syscall)"],
      "6.12": ["arch/x86/kernel/ioport.c: ksys_ioperm", "arch/x86/kernel/ioport.c: iopl (syscall)"],
    },
    userVisible:
      "ioperm(...,turn_on=1) and iopl() raising the level fail with EPERM; dropping permissions still works",
  },
  {
    reason: "LOCKDOWN_MSR",
    description: "raw MSR access",
    level: "integrity",
    value: BOTH(8),
    since: "5.4",
    callSites: {
      "6.1": ["arch/x86/kernel/msr.c: msr_write", "arch/x86/kernel/msr.c: msr_ioctl (X86_IOC_WRMSR_REGS)"],
      "6.12": ["arch/x86/kernel/msr.c: msr_write", "arch/x86/kernel/msr.c: msr_ioctl (X86_IOC_WRMSR_REGS)"],
    },
    userVisible: "writes to /dev/cpu/N/msr and the WRMSR_REGS ioctl fail with EPERM; MSR reads are not gated",
  },
  {
    reason: "LOCKDOWN_ACPI_TABLES",
    description: "modifying ACPI tables",
    level: "integrity",
    value: BOTH(9),
    since: "5.4",
    callSites: {
      "6.1": [
        "drivers/acpi/osl.c: acpi_os_get_root_pointer",
        "drivers/acpi/tables.c: acpi_table_upgrade",
        "drivers/acpi/acpi_configfs.c: acpi_table_aml_write",
        "drivers/acpi/custom_method.c: cm_write",
        "drivers/firmware/efi/efi.c: efivar_ssdt_setup",
      ],
      "6.12": [
        "drivers/acpi/osl.c: acpi_os_get_root_pointer",
        "drivers/acpi/tables.c: acpi_table_upgrade",
        "drivers/acpi/acpi_configfs.c: acpi_table_aml_write",
        "drivers/firmware/efi/efi.c: efivar_ssdt_setup",
      ],
    },
    userVisible:
      "acpi_rsdp= boot param silently ignored; initrd ACPI table overrides dropped ('kernel is locked down, ignoring table override'); configfs SSDT aml write EPERM; debugfs custom_method write EPERM (6.1); efivar_ssdt= silently ignored; boot-time cases only enforced with the early LSM",
  },
  {
    reason: "LOCKDOWN_DEVICE_TREE",
    description: "modifying device tree contents",
    level: "integrity",
    value: BOTH(10),
    since: "<=6.1 (unverified)",
    callSites: {
      "6.1": ["arch/powerpc/platforms/pseries/reconfig.c: ofdt_write"],
      "6.12": ["arch/powerpc/platforms/pseries/reconfig.c: ofdt_write"],
    },
    userVisible: "write to /proc/powerpc/ofdt (pseries) fails with EPERM",
  },
  {
    reason: "LOCKDOWN_PCMCIA_CIS",
    description: "direct PCMCIA CIS storage",
    level: "integrity",
    value: BOTH(11),
    since: "5.4",
    callSites: {
      "6.1": ["drivers/pcmcia/cistpl.c: pccard_store_cis"],
      "6.12": ["drivers/pcmcia/cistpl.c: pccard_store_cis"],
    },
    userVisible: "write to the PCMCIA socket sysfs 'cis' file fails with EPERM",
  },
  {
    reason: "LOCKDOWN_TIOCSSERIAL",
    description: "reconfiguration of serial port IO",
    level: "integrity",
    value: BOTH(12),
    since: "5.4",
    callSites: {
      "6.1": ["drivers/tty/serial/serial_core.c: uart_set_info"],
      "6.12": ["drivers/tty/serial/serial_core.c: uart_set_info"],
    },
    userVisible:
      "TIOCSSERIAL by a CAP_SYS_ADMIN caller that changes port address/type/iomem/io type/reg shift/hub6 or IRQ (non-fixed port) fails with EPERM; other changes allowed",
  },
  {
    reason: "LOCKDOWN_MODULE_PARAMETERS",
    description: "unsafe module parameters",
    level: "integrity",
    value: BOTH(13),
    since: "5.4",
    callSites: {
      "6.1": ["kernel/params.c: param_check_unsafe", "drivers/mtd/devices/slram.c: init_slram"],
      "6.12": ["kernel/params.c: param_check_unsafe", "drivers/mtd/devices/slram.c: init_slram"],
    },
    userVisible:
      "hardware parameters (module_param_hw*) cannot be set: module load with such an argument fails EPERM (log: \"<mod>: `<val>' invalid for parameter `<name>'\"), sysfs write EPERM, kernel command line ignored; built-in slram= boot param makes slram init fail EPERM",
  },
  {
    reason: "LOCKDOWN_MMIOTRACE",
    description: "unsafe mmio",
    level: "integrity",
    value: BOTH(14),
    since: "5.4",
    callSites: {
      "6.1": ["arch/x86/mm/testmmiotrace.c: init"],
      "6.12": ["arch/x86/mm/testmmiotrace.c: init"],
    },
    userVisible: "loading the testmmiotrace module fails with EPERM",
  },
  {
    reason: "LOCKDOWN_DEBUGFS",
    description: "debugfs access",
    level: "integrity",
    value: BOTH(15),
    since: "5.4",
    callSites: {
      "6.1": [
        "fs/debugfs/file.c: debugfs_locked_down (open_proxy_open, full_proxy_open)",
        "fs/debugfs/inode.c: debugfs_setattr",
        "arch/s390/hypfs/hypfs_dbfs.c: hypfs_dbfs_create_file",
      ],
      "6.12": [
        "fs/debugfs/file.c: debugfs_locked_down (open_proxy_open, full_proxy_open)",
        "fs/debugfs/inode.c: debugfs_setattr",
        "arch/s390/hypfs/hypfs_dbfs.c: hypfs_dbfs_create_file",
      ],
    },
    userVisible:
      "open() of a debugfs file fails with EPERM unless its mode has no bits outside 0444, it is opened read-only and its fops have no ioctl/compat_ioctl/mmap; chmod/chown on debugfs fails EPERM; same rule at confidentiality",
  },
  {
    reason: "LOCKDOWN_XMON_WR",
    description: "xmon write access",
    level: "integrity",
    value: BOTH(16),
    since: "5.7 (unverified)",
    callSites: {
      "6.1": ["arch/powerpc/xmon/xmon.c: xmon_is_locked_down"],
      "6.12": ["arch/powerpc/xmon/xmon.c: xmon_is_locked_down"],
    },
    userVisible: "xmon debugger forced read-only ('xmon: Read-only due to kernel lockdown')",
  },
  {
    reason: "LOCKDOWN_BPF_WRITE_USER",
    description: "use of bpf to write user RAM",
    level: "integrity",
    value: BOTH(17),
    since: "5.14 (unverified)",
    callSites: {
      "6.1": ["kernel/trace/bpf_trace.c: bpf_tracing_func_proto (BPF_FUNC_probe_write_user)"],
      "6.12": ["kernel/trace/bpf_trace.c: bpf_tracing_func_proto (BPF_FUNC_probe_write_user)"],
    },
    userVisible:
      "BPF program load using bpf_probe_write_user fails with EINVAL (verifier: 'unknown func bpf_probe_write_user#36'); checked at load time only",
  },
  {
    reason: "LOCKDOWN_DBG_WRITE_KERNEL",
    description: "use of kgdb/kdb to write kernel RAM",
    level: "integrity",
    value: BOTH(18),
    since: "5.18/5.19 (CVE-2022-21499, also in stable; unverified)",
    callSites: {
      "6.1": [
        "kernel/debug/debug_core.c: kgdb_cpu_enter",
        "kernel/debug/kdb/kdb_main.c: kdb_check_for_lockdown",
      ],
      "6.12": [
        "kernel/debug/debug_core.c: kgdb_cpu_enter",
        "kernel/debug/kdb/kdb_main.c: kdb_check_for_lockdown",
      ],
    },
    userVisible:
      "gdb remote stub refused (falls back to kdb or exits); kdb memory-write, register-write and flow-control commands disabled",
  },
  {
    reason: "LOCKDOWN_RTAS_ERROR_INJECTION",
    description: "RTAS error injection",
    level: "integrity",
    value: BOTH(19),
    since: "<=6.1 (unverified)",
    callSites: {
      "6.1": ["arch/powerpc/kernel/rtas.c: rtas_call", "arch/powerpc/kernel/rtas.c: sys_rtas"],
      "6.12": ["arch/powerpc/kernel/rtas.c: rtas_call", "arch/powerpc/kernel/rtas.c: sys_rtas"],
    },
    userVisible:
      "rtas() syscall with ibm,open-errinjct/ibm,errinjct tokens fails with EPERM; in-kernel rtas_call returns RTAS status -1",
  },
  {
    reason: "LOCKDOWN_XEN_USER_ACTIONS",
    description: "Xen guest user action",
    level: "integrity",
    value: BOTH(20),
    since: "stable 6.1.167 / 6.12.78 backport (mainline version unknown)",
    callSites: {
      "6.1": ["drivers/xen/privcmd.c: restrict_driver"],
      "6.12": ["drivers/xen/privcmd.c: restrict_driver"],
    },
    userVisible:
      "privcmd 'unrestricted' parameter ignored in a domU with warning 'Kernel is locked down, parameter \"unrestricted\" ignored'; hypercalls stay restricted to the target domain",
  },
  {
    reason: "LOCKDOWN_INTEGRITY_MAX",
    description: "integrity",
    level: null,
    value: BOTH(21),
    since: "5.4",
    callSites: {
      "6.1": [],
      "6.12": [],
    },
    userVisible:
      'level marker; denied at integrity and above ("integrity is restricted") but no caller passes it',
  },
  {
    reason: "LOCKDOWN_KCORE",
    description: "/proc/kcore access",
    level: "confidentiality",
    value: BOTH(22),
    since: "5.4",
    callSites: {
      "6.1": ["fs/proc/kcore.c: open_kcore"],
      "6.12": ["fs/proc/kcore.c: open_kcore"],
    },
    userVisible:
      "open() of /proc/kcore fails with EPERM (lockdown evaluated before the CAP_SYS_RAWIO check, so unprivileged opens also log)",
  },
  {
    reason: "LOCKDOWN_KPROBES",
    description: "use of kprobes",
    level: "confidentiality",
    value: BOTH(23),
    since: "5.4",
    callSites: {
      "6.1": ["kernel/trace/trace_kprobe.c: __register_trace_kprobe"],
      "6.12": [
        "kernel/trace/trace_kprobe.c: __register_trace_kprobe",
        "kernel/trace/trace_fprobe.c: __register_trace_fprobe",
      ],
    },
    userVisible:
      "creating kprobe events (tracefs kprobe_events/dynamic_events, kprobe_event= boot param, perf kprobe PMU incl. BPF kprobe attach via perf) fails with EPERM; BPF kprobe_multi (fprobe) not gated",
  },
  {
    reason: "LOCKDOWN_BPF_READ_KERNEL",
    description: "use of bpf to read kernel RAM",
    level: "confidentiality",
    value: BOTH(24),
    since: "5.4 as LOCKDOWN_BPF_READ; renamed 5.14 (unverified)",
    callSites: {
      "6.1": [
        "kernel/trace/bpf_trace.c: bpf_tracing_func_proto (probe_read_kernel, probe_read_kernel_str, probe_read, probe_read_str)",
        "kernel/bpf/helpers.c: bpf_base_func_proto (probe_read_kernel, probe_read_kernel_str)",
      ],
      "6.12": [
        "kernel/trace/bpf_trace.c: bpf_tracing_func_proto (probe_read_kernel, probe_read_kernel_str, probe_read, probe_read_str)",
        "kernel/bpf/helpers.c: bpf_base_func_proto (probe_read_kernel, probe_read_kernel_str)",
      ],
    },
    userVisible:
      "BPF program load using bpf_probe_read_kernel(_str) or legacy bpf_probe_read(_str) fails with EINVAL ('unknown func ...'); checked at load time only",
  },
  {
    reason: "LOCKDOWN_DBG_READ_KERNEL",
    description: "use of kgdb/kdb to read kernel RAM",
    level: "confidentiality",
    value: BOTH(25),
    since: "5.18/5.19 (CVE-2022-21499; unverified)",
    callSites: {
      "6.1": ["kernel/debug/kdb/kdb_main.c: kdb_check_for_lockdown"],
      "6.12": ["kernel/debug/kdb/kdb_main.c: kdb_check_for_lockdown"],
    },
    userVisible:
      "kdb memory-read and register-read commands disabled (inspect/backtrace, signal, reboot remain)",
  },
  {
    reason: "LOCKDOWN_PERF",
    description: "unsafe use of perf",
    level: "confidentiality",
    value: BOTH(26),
    since: "5.4",
    callSites: {
      "6.1": ["kernel/events/core.c: perf_event_open (PERF_SAMPLE_REGS_INTR)"],
      "6.12": ["kernel/events/core.c: perf_event_open (PERF_SAMPLE_REGS_INTR)"],
    },
    userVisible:
      "perf_event_open with sample_type containing PERF_SAMPLE_REGS_INTR fails with EPERM; nothing else in perf is gated",
  },
  {
    reason: "LOCKDOWN_TRACEFS",
    description: "use of tracefs",
    level: "confidentiality",
    value: BOTH(27),
    since: "5.4",
    callSites: {
      "6.1": [
        "fs/tracefs/inode.c: tracefs_create_file",
        "fs/tracefs/inode.c: tracefs_create_dir",
        "kernel/trace/trace.c: tracing_check_open_get_tr",
        "kernel/trace/trace.c: register_tracer",
        "kernel/trace/trace.c: trace_array_options_get",
        "kernel/trace/trace.c: tracing_init_dentry",
        "kernel/trace/trace.c: tracer_alloc_buffers",
        "kernel/trace/trace.c: tracing_set_default_clock",
        "kernel/trace/ftrace.c: ftrace_avail_open",
        "kernel/trace/ftrace.c: __ftrace_graph_open",
        "kernel/trace/trace_kprobe.c: probes_open",
        "kernel/trace/trace_kprobe.c: profile_open",
        "kernel/trace/trace_uprobe.c: probes_open",
        "kernel/trace/trace_uprobe.c: profile_open",
        "kernel/trace/trace_stack.c: stack_trace_open",
        "kernel/trace/trace_dynevent.c: dyn_event_open",
        "kernel/trace/trace_printk.c: ftrace_formats_open",
        "kernel/trace/trace_events_synth.c: synth_events_open",
        "kernel/trace/trace_events_trigger.c: event_trigger_regex_open",
        "kernel/trace/trace_events.c: ftrace_event_open",
        "kernel/trace/trace_stat.c: tracing_stat_open",
        "kernel/trace/ring_buffer.c: test_ringbuffer",
      ],
      "6.12": [
        "fs/tracefs/inode.c: tracefs_create_file",
        "fs/tracefs/inode.c: tracefs_create_dir",
        "kernel/trace/trace.c: tracing_check_open_get_tr",
        "kernel/trace/trace.c: register_tracer",
        "kernel/trace/trace.c: trace_array_options_get",
        "kernel/trace/trace.c: tracing_init_dentry",
        "kernel/trace/trace.c: tracer_alloc_buffers",
        "kernel/trace/trace.c: tracing_set_default_clock",
        "kernel/trace/ftrace.c: ftrace_avail_open",
        "kernel/trace/ftrace.c: __ftrace_graph_open",
        "kernel/trace/trace_kprobe.c: probes_open",
        "kernel/trace/trace_kprobe.c: profile_open",
        "kernel/trace/trace_uprobe.c: probes_open",
        "kernel/trace/trace_uprobe.c: profile_open",
        "kernel/trace/trace_stack.c: stack_trace_open",
        "kernel/trace/trace_dynevent.c: dyn_event_open",
        "kernel/trace/trace_printk.c: ftrace_formats_open",
        "kernel/trace/trace_events_synth.c: synth_events_open",
        "kernel/trace/trace_events_trigger.c: event_trigger_regex_open",
        "kernel/trace/trace_events.c: ftrace_event_open",
        "kernel/trace/trace_stat.c: tracing_stat_open",
        "kernel/trace/ring_buffer.c: test_ringbuffer",
        "fs/tracefs/event_inode.c: eventfs_create_events_dir",
        "kernel/trace/trace.c: trace_array_tracer_options_get",
        "kernel/trace/ftrace.c: ftrace_avail_addrs_open",
      ],
    },
    userVisible:
      "opening tracefs files fails with EPERM; tracefs files/dirs are not created while locked down; at boot tracing is disabled ('Tracing disabled due to lockdown')",
  },
  {
    reason: "LOCKDOWN_XMON_RW",
    description: "xmon read and write access",
    level: "confidentiality",
    value: BOTH(28),
    since: "5.7 (unverified)",
    callSites: {
      "6.1": ["arch/powerpc/xmon/xmon.c: xmon_is_locked_down"],
      "6.12": ["arch/powerpc/xmon/xmon.c: xmon_is_locked_down"],
    },
    userVisible:
      "xmon disabled ('xmon: Disabled due to kernel lockdown'), including via sysrq and the xmon= boot option",
  },
  {
    reason: "LOCKDOWN_XFRM_SECRET",
    description: "xfrm SA secret",
    level: "confidentiality",
    value: BOTH(29),
    since: "5.16 (unverified)",
    callSites: {
      "6.1": ["net/xfrm/xfrm_user.c: xfrm_redact (copy_to_user_auth, copy_to_user_aead, copy_to_user_ealg)"],
      "6.12": ["net/xfrm/xfrm_user.c: xfrm_redact (copy_to_user_auth, copy_to_user_aead, copy_to_user_ealg)"],
    },
    userVisible: "XFRM netlink SA messages carry all-zero key bytes (lengths preserved); no error returned",
  },
  {
    reason: "LOCKDOWN_CONFIDENTIALITY_MAX",
    description: "confidentiality",
    level: null,
    value: BOTH(30),
    since: "5.4",
    callSites: {
      "6.1": [],
      "6.12": [],
    },
    userVisible:
      'level marker; any reason at or above it is invalid: WARN "Invalid lockdown reason" and EPERM at every level',
  },
];

const BY_NAME = new Map(REASONS.map((r) => [r.reason, r]));

export function reasonInfo(reason: LockdownReason): ReasonInfo {
  const r = BY_NAME.get(reason);
  if (!r) throw new RangeError(`unknown lockdown reason ${reason}`);
  return r;
}

export function isLockdownReason(s: string): s is LockdownReason {
  return BY_NAME.has(s as LockdownReason);
}

/** The 28 real reasons (no level markers) present in a kernel version, in enum order. */
export function realReasons(version: KernelVersion): ReasonInfo[] {
  return REASONS.filter((r) => r.level !== null && r.value[version] !== undefined);
}

/** enum value of a reason in a version. */
export function reasonValue(reason: LockdownReason, version: KernelVersion): number {
  const v = reasonInfo(reason).value[version];
  if (v === undefined) throw new RangeError(`${reason} does not exist in ${version}`);
  return v;
}

/** The member with a given value in a version (for reasons passed as numbers). */
export function reasonByValue(value: number, version: KernelVersion): ReasonInfo | undefined {
  return REASONS.find((r) => r.value[version] === value);
}

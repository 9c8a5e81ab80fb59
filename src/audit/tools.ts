// Tools that stop working, by lockdown reason, from what each really does
// (arch/x86/kernel/msr.c gates MSR *writes* only; drivers/char/mem.c gates
// opening /dev/mem and /dev/port; ioperm/iopl are gated when raising; BPF
// probe_read_kernel, kprobes, tracefs and PERF_SAMPLE_REGS_INTR at
// confidentiality). A tool whose gated use is optional says so in `does`.
import { type LockdownReason, reasonInfo } from "../kernel/policy.js";
import { type Finding, type Fine, finding } from "./findings.js";
import type { Root } from "./rootfs.js";
import { base, type Invocation, simpleCommands } from "./units.js";

export interface ToolInfo {
  /** Exact executable names, or a pattern. */
  names: readonly string[];
  pattern?: RegExp;
  id: string;
  /** null: examined and fine. */
  reason: LockdownReason | null;
  /** Further reasons the tool's normal use runs into (one finding each, after the main one). */
  also?: LockdownReason[];
  /** Reasons that only apply when the kernel builds this Kconfig symbol (=y or =m). */
  requires?: Partial<Record<LockdownReason, string>>;
  does: string;
  remedy: string;
}

const MSR_REMEDY =
  "Use the kernel's own interfaces instead of raw MSR writes (cpufreq/intel_pstate energy_performance_preference and energy_perf_bias in sysfs, powercap/RAPL limits), or run this tool only on hosts that boot without lockdown.";
const BPF_REMEDY =
  "At confidentiality BPF programs cannot read kernel memory and kprobes are refused: use lockdown=integrity (Debian's Secure Boot default) on hosts that need tracing, or restrict such tools to non-locked-down debug hosts.";

export const TOOLS: readonly ToolInfo[] = [
  // MSR
  {
    names: ["wrmsr"],
    id: "tool.msr-write",
    reason: "LOCKDOWN_MSR",
    does: "writes model-specific registers through /dev/cpu/N/msr (msr_write: EPERM under lockdown)",
    remedy: MSR_REMEDY,
  },
  {
    names: ["rdmsr"],
    id: "tool.msr-read",
    reason: null,
    does: "only reads MSRs; msr_read and X86_IOC_RDMSR_REGS are not gated by lockdown, even at confidentiality",
    remedy: "",
  },
  {
    names: ["x86_energy_perf_policy"],
    id: "tool.msr-write",
    reason: "LOCKDOWN_MSR",
    does: "sets the energy/performance bias and HWP requests by writing MSR_IA32_ENERGY_PERF_BIAS / MSR_HWP_REQUEST via /dev/cpu/N/msr (TLP and tuned call it); reading the policy still works",
    remedy: MSR_REMEDY,
  },
  {
    names: [
      "intel-undervolt",
      "undervolt",
      "throttled",
      "lenovo_fix",
      "lenovo_fix.py",
      "amdctl",
      "zenstates",
      "zenstates.py",
      "i7z",
      "pcm",
      "pcm-power",
      "pcm-memory",
      "pcm-core",
      "pcm-numa",
      "pcm-pcie",
      "pcm-iio",
      "pcm-latency",
      "pcm-tsx",
      "pcm-raw",
      "msr-cli",
    ],
    id: "tool.msr-write",
    reason: "LOCKDOWN_MSR",
    does: "writes MSRs through /dev/cpu/N/msr (undervolting, power limits, PMU counter programming); those writes fail with EPERM",
    remedy: MSR_REMEDY,
  },
  {
    names: ["hwclock", "kbdrate"],
    id: "tool.ioport-optional",
    reason: null,
    does: "uses the kernel's interfaces (/dev/rtc, KDKBDREP); raw I/O ports only in fallback modes (hwclock --directisa)",
    remedy: "",
  },
  {
    names: ["turbostat", "cpuid", "x86info", "cpupower", "powertop"],
    id: "tool.msr-read",
    reason: null,
    does: "reads MSRs / CPUID and uses sysfs; reads are not gated by lockdown",
    remedy: "",
  },
  // /dev/mem, /dev/port
  {
    names: ["flashrom"],
    id: "tool.dev-mem",
    reason: "LOCKDOWN_DEV_MEM",
    also: ["LOCKDOWN_IOPORT"],
    does: "its internal programmer maps firmware flash through /dev/mem and uses iopl(); opening /dev/mem fails with EPERM",
    remedy:
      "Update firmware with fwupd (capsule updates through UEFI) or flash from a host/boot without lockdown; external programmers (ch341a, serprog) still work.",
  },
  {
    names: ["biosdecode", "ownership", "vpddecode"],
    id: "tool.dev-mem",
    reason: "LOCKDOWN_DEV_MEM",
    does: "reads BIOS memory directly from /dev/mem (no sysfs path), which cannot be opened under lockdown",
    remedy:
      "Use dmidecode (it reads /sys/firmware/dmi/tables) for DMI data; these helpers have no lockdown-safe mode.",
  },
  {
    names: ["dmidecode"],
    id: "tool.dmi",
    reason: null,
    does: "reads the SMBIOS tables from /sys/firmware/dmi/tables; /dev/mem is only used with --no-sysfs or when sysfs lacks them",
    remedy: "",
  },
  {
    names: ["memtester"],
    id: "tool.dev-mem",
    reason: null,
    does: "tests memory it allocates itself; only -p PHYSADDR (with -d DEVICE, default /dev/mem) maps physical memory",
    remedy: "",
  },
  {
    names: ["devmem", "devmem2", "memtool", "radeontool", "nvclock", "vbetool", "peekpoke"],
    id: "tool.dev-mem",
    reason: "LOCKDOWN_DEV_MEM",
    does: "reads/writes physical memory or device MMIO through /dev/mem, which cannot be opened under lockdown",
    remedy: "Use the driver's sysfs/debug interfaces or run on hosts without lockdown.",
  },
  {
    names: ["sensors-detect"],
    id: "tool.dev-port",
    reason: "LOCKDOWN_DEV_MEM",
    does: "probes Super-I/O and ISA sensor chips through /dev/port, which cannot be opened under lockdown (PCI/SMBus probing still works)",
    remedy: "Configure sensor modules by hand (/etc/modules) instead of ISA probing.",
  },
  // ioperm / iopl
  {
    names: [
      "inb",
      "inw",
      "inl",
      "outb",
      "outw",
      "outl",
      "isadump",
      "isaset",
      "superiotool",
      "ectool",
      "ioport",
    ],
    id: "tool.ioport",
    reason: "LOCKDOWN_IOPORT",
    does: "accesses I/O ports with ioperm()/iopl(), refused with EPERM under lockdown",
    remedy:
      "Use a kernel driver for the device (hwmon, ec_sys is also gated) or run on hosts without lockdown.",
  },
  // PCI
  {
    names: ["setpci"],
    id: "tool.pci-write",
    reason: "LOCKDOWN_PCI_ACCESS",
    does: "writes PCI configuration space through sysfs/procfs (pci_write_config: EPERM); reading registers with setpci and lspci still works",
    remedy: "Move PCI tuning into a kernel driver or quirk; read-only use is unaffected.",
  },
  {
    names: ["lspci"],
    id: "tool.pci-read",
    reason: null,
    does: "reads PCI configuration space; config reads are not gated",
    remedy: "",
  },
  // EFI test
  {
    names: ["fwts"],
    id: "tool.efi-test",
    reason: "LOCKDOWN_DEV_MEM",
    also: ["LOCKDOWN_EFI_TEST"],
    requires: { LOCKDOWN_EFI_TEST: "EFI_TEST" },
    does: "its BIOS/ACPI tests read firmware memory through /dev/mem, and its UEFI runtime tests open /dev/efi_test (when the kernel has it); both are refused under lockdown",
    remedy: "Run firmware test suites from a live image without lockdown.",
  },
  // module loaders
  {
    names: ["stap", "staprun"],
    id: "tool.systemtap",
    reason: "LOCKDOWN_MODULE_SIGNATURE",
    does: "compiles each script into an unsigned kernel module; loading it fails with EPERM",
    remedy:
      "Use a SystemTap server with a MOK-enrolled signing key (stap --use-server), or bpftrace at integrity.",
  },
  // debugfs relay users
  {
    names: ["blktrace", "btrace", "blkiomon", "iowatcher"],
    id: "tool.debugfs",
    reason: "LOCKDOWN_DEBUGFS",
    does: "reads block trace relay files in debugfs; those files have mmap, so opening them fails with EPERM under lockdown",
    remedy: "Use the block tracepoints via perf or BPF (blktrace's relay files are gated).",
  },
  // BPF_WRITE_USER
  {
    names: ["otel-go-instrumentation", "otel-go-instrumentation-agent"],
    id: "tool.bpf-write-user",
    reason: "LOCKDOWN_BPF_WRITE_USER",
    does: "loads BPF programs using bpf_probe_write_user for context propagation; the verifier refuses that helper under lockdown",
    remedy: "Disable its context-propagation mode (the only part that writes user memory).",
  },
  // confidentiality
  {
    names: ["bpftrace", "bpftrace-aotrt"],
    id: "tool.bpf-tracing",
    reason: "LOCKDOWN_BPF_READ_KERNEL",
    also: ["LOCKDOWN_KPROBES"],
    does: "kprobe/kfunc scripts read kernel memory with bpf_probe_read_kernel and attach kprobes; both are refused at confidentiality",
    remedy: BPF_REMEDY,
  },
  {
    names: [],
    pattern: /^[a-z0-9_]+-bpfcc$/,
    id: "tool.bpf-tracing",
    reason: "LOCKDOWN_BPF_READ_KERNEL",
    also: ["LOCKDOWN_KPROBES"],
    does: "bcc tool: attaches kprobes and reads kernel structures with bpf_probe_read_kernel; refused at confidentiality",
    remedy: BPF_REMEDY,
  },
  {
    names: ["tracee", "tetragon", "falco", "kubectl-trace", "pwru", "inspektor-gadget", "ig"],
    id: "tool.bpf-tracing",
    reason: "LOCKDOWN_BPF_READ_KERNEL",
    also: ["LOCKDOWN_KPROBES"],
    does: "eBPF security/tracing agent reading kernel memory (bpf_probe_read_kernel) from kprobes; refused at confidentiality",
    remedy: BPF_REMEDY,
  },
  {
    names: ["perf"],
    pattern: /^perf_\d+\.\d+$/,
    id: "tool.perf",
    reason: "LOCKDOWN_PERF",
    also: ["LOCKDOWN_KPROBES"],
    does: "perf probe (kprobe events) and perf record --intr-regs (PERF_SAMPLE_REGS_INTR) are refused at confidentiality; perf stat/record/top otherwise keep working",
    remedy:
      "Use tracepoints and user-space probes instead of perf probe on kernel functions; avoid --intr-regs.",
  },
  {
    names: ["trace-cmd", "kernelshark"],
    id: "tool.tracefs",
    reason: "LOCKDOWN_TRACEFS",
    does: "drives ftrace through tracefs, whose files cannot be opened at confidentiality",
    remedy: BPF_REMEDY,
  },
  {
    names: [],
    pattern:
      /^(bitesize|cachestat|execsnoop|funccount|funcgraph|funcslower|functrace|iolatency|iosnoop|killsnoop|kprobe|opensnoop|perf-stat-hist|reset-ftrace|syscount|tcpretrans|tpoint|uprobe)-perf$/,
    id: "tool.tracefs",
    reason: "LOCKDOWN_TRACEFS",
    does: "perf-tools script driving ftrace/kprobes through tracefs; refused at confidentiality",
    also: ["LOCKDOWN_KPROBES"],
    remedy: BPF_REMEDY,
  },
  {
    names: ["crash", "drgn"],
    id: "tool.kcore",
    reason: "LOCKDOWN_KCORE",
    does: "live analysis of the running kernel reads /proc/kcore, which cannot be opened at confidentiality (dump files still work)",
    remedy:
      "Analyse kdump vmcores offline; live /proc/kcore access needs a host without confidentiality lockdown.",
  },
];

const BIN_DIRS = [
  "/usr/bin",
  "/usr/sbin",
  "/bin",
  "/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "/usr/share/bcc/tools",
];

/** flashrom programmers that reach the chip over USB, SPI, serial or MTD (no /dev/mem, no iopl). */
const EXTERNAL_FLASH =
  /^(ch341a_spi|ch347_spi|dediprog|developerbox_spi|digilent_spi|dirtyjtag_spi|ft2232_spi|jlink_spi|linux_mtd|linux_spi|mstarddc_spi|pickit2_spi|pony_spi|raiden_debug_spi|serprog|stlinkv3_spi|usbblaster_spi|buspirate_spi|dummy)$/;

export function toolFor(name: string): ToolInfo | undefined {
  return TOOLS.find((t) => t.names.includes(name) || t.pattern?.test(name));
}

/** What an invocation really does, where that depends on its arguments. */
function invocationEffect(argv: string[]): {
  tool: ToolInfo | undefined;
  gated: boolean;
  note: string;
  reason?: LockdownReason;
} {
  const [name = "", ...args] = argv;
  const tool = toolFor(name);
  if (!tool) return { tool, gated: false, note: "" };
  if (name === "setpci") {
    const writes = args.some((a) => /^[^-].*=/.test(a));
    return { tool, gated: writes, note: writes ? "writes a register" : "only reads registers" };
  }
  if (name === "x86_energy_perf_policy") {
    const reads =
      args.length === 0 ||
      args.every(
        (a) => ["-r", "--read", "-v", "--verbose", "-d", "--debug"].includes(a) || /^-c|^--cpu|^\d/.test(a),
      );
    return { tool, gated: !reads, note: reads ? "only reads the policy" : "writes the policy MSRs" };
  }
  if (name === "flashrom") {
    // Only the internal programmer (and the PCI/parallel-port ones) map /dev/mem or raise iopl();
    // USB/SPI/serial programmers (ch341a_spi, dediprog, serprog, linux_spi, ...) go through their devices.
    const i = args.findIndex((a) => a === "-p" || a === "--programmer" || /^(-p|--programmer=)./.test(a));
    const prog =
      i < 0
        ? undefined
        : (args[i] as string).startsWith("--programmer=")
          ? (args[i] as string).slice(13)
          : args[i] === "-p" || args[i] === "--programmer"
            ? args[i + 1]
            : (args[i] as string).slice(2);
    const external = prog !== undefined && EXTERNAL_FLASH.test(prog.split(":")[0] as string);
    return {
      tool,
      gated: !external,
      note: external
        ? `external programmer ${prog}: no /dev/mem or port I/O`
        : `programmer ${prog ?? "internal"}`,
    };
  }
  if (name === "memtester") {
    const phys = args.some((a) => a === "-p" || /^-p./.test(a));
    return {
      tool,
      gated: phys,
      reason: "LOCKDOWN_DEV_MEM",
      note: phys ? "-p: maps a physical address range through /dev/mem" : "tests its own allocation",
    };
  }
  if (name === "hwclock") {
    const direct = args.includes("--directisa");
    return {
      tool,
      gated: direct,
      reason: "LOCKDOWN_IOPORT",
      note: direct ? "--directisa: reads the RTC through I/O ports (iopl)" : "uses /dev/rtc",
    };
  }
  if (name === "dmidecode") {
    // dmidecode reads /sys/firmware/dmi/tables first unless --no-sysfs; -d/--dev-mem only names the
    // fallback device (used when sysfs has no tables), and --from-dump reads a file.
    const gated = args.includes("--no-sysfs") && !args.some((a) => a.startsWith("--from-dump"));
    return {
      tool,
      gated,
      reason: "LOCKDOWN_DEV_MEM",
      note: gated ? "--no-sysfs: reads the tables from /dev/mem" : "reads /sys/firmware/dmi/tables",
    };
  }
  if (name === "perf" || /^perf_\d/.test(name)) {
    const sub = args.find((a) => !a.startsWith("-"));
    const probe =
      sub === "probe" &&
      args.some((a) => !a.startsWith("-") && a !== "probe") &&
      !args.includes("-x") &&
      !args.includes("--exec");
    const intr = args.some((a) => a.startsWith("--intr-regs") || a === "-I");
    return {
      tool,
      reason: intr ? "LOCKDOWN_PERF" : "LOCKDOWN_KPROBES",
      gated: probe || intr,
      note: probe
        ? "perf probe on a kernel function (kprobe)"
        : intr
          ? "--intr-regs (PERF_SAMPLE_REGS_INTR)"
          : "no gated perf feature used",
    };
  }
  return { tool, gated: tool.reason !== null, note: "" };
}

export function toolFindings(
  root: Root,
  invs: Invocation[],
  configs: Map<string, string>[] = [],
): { findings: Finding[]; fine: Fine[] } {
  // A reason whose kernel code no installed kernel builds cannot apply (Debian: no CONFIG_EFI_TEST).
  const applies = (t: ToolInfo, r: LockdownReason) => {
    const sym = t.requires?.[r];
    return !sym || configs.length === 0 || configs.some((c) => c.get(sym) === "y" || c.get(sym) === "m");
  };
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  const seen = new Set<string>();
  const optBins = root.names("/opt").flatMap((n) => [`/opt/${n}/bin`, `/opt/${n}/sbin`]);
  for (const dir of [...BIN_DIRS, ...optBins]) {
    for (const e of root.list(dir)) {
      if (e.isDirectory()) continue;
      // Upstream bcc installs its tools without the Debian -bpfcc suffix.
      const tool = dir === "/usr/share/bcc/tools" ? toolFor("bcc-bpfcc") : toolFor(e.name);
      if (!tool) continue;
      const path = `${dir}/${e.name}`;
      // /bin and /usr/bin are the same directory on merged-/usr systems.
      const key = `${e.name}`;
      if (seen.has(`${dir.replace(/^\/usr/, "")}/${e.name}`)) continue;
      seen.add(`${dir.replace(/^\/usr/, "")}/${e.name}`);
      if (tool.reason === null) {
        fine.push({ check: "tools", subject: path, detail: tool.does });
        continue;
      }
      for (const reason of [tool.reason, ...(tool.also ?? [])].filter((r) => applies(tool, r)))
        findings.push(
          finding({
            id: tool.id,
            reason,
            subject: path,
            evidence: `${path} is installed (${key}): ${tool.does}${reason !== tool.reason ? ` (${reasonInfo(reason).description} is restricted too)` : ""}`,
            remedy: tool.remedy,
          }),
        );
    }
  }
  for (const inv of invs) {
    const eff = invocationEffect(inv.argv);
    if (!eff.tool) continue;
    const reason = eff.reason ?? eff.tool.reason;
    if (!eff.gated || reason === null) {
      fine.push({
        check: "tools",
        subject: inv.where,
        detail: `"${inv.command}": ${eff.note || eff.tool.does}`,
      });
      continue;
    }
    findings.push(
      finding({
        id: eff.tool.reason === null ? "tool.dev-mem.invoked" : `${eff.tool.id}.invoked`,
        reason,
        subject: inv.where,
        evidence: `${inv.where}: runs "${inv.command}"${eff.note ? ` (${eff.note})` : ""}: ${eff.tool.does}`,
        remedy: eff.tool.remedy,
      }),
    );
  }
  findings.push(...nativeFindings(root));
  return { findings, fine };
}

/** Local binaries not in the table: ELF imports of ioperm/iopl, /dev/mem and /dev/port strings. */
function isElf(b: Uint8Array): boolean {
  return b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

function nativeFindings(root: Root): Finding[] {
  const out: Finding[] = [];
  // System directories: only the dynamic imports, which sit in the first pages of an ELF file.
  const seen = new Set<string>();
  for (const dir of ["/usr/bin", "/usr/sbin", "/bin", "/sbin"]) {
    for (const e of root.list(dir)) {
      if (!(e.isFile() || e.isSymbolicLink()) || toolFor(e.name)) continue;
      const key = `${dir.replace(/^\/usr/, "")}/${e.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const path = `${dir}/${e.name}`;
      const b = root.head(path, 64 * 1024);
      if (!b || !isElf(b)) continue;
      if (b.includes("\0ioperm\0") || b.includes("\0iopl\0"))
        out.push(
          finding({
            id: "tool.ioport",
            reason: "LOCKDOWN_IOPORT",
            subject: path,
            evidence: `${path} imports ioperm()/iopl() (its dynamic symbol table): raising I/O port access is refused with EPERM under lockdown`,
            remedy:
              "Replace the raw port access with a kernel driver interface, or keep this host without lockdown.",
          }),
        );
    }
  }
  const dirs = ["/usr/local/bin", "/usr/local/sbin", ...root.names("/opt").map((n) => `/opt/${n}/bin`)];
  let budget = 512 * 1024 * 1024;
  for (const dir of dirs) {
    for (const e of root.list(dir)) {
      if (!e.isFile() || toolFor(e.name)) continue;
      const path = `${dir}/${e.name}`;
      const b = root.bytes(path, 64 * 1024 * 1024);
      if (!b) continue;
      budget -= b.length;
      if (budget < 0) continue;
      const elf = b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
      const hits: [LockdownReason, string, string?][] = [];
      if (elf) {
        if (b.includes("\0ioperm\0") || b.includes("\0iopl\0"))
          hits.push(["LOCKDOWN_IOPORT", "imports ioperm()/iopl()"]);
        if (b.includes("/dev/mem\0") || b.includes("/dev/port\0"))
          hits.push(["LOCKDOWN_DEV_MEM", "opens /dev/mem or /dev/port"]);
      } else if (b.subarray(0, 2).toString() === "#!") {
        // The script's commands, not its comments ("# reads sysfs, never /dev/mem").
        const t = b
          .toString("utf8")
          .split("\n")
          .map((l) => l.replace(/(^|\s)#.*$/, "$1"))
          .join("\n");
        if (/\/dev\/(mem|port)\b/.test(t))
          hits.push(["LOCKDOWN_DEV_MEM", "references /dev/mem or /dev/port"]);
        const interp = base(
          /^#!\s*(\S+)(?:\s+(\S+))?/
            .exec(b.subarray(0, 256).toString("utf8"))
            ?.slice(1, 3)
            .find((x) => x && x !== "/usr/bin/env" && !x.startsWith("-")) ?? "",
        );
        const shell = /^(sh|bash|dash|ksh|mksh|zsh|busybox)$/.test(interp);
        // Python using bcc: kprobes and bpf_probe_read_kernel, refused at confidentiality.
        if (/^python[\d.]*$/.test(interp) && /^\s*(from\s+bcc\s+import|import\s+bcc\b)/m.test(t))
          hits.push(["LOCKDOWN_BPF_READ_KERNEL", "is a bcc (BPF) tracing program", "tool.bpf-tracing"]);
        if (!shell && /(^|[\s;|&(])wrmsr\s/m.test(t)) hits.push(["LOCKDOWN_MSR", "runs wrmsr"]);
        // A shell script's commands, judged like those of units and cron jobs.
        if (shell)
          for (const l of t.split("\n"))
            for (const argv of simpleCommands(l)) {
              const eff = invocationEffect([base(argv[0] as string), ...argv.slice(1)]);
              const reason = eff.reason ?? eff.tool?.reason ?? null;
              if (eff.tool && eff.gated && reason && !hits.some((h) => h[0] === reason))
                hits.push([
                  reason,
                  `runs "${argv.join(" ")}"${eff.note ? ` (${eff.note})` : ""}`,
                  eff.tool.id,
                ]);
            }
      }
      for (const [reason, what, id] of hits)
        out.push(
          finding({
            id:
              id ??
              (reason === "LOCKDOWN_IOPORT"
                ? "tool.ioport"
                : reason === "LOCKDOWN_MSR"
                  ? "tool.msr-write"
                  : "tool.dev-mem"),
            reason,
            subject: path,
            evidence: `${path} ${what} (found in the file itself); that access is refused with EPERM under lockdown`,
            remedy:
              "Replace the raw hardware access with a kernel driver interface, or keep this host without lockdown.",
          }),
        );
    }
  }
  return out;
}

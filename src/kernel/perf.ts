// kernel/events/core.c perf_event_open(2): only PERF_SAMPLE_REGS_INTR asks
// security_locked_down(LOCKDOWN_PERF), after perf_copy_attr()'s checks; the
// kprobe PMU (kernel/trace/trace_event_perf.c perf_kprobe_init() ->
// create_local_trace_kprobe()) reaches __register_trace_kprobe() (KPROBES).
import type { Kernel } from "./kernel.js";
import { KNOWN_SYMBOLS, registerTraceKprobe } from "./tracefs.js";
import { neg } from "./vfs.js";

export interface PerfAttr {
  /** "PERF_TYPE_SOFTWARE", "PERF_TYPE_HARDWARE", "PERF_TYPE_TRACEPOINT", "kprobe" */
  type: string;
  config?: string;
  sample_type?: string[];
  sample_regs_intr?: number;
  kprobe_func?: string;
  exclude_kernel?: boolean;
}

/** include/uapi/linux/perf_event.h enum perf_event_sample_format */
export const PERF_SAMPLE: Readonly<Record<string, number>> = {
  PERF_SAMPLE_IP: 1 << 0,
  PERF_SAMPLE_TID: 1 << 1,
  PERF_SAMPLE_TIME: 1 << 2,
  PERF_SAMPLE_ADDR: 1 << 3,
  PERF_SAMPLE_READ: 1 << 4,
  PERF_SAMPLE_CALLCHAIN: 1 << 5,
  PERF_SAMPLE_ID: 1 << 6,
  PERF_SAMPLE_CPU: 1 << 7,
  PERF_SAMPLE_PERIOD: 1 << 8,
  PERF_SAMPLE_STREAM_ID: 1 << 9,
  PERF_SAMPLE_RAW: 1 << 10,
  PERF_SAMPLE_BRANCH_STACK: 1 << 11,
  PERF_SAMPLE_REGS_USER: 1 << 12,
  PERF_SAMPLE_STACK_USER: 1 << 13,
  PERF_SAMPLE_WEIGHT: 1 << 14,
  PERF_SAMPLE_DATA_SRC: 1 << 15,
  PERF_SAMPLE_IDENTIFIER: 1 << 16,
  PERF_SAMPLE_TRANSACTION: 1 << 17,
  PERF_SAMPLE_REGS_INTR: 1 << 18,
  PERF_SAMPLE_PHYS_ADDR: 1 << 19,
};

const SW_CONFIGS = [
  "PERF_COUNT_SW_CPU_CLOCK",
  "PERF_COUNT_SW_TASK_CLOCK",
  "PERF_COUNT_SW_PAGE_FAULTS",
  "PERF_COUNT_SW_CONTEXT_SWITCHES",
  "PERF_COUNT_SW_CPU_MIGRATIONS",
  "PERF_COUNT_SW_PAGE_FAULTS_MIN",
  "PERF_COUNT_SW_PAGE_FAULTS_MAJ",
  "PERF_COUNT_SW_ALIGNMENT_FAULTS",
  "PERF_COUNT_SW_EMULATION_FAULTS",
  "PERF_COUNT_SW_DUMMY",
];

/** x86 PERF_REG_X86_64_MAX registers; perf_reg_validate() rejects 0 and unknown bits. */
const PERF_REG_MASK = (1n << 24n) - 1n;

export function perfEventOpen(k: Kernel, attr: PerfAttr, pid: number, cpu: number): number {
  let sampleType = 0;
  for (const s of attr.sample_type ?? []) {
    const v = PERF_SAMPLE[s];
    if (v === undefined) return neg("EINVAL");
    sampleType |= v;
  }
  // perf_copy_attr(): PERF_SAMPLE_REGS_INTR needs a valid register mask.
  if (sampleType & PERF_SAMPLE.PERF_SAMPLE_REGS_INTR!) {
    const mask = BigInt(attr.sample_regs_intr ?? 0);
    if (mask === 0n || (mask & ~PERF_REG_MASK) !== 0n) return neg("EINVAL");
  }
  if (pid < -1 || cpu < -1 || cpu >= k.machine.cpus) return neg("EINVAL");
  if (pid === -1 && cpu === -1) return neg("EINVAL");
  // REGS_INTR can leak data, lockdown must prevent this
  if (sampleType & PERF_SAMPLE.PERF_SAMPLE_REGS_INTR!) {
    const err = k.lockedDown("LOCKDOWN_PERF");
    if (err) return err;
  }
  // perf_event_alloc() -> perf_init_event(): the PMU's event_init.
  if (attr.type === "PERF_TYPE_SOFTWARE") {
    if (attr.config !== undefined && !SW_CONFIGS.includes(attr.config)) return neg("ENOENT");
    return 3;
  }
  if (attr.type === "kprobe") {
    if (!k.config.KPROBE_EVENTS) return neg("ENOENT");
    const func = attr.kprobe_func;
    if (!func) return neg("EINVAL");
    if (!KNOWN_SYMBOLS.has(func)) return neg("ENOENT");
    const r = registerTraceKprobe(k, `p_${func}_0`, func);
    return r || 3;
  }
  return neg("ENOENT");
}

// bpf(BPF_PROG_LOAD): the verifier looks each helper's prototype up through
// the program type's get_func_proto; for tracing types
// kernel/trace/bpf_trace.c bpf_tracing_func_proto() returns NULL when
// security_locked_down() refuses (BPF_WRITE_USER, BPF_READ_KERNEL), and the
// verifier rejects the program with EINVAL and its "unknown helper" line,
// worded per version (profile.bpfUnknownHelper). How often the prototype is
// looked up per load differs too (6.12's mark_fastcall_patterns()).
import type { LockdownReason } from "../lsm/reasons.js";
import type { Kernel } from "./kernel.js";
import { neg } from "./vfs.js";

/** include/uapi/linux/bpf.h helper ids (same in 6.1 and 6.12). */
export const BPF_HELPERS: Readonly<Record<number, string>> = {
  1: "bpf_map_lookup_elem",
  2: "bpf_map_update_elem",
  3: "bpf_map_delete_elem",
  4: "bpf_probe_read",
  5: "bpf_ktime_get_ns",
  6: "bpf_trace_printk",
  7: "bpf_get_prandom_u32",
  8: "bpf_get_smp_processor_id",
  14: "bpf_get_current_pid_tgid",
  15: "bpf_get_current_uid_gid",
  16: "bpf_get_current_comm",
  35: "bpf_get_current_task",
  36: "bpf_probe_write_user",
  45: "bpf_probe_read_str",
  112: "bpf_probe_read_user",
  113: "bpf_probe_read_kernel",
  114: "bpf_probe_read_user_str",
  115: "bpf_probe_read_kernel_str",
};

const PROG_TYPES = [
  "BPF_PROG_TYPE_SOCKET_FILTER",
  "BPF_PROG_TYPE_KPROBE",
  "BPF_PROG_TYPE_TRACEPOINT",
  "BPF_PROG_TYPE_PERF_EVENT",
  "BPF_PROG_TYPE_RAW_TRACEPOINT",
];

/** The helpers every program type gets (kernel/bpf/helpers.c bpf_base_func_proto(), root caller). */
const BASE = new Set([1, 2, 3, 5, 7, 8]);
/** The extra helpers of tracing program types without a lockdown check. */
const TRACING = new Set([6, 14, 15, 16, 35, 112, 114]);

/** The lockdown reason a tracing helper's prototype lookup asks, if any. */
function tracingGate(k: Kernel, id: number): LockdownReason | null {
  if (id === 36) return "LOCKDOWN_BPF_WRITE_USER";
  if (id === 113 || id === 115) return "LOCKDOWN_BPF_READ_KERNEL";
  if ((id === 4 || id === 45) && k.config.ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE)
    return "LOCKDOWN_BPF_READ_KERNEL";
  return null;
}

/** env->ops->get_func_proto(id): whether a prototype comes back. Logs as the kernel does. */
function getFuncProto(k: Kernel, progType: string, id: number): boolean {
  const tracing = progType !== "BPF_PROG_TYPE_SOCKET_FILTER";
  if (BASE.has(id)) return true;
  if (!tracing) {
    // bpf_base_func_proto() for a perfmon-capable loader: probe_read_kernel(_str).
    if (id === 113 || id === 115) return !k.lockedDown("LOCKDOWN_BPF_READ_KERNEL");
    return false;
  }
  if (TRACING.has(id)) return true;
  const gate = tracingGate(k, id);
  if (!gate) return false;
  if (k.lockedDown(gate)) return false;
  if (id === 36)
    // bpf_get_probe_write_proto()
    k.printk(
      `${k.comm}[${k.pid}] is installing a program with bpf_probe_write_user helper that may corrupt user memory!`,
      "warn",
    );
  return true;
}

export function bpfProgLoad(k: Kernel, progType: string, helpers: number[]): { ret: number; data?: string } {
  if (!k.config.BPF_SYSCALL) return { ret: neg("ENOSYS") };
  if (!PROG_TYPES.includes(progType)) return { ret: neg("EINVAL") };
  for (const id of helpers)
    if (!Number.isInteger(id) || id < 0 || id > 211)
      return { ret: neg("EINVAL"), data: `invalid func unknown#${id}` };
  const extra = k.profile.bpfProtoLookupsOnReject - 1;
  // 6.12 mark_fastcall_patterns(): one lookup per helper call before do_check().
  for (let n = 0; n < extra; n++) for (const id of helpers) getFuncProto(k, progType, id);
  // do_check() -> check_helper_call(), in program order.
  for (const id of helpers) {
    if (!getFuncProto(k, progType, id)) {
      const name = BPF_HELPERS[id] ?? `unknown`;
      return { ret: neg("EINVAL"), data: k.profile.bpfUnknownHelper(name, id) };
    }
  }
  // do_misc_fixups(): one more lookup per helper call.
  for (const id of helpers) getFuncProto(k, progType, id);
  return { ret: 4 };
}

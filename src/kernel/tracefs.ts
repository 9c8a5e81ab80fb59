// Tracing and tracefs (kernel/trace/trace.c, fs/tracefs/inode.c,
// kernel/trace/trace_kprobe.c). At boot, tracer_alloc_buffers(),
// register_tracer(), tracing_init_dentry() and tracefs_create_file()/dir() each
// ask security_locked_down(LOCKDOWN_TRACEFS): a boot-time confidentiality
// kernel keeps tracing from initialising, and tracefs mounts empty (ENOENT,
// no log line at open). Raised at run time, the files exist and their open
// handlers (tracing_check_open_get_tr(), probes_open(), ...) refuse with EPERM.
import type { Kernel } from "./kernel.js";
import { type FsType, type Inode, neg } from "./vfs.js";

/** Tracers in the order they are registered (available_tracers lists them newest first). */
export const TRACERS = [
  "nop",
  "function",
  "wakeup",
  "wakeup_rt",
  "wakeup_dl",
  "function_graph",
  "mmiotrace",
  "blk",
  "hwlat",
  "osnoise",
  "timerlat",
];

/** Boot phases that touch tracing, in start_kernel()/initcall order. */
export type TracePhase = "early" | "core" | "fs" | "device" | "late";

/**
 * What each initcall level does with tracing (kernel/trace/, in link order
 * within a level): register_tracer() and tracing_init_dentry() each ask
 * security_locked_down(LOCKDOWN_TRACEFS); an initcall stops at its first
 * refusal, as the kernel's do.
 */
const INITCALLS: Record<
  Exclude<TracePhase, "early">,
  { fn: string; tracers?: string[]; dentry?: boolean; onFail?: string }[]
> = {
  core: [
    { fn: "init_wakeup_tracer", tracers: ["wakeup", "wakeup_rt", "wakeup_dl"] },
    { fn: "init_graph_trace", tracers: ["function_graph"] },
  ],
  fs: [
    { fn: "tracer_init_tracefs", dentry: true },
    { fn: "init_trace_printk_function_export", dentry: true },
    { fn: "init_graph_tracefs", dentry: true },
    {
      fn: "trace_events_synth_init",
      dentry: true,
      onFail: "Could not create tracefs 'synthetic_events' entry",
    },
    { fn: "init_kprobe_trace", dentry: true },
    { fn: "init_dynamic_event", dentry: true },
    { fn: "init_uprobe_trace", dentry: true },
  ],
  device: [
    { fn: "stack_trace_init", dentry: true },
    { fn: "init_mmio_trace", tracers: ["mmiotrace"] },
    { fn: "init_blk_tracer", tracers: ["blk"], onFail: "Warning: could not register the block tracer" },
  ],
  late: [
    { fn: "init_hwlat_tracer", tracers: ["hwlat"] },
    {
      fn: "init_osnoise_tracer",
      tracers: ["osnoise", "timerlat"],
      onFail: "osnoise: Error registering osnoise!",
    },
  ],
};

export class TraceState {
  /** tracing_disabled: tracer_alloc_buffers() refused at boot. */
  disabled = false;
  /** The tracefs files were created at boot. */
  created = false;
  /** The "tracing" automount in debugfs exists. */
  debugfsAutomount = false;
  registered: string[] = [];
  currentTracer = "nop";
  kprobeEvents: string[] = [];
}

/** kernel/trace/trace.c register_tracer(): 0 or -EPERM. */
function registerTracer(k: Kernel, name: string): number {
  if (name === "mmiotrace" && !k.config.MMIOTRACE) return 0;
  if (k.lockedDown("LOCKDOWN_TRACEFS")) {
    k.printk(`Can not register tracer ${name} due to lockdown`, "warn");
    return neg("EPERM");
  }
  k.trace.registered.push(name);
  return 0;
}

/** kernel/trace/trace.c tracing_init_dentry(): 0 or -EPERM (-ENODEV once tracing is disabled). */
function tracingInitDentry(k: Kernel): number {
  if (k.lockedDown("LOCKDOWN_TRACEFS")) {
    k.printk("Tracing disabled due to lockdown", "warn");
    return neg("EPERM");
  }
  if (k.trace.disabled) return neg("ENODEV");
  return 0;
}

/** The boot-time part of tracing, phase by phase. */
export function tracingBootInit(k: Kernel, phase: TracePhase): void {
  if (!k.config.TRACING) return;
  const t = k.trace;
  if (phase === "early") {
    // early_trace_init() -> tracer_alloc_buffers(): nop and function are registered inside.
    if (k.lockedDown("LOCKDOWN_TRACEFS")) {
      k.printk("Tracing disabled due to lockdown", "warn");
      t.disabled = true;
    } else t.registered.push("nop", "function");
    return;
  }
  if (phase === "core") {
    k.filesystems.set("tracefs", emptyTracefs());
    k.vfs.add("/sys/kernel/tracing", { mode: 0o700, dir: true });
  }
  for (const ic of INITCALLS[phase]) {
    let err = 0;
    for (const name of ic.tracers ?? []) {
      err = registerTracer(k, name);
      if (err) break;
    }
    if (!err && ic.dentry) err = tracingInitDentry(k);
    if (err && ic.onFail && err === neg("EPERM")) k.printk(ic.onFail, "warn");
  }
  // tracer_init_tracefs() creates the files (tracefs_create_file() asks again per file).
  if (phase === "fs" && !t.disabled && !k.lsm.denies("LOCKDOWN_TRACEFS")) {
    t.created = true;
    t.debugfsAutomount = true;
    installTracefs(k);
  }
}

function text(s: string): Uint8Array {
  return Buffer.from(s, "latin1");
}

/** tracing_check_open_get_tr() and the other tracefs open handlers. */
function tracefsOpen(k: Kernel): number {
  const r = k.lockedDown("LOCKDOWN_TRACEFS");
  if (r) return r;
  if (k.trace.disabled) return neg("ENODEV");
  return 0;
}

/** kernel/trace/trace_kprobe.c __register_trace_kprobe(): the KPROBES check. */
export function registerTraceKprobe(k: Kernel, _event: string, symbol: string): number {
  const r = k.lockedDown("LOCKDOWN_KPROBES");
  if (r) return r;
  if (!KNOWN_SYMBOLS.has(symbol)) return neg("ENOENT");
  return 0;
}

/** Kernel functions a probe may name. */
export const KNOWN_SYMBOLS = new Set([
  "do_sys_openat2",
  "do_sys_open",
  "vfs_read",
  "vfs_write",
  "__x64_sys_openat",
]);

function installTracefs(k: Kernel): void {
  const t = k.trace;
  const files = new Map<string, Inode>();
  files.set("trace", {
    mode: 0o644,
    open: tracefsOpen,
    read: () => text("# tracer: nop\n"),
    write: (_k, _f, d) => d.length,
  });
  files.set("available_tracers", {
    mode: 0o444,
    open: tracefsOpen,
    read: () => text(`${[...t.registered].reverse().join(" ")}\n`),
  });
  files.set("current_tracer", {
    mode: 0o644,
    open: tracefsOpen,
    read: () => text(`${t.currentTracer}\n`),
    // tracing_set_trace_write() -> tracing_set_tracer()
    write: (kk, _f, d) => {
      const name = Buffer.from(d).toString("latin1").replace(/\s+$/, "");
      if (!t.registered.includes(name)) return neg("EINVAL");
      if (name === t.currentTracer) return d.length;
      if (name === "mmiotrace") kk.printk("mmiotrace: enabled.");
      if (t.currentTracer === "mmiotrace") kk.printk("mmiotrace: disabled.");
      t.currentTracer = name;
      return d.length;
    },
  });
  files.set("kprobe_events", {
    mode: 0o644,
    open: (kk, f) => {
      // probes_open(): security_locked_down(LOCKDOWN_TRACEFS) first.
      const r = kk.lockedDown("LOCKDOWN_TRACEFS");
      if (r) return r;
      if (f.writable && (f.flags & 0o1000) !== 0) t.kprobeEvents = [];
      return 0;
    },
    read: () => text(t.kprobeEvents.map((e) => `${e}\n`).join("")),
    // probes_write() -> trace_kprobe_create() -> register_trace_kprobe()
    write: (kk, _f, d) => {
      for (const line of Buffer.from(d).toString("latin1").split("\n")) {
        const cmd = line.replace(/#.*/, "").trim();
        if (!cmd) continue;
        const m = /^([pr])(?::(?:([\w-]+)\/)?(\w+))?\s+([\w.]+)(?:\+\d+)?(\s.*)?$/.exec(cmd);
        if (!m) return neg("EINVAL");
        const event = m[3] ?? `${m[1]}_${m[4]}_0`;
        if (t.kprobeEvents.some((e) => e.split(" ")[0]!.endsWith(`/${event}`))) return neg("EEXIST");
        const r = registerTraceKprobe(kk, event, m[4]!);
        if (r) return r;
        t.kprobeEvents.push(`${m[1]}:${m[2] ?? "kprobes"}/${event} ${m[4]}`);
      }
      return d.length;
    },
  });
  const fs: FsType = {
    name: "tracefs",
    lookup: (_k, rel) => files.get(rel),
    list: (_k, rel) => (rel === "" ? [...files.keys()] : []),
  };
  k.filesystems.set("tracefs", fs);
}

/** tracefs before (or without) its files: mountable, empty. */
export function emptyTracefs(): FsType {
  return { name: "tracefs", lookup: () => undefined, list: () => [] };
}

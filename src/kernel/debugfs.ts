// fs/debugfs: file opens go through debugfs_locked_down() (file.c, from
// open_proxy_open()/full_proxy_open()): a file whose mode has no bit but read
// bits, opened without FMODE_WRITE, whose real fops have no ioctl and no mmap,
// is "safe"; any other open asks security_locked_down(LOCKDOWN_DEBUGFS).
// debugfs_setattr() (inode.c) asks it for a mode/uid/gid change. Directory
// listing and lookup are not gated.
import type { Kernel } from "./kernel.js";
import { type FsType, type Inode, neg, type OpenFile } from "./vfs.js";

export interface DebugfsFile {
  mode: number;
  /** The real file_operations have unlocked_ioctl/compat_ioctl or mmap. */
  ioctlOrMmap: boolean;
  content: string;
  writable?: boolean;
}

/** fs/debugfs/file.c debugfs_locked_down() */
export function debugfsLockedDown(k: Kernel, mode: number, f: OpenFile, ioctlOrMmap: boolean): number {
  if ((mode & 0o7777 & ~0o444) === 0 && !f.writable && !ioctlOrMmap) return 0;
  if (k.lockedDown("LOCKDOWN_DEBUGFS")) return neg("EPERM");
  return 0;
}

/** Top-level entries of debugfs on the qemu-pc machine (41, without "." and ".."). */
const ROOT_DIRS = [
  "acpi",
  "bdi",
  "block",
  "clk",
  "device_component",
  "devfreq",
  "dma_buf",
  "dri",
  "dynamic_debug",
  "error_injection",
  "extfrag",
  "gpio",
  "hid",
  "kprobes",
  "mce",
  "opp",
  "pinctrl",
  "pm_genpd",
  "pwm",
  "ras",
  "regmap",
  "regulator",
  "sched",
  "swiotlb",
  "usb",
  "virtio-ports",
  "x86",
  "zswap",
  "lru_gen",
  "lru_gen_full",
  "memblock",
  "cec",
  "energy_model",
  "ieee80211",
  "intel_powerclamp",
  "split_huge_pages",
  "fault_around_bytes",
  "sleep_time",
  "suspend_stats",
  "wakeup_sources",
];

export function installDebugfs(k: Kernel): void {
  if (!k.config.DEBUG_FS) return;
  const files = new Map<string, DebugfsFile>([
    ["wakeup_sources", { mode: 0o444, ioctlOrMmap: false, content: "name\t\tactive_count\tevent_count\n" }],
    ["sched/verbose", { mode: 0o644, ioctlOrMmap: false, content: "N\n", writable: true }],
    [
      "sched/features",
      { mode: 0o644, ioctlOrMmap: false, content: "GENTLE_FAIR_SLEEPERS\n", writable: true },
    ],
    ["suspend_stats", { mode: 0o444, ioctlOrMmap: false, content: "success: 0\n" }],
    ["sleep_time", { mode: 0o444, ioctlOrMmap: false, content: "" }],
    ["fault_around_bytes", { mode: 0o644, ioctlOrMmap: false, content: "65536\n", writable: true }],
    ["split_huge_pages", { mode: 0o200, ioctlOrMmap: false, content: "", writable: true }],
  ]);
  const inodes = new Map<string, Inode>();
  for (const [path, d] of files) {
    const inode: Inode = {
      mode: d.mode,
      open: (kk, f) => debugfsLockedDown(kk, inode.mode, f, d.ioctlOrMmap),
      read: () => Buffer.from(d.content, "latin1"),
      write: (_k, _f, data) => (d.writable ? data.length : neg("EPERM")),
      setattr: (kk, mode) => {
        if (kk.lockedDown("LOCKDOWN_DEBUGFS")) return neg("EPERM");
        inode.mode = mode & 0o7777;
        return 0;
      },
    };
    inodes.set(path, inode);
  }
  const fs: FsType = {
    name: "debugfs",
    lookup: (kk, rel) => {
      const node = inodes.get(rel);
      if (node) return node;
      const top = rel.split("/")[0]!;
      if (rel === top && (ROOT_DIRS.includes(top) || (top === "tracing" && kk.trace.debugfsAutomount)))
        return {
          mode: 0o700,
          dir: true,
          setattr: (k2) => (k2.lockedDown("LOCKDOWN_DEBUGFS") ? neg("EPERM") : 0),
        };
      return undefined;
    },
    list: (kk, rel) => {
      if (rel === "") return [...ROOT_DIRS, ...(kk.trace.debugfsAutomount ? ["tracing"] : [])];
      const prefix = `${rel}/`;
      return [...inodes.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
    },
  };
  k.filesystems.set("debugfs", fs);
  k.vfs.add("/sys/kernel/debug", { mode: 0o700, dir: true });
}

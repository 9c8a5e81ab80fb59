// fs/debugfs: file opens go through debugfs_locked_down() (file.c, from
// open_proxy_open()/full_proxy_open()): a file whose mode has no bit but read
// bits, opened without FMODE_WRITE, whose real fops have no ioctl and no mmap,
// is "safe"; any other open asks security_locked_down(LOCKDOWN_DEBUGFS).
// debugfs_setattr() (inode.c) asks it for a mode/uid/gid change. Directory
// listing and lookup are not gated.
import type { KernelVersion } from "../lsm/versions.js";
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

/**
 * The debugfs root of Debian's kernels on the probe battery's machine (qemu
 * pc, -m 1024, -smp 1, TCG, no modules loaded), measured by booting each
 * signed kernel with an init that mounts debugfs and lists its root with
 * readdir() + lstat(): names in readdir order and st_mode. 6.1 gives 43
 * entries with "." and "..", as PROBES.md's debugfs.readdir says.
 * "tracing" is the tracefs automount (tracing.ts decides whether it exists).
 */
const ROOT: Record<KernelVersion, readonly (readonly [string, number])[]> = {
  "6.1": [
    ["pm_genpd", 0o40755],
    ["devices_deferred", 0o100444],
    ["clk", 0o40755],
    ["split_huge_pages", 0o100200],
    ["zswap", 0o40755],
    ["fault_around_bytes", 0o100644],
    ["lru_gen_full", 0o100444],
    ["lru_gen", 0o100644],
    ["kprobes", 0o40755],
    ["sleep_time", 0o100444],
    ["swiotlb", 0o40755],
    ["suspend_stats", 0o100444],
    ["sched", 0o40755],
    ["mce", 0o40755],
    ["cxl", 0o40755],
    ["slab", 0o40755],
    ["frontswap", 0o40755],
    ["extfrag", 0o40755],
    ["clear_warn_once", 0o100200],
    ["dynamic_debug", 0o40755],
    ["tracing", 0o40555],
    ["energy_model", 0o40755],
    ["ras", 0o40755],
    ["devfreq", 0o40755],
    ["dma_buf", 0o40755],
    ["acpi", 0o40755],
    ["pwm", 0o100444],
    ["gpio", 0o100444],
    ["block", 0o40755],
    ["dmaengine", 0o40755],
    ["x86", 0o40755],
    ["i2c", 0o40755],
    ["regmap", 0o40755],
    ["wakeup_sources", 0o100444],
    ["bdi", 0o40755],
    ["dma_pools", 0o40755],
    ["opp", 0o40755],
    ["device_component", 0o40755],
    ["regulator", 0o40755],
    ["pinctrl", 0o40755],
  ],
  "6.12": [
    ["devices_deferred", 0o100444],
    ["pm_genpd", 0o40755],
    ["clk", 0o40755],
    ["stackdepot", 0o40755],
    ["split_huge_pages", 0o100200],
    ["slab", 0o40755],
    ["fault_around_bytes", 0o100644],
    ["lru_gen_full", 0o100444],
    ["lru_gen", 0o100644],
    ["kprobes", 0o40755],
    ["sleep_time", 0o100444],
    ["swiotlb", 0o40755],
    ["suspend_stats", 0o100444],
    ["sched", 0o40755],
    ["mce", 0o40755],
    ["virtio-ports", 0o40755],
    ["phy", 0o40755],
    ["check_wx_pages", 0o100400],
    ["extfrag", 0o40755],
    ["clear_warn_once", 0o100200],
    ["dynamic_debug", 0o40755],
    ["tracing", 0o40555],
    ["energy_model", 0o40755],
    ["ras", 0o40755],
    ["devfreq", 0o40755],
    ["cxl", 0o40755],
    ["dma_buf", 0o40755],
    ["acpi", 0o40755],
    ["pwm", 0o100444],
    ["gpio", 0o100444],
    ["block", 0o40755],
    ["dmaengine", 0o40755],
    ["x86", 0o40755],
    ["i2c", 0o40755],
    ["regmap", 0o40755],
    ["wakeup_sources", 0o100444],
    ["bdi", 0o40755],
    ["dma_pools", 0o40755],
    ["opp", 0o40755],
    ["device_component", 0o40755],
    ["regulator", 0o40755],
    ["pinctrl", 0o40755],
  ],
};

const S_IFDIR = 0o40000;

/** Root entries a module creates when it loads (drivers/mtd/mtdcore.c init_mtd(): debugfs_create_dir("mtd", NULL)). */
const MODULE_ROOT: Record<string, readonly (readonly [string, number])[]> = {
  mtd: [["mtd", 0o40755]],
};

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
  // The other files at the root: their real fops (seq_file, simple attributes) have no ioctl or mmap.
  for (const [name, mode] of ROOT[k.version])
    if (!(mode & S_IFDIR) && !files.has(name))
      files.set(name, {
        mode: mode & 0o7777,
        ioctlOrMmap: false,
        content: "",
        writable: (mode & 0o222) !== 0,
      });
  const root = (kk: Kernel) => [
    ...ROOT[kk.version].filter(([name]) => name !== "tracing" || kk.trace.debugfsAutomount),
    ...[...kk.modules.keys()].flatMap((m) => MODULE_ROOT[m] ?? []),
  ];
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
      const entry = root(kk).find(([name]) => name === rel);
      if (!entry) return undefined;
      const mode = entry[1];
      if (mode & S_IFDIR)
        return {
          mode: mode & 0o7777,
          dir: true,
          setattr: (k2) => (k2.lockedDown("LOCKDOWN_DEBUGFS") ? neg("EPERM") : 0),
        };
      return undefined;
    },
    list: (kk, rel) => {
      if (rel === "") return root(kk).map(([name]) => name);
      const prefix = `${rel}/`;
      return [...inodes.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
    },
  };
  k.filesystems.set("debugfs", fs);
  k.vfs.add("/sys/kernel/debug", { mode: 0o700, dir: true });
}

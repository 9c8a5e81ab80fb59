// The simulated file namespace: the inodes call sites attach to, the
// pseudo-filesystems that appear when mounted, and the open(2) plumbing.
// A file operation returns a byte count / 0 on success or -errno, as the
// kernel's file_operations do.
import { errno } from "./errno.js";
import type { Kernel } from "./kernel.js";

export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;

/** include/uapi/asm-generic/fcntl.h (x86). */
export const OPEN_FLAGS: Readonly<Record<string, number>> = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000,
  O_DIRECT: 0o40000,
  O_LARGEFILE: 0o100000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_NOATIME: 0o1000000,
  O_CLOEXEC: 0o2000000,
  O_SYNC: 0o4010000,
  O_PATH: 0o10000000,
};

export interface OpenFile {
  path: string;
  inode: Inode;
  flags: number;
  /** FMODE_WRITE */
  writable: boolean;
  readable: boolean;
}

export interface IoctlResult {
  ret: number;
  data?: unknown;
}

/** What a call site attaches to a path. Missing operations give the VFS's errno. */
export interface Inode {
  /** Permission bits (07777). */
  mode: number;
  dir?: boolean;
  /** Directory entries without "." and "..". */
  entries?(k: Kernel): string[];
  open?(k: Kernel, f: OpenFile): number;
  /** The whole content a read(2) loop returns, or -errno. */
  read?(k: Kernel, f: OpenFile): Uint8Array | number;
  write?(k: Kernel, f: OpenFile, data: Uint8Array): number;
  pread?(k: Kernel, f: OpenFile, offset: number, size: number): Uint8Array | number;
  pwrite?(k: Kernel, f: OpenFile, offset: number, data: Uint8Array): number;
  mmap?(k: Kernel, f: OpenFile, length: number): number;
  ioctl?(k: Kernel, f: OpenFile, request: string, arg: unknown): IoctlResult;
  /** notify_change() -> ->setattr for a mode change. */
  setattr?(k: Kernel, mode: number): number;
}

/** -errno by name. */
export const neg = (e: string): number => errno(e);

/** A read-only file with computed content (sysfs show). */
export function showFile(mode: number, show: (k: Kernel) => string | Uint8Array | number): Inode {
  return {
    mode,
    read: (k) => {
      const s = show(k);
      return typeof s === "string" ? Buffer.from(s, "latin1") : s;
    },
  };
}

export function dirInode(mode = 0o755, entries?: (k: Kernel) => string[]): Inode {
  return entries ? { mode, dir: true, entries } : { mode, dir: true };
}

/** A filesystem type that can be mounted: its files relative to the mount point. */
export interface FsType {
  name: string;
  lookup(k: Kernel, rel: string): Inode | undefined;
  /** Entries of a directory relative to the mount point. */
  list(k: Kernel, rel: string): string[];
}

export function normalize(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return `/${parts.join("/")}`;
}

/** A tree of fixed paths plus mounted pseudo-filesystems. */
export class Vfs {
  private readonly files = new Map<string, Inode>();
  private readonly mounts = new Map<string, FsType>();

  add(path: string, inode: Inode): void {
    const p = normalize(path);
    this.files.set(p, inode);
    // Parents exist as directories.
    let parent = p.slice(0, p.lastIndexOf("/")) || "/";
    while (!this.files.has(parent)) {
      this.files.set(parent, dirInode());
      if (parent === "/") break;
      parent = parent.slice(0, parent.lastIndexOf("/")) || "/";
    }
  }

  remove(path: string): void {
    this.files.delete(normalize(path));
  }

  mount(target: string, fs: FsType): void {
    this.mounts.set(normalize(target), fs);
  }

  mountedAt(target: string): FsType | undefined {
    return this.mounts.get(normalize(target));
  }

  private mountFor(path: string): { fs: FsType; rel: string } | undefined {
    let best: { fs: FsType; rel: string; len: number } | undefined;
    for (const [t, fs] of this.mounts) {
      if (path === t || path.startsWith(`${t}/`)) {
        if (!best || t.length > best.len)
          best = { fs, rel: path.slice(t.length).replace(/^\//, ""), len: t.length };
      }
    }
    return best;
  }

  lookup(k: Kernel, path: string): Inode | undefined {
    const p = normalize(path);
    const m = this.mountFor(p);
    if (m) return m.rel === "" ? dirInode(0o755, (kk) => m.fs.list(kk, "")) : m.fs.lookup(k, m.rel);
    return this.files.get(p);
  }

  list(k: Kernel, path: string): string[] | undefined {
    const p = normalize(path);
    const m = this.mountFor(p);
    if (m) return m.fs.list(k, m.rel);
    const node = this.files.get(p);
    if (!node?.dir) return undefined;
    if (node.entries) return node.entries(k);
    const prefix = p === "/" ? "/" : `${p}/`;
    const out = new Set<string>();
    for (const q of this.files.keys())
      if (q.startsWith(prefix) && q !== p) out.add(q.slice(prefix.length).split("/")[0]!);
    return [...out];
  }
}

/** A filesystem built from a map of relative paths. */
export function mapFs(name: string, files: (k: Kernel) => ReadonlyMap<string, Inode>): FsType {
  return {
    name,
    lookup: (k, rel) => {
      const m = files(k);
      const node = m.get(rel);
      if (node) return node;
      const prefix = `${rel}/`;
      for (const key of m.keys()) if (key.startsWith(prefix)) return dirInode();
      return undefined;
    },
    list: (k, rel) => {
      const m = files(k);
      const prefix = rel === "" ? "" : `${rel}/`;
      const out = new Set<string>();
      for (const key of m.keys())
        if (key.startsWith(prefix) && key !== rel) out.add(key.slice(prefix.length).split("/")[0]!);
      return [...out];
    },
  };
}

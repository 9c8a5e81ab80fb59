// The root filesystem being audited: a live host ("/", where /proc, /sys and
// efivars describe the running kernel) or an offline tree (a mounted image, a
// container export, a build chroot: files only). Every read is tolerant: a
// missing file is `undefined`, an unreadable one is also recorded so the report
// can say what it could not see (unprivileged runs).
import {
  closeSync,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../errors.js";

export interface Unreadable {
  path: string;
  error: string;
}

export class Root {
  readonly dir: string;
  /** True when auditing the running system: /proc and /sys are read too. */
  readonly live: boolean;
  readonly unreadable: Unreadable[] = [];

  constructor(dir: string, opts: { live?: boolean } = {}) {
    const abs = resolve(dir);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new InputError(
        dir,
        (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : String(e),
      );
    }
    if (!st.isDirectory()) throw new InputError(dir, "not a directory");
    this.dir = abs;
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      /* keep abs */
    }
    this.live = opts.live ?? real === "/";
  }

  /** Host path of a path inside the root ("/etc/fstab" -> "<dir>/etc/fstab"), symlinks not followed. */
  path(rel: string): string {
    return join(this.dir, rel);
  }

  /**
   * Host path with symlinks resolved inside the root: an offline root's
   * absolute links (/var/lib/kdump/vmlinuz -> /boot/vmlinuz-...) point into
   * the root, not into the host.
   */
  host(rel: string): string {
    if (this.dir === "/") return rel;
    let parts = rel.split("/").filter((p) => p && p !== ".");
    const done: string[] = [];
    let hops = 0;
    while (parts.length > 0) {
      const p = parts.shift() as string;
      if (p === "..") {
        done.pop();
        continue;
      }
      const cand = join(this.dir, ...done, p);
      let link: string | undefined;
      try {
        if (lstatSync(cand).isSymbolicLink()) link = readlinkSync(cand);
      } catch {
        done.push(p, ...parts);
        break;
      }
      if (link === undefined) {
        done.push(p);
        continue;
      }
      if (++hops > 40) break;
      const target = link.split("/").filter((x) => x && x !== ".");
      if (link.startsWith("/")) done.length = 0;
      parts = [...target, ...parts];
    }
    return join(this.dir, ...done);
  }

  /** The target of a symlink (as written), or undefined when the path is not one. */
  linkTarget(rel: string): string | undefined {
    try {
      const p =
        this.dir === "/"
          ? rel
          : this.host(rel.slice(0, rel.lastIndexOf("/")) || "/") + rel.slice(rel.lastIndexOf("/"));
      return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
    } catch {
      return undefined;
    }
  }

  /** A canonical name for a path (symlinks resolved), to notice two names of one directory (merged /usr). */
  canonical(rel: string): string {
    if (this.dir !== "/") return this.host(rel);
    try {
      return realpathSync(rel);
    } catch {
      return rel;
    }
  }

  private note(rel: string, e: unknown): void {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return;
    if (!this.unreadable.some((u) => u.path === rel))
      this.unreadable.push({ path: rel, error: code ?? String(e) });
  }

  bytes(rel: string, max = 256 * 1024 * 1024): Buffer | undefined {
    try {
      const p = this.host(rel);
      const st = statSync(p);
      if (!st.isFile() && !rel.startsWith("/proc/") && !rel.startsWith("/sys/")) return undefined;
      if (st.size > max) return undefined;
      return readFileSync(p);
    } catch (e) {
      this.note(rel, e);
      return undefined;
    }
  }

  /** The first `n` bytes of a regular file (undefined when absent or unreadable). */
  head(rel: string, n: number): Buffer | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(this.host(rel), "r");
      if (!fstatSync(fd).isFile()) return undefined;
      const b = Buffer.alloc(n);
      const got = readSync(fd, b, 0, n, 0);
      return b.subarray(0, got);
    } catch (e) {
      this.note(rel, e);
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  text(rel: string, max = 16 * 1024 * 1024): string | undefined {
    return this.bytes(rel, max)?.toString("utf8");
  }

  /** Entries of a directory, sorted; [] when absent or unreadable (recorded). */
  list(rel: string): Dirent[] {
    try {
      return readdirSync(this.host(rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (e) {
      this.note(rel, e);
      return [];
    }
  }

  names(rel: string): string[] {
    return this.list(rel).map((d) => d.name);
  }

  exists(rel: string): boolean {
    try {
      lstatSync(this.host(rel));
      return true;
    } catch {
      return false;
    }
  }

  isFile(rel: string): boolean {
    try {
      return statSync(this.host(rel)).isFile();
    } catch {
      return false;
    }
  }

  isDir(rel: string): boolean {
    try {
      return statSync(this.host(rel)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Recursive file walk (no symlink following), bounded. Paths are root-relative. */
  walk(rel: string, accept: (name: string) => boolean, limit = 200_000): string[] {
    const base = this.host(rel);
    return this.walkHost(base, accept, limit).map((h) => rel + h.slice(base.length));
  }

  /** The same walk returning host paths; the base is resolved once, the tree below read directly. */
  walkHost(base: string, accept: (name: string) => boolean, limit = 200_000): string[] {
    const out: string[] = [];
    const stack = [base];
    while (stack.length > 0 && out.length < limit) {
      const d = stack.pop() as string;
      let entries: Dirent[];
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch (e) {
        this.note(d.slice(this.dir === "/" ? 0 : this.dir.length) || "/", e);
        continue;
      }
      for (const e of entries) {
        const p = `${d}/${e.name}`;
        if (e.isDirectory()) stack.push(p);
        else if ((e.isFile() || e.isSymbolicLink()) && accept(e.name)) out.push(p);
      }
    }
    return out.sort();
  }
}

/** Shell-style KEY=value assignments (/etc/default/*): last one wins, quotes removed. */
export function shellVars(text: string | undefined): Map<string, string> {
  const vars = new Map<string, string>();
  if (!text) return vars;
  for (const raw of joinContinuations(text)) {
    const line = raw.trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    vars.set(m[1] as string, unquote(m[2] as string, vars));
  }
  return vars;
}

function joinContinuations(text: string): string[] {
  return text.replace(/\\\n/g, " ").split("\n");
}

/** Removes shell quotes and expands $VAR / ${VAR} from earlier assignments. */
function unquote(v: string, vars: Map<string, string>): string {
  let out = "";
  let i = 0;
  const s = v.trim();
  while (i < s.length) {
    const c = s[i] as string;
    if (c === "#" && (i === 0 || /\s/.test(s[i - 1] as string))) break;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      out += s.slice(i + 1, j < 0 ? s.length : j);
      i = j < 0 ? s.length : j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let chunk = "";
      while (j < s.length && s[j] !== '"') {
        if (s[j] === "\\" && j + 1 < s.length) {
          chunk += s[j + 1];
          j += 2;
        } else chunk += s[j++];
      }
      out += expand(chunk, vars);
      i = j + 1;
    } else if (/\s/.test(c)) {
      break;
    } else {
      let j = i;
      while (j < s.length && !/[\s'"]/.test(s[j] as string)) j++;
      out += expand(s.slice(i, j), vars);
      i = j;
    }
  }
  return out;
}

function expand(s: string, vars: Map<string, string>): string {
  return s.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a, b) => vars.get(a ?? b) ?? "",
  );
}

/** Lines without comments and blank lines, with their 1-based numbers. */
export function configLines(text: string | undefined): { n: number; line: string }[] {
  if (!text) return [];
  const out: { n: number; line: string }[] = [];
  text.split("\n").forEach((l, i) => {
    const t = l.replace(/(^|\s)#.*$/, "").trim();
    if (t) out.push({ n: i + 1, line: t });
  });
  return out;
}

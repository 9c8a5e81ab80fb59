// Commands the system runs on its own: systemd units (Exec* lines), rc.local,
// cron tables and the init scripts of interest. Other checks look for tool
// invocations and mounts in them.
import { configLines, type Root } from "./rootfs.js";

export interface Invocation {
  /** file:line */
  where: string;
  /** The command line as written (after an Exec*= prefix and its modifiers). */
  command: string;
  /** Program base name and arguments, split on whitespace (quotes removed). */
  argv: string[];
}

const UNIT_DIRS = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/usr/local/lib/systemd/system",
  "/lib/systemd/system",
  "/usr/lib/systemd/system",
];
const UNIT_EXT = /\.(service|mount|automount|socket|timer|path|target)$/;

/** True when a unit file is masked: a symlink to /dev/null, or empty (systemd's rule). */
function masked(root: Root, p: string): boolean {
  if (root.linkTarget(p) === "/dev/null") return true;
  const t = root.text(p, 1 << 20);
  return t !== undefined && t.length === 0;
}

/**
 * Unit files in effect (root-relative), including drop-ins (*.d/*.conf). A unit name is
 * taken from the first directory that has it (/etc over /run over /usr/local/lib over
 * /usr/lib), as systemd does: a full copy in /etc replaces the vendor unit and a
 * /dev/null link masks it (its drop-ins go with it). Vendor units come last.
 */
export function unitFiles(root: Root): string[] {
  const units: string[] = [];
  const dropins: { unit: string; file: string }[] = [];
  const seen = new Set<string>();
  const dirs = new Set<string>();
  const off = new Set<string>();
  const files = new Set<string>();
  for (const d of UNIT_DIRS) {
    if (d === "/run/systemd/system" && !root.live) continue;
    // Merged /usr: /lib/systemd/system is /usr/lib/systemd/system; read each directory once.
    const real = root.canonical(d);
    if (dirs.has(real)) continue;
    dirs.add(real);
    for (const e of root.list(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory() && e.name.endsWith(".d")) {
        for (const n of root.names(p))
          if (n.endsWith(".conf")) dropins.push({ unit: e.name.slice(0, -2), file: `${p}/${n}` });
      } else if (UNIT_EXT.test(e.name) && !seen.has(e.name)) {
        seen.add(e.name);
        if (masked(root, p)) off.add(e.name);
        else {
          // An alias (display-manager.service -> gdm3.service) is the same file: read it once.
          const c = root.canonical(p);
          const real = root.dir === "/" ? c : c.slice(root.dir.length);
          if (!files.has(c)) units.push(root.linkTarget(p) !== undefined && real.startsWith("/") ? real : p);
          files.add(c);
        }
      }
    }
  }
  const out: string[] = [];
  // Admin units and drop-ins first, vendor units last.
  for (const u of units) if (!isVendorUnit(u)) out.push(u);
  for (const x of dropins) if (!off.has(x.unit)) out.push(x.file);
  for (const u of units) if (isVendorUnit(u)) out.push(u);
  return out;
}

/** True for units shipped by a package (under /lib or /usr/lib), not written by the admin. */
export function isVendorUnit(file: string): boolean {
  return file.startsWith("/lib/") || file.startsWith("/usr/lib/");
}

/** Shell-ish tokens: quoted strings are one word; unquoted ; & | separate commands (as null). */
function tokens(cmd: string): (string | null)[] {
  const out: (string | null)[] = [];
  let cur: string | undefined;
  let i = 0;
  while (i < cmd.length) {
    const c = cmd[i] as string;
    if (c === "'" || c === '"') {
      const j = cmd.indexOf(c, i + 1);
      cur = (cur ?? "") + cmd.slice(i + 1, j < 0 ? cmd.length : j);
      i = j < 0 ? cmd.length : j + 1;
    } else if (c === ";" || c === "&" || c === "|" || c === "\n") {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
      if (out.at(-1) !== null) out.push(null);
      i++;
    } else if (/\s/.test(c)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
      i++;
    } else {
      cur = (cur ?? "") + c;
      i++;
    }
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

const WRAPPERS = [
  "sudo",
  "exec",
  "nice",
  "ionice",
  "nohup",
  "env",
  "timeout",
  "stdbuf",
  "command",
  "chrt",
  "taskset",
];

export function simpleCommands(cmd: string): string[][] {
  const out: string[][] = [];
  const parts: string[][] = [[]];
  for (const t of tokens(cmd)) {
    if (t === null) parts.push([]);
    else parts.at(-1)?.push(t);
  }
  for (const part of parts) {
    let w = part;
    // strip env assignments and wrappers (sudo, nice -n 5, timeout 10, ...) with their options
    for (;;) {
      const w0 = w[0];
      if (w0 === undefined) break;
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w0)) {
        w = w.slice(1);
        continue;
      }
      if (!WRAPPERS.includes(base(w0))) break;
      let i = 1;
      while (i < w.length && (w[i] as string).startsWith("-")) {
        // an option with a separate value: "-n 5", "-u root", "-c 3"
        if (/^-[a-zA-Z]$/.test(w[i] as string) && i + 1 < w.length && !(w[i + 1] as string).startsWith("/"))
          i++;
        i++;
      }
      if (base(w0) === "timeout" && i < w.length) i++; // the duration
      w = w.slice(i);
    }
    if (w.length > 0 && ["sh", "bash", "dash"].includes(base(w[0] as string)) && w[1] === "-c" && w[2]) {
      out.push(...simpleCommands(w.slice(2).join(" ")));
      continue;
    }
    if (w.length > 0) out.push(w);
  }
  return out;
}

export function base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** Every command line systemd units, rc.local, cron and admin scripts will run. */
export function invocations(root: Root): Invocation[] {
  const out: Invocation[] = [];
  const add = (where: string, command: string) => {
    for (const argv of simpleCommands(command))
      out.push({ where, command, argv: [base(argv[0] as string), ...argv.slice(1)] });
  };
  for (const f of unitFiles(root)) {
    for (const { n, line } of configLines(root.text(f))) {
      const m = /^Exec(?:Start|StartPre|StartPost|Stop|StopPost|Reload|Condition)\s*=\s*(.*)$/.exec(line);
      if (m?.[1]) add(`${f}:${n}`, (m[1] as string).replace(/^[-@:+!]+/, ""));
    }
  }
  const scripts = ["/etc/rc.local", "/etc/crontab"];
  for (const n of root.names("/etc/cron.d")) scripts.push(`/etc/cron.d/${n}`);
  // Users' own crontabs (crontab -e): Debian /var/spool/cron/crontabs/<user>, RHEL /var/spool/cron/<user>.
  const userTabs = new Set<string>();
  for (const d of ["/var/spool/cron/crontabs", "/var/spool/cron"])
    for (const e of root.list(d))
      if (e.isFile()) {
        userTabs.add(`${d}/${e.name}`);
        scripts.push(`${d}/${e.name}`);
      }
  for (const d of [
    "/etc/cron.hourly",
    "/etc/cron.daily",
    "/etc/cron.weekly",
    "/etc/cron.monthly",
    "/etc/network/if-up.d",
    "/etc/local.d",
  ])
    for (const n of root.names(d)) scripts.push(`${d}/${n}`);
  for (const f of scripts) {
    const t = root.text(f, 1 << 20);
    if (!t || t.includes("\0")) continue;
    for (const { n, line } of configLines(t)) {
      // cron lines: skip the schedule fields and the user.
      const cron = /^(?:@\w+|(?:\S+\s+){5})\s*(?:(?:root|[a-z_][a-z0-9_-]*)\s+)?(.*)$/.exec(line);
      // Only crontabs have schedule fields; cron.{hourly,daily,...} hold plain scripts.
      // A user's crontab has no user field.
      if (userTabs.has(f)) {
        const u = /^(?:@\w+|(?:\S+\s+){5})\s*(.*)$/.exec(line);
        if (u?.[1] && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(line)) add(`${f}:${n}`, u[1]);
        continue;
      }
      const crontab = f === "/etc/crontab" || f.startsWith("/etc/cron.d/");
      add(`${f}:${n}`, crontab && cron?.[1] ? cron[1] : line);
    }
  }
  return out;
}

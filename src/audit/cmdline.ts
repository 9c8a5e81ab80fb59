// Where the kernel command line comes from: on a live host /proc/cmdline (what
// this boot used); in every root the boot configuration that builds the next
// one: GRUB (/etc/default/grub then /etc/default/grub.d/*.cfg, sourced in
// that order), kernel-install/systemd-boot (/etc/kernel/cmdline), and the
// generated /boot/grub/grub.cfg.
import { type CmdlineArg, splitCmdline } from "../kernel/policy.js";
import { type Root, shellVars } from "./rootfs.js";

export interface CmdlineSource {
  /** File (root-relative) or "/proc/cmdline". */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  text: string;
  args: CmdlineArg[];
}

function grubSources(root: Root): CmdlineSource[] {
  const files = ["/etc/default/grub"];
  for (const n of root.names("/etc/default/grub.d"))
    if (n.endsWith(".cfg")) files.push(`/etc/default/grub.d/${n}`);
  // update-grub sources the files in order; what counts is the final value of each variable.
  // Each word of it is attributed to the file that put it there: a snippet appending
  // "$GRUB_CMDLINE_LINUX x=y" adds x=y, one assigning a new value replaces what came before.
  const owner = new Map<string, { word: string; file: string }[]>();
  let acc = "";
  for (const f of files) {
    const t = root.text(f);
    if (t === undefined) continue;
    acc += `\n${t}`;
    const v = shellVars(acc);
    for (const name of ["GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"]) {
      const words = (v.get(name) ?? "").split(/\s+/).filter(Boolean);
      const before = owner.get(name) ?? [];
      const old = before.map((w) => w.word);
      // Where the old value sits inside the new one (kept by "$VAR" expansion), if it does.
      let at = -1;
      for (let i = 0; i + old.length <= words.length && old.length > 0; i++)
        if (old.every((w, k) => words[i + k] === w)) {
          at = i;
          break;
        }
      owner.set(
        name,
        words.map((word, i) =>
          at >= 0 && i >= at && i < at + old.length
            ? (before[i - at] as { word: string; file: string })
            : { word, file: f },
        ),
      );
    }
  }
  const out: CmdlineSource[] = [];
  for (const f of files) {
    const words = [
      ...(owner.get("GRUB_CMDLINE_LINUX") ?? []),
      ...(owner.get("GRUB_CMDLINE_LINUX_DEFAULT") ?? []),
    ]
      .filter((w) => w.file === f)
      .map((w) => w.word);
    if (words.length === 0) continue;
    const added = words.join(" ");
    const args = splitCmdline(added).args;
    const lines = (root.text(f) ?? "").split("\n");
    const first = args[0];
    const line = first
      ? lines.findIndex((l) => /^\s*(export\s+)?GRUB_CMDLINE_LINUX/.test(l) && l.includes(first.param))
      : -1;
    out.push({ file: f, line: line >= 0 ? line + 1 : undefined, text: added, args });
  }
  return out;
}

/** The command-line sources of the next boot (and, live, of the current one). */
export function cmdlineSources(root: Root): CmdlineSource[] {
  const out: CmdlineSource[] = [];
  if (root.live) {
    const t = root.text("/proc/cmdline");
    if (t !== undefined)
      out.push({ file: "/proc/cmdline", text: t.trim(), args: splitCmdline(t.trim()).args });
  }
  out.push(...grubSources(root));
  // kernel-install: /etc/kernel/cmdline, else the vendor default /usr/lib/kernel/cmdline.
  let kf = "/etc/kernel/cmdline";
  let kc = root.text(kf);
  if (kc === undefined) {
    kf = "/usr/lib/kernel/cmdline";
    kc = root.text(kf);
  }
  if (kc !== undefined) {
    const text = kc
      .split("\n")
      .filter((l) => !l.trim().startsWith("#"))
      .join(" ")
      .trim();
    if (text) out.push({ file: kf, line: 1, text, args: splitCmdline(text).args });
  }
  // systemd-boot / BLS entries (written by kernel-install, or by hand).
  for (const dir of ["/boot/loader/entries", "/efi/loader/entries", "/boot/efi/loader/entries"]) {
    for (const n of root.names(dir)) {
      if (!n.endsWith(".conf")) continue;
      const f = `${dir}/${n}`;
      (root.text(f) ?? "").split("\n").forEach((l, i) => {
        const m = /^\s*options\s+(.*)$/.exec(l);
        if (m?.[1]) out.push({ file: f, line: i + 1, text: m[1].trim(), args: splitCmdline(m[1]).args });
      });
    }
  }
  // The generated GRUB menu, only used when no /etc/default/grub exists (it mirrors it otherwise).
  if (!out.some((s) => s.file.startsWith("/etc/default/grub"))) {
    for (const f of ["/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"]) {
      const t = root.text(f);
      if (!t) continue;
      t.split("\n").forEach((l, i) => {
        const m = /^\s*linux(?:efi)?\s+\S+\s+(.*)$/.exec(l);
        if (m?.[1]) out.push({ file: f, line: i + 1, text: m[1].trim(), args: splitCmdline(m[1]).args });
      });
      break;
    }
  }
  return out;
}

export function where(s: CmdlineSource): string {
  return s.line ? `${s.file}:${s.line}` : s.file;
}

/** Every occurrence of a parameter (dashes and underscores equal) with its source. */
export function findParam(
  sources: CmdlineSource[],
  param: string,
): { source: CmdlineSource; val: string | null }[] {
  const norm = (s: string) => s.replaceAll("-", "_");
  const p = norm(param);
  const out: { source: CmdlineSource; val: string | null }[] = [];
  for (const s of sources)
    for (const a of s.args) if (norm(a.param) === p) out.push({ source: s, val: a.val });
  return out;
}

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
  /**
   * The boot this source feeds: "/proc/cmdline" (this boot), "grub" (update-grub's
   * command line, built from several files), "kernel-install", or the entry's own
   * file:line (a BLS entry, a grub.cfg menu entry).
   */
  boot?: string;
  /** Per arg: its index on that boot's command line (the later one wins). */
  pos?: number[];
  /** Per arg: its 1-based line in `file`, when known. */
  lines?: (number | undefined)[];
  /** Whether that boot's command line has a bare "--" (init's arguments follow it). */
  dashes?: boolean;
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
  // update-grub: linux ... ${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT} (10_linux's normal entry).
  const all = [
    ...(owner.get("GRUB_CMDLINE_LINUX") ?? []),
    ...(owner.get("GRUB_CMDLINE_LINUX_DEFAULT") ?? []),
  ];
  const dashAt = all.findIndex((w) => w.word === "--");
  const kernelWords = dashAt >= 0 ? all.slice(0, dashAt) : all;
  const out: CmdlineSource[] = [];
  for (const f of files) {
    const lines = (root.text(f) ?? "").split("\n");
    const src: CmdlineSource & { pos: number[]; lines: (number | undefined)[] } = {
      file: f,
      text: "",
      args: [],
      boot: "grub",
      pos: [],
      lines: [],
      dashes: dashAt >= 0,
    };
    const mine: string[] = [];
    kernelWords.forEach((w, i) => {
      if (w.file !== f) return;
      mine.push(w.word);
      const n = lines.findIndex((l) => /^\s*(export\s+)?GRUB_CMDLINE_LINUX/.test(l) && l.includes(w.word));
      const m = n >= 0 ? n : lines.findIndex((l) => l.includes(w.word));
      for (const a of splitCmdline(w.word).args) {
        src.args.push(a);
        src.pos.push(i);
        src.lines.push(m >= 0 ? m + 1 : undefined);
      }
    });
    if (mine.length === 0) continue;
    src.text = mine.join(" ");
    const first = src.lines.find((l) => l !== undefined);
    if (first !== undefined) src.line = first;
    out.push(src);
  }
  return out;
}

/** A source that is one whole command line. */
function single(file: string, line: number | undefined, text: string, boot: string): CmdlineSource {
  const { args, afterDashes } = splitCmdline(text);
  return {
    file,
    ...(line !== undefined ? { line } : {}),
    text,
    args,
    boot,
    pos: args.map((_, i) => i),
    dashes: afterDashes !== null,
  };
}

/** The command-line sources of the next boot (and, live, of the current one). */
export function cmdlineSources(root: Root): CmdlineSource[] {
  const out: CmdlineSource[] = [];
  if (root.live) {
    const t = root.text("/proc/cmdline");
    if (t !== undefined) out.push(single("/proc/cmdline", undefined, t.trim(), "/proc/cmdline"));
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
    if (text) out.push(single(kf, 1, text, "kernel-install"));
  }
  // systemd-boot / BLS entries (written by kernel-install, or by hand).
  for (const dir of ["/boot/loader/entries", "/efi/loader/entries", "/boot/efi/loader/entries"]) {
    for (const n of root.names(dir)) {
      if (!n.endsWith(".conf")) continue;
      const f = `${dir}/${n}`;
      (root.text(f) ?? "").split("\n").forEach((l, i) => {
        const m = /^\s*options\s+(.*)$/.exec(l);
        if (m?.[1]) out.push(single(f, i + 1, m[1].trim(), f));
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
        if (m?.[1]) out.push(single(f, i + 1, m[1].trim(), `${f}:${i + 1}`));
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

/** One place a parameter is set. */
export interface ParamOccurrence {
  source: CmdlineSource;
  /** As written there (parse_args() compares with '-' and '_' equal). */
  param: string;
  val: string | null;
  /** Index on its boot's command line. */
  pos: number;
  line?: number;
}

/**
 * One parameter as the next boot (and, live, this boot) gets it, however many
 * files set it: every place, and per boot the occurrence that wins. parse_args()
 * hands each occurrence to its handler in command-line order (kernel/params.c),
 * so a later one overrides an earlier one; for GRUB, update-grub sources
 * /etc/default/grub and then /etc/default/grub.d/*.cfg in name order and writes
 * GRUB_CMDLINE_LINUX before GRUB_CMDLINE_LINUX_DEFAULT.
 */
export interface EffectiveParam {
  /** The name with '-' as '_'. */
  key: string;
  occurrences: ParamOccurrence[];
  /** Per boot, the last occurrence on its command line. */
  winners: ParamOccurrence[];
  /** The winner of the boot that counts most: GRUB, else kernel-install, else a boot entry, else this boot. */
  effective: ParamOccurrence;
  /** Boots that end up with another value: those are effective parameters of their own. */
  others: ParamOccurrence[];
}

const norm = (s: string) => s.replaceAll("-", "_");

function bootRank(b: string): number {
  if (b === "grub") return 0;
  if (b === "kernel-install") return 1;
  if (b === "/proc/cmdline") return 3;
  return 2;
}

/**
 * Groups every occurrence of the parameters `match` accepts (given the '_' name):
 * one group per parameter and value the boots end up with. Occurrences a later
 * one overrides on the same command line belong to the winner's group; boots
 * that end with different values (GRUB vs kernel-install, this boot vs the
 * next) are separate groups, each naming the others.
 */
export function effectiveParams(sources: CmdlineSource[], match: (key: string) => boolean): EffectiveParam[] {
  const groups = new Map<string, ParamOccurrence[]>();
  for (const s of sources)
    s.args.forEach((a, i) => {
      const key = norm(a.param);
      if (!match(key)) return;
      const line = s.lines?.[i] ?? s.line;
      const o: ParamOccurrence = { source: s, param: a.param, val: a.val, pos: s.pos?.[i] ?? i };
      if (line !== undefined) o.line = line;
      const g = groups.get(key) ?? [];
      g.push(o);
      groups.set(key, g);
    });
  const out: EffectiveParam[] = [];
  for (const [key, occurrences] of groups) {
    const byBoot = new Map<string, ParamOccurrence>();
    for (const o of occurrences) {
      const b = o.source.boot ?? o.source.file;
      const w = byBoot.get(b);
      if (!w || o.pos >= w.pos) byBoot.set(b, o);
    }
    const all = [...byBoot.entries()].sort((x, y) => bootRank(x[0]) - bootRank(y[0]));
    const byVal = new Map<string | null, [string, ParamOccurrence][]>();
    for (const e of all) byVal.set(e[1].val, [...(byVal.get(e[1].val) ?? []), e]);
    for (const boots of byVal.values()) {
      const names = new Set(boots.map((b) => b[0]));
      const winners = boots.map((b) => b[1]);
      out.push({
        key,
        occurrences: occurrences.filter((o) => names.has(o.source.boot ?? o.source.file)),
        winners,
        effective: winners[0] as ParamOccurrence,
        others: all.filter((b) => !names.has(b[0])).map((b) => b[1]),
      });
    }
  }
  return out;
}

/** file:line of one occurrence. */
export function occurrenceWhere(o: ParamOccurrence): string {
  return o.line ? `${o.source.file}:${o.line}` : o.source.file;
}

export function argText(o: { param: string; val: string | null }): string {
  return o.val !== null ? `${o.param}=${o.val}` : o.param;
}

function bootName(b: string): string {
  if (b === "grub") return "GRUB's command line (update-grub)";
  if (b === "kernel-install") return "kernel-install's entries (systemd-boot, UKI)";
  if (b === "/proc/cmdline") return "this boot (/proc/cmdline)";
  return `the boot entry ${b}`;
}

/** The files, comma-separated, where a parameter is set (each once). */
export function placesOf(e: EffectiveParam): string {
  return [...new Set(e.occurrences.map((o) => o.source.file))].join(", ");
}

/**
 * Where a parameter comes from, for evidence: "" when set once; otherwise every
 * place and, where values differ, which one each boot ends up with and why.
 */
export function originsOf(e: EffectiveParam): string {
  const inside = within(e);
  const elsewhere = e.others.length
    ? `other boots end up with another value (a finding of its own): ${e.others
        .map(
          (o) => `${bootName(o.source.boot ?? o.source.file)} gets ${argText(o)} from ${occurrenceWhere(o)}`,
        )
        .join("; ")}`
    : "";
  return [inside, elsewhere].filter(Boolean).join("; ");
}

function within(e: EffectiveParam): string {
  if (e.occurrences.length < 2) return "";
  const places = e.occurrences.map((o) => `${occurrenceWhere(o)} (${argText(o)})`).join(", ");
  const vals = new Set(e.occurrences.map((o) => o.val));
  if (vals.size === 1) return `set ${e.occurrences.length} times, with the same value: ${places}`;
  const parts: string[] = [];
  for (const w of e.winners) {
    const b = w.source.boot ?? w.source.file;
    const same = e.occurrences.filter((o) => (o.source.boot ?? o.source.file) === b);
    const why =
      same.length < 2
        ? ""
        : b === "grub"
          ? " (the last one on it wins: update-grub sources /etc/default/grub, then /etc/default/grub.d/*.cfg in name order, GRUB_CMDLINE_LINUX before GRUB_CMDLINE_LINUX_DEFAULT)"
          : " (the last one on it wins)";
    parts.push(`${bootName(b)} gets ${argText(w)} from ${occurrenceWhere(w)}${why}`);
  }
  return `set in ${e.occurrences.length} places with different values: ${places}; ${parts.join("; ")}`;
}

/** Evidence for one effective parameter: where it is set, what it does, and where sources disagree. */
export function paramEvidence(
  e: EffectiveParam,
  effect: string,
  shown: ParamOccurrence = e.effective,
): string {
  const origins = originsOf(e);
  const head = e.occurrences.length === 1 ? `${occurrenceWhere(shown)}: ` : "";
  return `${head}${argText(shown)}: ${effect}${origins ? `; ${origins}` : ""}`;
}

/** The subject of a finding about one effective parameter: "name=value (file, file)". */
export function paramSubject(e: EffectiveParam, shown: ParamOccurrence = e.effective): string {
  return `${argText(shown)} (${placesOf(e)})`;
}

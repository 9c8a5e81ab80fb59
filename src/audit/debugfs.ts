// debugfs and tracefs mounts and users. Mounting is not gated; opening a
// debugfs file that is writable, has ioctl/mmap or is opened for writing is
// (fs/debugfs/file.c debugfs_locked_down: integrity), and every tracefs open
// is refused at confidentiality. An admin-added mount or unit reading these
// trees is evidence something depends on them. systemd's own
// sys-kernel-debug.mount and sys-kernel-tracing.mount exist everywhere and
// are not findings.
import { type Finding, type Fine, finding } from "./findings.js";
import { configLines, type Root } from "./rootfs.js";
import { type Invocation, isVendorUnit, unitFiles } from "./units.js";

const STOCK = new Set([
  "/lib/systemd/system/sys-kernel-debug.mount",
  "/lib/systemd/system/sys-kernel-tracing.mount",
  "/usr/lib/systemd/system/sys-kernel-debug.mount",
  "/usr/lib/systemd/system/sys-kernel-tracing.mount",
]);

function fsFinding(kind: "debugfs" | "tracefs", subject: string, evidence: string): Finding {
  return kind === "debugfs"
    ? finding({
        id: "debugfs.mount",
        reason: "LOCKDOWN_DEBUGFS",
        subject,
        evidence: `${evidence}: debugfs files that are writable or have ioctl/mmap cannot be opened under lockdown (EPERM; read-only 0444 files still can)`,
        remedy:
          "Find what reads debugfs here and move it to a stable interface (sysfs, tracepoints, netlink); drop the mount if nothing needs it.",
      })
    : finding({
        id: "tracefs.mount",
        reason: "LOCKDOWN_TRACEFS",
        subject,
        evidence: `${evidence}: at confidentiality every tracefs open fails with EPERM (and tracing is not set up at all when booted that way)`,
        remedy: "Keep hosts that need ftrace at integrity, or use BPF on tracepoints at integrity.",
      });
}

export function debugfsFindings(root: Root, invs: Invocation[]): { findings: Finding[]; fine: Fine[] } {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  for (const { n, line } of configLines(root.text("/etc/fstab"))) {
    const f = line.split(/\s+/);
    const type = f[2];
    if (
      type === "debugfs" ||
      type === "tracefs" ||
      (f[0] === "debugfs" && type !== "none") ||
      f[1] === "/sys/kernel/debug" ||
      f[1] === "/sys/kernel/tracing"
    ) {
      const kind =
        type === "tracefs" || f[1] === "/sys/kernel/tracing" || f[1]?.endsWith("/tracing")
          ? "tracefs"
          : "debugfs";
      findings.push(fsFinding(kind, `/etc/fstab:${n}`, `/etc/fstab:${n}: "${line}" mounts ${kind}`));
    }
  }
  for (const u of unitFiles(root)) {
    if (STOCK.has(u)) {
      fine.push({
        check: "debugfs",
        subject: u,
        detail: "systemd's own mount unit, present everywhere (mounting is not gated)",
      });
      continue;
    }
    const lines = configLines(root.text(u));
    const type = lines.find(
      (l) => /^Type\s*=\s*(debugfs|tracefs)\b/.test(l.line) || /^What\s*=\s*(debugfs|tracefs)\b/.test(l.line),
    );
    if (type && (u.endsWith(".mount") || lines.some((l) => l.line.startsWith("[Mount]")))) {
      const kind = type.line.includes("tracefs") ? "tracefs" : "debugfs";
      findings.push(
        fsFinding(
          kind,
          u,
          `${u}:${type.n}: ${isVendorUnit(u) ? "packaged" : "admin-written"} mount unit for ${kind}`,
        ),
      );
    }
  }
  for (const inv of invs) {
    const text = inv.argv.join(" ");
    const mnt = inv.argv[0] === "mount" && /-t\s*(debugfs|tracefs)\b|\b(debugfs|tracefs)\s+\/sys/.test(text);
    const tracing = /\/sys\/kernel\/(debug\/)?tracing\b/.test(text);
    const debug = /\/sys\/kernel\/debug\b/.test(text) && !tracing;
    if (mnt)
      findings.push(
        fsFinding(
          text.includes("tracefs") ? "tracefs" : "debugfs",
          inv.where,
          `${inv.where}: "${inv.command}"`,
        ),
      );
    else if (tracing)
      findings.push(fsFinding("tracefs", inv.where, `${inv.where}: "${inv.command}" uses tracefs`));
    else if (debug)
      findings.push(fsFinding("debugfs", inv.where, `${inv.where}: "${inv.command}" uses debugfs`));
  }
  return { findings, fine };
}

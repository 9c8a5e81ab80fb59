// Hibernation: hibernation_available() is false under lockdown
// (kernel/power/hibernate.c): hibernating fails with EPERM and the boot-time
// resume from a hibernation image is skipped silently. Evidence that a system
// relies on it: resume= on the kernel command line, the initramfs resume
// device, uswsusp, and logind/sleep actions that hibernate.
import { type CmdlineSource, effectiveParams, findParam, paramEvidence, paramSubject } from "./cmdline.js";
import { type Finding, type Fine, finding } from "./findings.js";
import { configLines, type Root, shellVars } from "./rootfs.js";
import type { Invocation } from "./units.js";

const REMEDY =
  "Under lockdown there is no hibernation: use suspend-to-RAM (HandleLidSwitch=suspend), remove resume=/resume_offset= from the kernel command line and set RESUME=none in /etc/initramfs-tools/conf.d/resume (then update-initramfs -u, update-grub) so the boot does not wait for an image it will skip.";

/** What a command does about hibernation: "hibernate" when it asks for a hibernation image. */
export function hibernateCommand(argv: string[]): string | undefined {
  const [name = "", ...args] = argv;
  if ((name === "systemctl" || name === "loginctl") && args.some((a) => HIBERNATE_VERBS.has(a)))
    return `${name} ${args.find((a) => HIBERNATE_VERBS.has(a))}`;
  if (["pm-hibernate", "pm-suspend-hybrid", "s2disk", "s2both", "hibernate"].includes(name)) return name;
  // echo disk > /sys/power/state (or platform/shutdown/reboot into /sys/power/disk and then state)
  if (name === "echo" && args.includes("disk") && args.some((a) => /^>*\/sys\/power\/state$/.test(a)))
    return "echo disk > /sys/power/state";
  return undefined;
}

const HIBERNATE_VERBS = new Set(["hibernate", "hybrid-sleep", "suspend-then-hibernate"]);

export function hibernationFindings(
  root: Root,
  cmdline: CmdlineSource[],
  invs: Invocation[] = [],
): { findings: Finding[]; fine: Fine[] } {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  const off = findParam(cmdline, "nohibernate").length > 0;
  for (const p of ["resume", "resume_offset"]) {
    if (off) break;
    for (const e of effectiveParams(cmdline, (k) => k === p)) {
      // resume= with no device (or "none") on every boot that has it: nothing to resume from.
      const live = e.winners.filter(
        (w) => !(p === "resume" && (w.val === null || w.val === "" || w.val === "none")),
      );
      const shown = live[0];
      if (!shown) continue;
      findings.push(
        finding({
          id: "hibernation.resume-cmdline",
          reason: "LOCKDOWN_HIBERNATION",
          subject: paramSubject(e, shown),
          evidence: paramEvidence(
            e,
            `the system is set up to resume from a hibernation image; under lockdown software_resume() skips it silently and hibernating fails with EPERM ("hibernation is restricted")`,
            shown,
          ),
          remedy: REMEDY,
        }),
      );
    }
  }
  const confd = root.names("/etc/initramfs-tools/conf.d").map((n) => `/etc/initramfs-tools/conf.d/${n}`);
  for (const f of ["/etc/initramfs-tools/initramfs.conf", ...confd]) {
    const t = root.text(f);
    const v = shellVars(t);
    const r = v.get("RESUME");
    if (r === undefined) continue;
    if (r === "" || r === "none" || r === "auto") {
      fine.push({ check: "hibernation", subject: f, detail: `RESUME=${r || "(empty)"}` });
      continue;
    }
    const line = configLines(t).find((l) => l.line.startsWith("RESUME"));
    findings.push(
      finding({
        id: "hibernation.initramfs-resume",
        reason: "LOCKDOWN_HIBERNATION",
        subject: f,
        evidence: `${f}${line ? `:${line.n}` : ""}: RESUME=${r}: the initramfs resumes from this device; under lockdown the resume is skipped silently and hibernation fails with EPERM`,
        remedy: REMEDY,
      }),
    );
  }
  const us = root.text("/etc/uswsusp.conf");
  if (us !== undefined) {
    const dev = configLines(us).find((l) => /^resume device\s*[=:]/.test(l.line));
    if (dev)
      findings.push(
        finding({
          id: "hibernation.uswsusp",
          reason: "LOCKDOWN_HIBERNATION",
          subject: "/etc/uswsusp.conf",
          evidence: `/etc/uswsusp.conf:${dev.n}: "${dev.line}": s2disk opens /dev/snapshot, which fails with EPERM under lockdown`,
          remedy: REMEDY,
        }),
      );
  }
  const logind = [
    "/etc/systemd/logind.conf",
    ...root.names("/etc/systemd/logind.conf.d").map((n) => `/etc/systemd/logind.conf.d/${n}`),
  ];
  for (const f of logind) {
    for (const { n, line } of configLines(root.text(f))) {
      const m = /^(Handle\w+|IdleAction)\s*=\s*(hibernate|hybrid-sleep|suspend-then-hibernate)\s*$/.exec(
        line,
      );
      if (m)
        findings.push(
          finding({
            id: "hibernation.logind-action",
            reason: "LOCKDOWN_HIBERNATION",
            subject: `${f}: ${m[1]}`,
            evidence: `${f}:${n}: ${line}: logind will try to hibernate; under lockdown /sys/power/state offers no "disk" and the action fails`,
            remedy: REMEDY,
          }),
        );
    }
  }
  for (const inv of invs) {
    const what = hibernateCommand(inv.argv);
    if (!what) continue;
    findings.push(
      finding({
        id: "hibernation.invoked",
        reason: "LOCKDOWN_HIBERNATION",
        subject: inv.where,
        evidence: `${inv.where}: "${inv.command}" hibernates (${what}); under lockdown hibernation_available() is false: the request fails (EPERM, "hibernation is restricted") and the machine stays up`,
        remedy: REMEDY,
      }),
    );
  }
  return { findings, fine };
}

// kexec and kdump. kexec_load() is refused outright under lockdown
// (kernel/kexec.c kexec_load_check: EPERM); kexec_file_load() ("kexec -s")
// verifies the image's PE signature against the secondary/builtin, machine
// and platform keyrings and is refused (EPERM) only if that fails
// (kernel/kexec_file.c kimage_validate_signature).
import { type Finding, type Fine, finding } from "./findings.js";
import { configLines, type Root, shellVars } from "./rootfs.js";
import type { Invocation } from "./units.js";

/** kexec-tools options choosing the syscall (kexec/kexec.c, 2.0.25). */
export function kexecSyscall(args: string[]): "file" | "auto" | "load" {
  let mode: "file" | "auto" | "load" = "load";
  for (const a of args) {
    if (a === "-s" || a === "--kexec-file-syscall") mode = "file";
    else if (a === "-a" || a === "--kexec-syscall-auto") mode = "auto";
    else if (a === "-c" || a === "--kexec-syscall") mode = "load";
    else if (/^-[a-zA-Z]+$/.test(a) && a.includes("s") && !a.startsWith("--")) mode = "file"; // e.g. -ps
  }
  return mode;
}

/** The kernel image argument of a kexec command line (its first operand). */
export function kexecImageArg(args: string[]): string | undefined {
  const withValue = new Set([
    "-t",
    "--type",
    "--initrd",
    "--ramdisk",
    "--append",
    "--command-line",
    "--dtb",
    "--mem-min",
    "--mem-max",
  ]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (withValue.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return a;
  }
  return undefined;
}

export type CrashKernelCheck = (imagePath: string) => Promise<{ verdict: string; detail: string }>;

export async function kexecFindings(
  root: Root,
  opts: {
    invocations: Invocation[];
    checkImage: CrashKernelCheck;
    secureBootLive: boolean;
    fallbackImage?: string;
  },
): Promise<{ findings: Finding[]; fine: Fine[] }> {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  // kdump-tools
  const kdText = root.text("/etc/default/kdump-tools");
  const kdInstalled =
    kdText !== undefined || root.exists("/usr/sbin/kdump-config") || root.exists("/sbin/kdump-config");
  if (kdInstalled) {
    const v = shellVars(kdText);
    // kdump-config: "USE_KDUMP is not set or zero" disables it.
    const use = v.get("USE_KDUMP") ?? "0";
    const args = (v.get("KDUMP_KEXEC_ARGS") ?? "").split(/\s+/).filter(Boolean);
    const argsLine = configLines(kdText).find((l) => l.line.startsWith("KDUMP_KEXEC_ARGS"));
    const where = argsLine ? `/etc/default/kdump-tools:${argsLine.n}` : "/etc/default/kdump-tools";
    if (use === "0" || use === "") {
      fine.push({
        check: "kexec",
        subject: "kdump-tools",
        detail: `installed but USE_KDUMP is ${use === "0" ? "0 or not set" : "empty"}: no crash kernel is loaded`,
      });
    } else {
      const mode = kexecSyscall(args);
      if (mode === "load") {
        findings.push(
          finding({
            id: "kexec.kdump-kexec-load",
            reason: "LOCKDOWN_KEXEC",
            subject: "kdump-tools (kdump-config load)",
            evidence: `${where}: KDUMP_KEXEC_ARGS="${args.join(" ")}" has no -s, so kdump-config runs "kexec -p" with the kexec_load() syscall, which lockdown always refuses (EPERM, "kexec of unsigned images is restricted"); kdump-config adds -s by itself only when it sees UEFI Secure Boot (efivars SecureBoot=1, SetupMode=0), not for lockdown=/Kconfig lockdown${opts.secureBootLive ? " (this host has Secure Boot on, so today it does add -s)" : ""}`,
            remedy:
              'Set KDUMP_KEXEC_ARGS="-s" in /etc/default/kdump-tools (kexec_file_load, which verifies the crash kernel\'s signature), keep a signed crash kernel (Debian\'s signed linux-image), then "kdump-config unload; kdump-config load" and check "kdump-config status".',
          }),
        );
      }
      // The crash kernel (verified by kexec_file_load).
      const kk = v.get("KDUMP_KERNEL") || "/var/lib/kdump/vmlinuz";
      let image: string | undefined = root.exists(kk) ? kk : opts.fallbackImage;
      if (image) {
        const r = await opts.checkImage(image);
        if (r.verdict === "unreadable") {
          // Said in the notes (unreadable paths); nothing to judge.
        } else if (r.verdict === "unsigned" || r.verdict === "invalid") {
          findings.push(
            finding({
              id:
                r.verdict === "unsigned" ? "kexec.crash-kernel-unsigned" : "kexec.crash-kernel-bad-signature",
              reason: "LOCKDOWN_KEXEC",
              subject: `crash kernel ${image}`,
              evidence: `${image}: ${r.detail}; kexec_file_load() fails signature verification and lockdown refuses it (EPERM; with kexec signature enforcement the error itself)`,
              remedy:
                "Point KDUMP_KERNEL at a kernel image signed by a key in the builtin, MOK or UEFI db keyring (Debian's signed linux-image-* packages are).",
            }),
          );
        } else {
          fine.push({
            check: "kexec",
            subject: `crash kernel ${image}`,
            detail:
              r.verdict === "valid"
                ? `signature verifies (${r.detail}): kexec_file_load (kexec -s) accepts it`
                : `signed (${r.detail}); kexec_file_load accepts it if that signer's CA is in the .platform or .machine keyring (UEFI db, or MOK/shim's vendor certificate such as Debian Secure Boot CA); give the CA with --cert to confirm`,
          });
        }
        image = undefined;
      }
    }
  }
  // kexec-tools' kexec-load init script: "kexec -l" without -s.
  const kx = root.text("/etc/default/kexec");
  if (kx !== undefined) {
    const v = shellVars(kx);
    const load = (v.get("LOAD_KEXEC") ?? "false").toLowerCase();
    const line = configLines(kx).find((l) => l.line.startsWith("LOAD_KEXEC"));
    if (load === "true" || load === "1") {
      findings.push(
        finding({
          id: "kexec.kexec-tools-load",
          reason: "LOCKDOWN_KEXEC",
          subject: "kexec-tools (kexec-load service)",
          evidence: `/etc/default/kexec${line ? `:${line.n}` : ""}: LOAD_KEXEC=${load}: at shutdown /etc/init.d/kexec-load runs "/sbin/kexec -l $KERNEL_IMAGE ..." (kexec_load(), no -s), which lockdown refuses with EPERM; the reboot then falls back to a firmware reboot`,
          remedy:
            'Set LOAD_KEXEC=false, or replace the fast-reboot path with "kexec -s -l <signed kernel>" (kexec_file_load) in your own unit; use "systemctl kexec" only with signed kernels.',
        }),
      );
    } else
      fine.push({
        check: "kexec",
        subject: "kexec-tools",
        detail: `LOAD_KEXEC=${load}: no kernel is kexec-loaded at shutdown`,
      });
  }
  // Admin-written kexec invocations in units, rc.local, cron.
  for (const inv of opts.invocations) {
    if (inv.argv[0] !== "kexec") continue;
    const args = inv.argv.slice(1);
    const loads = args.some(
      (a) => ["-l", "--load", "-p", "--load-panic"].includes(a) || /^-[a-z]*[lp][a-z]*$/.test(a),
    );
    if (!loads) continue;
    if (kexecSyscall(args) !== "load") {
      // kexec_file_load: the image itself must carry a PE signature a keyring accepts.
      const image = kexecImageArg(args);
      if (!image || !root.exists(image)) continue;
      const r = await opts.checkImage(image);
      if (r.verdict === "unsigned" || r.verdict === "invalid")
        findings.push(
          finding({
            id: r.verdict === "unsigned" ? "kexec.image-unsigned" : "kexec.image-bad-signature",
            reason: "LOCKDOWN_KEXEC",
            subject: inv.where,
            evidence: `${inv.where}: "${inv.command}" loads ${image} with kexec_file_load(); ${image}: ${r.detail}, so kimage_validate_signature() fails and lockdown refuses it (EPERM; with kexec signature enforcement the verification error itself)`,
            remedy:
              "Load a kernel image signed by a key in the builtin, MOK or UEFI db keyring (Debian's signed linux-image-* packages are), or sign this one (sbsign) with an enrolled MOK.",
          }),
        );
      continue;
    }
    findings.push(
      finding({
        id: "kexec.kexec-load",
        reason: "LOCKDOWN_KEXEC",
        subject: inv.where,
        evidence: `${inv.where}: "${inv.command}" uses kexec_load() (no -s), which lockdown refuses with EPERM`,
        remedy: "Add -s (kexec_file_load) and load a kernel image signed by a trusted key.",
      }),
    );
  }
  return { findings, fine };
}

// setserial configurations. TIOCSSERIAL is refused under lockdown when it
// changes a port's I/O address, memory base, I/O type, register shift, hub6,
// UART type or IRQ (drivers/tty/serial/serial_core.c uart_set_info:
// change_port/change_irq); other settings (baud_base, spd_*, low_latency) are
// allowed. Debian's setserial init script replays /etc/serial.conf or
// /var/lib/setserial/autoserial.conf at boot.
import { type Finding, type Fine, finding } from "./findings.js";
import { configLines, type Root } from "./rootfs.js";
import type { Invocation } from "./units.js";

/** arch/x86/include/asm/serial.h SERIAL_PORT_DFNS: what the kernel sets up itself. */
const DEFAULTS: Record<string, { port: number; irq: number }> = {
  ttyS0: { port: 0x3f8, irq: 4 },
  ttyS1: { port: 0x2f8, irq: 3 },
  ttyS2: { port: 0x3e8, irq: 4 },
  ttyS3: { port: 0x2e8, irq: 3 },
};

/** The settings of one setserial argument list that would change port or IRQ. */
export function serialChanges(root: Root, dev: string, args: string[], autosaved = false): string[] {
  const tty = dev.replace(/^\/dev\//, "");
  let def = DEFAULTS[tty];
  if (root.live) {
    const port = root.text(`/sys/class/tty/${tty}/port`);
    const irq = root.text(`/sys/class/tty/${tty}/irq`);
    if (port !== undefined && irq !== undefined) def = { port: Number(port.trim()), irq: Number(irq.trim()) };
  }
  const changes: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const k = args[i] as string;
    const v = args[i + 1];
    const num = (s: string | undefined) =>
      s === undefined ? Number.NaN : Number(s.startsWith("0x") ? Number.parseInt(s, 16) : s);
    if (k === "port" && v !== undefined) {
      if (!def || num(v) !== def.port)
        changes.push(`port ${v}${def ? ` (kernel default 0x${def.port.toString(16)})` : ""}`);
      i++;
    } else if (k === "irq" && v !== undefined) {
      if (!def || num(v) !== def.irq) changes.push(`irq ${v}${def ? ` (kernel default ${def.irq})` : ""}`);
      i++;
    } else if (k === "uart" && v !== undefined) {
      // Auto-saved files record the detected type; "unknown" is what absent legacy ports report.
      if (!autosaved && !/^(16550A?|unknown)$/i.test(v)) changes.push(`uart ${v}`);
      i++;
    } else if (["hub6", "iomem", "io_type", "mem_base", "regshift"].includes(k) && v !== undefined) {
      changes.push(`${k} ${v}`);
      i++;
    } else if (k === "autoconfig" || k === "autoconfigure") {
      changes.push(k);
    }
  }
  return changes;
}

const REMEDY =
  "Let the kernel configure the port: use 8250.nr_uarts / firmware (ACPI/PnP) resources or a serial driver option instead of setserial port/irq/uart changes, and remove those keywords from the setserial configuration (baud and speed settings are fine).";

export function serialFindings(root: Root, invs: Invocation[]): { findings: Finding[]; fine: Fine[] } {
  const findings: Finding[] = [];
  const fine: Fine[] = [];
  for (const f of ["/etc/serial.conf", "/var/lib/setserial/autoserial.conf"]) {
    const text = root.text(f);
    // "###AUTOSAVE###" files hold what setserial -G read from the kernel: replaying a port the kernel
    // has no default for (ttyS4+, PCI cards) changes nothing; the legacy ports are compared with defaults.
    const autosaved = /^###AUTOSAVE/.test(text ?? "") || f.endsWith("autoserial.conf");
    for (const { n, line } of configLines(text)) {
      const w = line.split(/\s+/);
      const dev = w[0];
      if (!dev?.startsWith("/dev/")) continue;
      if (autosaved && !root.live && !/^\/dev\/ttyS[0-3]$/.test(dev)) {
        fine.push({
          check: "serial",
          subject: `${f}:${n}`,
          detail: `${dev}: auto-saved settings replayed (no kernel default to differ from)`,
        });
        continue;
      }
      const ch = serialChanges(root, dev, w.slice(1), autosaved);
      if (ch.length === 0) {
        fine.push({ check: "serial", subject: `${f}:${n}`, detail: `${dev}: no port/IRQ/type change` });
        continue;
      }
      findings.push(
        finding({
          id: "serial.setserial-config",
          reason: "LOCKDOWN_TIOCSSERIAL",
          subject: `${f}:${n}`,
          evidence: `${f}:${n}: "${line}" changes ${ch.join(", ")} of ${dev}: TIOCSSERIAL with a port/IRQ change fails with EPERM under lockdown`,
          remedy: REMEDY,
        }),
      );
    }
  }
  for (const inv of invs) {
    if (inv.argv[0] !== "setserial") continue;
    const args = inv.argv.slice(1).filter((a) => !/^-[abqvzWGg]+$/.test(a));
    const dev = args[0];
    if (!dev || inv.argv.includes("-g") || inv.argv.includes("-G")) continue;
    const ch = serialChanges(root, dev, args.slice(1));
    if (ch.length > 0)
      findings.push(
        finding({
          id: "serial.setserial-invoked",
          reason: "LOCKDOWN_TIOCSSERIAL",
          subject: inv.where,
          evidence: `${inv.where}: "${inv.command}" changes ${ch.join(", ")}: refused with EPERM under lockdown`,
          remedy: REMEDY,
        }),
      );
  }
  return { findings, fine };
}

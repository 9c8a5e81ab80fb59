// The simulated hardware. `qemu-pc` mirrors `qemu-system-x86_64 -m 1024 -smp 1`
// (i440FX PC, SeaBIOS) as the probe battery booted it (SCENARIO.md).

/** include/uapi/linux/serial.h struct serial_struct, the fields TIOCGSERIAL reports. */
export interface SerialInfo {
  type: number;
  line: number;
  port: number;
  irq: number;
  flags: number;
  xmit_fifo_size: number;
  custom_divisor: number;
  baud_base: number;
  close_delay: number;
  io_type: number;
  reserved_char: number;
  hub6: number;
  closing_wait: number;
  closing_wait2: number;
  iomem_base: number;
  iomem_reg_shift: number;
  port_high: number;
}

export interface PciDevice {
  /** "0000:00:02.0" */
  address: string;
  /** 256 bytes of configuration space. */
  config: Uint8Array;
  /** BARs: index -> kind and size. */
  bars: { index: number; kind: "mem" | "io"; size: number }[];
}

export interface Machine {
  name: string;
  cpus: number;
  serial: { tty: string; info: SerialInfo }[];
  pci: PciDevice[];
  /** MSR values a read returns (TCG: the TSC reads 0). */
  msrs: ReadonlyMap<number, bigint>;
  /** Platform hibernation (ACPI S4) is available. */
  platformHibernation: boolean;
  /**
   * The "System RAM" ranges of /proc/iomem, inclusive, lowest first: the firmware's
   * e820 map (page 0 reserved by the kernel). Runtime state, not kernel source.
   */
  systemRam: readonly (readonly [number, number])[];
  /** pgtable_l5_enabled(): the CPU has LA57 (TCG -cpu max) and Debian sets X86_5LEVEL. */
  pgtableL5: boolean;
}

function serial(line: number, type: number, port: number, irq: number): SerialInfo {
  return {
    type,
    line,
    port,
    irq,
    // UPF_BOOT_AUTOCONF | UPF_SKIP_TEST (8250 legacy ports)
    flags: 0x10000000 | 0x40,
    xmit_fifo_size: type === 4 ? 16 : 0,
    custom_divisor: 0,
    baud_base: 115200,
    close_delay: 50,
    io_type: 0,
    reserved_char: 0,
    hub6: 0,
    closing_wait: 3000,
    closing_wait2: 0,
    iomem_base: 0,
    iomem_reg_shift: 0,
    port_high: 0,
  };
}

function config(
  vendor: number,
  device: number,
  cls: number,
  irqLine: number,
  irqPin: number,
  bar0 = 0,
): Uint8Array {
  const c = new Uint8Array(256);
  const dv = new DataView(c.buffer);
  dv.setUint16(0, vendor, true);
  dv.setUint16(2, device, true);
  dv.setUint32(8, cls << 8, true);
  dv.setUint32(0x10, bar0, true);
  c[0x3c] = irqLine;
  c[0x3d] = irqPin;
  return c;
}

export const QEMU_PC: Machine = {
  name: "qemu-pc",
  cpus: 1,
  serial: [
    { tty: "ttyS0", info: serial(0, 4 /* PORT_16550A */, 0x3f8, 4) },
    { tty: "ttyS1", info: serial(1, 0 /* PORT_UNKNOWN */, 0x2f8, 3) },
  ],
  pci: [
    { address: "0000:00:00.0", config: config(0x8086, 0x1237, 0x060000, 0, 0), bars: [] },
    {
      address: "0000:00:02.0",
      config: config(0x1234, 0x1111, 0x030000, 0, 0, 0xfd000008),
      bars: [{ index: 0, kind: "mem", size: 16 << 20 }],
    },
  ],
  msrs: new Map<number, bigint>([
    [0x10, 0n], // IA32_TIME_STAMP_COUNTER: 0 under TCG
    [0x174, 0x10n], // IA32_SYSENTER_CS = __KERNEL_CS
    [0x1b, 0xfee00900n], // IA32_APIC_BASE
  ]),
  platformHibernation: true,
  // SeaBIOS with -m 1024: usable 0-0x9fbff and 0x100000-0x3ffdffff.
  systemRam: [
    [0x1000, 0x9fbff],
    [0x100000, 0x3ffdffff],
  ],
  pgtableL5: true,
};

export const MACHINES: Readonly<Record<string, Machine>> = { "qemu-pc": QEMU_PC };

/** A fresh copy, so a kernel's state changes (ttyS1's irq) do not leak between kernels. */
export function cloneMachine(m: Machine): Machine {
  return {
    ...m,
    serial: m.serial.map((s) => ({ tty: s.tty, info: { ...s.info } })),
    pci: m.pci.map((d) => ({ ...d, config: new Uint8Array(d.config) })),
    msrs: new Map(m.msrs),
  };
}

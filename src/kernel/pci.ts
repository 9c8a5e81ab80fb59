// PCI config space and BARs: drivers/pci/pci-sysfs.c pci_write_config(),
// pci_mmap_resource(), pci_write_resource_io(); drivers/pci/proc.c
// proc_bus_pci_write(), proc_bus_pci_ioctl(), proc_bus_pci_mmap(). Each asks
// security_locked_down(LOCKDOWN_PCI_ACCESS) before anything else; reads are
// not gated.
import type { Kernel } from "./kernel.js";
import type { PciDevice } from "./machine.js";
import { type Inode, neg } from "./vfs.js";

function configRead(dev: PciDevice, offset: number, size: number): Uint8Array | number {
  if (offset >= dev.config.length) return new Uint8Array(0);
  return dev.config.slice(offset, Math.min(dev.config.length, offset + size));
}

function configWrite(k: Kernel, dev: PciDevice, offset: number, data: Uint8Array): number {
  const ret = k.lockedDown("LOCKDOWN_PCI_ACCESS");
  if (ret) return ret;
  if (offset >= dev.config.length) return 0;
  const n = Math.min(data.length, dev.config.length - offset);
  // The identification registers are read-only in hardware; the interrupt
  // line (0x3c) and the rest of the header take the value.
  for (let i = 0; i < n; i++) if (offset + i >= 4) dev.config[offset + i] = data[i]!;
  return n;
}

function configInode(dev: PciDevice): Inode {
  return {
    mode: 0o644,
    read: () => dev.config.slice(0, 64),
    pread: (_k, _f, off, size) => configRead(dev, off, size),
    write: (k, _f, d) => configWrite(k, dev, 0, d),
    pwrite: (k, _f, off, d) => configWrite(k, dev, off, d),
  };
}

export function installPci(k: Kernel): void {
  for (const dev of k.machine.pci) {
    const sys = `/sys/bus/pci/devices/${dev.address}`;
    k.vfs.add(`${sys}/config`, configInode(dev));
    for (const bar of dev.bars) {
      k.vfs.add(`${sys}/resource${bar.index}`, {
        mode: 0o600,
        // pci_mmap_resource(): lockdown first, then the BAR checks.
        mmap: (kk, _f, length) => {
          const ret = kk.lockedDown("LOCKDOWN_PCI_ACCESS");
          if (ret) return ret;
          if (bar.kind !== "mem") return neg("EINVAL");
          if (length > bar.size) return neg("EINVAL");
          return 0;
        },
        // pci_write_resource_io() only for I/O BARs.
        write: (kk, _f, d) => {
          if (bar.kind !== "io") return neg("EINVAL");
          const ret = kk.lockedDown("LOCKDOWN_PCI_ACCESS");
          return ret || d.length;
        },
      });
    }
    const [, bus, slotfn] = /^[0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2}\.[0-7])$/.exec(dev.address) ?? [];
    if (bus && slotfn) {
      k.vfs.add(`/proc/bus/pci/${bus}/${slotfn}`, {
        ...configInode(dev),
        read: () => dev.config.slice(0, 64),
        // proc_bus_pci_ioctl(): every request is gated.
        ioctl: (kk) => ({ ret: kk.lockedDown("LOCKDOWN_PCI_ACCESS") || neg("EINVAL") }),
        // proc_bus_pci_mmap(): capable(CAP_SYS_RAWIO) && lockdown.
        mmap: (kk) => kk.lockedDown("LOCKDOWN_PCI_ACCESS") || 0,
      });
    }
  }
}

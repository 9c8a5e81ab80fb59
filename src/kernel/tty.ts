// Serial and console ioctls: drivers/tty/serial/serial_core.c uart_set_info()
// (TIOCSSERIAL) and drivers/tty/vt/vt_ioctl.c (KDENABIO/KDDISABIO).

import { ksysIoperm } from "./ioport.js";
import type { Kernel } from "./kernel.js";
import type { SerialInfo } from "./machine.js";
import { type Inode, type IoctlResult, neg } from "./vfs.js";

/** include/linux/serial_core.h UPF_FIXED_PORT */
const UPF_FIXED_PORT = 1 << 29;
/** drivers/tty/vt/vt_ioctl.c: the VGA ports KDENABIO opens. */
export const GPFIRST = 0x3b4;
export const GPLAST = 0x3df;
export const GPNUM = GPLAST - GPFIRST + 1;
/** drivers/tty/serial/8250/8250_port.c uart_config[] size (PORT_MAX_8250 + 1). */
const UART_CONFIG_SIZE = 40;

/** uart_set_info() for a CAP_SYS_ADMIN caller. */
export function uartSetInfo(k: Kernel, cur: SerialInfo, change: Partial<SerialInfo>): number {
  const next: SerialInfo = { ...cur, ...change };
  const fixed = (cur.flags & UPF_FIXED_PORT) !== 0;
  const changeIrq = !fixed && next.irq !== cur.irq;
  const changePort =
    !fixed &&
    (next.port !== cur.port ||
      next.iomem_base !== cur.iomem_base ||
      next.hub6 !== cur.hub6 ||
      next.io_type !== cur.io_type ||
      next.iomem_reg_shift !== cur.iomem_reg_shift ||
      next.type !== cur.type);
  if (!fixed && next.baud_base * 16 === 0) return neg("EINVAL");
  if (changeIrq || changePort) {
    const r = k.lockedDown("LOCKDOWN_TIOCSSERIAL");
    if (r) return r;
  }
  // serial8250_verify_port()
  if (
    next.irq < 0 ||
    next.irq >= 16 * 16 ||
    next.baud_base < 9600 ||
    next.type < 0 ||
    next.type >= UART_CONFIG_SIZE
  )
    return neg("EINVAL");
  Object.assign(cur, next);
  return 0;
}

function serialInode(info: SerialInfo): Inode {
  return {
    mode: 0o660,
    read: () => new Uint8Array(0),
    write: (_k, _f, d) => d.length,
    ioctl: (k, _f, request, arg): IoctlResult => {
      if (request === "TIOCGSERIAL") return { ret: 0, data: { ...info } };
      if (request === "TIOCSSERIAL") {
        const change = (arg ?? {}) as Partial<SerialInfo>;
        return { ret: uartSetInfo(k, info, change) };
      }
      if (request === "KDENABIO" || request === "KDDISABIO") return { ret: neg("ENOTTY") };
      return { ret: neg("ENOTTY") };
    },
  };
}

/** vt_k_ioctl(): KDENABIO/KDDISABIO turn a refused ioperm into ENXIO. */
function vtIoctl(k: Kernel, request: string): IoctlResult {
  if (request === "KDENABIO" || request === "KDDISABIO")
    return { ret: ksysIoperm(k, GPFIRST, GPNUM, request === "KDENABIO" ? 1 : 0) ? neg("ENXIO") : 0 };
  if (request === "TIOCGSERIAL" || request === "TIOCSSERIAL") return { ret: neg("ENOTTY") };
  return { ret: neg("ENOTTY") };
}

export function installTty(k: Kernel): void {
  for (const s of k.machine.serial) k.vfs.add(`/dev/${s.tty}`, serialInode(s.info));
  const vt: Inode = {
    mode: 0o620,
    read: () => new Uint8Array(0),
    write: (_k, _f, d) => d.length,
    ioctl: (kk, _f, request) => vtIoctl(kk, request),
  };
  k.vfs.add("/dev/tty0", vt);
}

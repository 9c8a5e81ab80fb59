// The simulated kernel's return values as the scenario output names them;
// the errno values themselves are the shared table (src/errno.ts).
import { ERRNO, errnoName, isErrnoName } from "../errno.js";

/** "ok" for a non-negative return, else the errno's name. */
export function resultName(ret: number): string {
  if (ret >= 0) return "ok";
  return errnoName(-ret) ?? `E${-ret}`;
}

export function errno(name: string): number {
  if (!isErrnoName(name)) throw new RangeError(`unknown errno ${name}`);
  return -ERRNO[name];
}

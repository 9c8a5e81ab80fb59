// The project's error classes. Every failure a user can cause is one of these,
// carrying the kernel errno where the kernel would return one; the CLI turns
// them into one line on stderr and a documented exit code.
import type { ErrnoName } from "./errno.js";

/** Base class: `message` is one line, no stack is ever shown to users. */
export class LockdownError extends Error {
  override name = "LockdownError";
}

/** Wrong flags or arguments (exit 2). */
export class UsageError extends LockdownError {
  override name = "UsageError";
}

/** A file or certificate that cannot be read at all (exit 2). */
export class InputError extends LockdownError {
  override name = "InputError";
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/**
 * Malformed or hostile data in a format we parse (PE, module trailer, IMA
 * xattr, PKCS#7, X.509, ELF, scenario JSON). `errno` is what the kernel's own
 * parser returns for the same bytes, when it has one (EBADMSG, ELIBBAD, ...).
 */
export class FormatError extends LockdownError {
  override name = "FormatError";
  constructor(
    message: string,
    readonly errno?: ErrnoName,
  ) {
    super(message);
  }
}

/** A kernel-level refusal carried as a value: the errno a syscall returns. */
export class KernelError extends LockdownError {
  override name = "KernelError";
  constructor(
    readonly errno: ErrnoName,
    message?: string,
  ) {
    super(message ?? errno);
  }
}

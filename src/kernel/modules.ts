// Module loading: finit_module(2) -> load_module() (kernel/module/main.c),
// module_sig_check() (kernel/module/signing.c), parse_args()/parse_one() and
// param_check_unsafe() (kernel/params.c), and the sysfs parameter files
// (/sys/module/<name>/parameters/<param>, param_attr_store()).
import { createHash } from "node:crypto";
import { FormatError } from "../errors.js";
import { parameq, splitCmdline } from "../lsm/cmdline.js";
import { Elf64, kernelXzHeaderStatus, type ModuleParam } from "../verify/files.js";
import type { Kernel } from "./kernel.js";
import { msrModuleInit, setAllowWrites } from "./msr.js";
import { type Inode, neg } from "./vfs.js";

/** module_xz_decompress(): { 0xfd, '7', 'z', 'X', 'Z', 0 } */
const XZ_SIGNATURE = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/** include/uapi/linux/module.h */
export const MODULE_INIT_FLAGS: Readonly<Record<string, number>> = {
  MODULE_INIT_IGNORE_MODVERSIONS: 1,
  MODULE_INIT_IGNORE_VERMAGIC: 2,
  MODULE_INIT_COMPRESSED_FILE: 4,
};
export const MODULE_SIG_STRING = "~Module signature appended~\n";

export interface LoadedModule {
  name: string;
  params: ModuleParam[];
  sigOk: boolean;
  exports: string[];
  sha256: string;
}

/** kernel/module/signing.c module_sig_check(). */
export function moduleSigCheck(k: Kernel, image: Uint8Array, flags: number): { err: number; sigOk: boolean } {
  let err = neg("ENODATA");
  const marker = Buffer.from(MODULE_SIG_STRING, "latin1");
  const mangled =
    (flags &
      (MODULE_INIT_FLAGS.MODULE_INIT_IGNORE_MODVERSIONS! |
        MODULE_INIT_FLAGS.MODULE_INIT_IGNORE_VERMAGIC!)) !==
    0;
  if (
    !mangled &&
    image.length > marker.length &&
    Buffer.from(image.subarray(image.length - marker.length)).equals(marker)
  ) {
    if (k.checker) {
      const r = k.checker.modVerifySig(image);
      for (const l of r.log) k.printk(l);
      err = r.ret;
    } else err = neg("ENOKEY");
    if (!err) return { err: 0, sigOk: true };
  }
  let reason: string;
  if (err === neg("ENODATA")) reason = "unsigned module";
  else if (err === neg("ENOPKG")) reason = "module with unsupported crypto";
  else if (err === neg("ENOKEY")) reason = "module with unavailable key";
  else return { err, sigOk: false };
  if (k.moduleSigEnforce) {
    k.printk(`Loading of ${reason} is rejected`, "notice");
    return { err: neg("EKEYREJECTED"), sigOk: false };
  }
  return { err: k.lockedDown("LOCKDOWN_MODULE_SIGNATURE"), sigOk: false };
}

/** kernel/params.c param_check_unsafe(). */
export function paramCheckUnsafe(k: Kernel, p: ModuleParam): boolean {
  if (p.hardware && k.lockedDown("LOCKDOWN_MODULE_PARAMETERS")) return false;
  if (p.unsafe) k.printk(`Setting dangerous option ${p.name} - tainting kernel`, "notice");
  return true;
}

/** lib/kstrtox.c kstrtobool(): by the first character(s); undefined = -EINVAL. */
export function kstrtobool(s: string | null): boolean | undefined {
  if (s === null || s === "") return undefined;
  const c = s[0]!;
  if ("yYtT1".includes(c)) return true;
  if ("nNfF0".includes(c)) return false;
  if (c === "o" || c === "O") {
    const d = s[1];
    if (d === "n" || d === "N") return true;
    if (d === "f" || d === "F") return false;
  }
  return undefined;
}

/** lib/kstrtox.c: kstrtoint/kstrtouint/... with base 0. */
function parseInteger(val: string, signed: boolean, bits: number): boolean {
  let s = val.replace(/\n$/, "");
  if (signed && s.startsWith("-")) s = s.slice(1);
  else if (s.startsWith("+")) s = s.slice(1);
  let n: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) n = BigInt(s);
  else if (/^0[0-7]*$/.test(s)) n = BigInt(`0o${s.slice(1) || "0"}`);
  else if (/^[1-9][0-9]*$/.test(s)) n = BigInt(s);
  else return false;
  const max = signed ? 1n << BigInt(bits - 1) : (1n << BigInt(bits)) - 1n;
  return n <= max;
}

/** The ops->set of a parameter: 0 or -errno (or a positive value, as phram_setup returns). */
function paramSet(k: Kernel, mod: string, p: ModuleParam, val: string | null): number {
  switch (p.ops) {
    case "param_ops_int":
      return val !== null && parseInteger(val, true, 32) ? 0 : neg("EINVAL");
    case "param_ops_uint":
      return val !== null && parseInteger(val, false, 32) ? 0 : neg("EINVAL");
    case "param_ops_long":
      return val !== null && parseInteger(val, true, 64) ? 0 : neg("EINVAL");
    case "param_ops_ulong":
      return val !== null && parseInteger(val, false, 64) ? 0 : neg("EINVAL");
    case "param_ops_short":
      return val !== null && parseInteger(val, true, 16) ? 0 : neg("EINVAL");
    case "param_ops_ushort":
      return val !== null && parseInteger(val, false, 16) ? 0 : neg("EINVAL");
    case "param_ops_byte":
      return val !== null && parseInteger(val, false, 8) ? 0 : neg("EINVAL");
    case "param_ops_bool":
    case "param_ops_bool_enable_only": {
      if (val === null) return 0;
      return kstrtobool(val) === undefined ? neg("EINVAL") : 0;
    }
    case "param_ops_charp":
    case "param_ops_string":
      return 0;
    case "allow_writes_ops":
      // arch/x86/kernel/msr.c set_allow_writes()
      return setAllowWrites(k, val ?? "");
    case "phram_param_ops": {
      // drivers/mtd/devices/phram.c phram_setup(): parse_err() returns 1.
      const v = (val ?? "").replace(/\n$/, "");
      if (v.length >= 124) {
        k.printk(`${mod}: parameter too long`, "err");
        return 1;
      }
      const tokens = v.split(",");
      if (tokens.length > 4) {
        k.printk(`${mod}: too many arguments`, "err");
        return 1;
      }
      if (tokens.length < 3) {
        k.printk(`${mod}: not enough arguments`, "err");
        return 1;
      }
      return 0;
    }
    default:
      return 0;
  }
}

/** kernel/params.c parse_args() for a module's load arguments: 0 or -errno. */
function parseModuleArgs(k: Kernel, mod: string, params: ModuleParam[], args: string): number {
  let err = 0;
  for (const { param, val } of splitCmdline(args).args) {
    const p = params.find((x) => parameq(x.name, param));
    let ret: number;
    if (!p) {
      // unknown_module_param_cb(): not an error.
      k.printk(`${mod}: unknown parameter '${param}' ignored`, "warn");
      continue;
    }
    if (val === null && p.ops !== "param_ops_bool" && p.ops !== "param_ops_bool_enable_only")
      ret = neg("EINVAL");
    else ret = paramCheckUnsafe(k, p) ? paramSet(k, mod, p, val) : neg("EPERM");
    if (ret === 0) continue;
    if (ret === neg("ENOENT")) k.printk(`${mod}: Unknown parameter \`${param}'`, "err");
    else if (ret === neg("ENOSPC"))
      k.printk(`${mod}: \`${val ?? ""}' too large for parameter \`${param}'`, "err");
    else k.printk(`${mod}: \`${val ?? ""}' invalid for parameter \`${param}'`, "err");
    err = ret;
  }
  return err;
}

/** What the module's init function does on this machine. */
function moduleInit(k: Kernel, name: string): number {
  if (name === "msr") msrModuleInit(k);
  if (name === "xfrm_user") k.printk("Initializing XFRM netlink socket");
  return 0;
}

function sysfsParam(mod: string, p: ModuleParam): Inode {
  return {
    mode: p.perm,
    read: (kk) => {
      if (!(p.perm & 0o444)) return neg("EPERM");
      if (p.ops === "allow_writes_ops") return Buffer.from(`${kk.msr.allowWrites}\n`);
      return Buffer.from("\n");
    },
    // param_attr_store()
    write: (kk, _f, data) => {
      const val = Buffer.from(data).toString("latin1");
      const err = paramCheckUnsafe(kk, p) ? paramSet(kk, mod, p, val) : neg("EPERM");
      return err ? err : data.length;
    },
  };
}

/** finit_module(2). */
export function finitModule(k: Kernel, path: string, params: string, flagsIn: number | string[]): number {
  if (!k.config.MODULES) return neg("ENOSYS");
  let flags = 0;
  if (typeof flagsIn === "number") flags = flagsIn;
  else
    for (const f of flagsIn) {
      const v = MODULE_INIT_FLAGS[f];
      if (v === undefined) return neg("EINVAL");
      flags |= v;
    }
  if (flags & ~7) return neg("EINVAL");
  let image = k.fileContent(path);
  if (!image) return neg(k.lookup(path) ? "EBADF" : "ENOENT");
  // kernel_read_file(READING_MODULE): IMA appraisal (MODULE_CHECK)
  const ima = k.ima.appraiseRead("MODULE_CHECK");
  if (ima) return ima;
  if (flags & MODULE_INIT_FLAGS.MODULE_INIT_COMPRESSED_FILE!) {
    if (!k.config.MODULE_DECOMPRESS) return neg("EOPNOTSUPP");
    // kernel/module/decompress.c module_xz_decompress() (Debian: MODULE_COMPRESS_XZ only)
    if (image.length < 6 || XZ_SIGNATURE.some((x, i) => image![i] !== x)) {
      k.printk("not an xz compressed module", "err");
      return neg("EINVAL");
    }
    const status = kernelXzHeaderStatus(image);
    if (status) {
      k.printk(`decompression failed with status ${status}`, "err");
      return neg("EINVAL");
    }
    // A failure further in is -EINVAL too; its xz_ret (and so the log line) is not modelled.
    const d = k.decompressed(image);
    if (!d) return neg("EINVAL");
    image = d;
  }
  // load_module(): the signature check first, before any ELF parsing.
  const sig = moduleSigCheck(k, image, flags);
  if (sig.err) return sig.err;
  let elf: Elf64;
  let name: string;
  let modParams: ModuleParam[];
  try {
    elf = new Elf64(image);
    name = elf.modinfoValue("name") ?? thisModuleName(elf) ?? "";
    modParams = elf.params();
  } catch (e) {
    if (e instanceof FormatError) return neg("ENOEXEC");
    throw e;
  }
  if (!name) return neg("ENOEXEC");
  if (k.modules.has(name)) return neg("EEXIST");
  for (const dep of (elf.modinfoValue("depends") ?? "").split(",").filter(Boolean)) {
    if (!k.modules.has(dep)) {
      const wanted = elf.undefinedSymbols()[0] ?? dep;
      k.printk(`${name}: Unknown symbol ${wanted} (err -2)`, "warn");
      return neg("ENOENT");
    }
  }
  if (!sig.sigOk && !k.unsignedTaintLogged) {
    k.unsignedTaintLogged = true;
    k.printk(
      `${name}: module verification failed: signature and/or required key missing - tainting kernel`,
      "notice",
    );
  }
  const perr = parseModuleArgs(k, name, modParams, params);
  if (perr) return perr;
  const ierr = moduleInit(k, name);
  if (ierr) return ierr;
  k.modules.set(name, {
    name,
    params: modParams,
    sigOk: sig.sigOk,
    exports: elf.exportedSymbols(),
    sha256: createHash("sha256").update(image).digest("hex"),
  });
  for (const p of modParams)
    if (p.perm !== 0) k.vfs.add(`/sys/module/${name}/parameters/${p.name}`, sysfsParam(name, p));
  return 0;
}

/** struct module's name in .gnu.linkonce.this_module (offset 24 on x86_64). */
function thisModuleName(elf: Elf64): string | undefined {
  const s = elf.section(".gnu.linkonce.this_module");
  if (!s || s.size < 24 + 56) return undefined;
  const b = Buffer.from(elf.contents(s).subarray(24, 24 + 56));
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString("latin1") || undefined;
}

/**
 * Built-in parameters under /sys/module: module.sig_enforce
 * (kernel/module/signing.c, bool_enable_only, 0644): can be switched on at
 * run time, never off again (param_set_bool_enable_only(): -EROFS).
 */
export function installModuleParams(k: Kernel): void {
  if (!k.config.MODULE_SIG) return;
  k.vfs.add("/sys/module/module/parameters/sig_enforce", {
    mode: 0o644,
    read: (kk) => Buffer.from(kk.moduleSigEnforce ? "Y\n" : "N\n"),
    write: (kk, _f, data) => {
      const on = kstrtobool(Buffer.from(data).toString("latin1"));
      if (on === undefined) return neg("EINVAL");
      if (!on && kk.moduleSigEnforce) return neg("EROFS");
      if (on) kk.moduleSigEnforce = true;
      return data.length;
    },
  });
}

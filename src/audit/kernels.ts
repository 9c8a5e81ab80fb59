// Every installed kernel: its image (/boot/vmlinuz-<release>: setup header,
// builtin certificates, Authenticode signature), its config, and its modules
// under /lib/modules/<release>/ verified against the builtin certificates
// plus the extra certificates given (--cert, live db/MOK).
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { type BuiltinParam, builtinCertificates } from "../verify/files.js";
import { type KernelConfig, parseKconfig } from "./lsm-state.js";
import type { Root } from "./rootfs.js";

export interface InstalledKernel {
  release: string;
  /** Root-relative paths. */
  image?: string;
  config?: string;
  modulesDir?: string;
  kconfig: KernelConfig;
}

export interface BuiltinKeys {
  certs: Uint8Array[];
  /** How it was read, or why it could not be. */
  detail: string;
  error?: string;
  /** vmlinux's built-in module parameters, read in the same decompression; undefined when unknown. */
  params?: BuiltinParam[];
  /** Why the built-in parameters are unknown. */
  paramsError?: string;
}

const MODULE_EXT = /\.ko(\.xz|\.zst|\.gz)?$/;

export function isModuleFile(name: string): boolean {
  return MODULE_EXT.test(name);
}

/** Kernel releases present: /lib/modules/<rel> (or /usr/lib/modules) and /boot/vmlinuz-<rel>. */
export function installedKernels(root: Root): InstalledKernel[] {
  const rels = new Map<string, InstalledKernel>();
  const get = (r: string) => {
    let k = rels.get(r);
    if (!k) {
      k = { release: r, kconfig: new Map() };
      rels.set(r, k);
    }
    return k;
  };
  for (const base of ["/lib/modules", "/usr/lib/modules"]) {
    for (const d of root.list(base)) {
      if (!d.isDirectory()) continue;
      const k = get(d.name);
      if (!k.modulesDir) k.modulesDir = `${base}/${d.name}`;
    }
  }
  for (const n of root.names("/boot")) {
    const m = /^(?:vmlinuz|bzImage|vmlinux)-(.+?)(?:\.efi)?$/.exec(n);
    if (m?.[1] && !n.endsWith(".old") && root.isFile(`/boot/${n}`)) get(m[1]).image = `/boot/${n}`;
  }
  for (const k of rels.values()) {
    if (k.image) continue;
    // Fedora-style /usr/lib/modules/<rel>/vmlinuz, systemd-boot's /boot/<machine-id>/<rel>/linux.
    const candidates = [`${k.modulesDir ?? ""}/vmlinuz`];
    for (const esp of ["/boot", "/boot/efi", "/efi"])
      for (const id of root.names(esp)) candidates.push(`${esp}/${id}/${k.release}/linux`);
    k.image = candidates.find((c) => c && root.isFile(c));
  }
  for (const k of rels.values()) {
    const cfg = `/boot/config-${k.release}`;
    const text = root.text(cfg);
    if (text !== undefined) {
      k.config = cfg;
      k.kconfig = parseKconfig(text);
    } else if (k.modulesDir) {
      const c2 = root.text(`${k.modulesDir}/config`);
      if (c2 !== undefined) {
        k.config = `${k.modulesDir}/config`;
        k.kconfig = parseKconfig(c2);
      }
    }
  }
  // A /lib/modules/<rel> with neither kernel image nor modules is leftover (e.g. only modules.* files).
  return [...rels.values()].sort((a, b) => (a.release < b.release ? -1 : 1));
}

/** Where extracted builtin certificates are kept, by the image's SHA-256 (null: no cache). */
export function certCacheDir(): string | null {
  if (process.env.KERNEL_LOCKDOWN_CACHE === "off") return null;
  const base =
    process.env.KERNEL_LOCKDOWN_CACHE ||
    process.env.XDG_CACHE_HOME ||
    (homedir() ? join(homedir(), ".cache") : "");
  return base ? join(base, "kernel-lockdown", "builtin-certs") : null;
}

export async function readBuiltinKeys(
  root: Root,
  k: InstalledKernel,
  cache = certCacheDir(),
): Promise<BuiltinKeys> {
  if (!k.image) return { certs: [], detail: "no kernel image in /boot", error: "no image" };
  const b = root.bytes(k.image);
  if (!b) return { certs: [], detail: `${k.image} unreadable`, error: "unreadable" };
  const key = createHash("sha256").update(b).digest("hex");
  const file = cache ? join(cache, `${key}.json`) : undefined;
  if (file) {
    try {
      const c = JSON.parse(readFileSync(file, "utf8")) as {
        certs: string[];
        detail: string;
        params?: BuiltinParam[];
        paramsError?: string;
      };
      // An entry written before built-in parameters were read is decompressed again.
      if (c.params || c.paramsError)
        return {
          certs: c.certs.map((x) => new Uint8Array(Buffer.from(x, "base64"))),
          detail: `${c.detail}; cached by image SHA-256`,
          ...(c.params ? { params: c.params } : {}),
          ...(c.paramsError ? { paramsError: c.paramsError } : {}),
        };
    } catch {
      /* not cached yet */
    }
  }
  try {
    const r = await builtinCertificates(b, { params: true });
    const detail = `${r.certificates.length} builtin certificate(s) from the ${r.header.compression} payload (${r.decompressor})`;
    if (file && r.certificates.length > 0) {
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(
          file,
          JSON.stringify({
            certs: r.certificates.map((c) => Buffer.from(c).toString("base64")),
            detail,
            params: r.params,
            paramsError: r.paramsError,
          }),
        );
      } catch {
        /* read-only home: no cache */
      }
    }
    return {
      certs: r.certificates,
      detail,
      ...(r.params ? { params: r.params } : {}),
      ...(r.paramsError ? { paramsError: r.paramsError } : {}),
    };
  } catch (e) {
    return { certs: [], detail: `${k.image}: ${(e as Error).message}`, error: (e as Error).message };
  }
}

export type ModuleOrigin = "in-tree" | "dkms" | "extra" | "updates" | "other";

/** Where a module sits in /lib/modules/<rel>/: kernel/ is the package's own tree. */
export function moduleOrigin(relToModulesDir: string): ModuleOrigin {
  if (relToModulesDir.startsWith("kernel/")) return "in-tree";
  if (relToModulesDir.startsWith("updates/dkms/")) return "dkms";
  if (relToModulesDir.startsWith("extra/")) return "extra";
  if (relToModulesDir.startsWith("updates/")) return "updates";
  return "other";
}

/** Module name as the kernel knows it: file name without .ko*, dashes as underscores. */
export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1).replace(MODULE_EXT, "");
  return base.replaceAll("-", "_");
}

/** Every module file of a kernel, as host paths under `root.host(k.modulesDir)`. */
export function moduleFiles(root: Root, k: InstalledKernel): string[] {
  if (!k.modulesDir) return [];
  // build/ and source/ are symlinks into headers; the walk does not follow symlinked dirs.
  return root.walkHost(root.host(k.modulesDir), isModuleFile);
}

/**
 * The host path to read a module file from. In an offline root an absolute symlink
 * (updates/dkms/x.ko -> /var/lib/dkms/...) points into the root, not into the host.
 */
export function readPath(root: Root, hostPath: string): string {
  if (root.dir === "/" || !hostPath.startsWith(`${root.dir}/`)) return hostPath;
  try {
    if (!lstatSync(hostPath).isSymbolicLink()) return hostPath;
  } catch {
    return hostPath;
  }
  return root.host(hostPath.slice(root.dir.length));
}

/** DKMS modules known to /var/lib/dkms: name -> "module/version". */
export function dkmsModules(root: Root): Map<string, string> {
  const out = new Map<string, string>();
  for (const mod of root.list("/var/lib/dkms")) {
    if (!mod.isDirectory()) continue;
    for (const ver of root.names(`/var/lib/dkms/${mod.name}`)) {
      if (ver === "source" || ver.startsWith("kernel-")) continue;
      out.set(mod.name.replaceAll("-", "_"), `${mod.name}/${ver}`);
    }
  }
  return out;
}

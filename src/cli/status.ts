// kernel-lockdown status: this host's lockdown state, from the files the
// kernel publishes. Every source is named with what it said, or why it could
// not be read; nothing is guessed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { type EfiVariables, efiGetSecureBoot, LEVELS, type Level, splitCmdline } from "../lsm/index.js";
import { parse } from "./args.js";
import type { Command } from "./command.js";

const USAGE = `usage: kernel-lockdown status [--json] [--root DIR]

Reads this host's lockdown state without privileges where possible:
  /sys/kernel/security/lsm       is the lockdown LSM active?
  /sys/kernel/security/lockdown  the current level
  /proc/cmdline                  lockdown= on the kernel command line
  /sys/firmware/efi/efivars      SecureBoot, SetupMode, shim's MokSBStateRT
  /proc/sys/kernel/osrelease     kernel release, and /boot/config-<release>
Each source that cannot be read is named, with the reason.
  --root DIR   read these paths below DIR (a copy of another host's /proc, /sys, /boot)
  --json       one JSON object
Exit: 0 the lockdown LSM is active and its level was read, 1 it is not active
or its state could not be read, 2 usage error.`;

const EFI_GLOBAL = "8be4df61-93ca-11d2-aa0d-e0c8fe3c0e2d";
const SHIM_LOCK = "605dab50-e046-4300-abb6-3dd810dd8b23";
const EFI_VARIABLE_NON_VOLATILE = 0x1;

type Source<T> = { path: string; ok: true; value: T } | { path: string; ok: false; error: string };

function readSource<T>(root: string, path: string, interpret: (b: Buffer) => T): Source<T> {
  try {
    return { path, ok: true, value: interpret(readFileSync(join(root, path))) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT"
        ? "absent"
        : err.code === "EACCES"
          ? "permission denied"
          : (err.code ?? err.message);
    return { path, ok: false, error: why };
  }
}

/** efivarfs: 4 bytes of attributes, then the data. */
function efiVar(b: Buffer): { attributes: number; value: number } {
  if (b.length < 5) throw Object.assign(new Error("short EFI variable"), { code: "truncated EFI variable" });
  return { attributes: b.readUInt32LE(0), value: b[4]! };
}

function parseLevel(text: string): Level {
  const m = /\[(none|integrity|confidentiality)\]/.exec(text);
  if (!m)
    throw Object.assign(new Error("bad"), { code: `unexpected content ${JSON.stringify(text.trim())}` });
  return m[1] as Level;
}

export interface HostStatus {
  release: Source<string>;
  lsm: Source<string[]>;
  active: boolean | null;
  level: Source<Level>;
  cmdline: Source<string>;
  cmdlineLockdown: {
    values: (string | null)[];
    effective: Level | null;
    malformed: (string | null)[];
  } | null;
  efi: {
    booted: boolean | null;
    secureBoot: Source<number>;
    setupMode: Source<number>;
    mokSBState: Source<number>;
    mode: string | null;
  };
  config: Source<Record<string, string>>;
  source: string | null;
}

export function readHostStatus(root = "/"): HostStatus {
  const release = readSource(root, "/proc/sys/kernel/osrelease", (b) => b.toString().trim());
  const lsm = readSource(root, "/sys/kernel/security/lsm", (b) =>
    b.toString().trim().split(",").filter(Boolean),
  );
  const level = readSource(root, "/sys/kernel/security/lockdown", (b) => parseLevel(b.toString()));
  const cmdline = readSource(root, "/proc/cmdline", (b) => b.toString().trim());
  let cmdlineLockdown: HostStatus["cmdlineLockdown"] = null;
  if (cmdline.ok) {
    const values = splitCmdline(cmdline.value)
      .args.filter((a) => a.param === "lockdown")
      .map((a) => a.val);
    const valid = values.filter((v): v is Level => v === "integrity" || v === "confidentiality");
    const effective = valid.length
      ? valid.reduce((a, b) => (LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a))
      : null;
    cmdlineLockdown = {
      values,
      effective,
      malformed: values.filter((v) => v !== "integrity" && v !== "confidentiality"),
    };
  }
  const efiDir = readSource(root, "/sys/firmware/efi/systab", () => true);
  const efiRuntime = readSource(root, "/sys/firmware/efi/fw_platform_size", () => true);
  const booted =
    efiDir.ok || efiRuntime.ok ? true : efiDir.ok === false && efiDir.error === "absent" ? false : null;
  const v = (name: string, guid: string) =>
    readSource(root, `/sys/firmware/efi/efivars/${name}-${guid}`, efiVar);
  const sb = v("SecureBoot", EFI_GLOBAL);
  const sm = v("SetupMode", EFI_GLOBAL);
  const mok = v("MokSBStateRT", SHIM_LOCK);
  const asVar = (s: Source<{ attributes: number; value: number }>): EfiVariables["SecureBoot"] =>
    s.ok
      ? { value: s.value.value, nonVolatile: (s.value.attributes & EFI_VARIABLE_NON_VOLATILE) !== 0 }
      : s.error === "absent"
        ? undefined
        : "error";
  const mode = booted
    ? efiGetSecureBoot({ SecureBoot: asVar(sb), SetupMode: asVar(sm), MokSBStateRT: asVar(mok) }).mode
    : null;
  const config = release.ok
    ? readSource(root, `/boot/config-${release.value}`, (b) => {
        const out: Record<string, string> = {};
        for (const line of b.toString().split("\n")) {
          const m =
            /^CONFIG_((?:SECURITY_LOCKDOWN|LOCK_DOWN)[A-Z_]*|LSM|MODULE_SIG(?:_FORCE)?|KEXEC_SIG(?:_FORCE)?|IMA_ARCH_POLICY)=(.*)$/.exec(
              line,
            );
          if (m) out[m[1]!] = m[2]!;
        }
        return out;
      })
    : ({ path: "/boot/config-<release>", ok: false, error: "kernel release unknown" } as const);
  const active = lsm.ok ? lsm.value.includes("lockdown") : null;
  const field = (s: Source<{ value: number }>): Source<number> => (s.ok ? { ...s, value: s.value.value } : s);
  let source: string | null = null;
  if (level.ok && level.value !== "none") {
    const cfg = config.ok ? config.value : {};
    if (cmdlineLockdown?.effective === level.value) source = "boot parameter lockdown=" + level.value;
    else if (cfg[`LOCK_DOWN_KERNEL_FORCE_${level.value.toUpperCase()}`] === "y")
      source = "kernel configuration (LOCK_DOWN_KERNEL_FORCE_*)";
    else if (level.value === "integrity" && mode === "enabled" && cfg.LOCK_DOWN_IN_EFI_SECURE_BOOT !== "n")
      source = "EFI Secure Boot (LOCK_DOWN_IN_EFI_SECURE_BOOT)";
    else source = "raised at runtime through securityfs, or a source that could not be read";
  }
  return {
    release,
    lsm,
    active,
    level,
    cmdline,
    cmdlineLockdown,
    efi: { booted, secureBoot: field(sb), setupMode: field(sm), mokSBState: field(mok), mode },
    config,
    source,
  };
}

function line<T>(label: string, s: Source<T>, show: (v: T) => string = String): string {
  return `${label.padEnd(14)} ${s.ok ? show(s.value) : `unknown: ${s.path} ${s.error}`}`;
}

export const statusCommand: Command = {
  name: "status",
  summary: "this host's lockdown state, each source named",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse("status", argv, {
      json: { type: "boolean" },
      root: { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const st = readHostStatus(values.root ?? "/");
    const ok = st.active === true && st.level.ok;
    if (values.json) {
      io.out(JSON.stringify(st, null, 2));
      return ok ? 0 : 1;
    }
    io.out(line("kernel", st.release));
    io.out(
      line("lockdown LSM", st.lsm, (l) =>
        l.includes("lockdown") ? `active (lsm: ${l.join(",")})` : `NOT active (lsm: ${l.join(",")})`,
      ),
    );
    io.out(line("level", st.level));
    if (st.source) io.out(`${"raised by".padEnd(14)} ${st.source}`);
    io.out(
      line("boot param", st.cmdline, () => {
        const c = st.cmdlineLockdown!;
        if (!c.values.length) return "no lockdown= on the command line";
        const bad = c.malformed.length
          ? `; ignored as malformed: ${c.malformed.map((m) => (m === null ? "lockdown" : `lockdown=${m}`)).join(" ")}`
          : "";
        return `${c.values.map((x) => (x === null ? "lockdown" : `lockdown=${x}`)).join(" ")} -> ${c.effective ?? "none"}${bad}`;
      }),
    );
    if (st.efi.booted === false)
      io.out(`${"secure boot".padEnd(14)} not an EFI boot (/sys/firmware/efi absent)`);
    else
      io.out(
        line(
          "secure boot",
          st.efi.secureBoot,
          (sb) =>
            `${st.efi.mode ?? "unknown"} (SecureBoot=${sb}${st.efi.setupMode.ok ? `, SetupMode=${st.efi.setupMode.value}` : ""}${st.efi.mokSBState.ok ? `, MokSBStateRT=${st.efi.mokSBState.value}` : ""})`,
        ),
      );
    io.out(
      line("config", st.config, (c) =>
        Object.keys(c).length
          ? Object.entries(c)
              .map(([k, v]) => `${k}=${v}`)
              .join(" ")
          : "no lockdown options in the config file",
      ),
    );
    return ok ? 0 : 1;
  },
};

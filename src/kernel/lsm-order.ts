// security/security.c: which LSMs initialise, in which order, and the lsm_names
// string that /sys/kernel/security/lsm returns (security/inode.c lsm_read()).
// The facts per LSM are a table read from each LSM's DEFINE_LSM() /
// DEFINE_EARLY_LSM() in the Debian sources (linux-source-6.1 6.1.192-2,
// linux-source-6.12 6.12.117-1~deb12u1) and from Debian's amd64 configs
// (/boot/config-6.1.0-56-amd64, /boot/config-6.12.117+deb12-amd64).
import { splitCmdline } from "../lsm/cmdline.js";
import { effectiveEarly } from "../lsm/config.js";
import type { KernelVersion } from "../lsm/versions.js";
import type { KernelConfig } from "./profile.js";

/** include/linux/lsm_hooks.h enum lsm_order (6.1 has no LSM_ORDER_LAST). */
export type LsmOrder = "first" | "mutable" | "last";

export interface LsmFact {
  /** lsm_info.name (the name lsm= / security= / CONFIG_LSM match with strcmp()). */
  name: string;
  /** lsm_info.order; lockdown is DEFINE_EARLY_LSM instead when SECURITY_LOCKDOWN_LSM_EARLY. */
  order: LsmOrder;
  /** LSM_FLAG_LEGACY_MAJOR: disabled by security= naming another LSM. */
  legacyMajor: boolean;
  /** LSM_FLAG_EXCLUSIVE: only the first enabled exclusive LSM initialises. */
  exclusive: boolean;
  /** Whether the LSM is linked in, per series, from the config (Debian's defaults). */
  built: Readonly<Record<KernelVersion, (c: KernelConfig) => boolean>>;
  /** Its init calls security_add_hooks() (-> lsm_append()), so its name is in lsm_names. */
  hooks: boolean;
  /** Where the facts were read. */
  source: string;
}

const yes = () => true;
const no = () => false;

/**
 * In link order (security/Makefile obj-y order, then security/integrity/Makefile:
 * ima/ before evm/), which is the order of the .lsm_info.init section that
 * ordered_lsm_parse() walks; it only matters for LSM_ORDER_FIRST/LAST and security=.
 * "Built" is Debian's CONFIG_SECURITY_* for both series unless a Kconfig symbol the
 * simulated kernel models decides it.
 */
export const LSM_TABLE: readonly LsmFact[] = [
  {
    name: "capability",
    order: "first",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": yes, "6.12": yes },
    hooks: true,
    source: "security/commoncap.c DEFINE_LSM(capability) .order = LSM_ORDER_FIRST; obj-y",
  },
  {
    name: "selinux",
    order: "mutable",
    legacyMajor: true,
    exclusive: true,
    built: { "6.1": yes, "6.12": yes },
    hooks: true,
    source:
      "security/selinux/hooks.c DEFINE_LSM(selinux) LEGACY_MAJOR|EXCLUSIVE, .enabled = &selinux_enabled_boot (1; " +
      "selinux= absent: SECURITY_SELINUX_BOOTPARAM unset); CONFIG_SECURITY_SELINUX=y",
  },
  {
    name: "smack",
    order: "mutable",
    legacyMajor: true,
    exclusive: true,
    built: { "6.1": no, "6.12": no },
    hooks: true,
    source:
      "security/smack/smack_lsm.c DEFINE_LSM(smack) LEGACY_MAJOR|EXCLUSIVE; CONFIG_SECURITY_SMACK unset",
  },
  {
    name: "tomoyo",
    order: "mutable",
    legacyMajor: true,
    exclusive: false,
    built: { "6.1": yes, "6.12": yes },
    hooks: true,
    source:
      "security/tomoyo/tomoyo.c DEFINE_LSM(tomoyo) LEGACY_MAJOR, .enabled = &tomoyo_enabled (1); CONFIG_SECURITY_TOMOYO=y",
  },
  {
    name: "apparmor",
    order: "mutable",
    legacyMajor: true,
    exclusive: true,
    built: { "6.1": yes, "6.12": yes },
    hooks: true,
    source:
      "security/apparmor/lsm.c DEFINE_LSM(apparmor) LEGACY_MAJOR|EXCLUSIVE, .enabled = &apparmor_enabled (1); " +
      "CONFIG_SECURITY_APPARMOR=y",
  },
  {
    name: "yama",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": yes, "6.12": yes },
    hooks: true,
    source: "security/yama/yama_lsm.c DEFINE_LSM(yama); CONFIG_SECURITY_YAMA=y",
  },
  {
    name: "loadpin",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": no, "6.12": no },
    hooks: true,
    source: "security/loadpin/loadpin.c DEFINE_LSM(loadpin); CONFIG_SECURITY_LOADPIN unset",
  },
  {
    name: "safesetid",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": no, "6.12": no },
    hooks: true,
    source: "security/safesetid/lsm.c DEFINE_LSM(safesetid_security_init); CONFIG_SECURITY_SAFESETID unset",
  },
  {
    name: "lockdown",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": (c) => c.SECURITY_LOCKDOWN_LSM, "6.12": (c) => c.SECURITY_LOCKDOWN_LSM },
    hooks: true,
    source:
      "security/lockdown/lockdown.c: #ifdef CONFIG_SECURITY_LOCKDOWN_LSM_EARLY DEFINE_EARLY_LSM(lockdown) " +
      "#else DEFINE_LSM(lockdown); CONFIG_SECURITY_LOCKDOWN_LSM=y, _EARLY=y",
  },
  {
    name: "bpf",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": (c) => c.BPF_SYSCALL, "6.12": (c) => c.BPF_SYSCALL },
    hooks: true,
    source:
      "security/bpf/hooks.c DEFINE_LSM(bpf); CONFIG_BPF_LSM=y (kernel/bpf/Kconfig: depends on BPF_SYSCALL)",
  },
  {
    name: "landlock",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": yes, "6.12": yes },
    hooks: true,
    source: "security/landlock/setup.c DEFINE_LSM(LANDLOCK_NAME); CONFIG_SECURITY_LANDLOCK=y",
  },
  {
    name: "ipe",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": no, "6.12": yes },
    hooks: true,
    source: "6.12 security/ipe/ipe.c DEFINE_LSM(ipe); CONFIG_SECURITY_IPE=y (no IPE in 6.1)",
  },
  {
    name: "integrity",
    order: "mutable",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": yes, "6.12": no },
    hooks: false,
    source:
      "6.1 security/integrity/iint.c DEFINE_LSM(integrity), init integrity_iintcache_init() adds no hooks; " +
      "CONFIG_INTEGRITY=y (6.12 has no integrity LSM)",
  },
  {
    name: "ima",
    order: "last",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": no, "6.12": (c) => c.IMA },
    hooks: true,
    source:
      "6.12 security/integrity/ima/ima_main.c DEFINE_LSM(ima) .order = LSM_ORDER_LAST; CONFIG_IMA=y (6.1: no LSM)",
  },
  {
    name: "evm",
    order: "last",
    legacyMajor: false,
    exclusive: false,
    built: { "6.1": no, "6.12": yes },
    hooks: true,
    source:
      "6.12 security/integrity/evm/evm_main.c DEFINE_LSM(evm) .order = LSM_ORDER_LAST; CONFIG_EVM=y (6.1: no LSM)",
  },
];

/** The last lsm= and security= of a command line (__setup handlers just keep the pointer). */
export function lsmParams(cmdline: string): { lsm: string | null; security: string | null } {
  let lsm: string | null = null;
  let security: string | null = null;
  for (const { param, val } of splitCmdline(cmdline).args) {
    if (val === null) continue;
    if (param === "lsm") lsm = val;
    else if (param === "security") security = val;
  }
  return { lsm, security };
}

export interface LsmInit {
  /** The LSMs security_init() initialises, in order (early ones first); enabled ones only. */
  initialised: string[];
  /** lsm_names: the names security_add_hooks() appended, joined with ",". */
  names: string;
  /** "cmdline" when lsm= decided the order, else "builtin" (CONFIG_LSM). */
  origin: "cmdline" | "builtin";
  /** security= was given but superseded by lsm= ("security= is ignored because it is superseded by lsm="). */
  securityIgnored: boolean;
  /** What ordered_lsm_init() prints then (pr_fmt "LSM: "): 6.1 pr_info, 6.12 pr_warn with both values. */
  ignoredLine: { level: "info" | "warn"; text: string } | undefined;
}

/**
 * security/security.c early_security_init() + security_init() + ordered_lsm_init() +
 * ordered_lsm_parse() + prepare_lsm() for one series, config and command line.
 */
export function lsmInit(version: KernelVersion, config: KernelConfig, cmdline: string): LsmInit {
  const built = LSM_TABLE.filter((l) => l.built[version](config));
  const earlyLockdown = effectiveEarly(config);
  const isEarly = (l: LsmFact) => l.name === "lockdown" && earlyLockdown;
  // __start_early_lsm_info .. and __start_lsm_info .. (link order).
  const early = built.filter(isEarly);
  const section = built.filter((l) => !isEarly(l));

  // lsm_info.enabled: null (unset), or the value it points to.
  const enabled = new Map<LsmFact, boolean | null>(section.map((l) => [l, null]));
  const ordered: LsmFact[] = [];
  const append = (l: LsmFact) => {
    if (ordered.includes(l)) return; // append_ordered_lsm(): ignore duplicates
    if (enabled.get(l) === null) enabled.set(l, true);
    ordered.push(l);
  };

  const params = lsmParams(cmdline);
  // ordered_lsm_init(): lsm= supersedes security=.
  const securityIgnored = params.lsm !== null && params.security !== null;
  const major = params.lsm !== null ? null : params.security;
  const origin = params.lsm !== null ? "cmdline" : "builtin";
  const order = params.lsm ?? config.LSM;

  // ordered_lsm_parse()
  for (const l of section) if (l.order === "first") append(l);
  if (major !== null) for (const l of section) if (l.legacyMajor && l.name !== major) enabled.set(l, false);
  for (const name of order.split(","))
    for (const l of section) if (l.order === "mutable" && l.name === name) append(l);
  if (major !== null) for (const l of section) if (!ordered.includes(l) && l.name === major) append(l);
  for (const l of section) if (l.order === "last") append(l);
  // (LSMs not in the ordered list are disabled and never initialised.)

  // prepare_lsm() in order: lsm_allowed() refuses a second exclusive LSM.
  let exclusive: LsmFact | null = null;
  const initialised: LsmFact[] = [...early];
  for (const l of ordered) {
    const allowed = enabled.get(l) === true && !(l.exclusive && exclusive !== null);
    if (!allowed) continue;
    if (l.exclusive) exclusive = l;
    initialised.push(l);
  }

  // security_init() appends the early names (security_add_hooks() could not: no slab
  // yet); then each initialize_lsm() -> init -> security_add_hooks() -> lsm_append(),
  // which skips a name equal to the last one (match_last_lsm()).
  const names: string[] = [];
  for (const l of initialised) if (l.hooks && names[names.length - 1] !== l.name) names.push(l.name);
  return {
    initialised: initialised.map((l) => l.name),
    names: names.join(","),
    origin,
    securityIgnored,
    ignoredLine: !securityIgnored
      ? undefined
      : version === "6.1"
        ? { level: "info", text: "LSM: security= is ignored because it is superseded by lsm=" }
        : {
            level: "warn",
            text: `LSM: security=${params.security} is ignored because it is superseded by lsm=${params.lsm}`,
          },
  };
}

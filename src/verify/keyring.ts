// Keyrings as the kernel searches them (security/keys/keyring.c search,
// crypto/asymmetric_keys/asymmetric_type.c, x509_public_key.c ids,
// certs/system_keyring.c, certs/blacklist.c).
//
//   .builtin_trusted_keys   compiled-in certificates
//   .secondary_trusted_keys links .builtin (and .machine); keys added at run time
//   .machine                MOK keys (linked from .secondary)
//   .platform               UEFI db / MOK when not trusted for modules; kexec and Debian's module fallback
//   .blacklist              "tbs:<hex>" / "bin:<hex>" hashes and revocation certificates
//   .ima                    IMA appraisal keys
import { readFileSync } from "node:fs";
import type { ErrnoName } from "../errno.js";
import { FormatError, InputError } from "../errors.js";
import type { KernelVersion } from "../formats/oid-registry.js";
import { commonName, parseX509Strict } from "../formats/x509.js";
import { equalBytes } from "./hash.js";
import { FULL_CRYPTO, type KernelCrypto } from "./public-key.js";
import { type CheckedCert, checkCert } from "./x509-check.js";

/** An asymmetric key made from an X.509 certificate (x509_key_preparse()). */
export interface Key {
  description: string;
  source: string | undefined;
  checked: CheckedCert;
  /** id[0] = serial || issuer, id[1] = SKID, id[2] = subject. */
  ids: [Uint8Array, Uint8Array | undefined, Uint8Array];
}

export class Keyring {
  readonly keys: Key[] = [];
  readonly links: Keyring[] = [];
  constructor(readonly name: string) {}

  add(key: Key): this {
    this.keys.push(key);
    return this;
  }
  link(k: Keyring): this {
    if (k !== this && !this.links.includes(k)) this.links.push(k);
    return this;
  }
  /** keyring_search(): own keys first, then linked keyrings, depth first; the first match wins. */
  search(match: (k: Key) => boolean, seen: Set<Keyring> = new Set()): Key | undefined {
    if (seen.has(this)) return undefined;
    seen.add(this);
    for (const k of this.keys) if (match(k)) return k;
    for (const l of this.links) {
      const r = l.search(match, seen);
      if (r) return r;
    }
    return undefined;
  }
  /** Every key, linked keyrings included. */
  all(seen: Set<Keyring> = new Set()): Key[] {
    if (seen.has(this)) return [];
    seen.add(this);
    return [...this.keys, ...this.links.flatMap((l) => l.all(seen))];
  }
  get size(): number {
    return this.all().length;
  }
}

export type KeyLookup = { key: Key } | { errno: ErrnoName };

/**
 * find_asymmetric_key(keyring, id_0, id_1, NULL, partial=false): "ex:" match of
 * id_0 (or id_1) against a key's id[0] or id[1]; with both ids the found key
 * must also carry id_1 as its id[1], else -EKEYREJECTED.
 */
export function findAsymmetricKey(
  kr: Keyring,
  id0: Uint8Array | undefined,
  id1: Uint8Array | undefined,
): KeyLookup {
  const lookup = id0 ?? id1;
  if (!lookup) return { errno: "EINVAL" };
  const key = kr.search(
    (k) => equalBytes(k.ids[0], lookup) || (k.ids[1] !== undefined && equalBytes(k.ids[1], lookup)),
  );
  if (!key) return { errno: "ENOKEY" };
  if (id0 && id1 && (!key.ids[1] || !equalBytes(key.ids[1], id1))) return { errno: "EKEYREJECTED" };
  return { key };
}

/** "id:<hex>" partial match: the tail of id[0] or id[1] (asymmetric_key_id_partial()). */
export function findPartial(kr: Keyring, tail: Uint8Array): Key | undefined {
  const ends = (id: Uint8Array | undefined) =>
    id !== undefined && id.length >= tail.length && equalBytes(id.subarray(id.length - tail.length), tail);
  return kr.search((k) => ends(k.ids[0]) || ends(k.ids[1]));
}

/** The .blacklist keyring: hash entries and revocation certificates. */
export class Blacklist {
  readonly tbs = new Set<string>();
  readonly bin = new Set<string>();
  readonly certs = new Keyring(".blacklist");

  /** Adds "tbs:<hex>" or "bin:<hex>" (the kernel's description format, lowercase hex). */
  addHash(desc: string): this {
    const m = /^(tbs|bin):([0-9a-fA-F]+)$/.exec(desc.trim());
    if (!m || m[2]!.length % 2 !== 0)
      throw new FormatError(`blacklist entry "${desc}" is not tbs:<hex> or bin:<hex>`, "EINVAL");
    (m[1] === "tbs" ? this.tbs : this.bin).add(m[2]!.toLowerCase());
    return this;
  }
  isTbsBlacklisted = (hex: string): boolean => this.tbs.has(hex);
  isBinBlacklisted = (hex: string): boolean => this.bin.has(hex);
}

export interface Keyrings {
  version: KernelVersion;
  /** The algorithms the kernel was built with (certificates and signatures it cannot check fail). */
  crypto: Readonly<KernelCrypto>;
  builtin: Keyring;
  secondary: Keyring;
  machine: Keyring;
  platform: Keyring;
  ima: Keyring;
  blacklist: Blacklist;
}

/** Empty system keyrings wired as the kernel wires them (.secondary links .builtin and .machine). */
export function createKeyrings(
  version: KernelVersion = "6.1",
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): Keyrings {
  const builtin = new Keyring(".builtin_trusted_keys");
  const machine = new Keyring(".machine");
  const secondary = new Keyring(".secondary_trusted_keys").link(builtin).link(machine);
  return {
    version,
    crypto,
    builtin,
    secondary,
    machine,
    platform: new Keyring(".platform"),
    ima: new Keyring(".ima"),
    blacklist: new Blacklist(),
  };
}

/** x509_key_preparse(): a key from one certificate, refused if its TBS hash is blacklisted. */
export function keyFromDer(
  der: Uint8Array,
  version: KernelVersion,
  blacklist?: Blacklist,
  source?: string,
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
): Key {
  const cert = parseX509Strict(der, version);
  const checked = checkCert(cert, version, blacklist?.isTbsBlacklisted, crypto);
  if (checked.blacklisted)
    throw new FormatError("certificate is blacklisted (tbs hash in .blacklist)", "EKEYREJECTED");
  return {
    description: `${commonName(cert.rawSubject)}: ${Buffer.from(checked.cert.skid ?? cert.rawSerial).toString("hex")}`,
    source,
    checked,
    ids: [cert.id, cert.skid, cert.rawSubject],
  };
}

const PEM_RE =
  /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;

/** Splits a certificate file: PEM with one or more certificates, or one DER certificate. */
export function certificatesIn(data: Uint8Array): Uint8Array[] {
  const text = Buffer.from(data).toString("latin1");
  if (text.includes("-----BEGIN")) {
    const out = [...text.matchAll(PEM_RE)].map(
      (m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")),
    );
    if (out.length === 0) throw new FormatError("PEM file holds no CERTIFICATE block", "EBADMSG");
    return out;
  }
  return [data];
}

function parsesAsX509(der: Uint8Array, version: KernelVersion): boolean {
  try {
    parseX509Strict(der, version);
    return true;
  } catch {
    return false;
  }
}

/** Loads every certificate of a PEM or DER file as keys; errors name the file (InputError). */
export function loadCertFile(
  path: string,
  version: KernelVersion = "6.1",
  blacklist?: Blacklist,
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
  /** Told of each well-formed certificate this kernel would not load, and why. */
  onSkip?: (why: FormatError) => void,
): Key[] {
  let data: Uint8Array;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new InputError(
      path,
      `cannot read certificate: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    const keys: Key[] = [];
    for (const der of certificatesIn(data)) {
      try {
        keys.push(keyFromDer(der, version, blacklist, path, crypto));
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        // A well-formed certificate that this kernel refuses to load is left out of the keyring,
        // as load_certificate_list() / key_create_or_update() leave it out ("Problem loading
        // in-kernel X.509 certificate"): a key algorithm or curve it has no parser for
        // (x509_cert_parse() -ENOPKG, e.g. P-521 on 6.1), or a self-signature that
        // x509_check_for_self_signed() cannot verify (e.g. rsa_check_key_length() -EINVAL for a
        // 2560-bit key). What is not a certificate at all, and a blacklisted one (said loudly:
        // the caller asked for it), are errors.
        if (e.message.includes("blacklisted")) throw e;
        if (e.errno === "ENOPKG" || parsesAsX509(der, version)) {
          onSkip?.(e);
          continue;
        }
        throw e;
      }
    }
    return keys;
  } catch (e) {
    if (e instanceof FormatError) throw new InputError(path, `bad certificate: ${e.message}`);
    throw e;
  }
}

/** Keyrings whose .builtin and .ima hold the certificates of `files` (the CLI's --cert). */
export function keyringsFromCerts(
  files: readonly string[],
  version: KernelVersion = "6.1",
  crypto: Readonly<KernelCrypto> = FULL_CRYPTO,
  onSkip?: (file: string, why: FormatError) => void,
): Keyrings {
  const kr = createKeyrings(version, crypto);
  for (const f of files)
    for (const k of loadCertFile(f, version, kr.blacklist, crypto, (why) => onSkip?.(f, why))) {
      kr.builtin.add(k);
      kr.ima.add(k);
    }
  return kr;
}

/** A keyring holding every trust anchor a careful verifier accepts (all system keyrings). */
export function anchorsOf(keyrings: Keyrings, which: "pe" | "module" | "ima"): Keyring {
  const k = new Keyring(".anchors");
  if (which === "ima") k.link(keyrings.ima).link(keyrings.platform);
  else k.link(keyrings.secondary).link(keyrings.platform);
  return k;
}

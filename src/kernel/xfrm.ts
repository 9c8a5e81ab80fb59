// net/xfrm/xfrm_user.c: every message that carries an SA's algorithms goes
// through copy_to_user_state_extra() -> copy_to_user_auth()/_aead()/_ealg(),
// each asking xfrm_redact() = security_locked_down(LOCKDOWN_XFRM_SECRET): no
// error, the key bytes are zeroed. Adding an SA notifies (xfrm_notify_sa() for
// XFRM_MSG_NEWSA), XFRM_MSG_GETSA answers, deleting notifies again: three asks.
import type { Kernel } from "./kernel.js";
import { neg } from "./vfs.js";

const AUTH_ALGS = [
  "hmac(md5)",
  "hmac(sha1)",
  "hmac(sha256)",
  "hmac(sha384)",
  "hmac(sha512)",
  "hmac(rmd160)",
  "xcbc(aes)",
  "cmac(aes)",
];

/** copy_to_user_auth(): the key as it goes out. */
function copyToUserAuth(k: Kernel, key: Uint8Array): Uint8Array {
  const redact = k.lockedDown("LOCKDOWN_XFRM_SECRET") !== 0;
  return redact && key.length ? new Uint8Array(key.length) : new Uint8Array(key);
}

export function xfrmGetsa(
  k: Kernel,
  alg: string,
  key: Uint8Array,
): { ret: number; result?: string; data?: Uint8Array } {
  // socket(AF_NETLINK, SOCK_RAW, NETLINK_XFRM) needs xfrm_user.
  if (!k.config.XFRM_USER || !k.modules.has("xfrm_user")) return { ret: neg("EPROTONOSUPPORT") };
  // XFRM_MSG_NEWSA: xfrm_add_sa() -> xfrm_state_construct(): the AH type (ah4) and the algorithm.
  if (!AUTH_ALGS.includes(alg)) return { ret: neg("ENOSYS") };
  if (!k.modules.has("ah4")) return { ret: neg("EPROTONOSUPPORT") };
  copyToUserAuth(k, key); // km_state_notify() -> xfrm_notify_sa(XFRM_MSG_NEWSA)
  const got = copyToUserAuth(k, key); // XFRM_MSG_GETSA reply
  copyToUserAuth(k, key); // XFRM_MSG_DELSA -> xfrm_notify_sa()
  const same = got.length === key.length && got.every((b, i) => b === key[i]);
  return { ret: 0, result: same ? "ok" : "redacted", data: got };
}

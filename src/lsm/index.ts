// The lockdown LSM: policy only, no I/O.
export * from "./cmdline.js";
export * from "./config.js";
export * from "./explain.js";
export * from "./init.js";
export * from "./levels.js";
export * from "./lockdown.js";
export * from "./log.js";
export * from "./operations.js";
export * from "./ratelimit.js";
export * from "./reasons.js";
export * from "./secureboot.js";
export * from "./securityfs.js";
export * from "./versions.js";

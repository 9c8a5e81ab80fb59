// Library entry point: re-exports each layer's public API.

export * from "./audit/index.js";
export * from "./errno.js";
export * from "./errors.js";
export * from "./kernel/index.js";
export * from "./lsm/index.js";
export * from "./verify/index.js";

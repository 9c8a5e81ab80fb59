// The simulated kernel: library API.

export { BPF_HELPERS } from "./bpf.js";
export * from "./errno.js";
export * from "./ima.js";
export * from "./kernel.js";
export { KEXEC_FILE_FLAGS, KEXEC_FLAGS, type KexecSegment } from "./kexec.js";
export * from "./machine.js";
export { MODULE_INIT_FLAGS, moduleSigCheck } from "./modules.js";
export { PERF_SAMPLE, type PerfAttr } from "./perf.js";
export * from "./probes.js";
export * from "./profile.js";
export * from "./scenario.js";
export * from "./signature.js";
export * from "./try.js";
export * from "./verifier.js";
export { type Inode, OPEN_FLAGS, type OpenFile } from "./vfs.js";

// The simulated kernel: library API.
//
//   import { bootKernel, kernelVerifier } from "kernel-lockdown";
//   const k = bootKernel({ version: "6.12", cmdline: "lockdown=integrity" });
//   k.open("/dev/mem", ["O_RDONLY"])     // { ret: -1, result: "EPERM", log: ["Lockdown: probe: /dev/mem,kmem,port is restricted; ..."] }
//   k.mount("securityfs", "/sys/kernel/security");
//   k.write("/sys/kernel/security/lockdown", "confidentiality");
//   k.sleep(6000);                       // simulated time: the log rate limit follows it
//
// Every system call returns a SysResult { ret, result, data?, log } with the
// log lines it caused: open/read/write/pread/pwrite/mmap/ioctl/readdir/chmod/
// mount, ioperm, iopl, finitModule, kexecLoad, kexecFileLoad, perfEventOpen,
// bpfProgLoad, xfrmGetsa. KernelOptions take the version, command line,
// Kconfig overrides, secureBoot, keyrings (certificate files as bytes),
// ACPI tables of the initrd, regular files (modules, kernel images) and a
// SignatureChecker (kernelVerifier(version, keyrings) is src/verify's).
// Call `await k.prepare()` before boot() when loading xz-compressed modules.
// Scenarios (SCENARIO.md): loadScenario / runScenario / outputLines;
// probeResults gives the battery's per-probe view; tryOperation answers one
// "open /dev/mem"-style question.

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

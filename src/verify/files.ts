// What the layers above (kernel, audit) read of files goes through here:
// kernel images (their builtin certificates), module ELF .modinfo and
// signature trailers, certificates, compression. src/formats stays the
// verify layer's implementation detail.
export { builtinCertificates } from "../formats/bzimage.js";
export { detectCompression, kernelXzHeaderStatus } from "../formats/decompress.js";
export { Elf64, type ModuleParam } from "../formats/elf.js";
export { splitModuleSignature } from "../formats/module-sig.js";
export { type BuiltinParam, vmlinuxParams } from "../formats/vmlinux-params.js";
export { commonName, parseX509 } from "../formats/x509.js";

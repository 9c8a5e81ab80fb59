// Wires the verify layer (signatures) and the ELF module reader (hardware
// parameters) into the audit.
import { readFileSync } from "node:fs";
import { Elf64 } from "../verify/files.js";
import type { AuditOptions } from "./index.js";
import type { ParamInfo } from "./modparams.js";
import { moduleImage } from "./verifier.js";
import { verifyLayer } from "./verify-adapter.js";

/** A module's parameters from its `__param` table (KERNEL_PARAM_FL_HWPARAM marks hardware ones). */
export async function readModuleParams(hostPath: string): Promise<ParamInfo[]> {
  const image = await moduleImage(hostPath, readFileSync(hostPath));
  return new Elf64(image).params().map((p) => ({ name: p.name, hardware: p.hardware }));
}

export function defaultAuditHooks(): Pick<AuditOptions, "verifier" | "readParams"> {
  return { verifier: verifyLayer(), readParams: readModuleParams };
}

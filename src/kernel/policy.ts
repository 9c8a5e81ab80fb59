// The lockdown policy the simulated kernel applies (src/lsm), as the layers
// above (audit) see it; importing this does not load the simulator itself.
export {
  type CmdlineArg,
  type EfiVar,
  efiGetSecureBoot,
  isLevel,
  type KernelVersion,
  type Level,
  type LockdownReason,
  levelRank,
  reasonInfo,
  splitCmdline,
} from "../lsm/index.js";

/** Suspend and resume: a VM's complete state in a versioned, checksummed file. */
export { SnapshotError, SNAPSHOT_MAGIC, SNAPSHOT_VERSION } from "./format";
export { crc32 } from "./crc32";
export { encodeSnapshot, decodeSnapshot, type Snapshot, type SavedState, type MachineState, type VmSavedState, type DiskImageRef } from "./state";
export { captureMachine, restoreMachine, type ResumeOptions } from "./machine-snapshot";
export { captureVm, restoreVm, type VmResumeOptions } from "./vm-snapshot";
export { freezeDisk, overlayFor, writeSnapshot, readSnapshot, openSnapshotDisk } from "./files";

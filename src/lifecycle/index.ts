/** The life of a VM: disk images (qcow2), and later snapshots, clones and migration. */
export { RawBlockDevice, readSectors, writeSectors, SECTOR_BYTES, type BlockDevice } from "./block-device";
export { FileStorage, MemoryStorage, type Storage } from "./storage";
export * from "./qcow2";
export * from "./snapshot";
export { createTemplate, cloneTemplate, sharedSpace, diskUsage, type Template, type TemplateVmConfig, type Clone, type SpaceReport } from "./template";
export * from "./migration";
export { firstFitDecreasing, evacuationPlan, hostLoads, type VmLoad, type HostCapacity, type Placement, type Move } from "./consolidation";

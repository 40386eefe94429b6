/** I/O virtualization: Xen's rings, grant tables, event channels, and the split block driver. */
export * from "./guest-memory";
export * from "./ring";
export * from "./blkif";
export * from "./grant-table";
export * from "./event-channel";
export * from "./elevator";
export * from "./blkback";
export * from "./blkfront";
export * from "./blk-workload";

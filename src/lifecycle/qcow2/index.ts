/** qcow2 disk images (QEMU's docs/interop/qcow2.txt): one concept a file. */
export { Qcow2Error } from "./errors";
export { decodeHeader, encodeHeader, FIELD, QCOW2_MAGIC, DEFAULT_CLUSTER_BITS, type Qcow2Header } from "./header";
export { decodeL1, decodeL2, encodeL1, encodeL2, type L1Entry, type L2Entry } from "./tables";
export { Refcounts } from "./refcounts";
export { checkConsistency, type CheckReport } from "./check";
export { Qcow2Image, type OpenOptions } from "./image";
export { createImage, maxVirtualSize, type CreateOptions } from "./create";
export { openImage, openAnyImage, isQcow2File, MAX_CHAIN } from "./chain";
export { exportRaw, importRaw } from "./convert";
export { StorageBlockDevice } from "./raw-file";
export { imageInfo, type ImageInfo } from "./info";

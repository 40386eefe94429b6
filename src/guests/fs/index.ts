/** The toy32 file system on the host: its layout, mkfs, the reader and the checker. */
export * from "./layout";
export { checkImage, FsImageError, type CheckedImage } from "./check";
export { FsImage, type DirectoryEntry, type EntryKind, type InodeStat } from "./image";
export { buildImage, mkfs, readHostFolder, DEFAULT_IMAGE_BYTES, MAX_IMAGE_BYTES, type FsDirectory, type FsFile, type FsNode, type MkfsOptions } from "./mkfs";
export { decodeExecutable, encodeExecutable, executableFromSource, type Executable } from "./executable";

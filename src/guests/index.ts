/** Software that runs on toy32: the kernel, its user programs, their loader. */
export {
  BOOT_LAYOUT,
  DEFAULT_KERNEL_MEMORY,
  DEFAULT_TIMER_INTERVAL,
  GUESTS_DIR,
  KERNEL_BASES,
  KERNEL_PLATFORMS,
  PAGER_SAMPLES,
  PAGER_STATS_LAYOUT,
  PLATFORM_MMU,
  PROC_LAYOUT,
  assembleKernel,
  assembleUserProgram,
  buildKernelImage,
  computeBenchmarkSource,
  fibMod32,
  kernelFiles,
  kernelSource,
  kernelSources,
  userLibrarySource,
  userProgram,
  userProgramNames,
  userProgramSource,
} from "./loader";
export type { BuiltInProgram, DiskProgram, GuestProgram, KernelPlatform, KernelImage, KernelImageOptions, LoadedProgram, ProgramSpec } from "./loader";
export { bootKernel, bootedImage, loadKernelImage, processTable, readProcessTable } from "./boot";
export { pagerStats, readPagerStats } from "./pager-stats";
export type { FreeFramesSample, PagerStats } from "./pager-stats";
export type { BootOptions, ProcessInfo, ProcessState } from "./boot";
export { diskImage, runFromDisk } from "./disk-run";
export type { DiskFiles, DiskRun, DiskRunOptions } from "./disk-run";
export { readUserPages, userPages } from "./user-pages";
export type { ProcessPages, UserPages } from "./user-pages";

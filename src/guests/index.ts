/** Software that runs on toy32: the kernel, its user programs, their loader. */
export {
  BOOT_LAYOUT,
  DEFAULT_KERNEL_MEMORY,
  DEFAULT_TIMER_INTERVAL,
  GUESTS_DIR,
  KERNEL_PLATFORMS,
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
export type { DiskProgram, GuestProgram, KernelPlatform, KernelImage, KernelImageOptions, LoadedProgram, ProgramSpec } from "./loader";
export { bootKernel, loadKernelImage, processTable, readProcessTable } from "./boot";
export type { BootOptions, ProcessInfo, ProcessState } from "./boot";

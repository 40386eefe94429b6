/**
 * vmlab's face: everything a notebook imports with
 * `import { ... } from "vmlab"`.
 */
export * from "./machine/isa";
export { CLOCK_HZ, COSTS, formatSimulatedTime, perSimulatedSecond, simulatedSeconds } from "./machine/costs";
export type { CostName } from "./machine/costs";
export { UserError } from "./errors";
export * from "./machine/assembler";
export { disassemble, disassembleImage } from "./machine/disassembler";
export { isaReferenceMarkdown } from "./machine/isa-doc";
// The toy32 machine: CPU, memory, MMU + TLB, devices, traps, statistics, trace.
export { Machine, DEFAULT_MAX_CYCLES } from "./machine/machine";
export type { MachineOptions, RunOptions, RunResult, CpuState } from "./machine/machine";
export { Cpu } from "./machine/cpu";
export type { StopReason } from "./machine/cpu";
export { PhysicalMemory, DEFAULT_MEMORY_BYTES } from "./machine/memory";
export type { Device } from "./machine/memory";
export { Mmu, ACCESS, permits } from "./machine/mmu";
export type { MmuKind, Access, AccessName } from "./machine/mmu";
export { Tlb, ASID_MASK, TLB_LOCKED } from "./machine/tlb";
export type { TlbEntry } from "./machine/tlb";
export { takeTrap, returnFromTrap, tripleFaultReport } from "./machine/trap";
export type { Trap, TrapInterceptor, TrapOutcome } from "./machine/trap";
export { Statistics, diffStats } from "./machine/stats";
export type { StatsSnapshot, ModeStats, DeviceStats } from "./machine/stats";
export { Trace, formatTraceEntry } from "./machine/trace";
export type { TraceEntry, RegisterChange, TraceTrap } from "./machine/trace";
export { EventQueue } from "./machine/events";
export type { DeviceBus } from "./machine/events";
export { Console, CONSOLE_REG } from "./machine/devices/console";
export { Disk, DISK_BASE, DISK_REG, DISK_COMMAND, DISK_STATUS, SECTOR_SIZE } from "./machine/devices/disk";
export { Nic, NIC_BASE, NIC_REG, NIC_STATUS } from "./machine/devices/nic";
// Guest software: the toy32 kernel, its user programs and the loader (src/guests).
export * from "./guests";
// Containers: what each process sees of its namespaces, resource groups (src/containers).
export * from "./containers";
// The toy32 file system on the host: mkfs, the reader, the checker (src/guests/fs).
export { FsImage, FsImageError, buildImage, checkImage, decodeExecutable, executableFromSource, mkfs, MAX_FILE_BYTES } from "./guests/fs";
export type { DirectoryEntry, FsDirectory, FsNode, InodeStat, MkfsOptions } from "./guests/fs";
export * from "./plot";
// Exercises: the test helper of grade cells, seeded problem generators.
export { check, Checker, CheckFailure, type CheckScore, type Verdict, type Tolerance } from "./courseware/check";
export * from "./courseware/problems";
// Claims: the chapter's prose asserted on its own numbers (cells tagged `claim`).
export { claim, ClaimFailed } from "./courseware/claim";
// CPU virtualization: VMs and VCPUs, trap-and-emulate with shadow page
// tables, hypercalls, VM exits (src/hypervisor).
export { Hypervisor, HYPERVISOR_RESERVED, SHADOW_FRAMES } from "./hypervisor/hypervisor";
export type { HypervisorOptions, RunReport } from "./hypervisor/hypervisor";
export { Vm, ENDED } from "./hypervisor/vm";
export type { VmConfig, VmState, VmStats } from "./hypervisor/vm";
export { Vcpu } from "./hypervisor/vcpu";
export type { VcpuSnapshot } from "./hypervisor/vcpu";
export { Tracer, STEP, formatTrace, traceRows } from "./hypervisor/trace";
export type { Actor, TraceStep } from "./hypervisor/trace";
export { HYPERCALLS, HYPERCALL, dispatchHypercall, EINVAL, EFAULT, MAX_BATCH } from "./hypervisor/hypercalls";
export { ParavirtualGuest } from "./hypervisor/paravirtual";
export { GRANULE_SHIFT } from "./hypervisor/translation-cache";
export { TrapAndEmulate, TRAP_AND_EMULATE_COSTS } from "./hypervisor/trap-and-emulate";
export type { SoftwareCosts, VmmContext, GuestTrap, Resolution } from "./hypervisor/trap-and-emulate";
export type { HypercallSpec, HypercallGuest, HypercallResult, HypercallEffect } from "./hypervisor/hypercalls";
// VCPU scheduling policies (round robin, proportional share, fair share,
// Xen's credit) and their event-driven model over several PCPUs.
export * from "./hypervisor/sched";
export { EXIT_REASON, exitReasonName, defaultExitControls } from "./hypervisor/exits";
export type { ExitControls, VmExit, ExitReasonName, ExitCounts } from "./hypervisor/exits";
export { translateGuest } from "./memory/guest-walk";
export { ShadowPageTables } from "./memory/shadow-paging";
export { runSensitiveDemo, SENSITIVE_DEMO_SOURCE } from "./hypervisor/sensitive-demo";
export type { SensitiveDemoResult } from "./hypervisor/sensitive-demo";
export { BinaryTranslator } from "./hypervisor/binary-translation";
export { TranslationCache } from "./hypervisor/translation-cache";
export type { TranslationStats } from "./hypervisor/translation-cache";
export { translateBlock, MAX_BLOCK } from "./hypervisor/translator";
export type { TranslatedBlock, BtRuntime, BlockFunction } from "./hypervisor/translator";
export type { Technique } from "./hypervisor/hypervisor";
export { HardwareAssist, HARDWARE_ASSIST_COSTS, EXIT_LOG_LIMIT } from "./hypervisor/hardware-assist";
export { buildParavirtualKernelImage, paravirtualKernelSource } from "./hypervisor/paravirtual-kernel";
export { userComputeProgram, syscallProgram, forkLoopProgram, tlbSweepProgram, forkExecWaitProgram, trueProgram, fileWriteProgram, swapSweepProgram, workloadImage, runBare, runVirtualized } from "./hypervisor/workloads";
export type { BareOptions, WorkloadRun, VirtualizedOptions } from "./hypervisor/workloads";
export { FIRST_GENERATION_COSTS } from "./hypervisor/hardware-assist";
export type { HardwarePaging, NestedPaging } from "./hypervisor/hardware-assist";
export { MAX_MMU_BATCH, DEFAULT_MMU_BATCH } from "./hypervisor/paravirtual-kernel";
export type { ParavirtualImageOptions } from "./hypervisor/paravirtual-kernel";

// Guest memory (src/memory): the pmap, shadow and nested tables, MMU_UPDATE's validation, the walk model.
export { Pmap, RegionAllocator, permits as guestPermits, FAULT_CAUSE, PAGING_OFF, FLOOD_LIMIT, validateUpdate } from "./memory";
// Memory overcommitment (src/memory/overcommit, chapter 05): per-page pmap, sharing, ballooning, swapping, idle tax.
export {
  OvercommitHost,
  GuestOs,
  GuestPageMap,
  PageSharing,
  MachineFrames,
  HostSwap,
  PAGE_STATE,
  PAGE_STATE_NAMES,
  PAGE_IO_CYCLES,
  SHARES_PER_MB,
  DEFAULT_TAX_RATE,
  idleCost,
  adjustedRatio,
  revocationVictim,
  fundedTargets,
  sharingScenario,
  reclaimScenario,
  doublePagingScenario,
  idleTaxScenario,
  bruteForceIdentical,
  patternPage,
  type OvercommitHostOptions,
  type OvercommitVmOptions,
  type HostMemorySample,
  type VmMemorySample,
  type BalloonRefusal,
  type TraceEvent,
  type SharingResult,
  type ReclaimResult,
  type IdleTaxResult,
  type ShareLevel,
  type FundedVm,
} from "./memory/overcommit";
export type { Region, GuestAddressSpace, GuestMapping, GuestTranslation, ShadowStats, ShadowOptions, View, UpdateVerdict } from "./memory";
export { NestedPageTable } from "./memory/nested-paging";
export { ShadowMmu } from "./memory/shadow-mmu";
export type { ShadowGuest, ShadowHost, ShadowCosts } from "./memory/shadow-mmu";
export { twoDimensionalWalk, twoDimensionalReferences, oneDimensionalReferences, MAX_LEVELS } from "./memory/walk-model";
export type { ModelReference } from "./memory/walk-model";
export { SoftwareTlbMmu, GuestTlb, L2_TLB_ENTRIES, l2HitRate, emptySoftwareTlbStats } from "./memory/software-tlb";
export type { SoftwareTlbStats, SoftwareTlbHost, GuestCpu, MissResolution } from "./memory/software-tlb";
export { NestedWalker, NESTED_TLB_ENTRIES } from "./machine/nested-walk";
export type { NestedRegisters } from "./machine/nested-walk";

// Disk images (src/lifecycle): block devices, qcow2 read and written as QEMU's qcow2.txt specifies.
export { RawBlockDevice, readSectors, writeSectors, SECTOR_BYTES } from "./lifecycle/block-device";
export type { BlockDevice } from "./lifecycle/block-device";
export { FileStorage, MemoryStorage } from "./lifecycle/storage";
export type { Storage } from "./lifecycle/storage";
export { Qcow2Image, Qcow2Error, createImage, openImage, openAnyImage, exportRaw, importRaw, imageInfo } from "./lifecycle/qcow2";
export type { Qcow2Header, CheckReport, CreateOptions, ImageInfo } from "./lifecycle/qcow2";

// The life of a VM (src/lifecycle): suspend/resume, templates, pre-copy live migration.
export {
  SnapshotError, SNAPSHOT_VERSION, crc32, encodeSnapshot, decodeSnapshot, captureMachine, restoreMachine, captureVm, restoreVm,
  freezeDisk, writeSnapshot, readSnapshot, openSnapshotDisk,
} from "./lifecycle/snapshot";
export type { Snapshot, SavedState, MachineState, VmSavedState, DiskImageRef, ResumeOptions, VmResumeOptions } from "./lifecycle/snapshot";
export { createTemplate, cloneTemplate, sharedSpace, diskUsage } from "./lifecycle/template";
export type { Template, TemplateVmConfig, Clone, SpaceReport } from "./lifecycle/template";
export {
  migrate, migrateLoopback, migratePostcopy, migratePostcopyLoopback, faultWaitCycles, POSTCOPY_QUANTUM, transferCycles, MigrationHost, DEFAULT_RATE_LIMIT, MAX_ROUNDS, MAX_FACTOR, MIN_PAGES, nextRate, stopReason, unlimited, dirtierProgram, predictPrecopy,
} from "./lifecycle/migration";
export type {
  MigrateOptions, MigrationResult, MigrationSuccess, MigrationFailure, Round, Arrival, LoopbackMigration, PostcopyResult, PostcopySuccess, PostcopyFailure, HostOptions as MigrationHostOptions, RateLimit,
  StopReason as MigrationStopReason, RoundOutcome, DirtierOptions, PrecopyInput, PrecopyPrediction,
} from "./lifecycle/migration";
export { DirtyLog } from "./memory/dirty-log";
export { RemotePages } from "./memory/remote-pages";
export { firstFitDecreasing, evacuationPlan, hostLoads } from "./lifecycle/consolidation";
export type { VmLoad, HostCapacity, Placement, Move } from "./lifecycle/consolidation";
export {
  parseElf, segmentFlags, GUEST_BASE, GUEST_SIZE, SEGMENT_LIMIT, STACK_BYTES, Interpreter, interpreterProgram, Translator,
  INSTRUCTION_CLASSES, RV32I, RV32_REGISTER_NAMES, decodeRv32, disassembleRv32, encodeRv32,
  loadExecutable, SHIPPED_PROGRAMS_DIR, shippedProgram,
} from "./emulation";
export type {
  ElfExecutable, ElfSegment, ElfLoadOptions, EngineOptions, EmulationResult, InstructionClass, StopCause, CachedBlock, Rv32TranslationStats,
  Rv32Instruction, Rv32Spec, Rv32Format, Rv32Operands,
} from "./emulation";

// I/O virtualization: Xen's shared rings (io/ring.h), blkif, grant tables,
// event channels, and the split block driver (blkfront / blkback).
export * from "./io";

// Language virtual machines: class files and javap (src/langvm).
export * from "./langvm";

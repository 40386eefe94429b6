/** Pre-copy live migration over TCP (Clark et al. 2005). */
export { migrate, transferCycles, type MigrateOptions, type MigrationResult, type MigrationSuccess, type MigrationFailure, type Round } from "./source";
export { MigrationHost, MAX_VM_BYTES, type Arrival, type HostOptions } from "./target";
export { migrateLoopback, migratePostcopyLoopback, type LoopbackMigration } from "./loopback";
export { migratePostcopy, faultWaitCycles, type PostcopyResult, type PostcopySuccess, type PostcopyFailure } from "./postcopy";
export { POSTCOPY_QUANTUM } from "./postcopy-target";
export { DEFAULT_RATE_LIMIT, MAX_ROUNDS, MAX_FACTOR, MIN_PAGES, nextRate, stopReason, unlimited, type RateLimit, type StopReason, type RoundOutcome } from "./policy";
export { dirtierProgram, type DirtierOptions } from "./workload";
export { MESSAGE, FrameReader } from "./protocol";
export { predictPrecopy, type PrecopyInput, type PrecopyPrediction } from "./model";

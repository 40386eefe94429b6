/**
 * src/memory/overcommit: memory overcommitment (chapter 05, issue 12), the
 * mechanisms of VMware ESX Server (Waldspurger 2002) on a per-page pmap.
 *
 *   machine-frames.ts  the host's frames with reference counts
 *   guest-pages.ts     the per-page pmap: unbacked, private, shared, ballooned, swapped
 *   page-sharing.ts    the content-based sharing scanner (section 4)
 *   host-swap.ts       the hypervisor's swap file on the host disk (3.3)
 *   min-funding.ts     shares, min-funding revocation, the idle memory tax (5)
 *   host-memory.ts     the overcommitted host: on-demand backing, balloon
 *                      host side, reclaim, the memory map samples
 *   guest-os.ts        a guest kernel's paging and balloon driver (3.2)
 *   scenarios.ts       the chapter's and the benchmark's experiments
 */
export { MachineFrames } from "./machine-frames";
export { GuestPageMap, PAGE_STATE, PAGE_STATE_NAMES, type PageState, type PageStateName } from "./guest-pages";
export { PageSharing, type SharingStats } from "./page-sharing";
export { HostSwap, PAGE_IO_CYCLES } from "./host-swap";
export { SHARES_PER_MB, DEFAULT_TAX_RATE, idleCost, adjustedRatio, revocationVictim, fundedTargets, type ShareLevel, type FundedVm } from "./min-funding";
export {
  OvercommitHost,
  type OvercommitHostOptions,
  type OvercommitVmOptions,
  type HostMemorySample,
  type VmMemorySample,
  type BalloonRefusal,
  type TraceEvent,
} from "./host-memory";
export { GuestOs, type GuestOsStats } from "./guest-os";
export {
  sharingScenario,
  reclaimScenario,
  doublePagingScenario,
  idleTaxScenario,
  bruteForceIdentical,
  patternPage,
  type SharingScenario,
  type SharingResult,
  type ReclaimScenario,
  type ReclaimResult,
  type IdleTaxResult,
} from "./scenarios";

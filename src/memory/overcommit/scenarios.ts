/**
 * The experiments of chapter 05 and `vmlab bench overcommit`, each a
 * function of its parameters alone (seeded, simulated cycles only), so a
 * chapter's claim cells and the benchmark get the same numbers.
 */
import { PAGE_SIZE } from "../../machine/isa";
import { Prng } from "../../prng";
import { GuestOs } from "./guest-os";
import { OvercommitHost, type HostMemorySample, type TraceEvent } from "./host-memory";

// --- page sharing -------------------------------------------------------------

export interface SharingScenario {
  vms: number;
  pagesPerVm: number;
  /** Every VM runs the same guest OS and programs (true) or each its own (false). */
  identical: boolean;
  /** Fractions of each VM's pages: zero pages, OS and program pages (kernel + binaries); the rest is private data. */
  zeroFraction?: number;
  codeFraction?: number;
  seed?: number;
  /** Pages the scanner hashes per call, and how many calls (default: enough for one full pass). */
  scanRate?: number;
}

export interface SharingResult {
  /** Fraction of all guest pages whose frames sharing saved. */
  savedFraction: number;
  framesSaved: number;
  guestPages: number;
  /** The same count by brute force: pages minus distinct contents among backed pages. */
  bruteForceSaved: number;
  scanned: number;
  scannerCycles: number;
  host: OvercommitHost;
}

/** A page of pseudo-random words from `seed` (a program's text, a data page). */
export function patternPage(seed: number): Uint8Array {
  const prng = new Prng(seed);
  const page = new Uint8Array(PAGE_SIZE);
  const words = new Uint32Array(page.buffer);
  for (let i = 0; i < words.length; i++) words[i] = prng.nextU32();
  return page;
}

/** Fills N VMs' memories and runs the sharing scanner over them once. */
export function sharingScenario(s: SharingScenario): SharingResult {
  const zero = Math.round(s.pagesPerVm * (s.zeroFraction ?? 0.2));
  const code = Math.round(s.pagesPerVm * (s.codeFraction ?? 0.5));
  const seed = s.seed ?? 1;
  const host = new OvercommitHost({ machinePages: s.vms * s.pagesPerVm, seed });
  for (let v = 0; v < s.vms; v++) host.addVm({ name: `vm${v}`, pages: s.pagesPerVm });
  for (let v = 0; v < s.vms; v++) {
    const os = s.identical ? 0 : v;
    for (let p = 0; p < s.pagesPerVm; p++) {
      let data: Uint8Array;
      if (p < code) data = patternPage(seed * 7919 + os * 100_003 + p);
      else if (p < code + zero) data = new Uint8Array(PAGE_SIZE);
      else data = patternPage(seed * 7919 + 50_000_017 + v * 100_003 + p);
      host.fillFromGuestIo(v, p, data);
    }
  }
  const bruteForceSaved = bruteForceIdentical(host);
  const rate = s.scanRate ?? 64;
  const total = s.vms * s.pagesPerVm;
  for (let done = 0; done < total; done += rate) host.scanForSharing(rate);
  const { framesSaved } = host.sharing.savings();
  return {
    savedFraction: framesSaved / total,
    framesSaved,
    guestPages: total,
    bruteForceSaved,
    scanned: host.sharing.stats.scanned,
    scannerCycles: host.sharing.stats.cycles,
    host,
  };
}

/** Backed guest pages minus the number of distinct contents among them: what perfect sharing saves. */
export function bruteForceIdentical(host: OvercommitHost): number {
  const seen = new Set<string>();
  let pages = 0;
  for (let v = 0; v < host.vmCount; v++) {
    const map = host.pageMap(v);
    for (let p = 0; p < map.pages; p++) {
      if (map.frame[p] < 0) continue;
      pages++;
      seen.add(Buffer.from(host.frames.read(map.frame[p])).toString("base64"));
    }
  }
  return pages - seen.size;
}

// --- ballooning against hypervisor swapping ------------------------------------

export interface ReclaimScenario {
  /** "balloon": the hypervisor sets balloon targets first; "swap": it only swaps. */
  mode: "balloon" | "swap";
  vms?: number;
  pagesPerVm?: number;
  machinePages?: number;
  /** Pages each guest touches once at boot (its page cache), then its hot working set, touched `rounds` times. */
  coldPages?: number;
  hotPages?: number;
  rounds?: number;
}

export interface ReclaimResult {
  /** Simulated cycles of all VMs together. */
  cycles: number;
  guestPageFaults: number;
  hypervisorFaults: number;
  hypervisorSwapOuts: number;
  hypervisorSwapIns: number;
  guestPageOuts: number;
  doublePaging: number;
  mismatches: number;
  samples: readonly HostMemorySample[];
}

/** The same workload on an overcommitted host, reclaimed by ballooning or by blind hypervisor swapping. */
export function reclaimScenario(s: ReclaimScenario): ReclaimResult {
  const vms = s.vms ?? 2;
  const pages = s.pagesPerVm ?? 256;
  const cold = s.coldPages ?? 160;
  const hot = s.hotPages ?? 64;
  const rounds = s.rounds ?? 20;
  const host = new OvercommitHost({ machinePages: s.machinePages ?? 320 });
  const guests: GuestOs[] = [];
  for (let v = 0; v < vms; v++) guests.push(new GuestOs(host, host.addVm({ name: `vm${v}`, pages }), cold + hot));
  if (s.mode === "balloon") {
    host.rebalance();
    for (const g of guests) g.balloonPoll();
  }
  host.sample();
  for (let p = 0; p < cold + hot; p++) for (const g of guests) g.access(p, true);
  host.step++;
  host.sample();
  for (let r = 0; r < rounds; r++) {
    for (let p = cold; p < cold + hot; p++) for (const g of guests) g.access(p, (p + r) % 4 === 0);
    host.step++;
    host.sample();
  }
  let cycles = 0;
  for (let v = 0; v < vms; v++) cycles += host.cycles(v);
  return {
    cycles,
    guestPageFaults: guests.reduce((n, g) => n + g.stats.pageFaults, 0),
    hypervisorFaults: host.stats.hypervisorFaults,
    hypervisorSwapOuts: host.swap.stats.pageOuts,
    hypervisorSwapIns: host.swap.stats.pageIns,
    guestPageOuts: guests.reduce((n, g) => n + g.stats.pageOuts, 0),
    doublePaging: host.stats.doublePaging,
    mismatches: guests.reduce((n, g) => n + g.stats.mismatches, 0),
    samples: host.samples,
  };
}

// --- double paging ----------------------------------------------------------------

/**
 * The double-paging anomaly in a few pages: a guest of 8 pages on a host
 * of 6 frames, no balloon. The hypervisor swaps out pages it picks at
 * random, among them the guest's oldest, the very ones the guest's LRU
 * then picks to page out itself: each is read back from the hypervisor's swap only to be
 * written to the guest's disk.
 */
export function doublePagingScenario(): { trace: readonly TraceEvent[]; doublePaging: number; mismatches: number } {
  const host = new OvercommitHost({ machinePages: 6 });
  const guest = new GuestOs(host, host.addVm({ name: "vm0", pages: 8 }), 10);
  for (let p = 0; p < 10; p++) guest.access(p, true);
  return { trace: host.trace, doublePaging: host.stats.doublePaging, mismatches: guest.stats.mismatches };
}

// --- the idle memory tax ------------------------------------------------------------

export interface IdleTaxResult {
  /** Machine frames each VM holds at the end (private pages plus its part of shared ones). */
  busyPages: number;
  idlePages: number;
  busyIdleFraction: number;
  idleIdleFraction: number;
  samples: readonly HostMemorySample[];
}

/**
 * Two VMs with the same shares on a host with less memory than both: one
 * keeps touching its whole memory, the other touched it once and now
 * uses a few pages. Every period the sampler estimates idle fractions,
 * the hypervisor re-sets balloon targets by min-funding revocation, and
 * the balloon drivers follow.
 */
export function idleTaxScenario(tau: number, periods = 8): IdleTaxResult {
  const pages = 256;
  const host = new OvercommitHost({ machinePages: 320, taxRate: tau, idleSamplePages: 64, seed: 5 });
  const busy = new GuestOs(host, host.addVm({ name: "busy", pages }), 200);
  const idle = new GuestOs(host, host.addVm({ name: "idle", pages }), 200);
  host.sampleIdle();
  host.rebalance();
  busy.balloonPoll();
  idle.balloonPoll();
  host.sample();
  for (let t = 0; t < periods; t++) {
    for (let p = 0; p < 200; p++) {
      busy.access(p, p % 2 === 0);
      if (t === 0 || p < 16) idle.access(p, false);
    }
    host.sampleIdle();
    host.rebalance();
    busy.balloonPoll();
    idle.balloonPoll();
    host.step++;
    host.sample();
  }
  return {
    busyPages: host.allocated(0),
    idlePages: host.allocated(1),
    busyIdleFraction: host.idleFraction(0),
    idleIdleFraction: host.idleFraction(1),
    samples: host.samples,
  };
}

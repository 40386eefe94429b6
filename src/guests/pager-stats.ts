/**
 * The kernel's paging statistics (pager.s, "Statistics for the host"), read
 * from guest-physical memory as readProcessTable reads the process table:
 * counters for plots of page faults, page-ins and page-outs, and the free
 * frames sampled at every page fault.
 *
 *   const m = bootKernel({ programs: [...], memoryBytes: 256 * 1024 });
 *   m.run();
 *   pagerStats(m).pageOuts;        // pages written to swap
 *   pagerStats(m).samples;         // [{ cycle, freeFrames }, ...] oldest first
 */
import { UserError } from "../errors";
import type { Machine } from "../machine/machine";
import { bootedImage } from "./boot";
import { PAGER_SAMPLES, PAGER_STATS_LAYOUT as PS, type KernelImage } from "./loader";

/** One sample: the kernel's clock and its free frames at a page fault. */
export interface FreeFramesSample {
  readonly cycle: number;
  readonly freeFrames: number;
}

export interface PagerStats {
  /** Page faults taken by processes (first touches, swap, copy-on-write, real faults). */
  readonly faults: number;
  /** Pages read back from the swap area. */
  readonly pageIns: number;
  /** Pages written to the swap area. */
  readonly pageOuts: number;
  /** Frames on the kernel's free list or never used, now. */
  readonly freeFrames: number;
  /** Pages filled with zeros on first touch (heap, stack). */
  readonly zeroFills: number;
  /** Pages filled from a program's image on first touch. */
  readonly imageLoads: number;
  /** Pages taken back while they were being written to swap. */
  readonly reclaims: number;
  /** Samples taken in all; `samples` keeps the last PAGER_SAMPLES. */
  readonly sampleCount: number;
  readonly samples: readonly FreeFramesSample[];
}

/** The paging statistics of the kernel booted on `machine` (bootKernel). */
export function pagerStats(machine: Machine, image?: KernelImage): PagerStats {
  const kernel = image ?? bootedImage(machine);
  if (kernel === undefined) throw new UserError("pagerStats: this machine was not booted with bootKernel", "pass the KernelImage it runs");
  return readPagerStats((pa) => machine.memory.readWord(pa), kernel);
}

/** Reads pager_stats through `readWord` (a guest-physical word), e.g. from inside a VM. */
export function readPagerStats(readWord: (physicalAddress: number) => number, kernel: KernelImage): PagerStats {
  const symbol = kernel.symbols.get("pager_stats");
  if (symbol === undefined) throw new Error("the kernel has no pager_stats label");
  const base = (symbol - kernel.kernelBase) >>> 0;
  const word = (offset: number): number => readWord(base + offset) >>> 0;
  const sampleCount = word(PS.SAMPLES);
  const kept = Math.min(sampleCount, PAGER_SAMPLES);
  const samples: FreeFramesSample[] = [];
  for (let i = sampleCount - kept; i < sampleCount; i++) {
    const at = PS.RING + (i % PAGER_SAMPLES) * 8;
    samples.push({ cycle: word(at), freeFrames: word(at + 4) });
  }
  return {
    faults: word(PS.FAULTS),
    pageIns: word(PS.PAGEINS),
    pageOuts: word(PS.PAGEOUTS),
    freeFrames: word(PS.FREE),
    zeroFills: word(PS.ZERO),
    imageLoads: word(PS.IMAGE),
    reclaims: word(PS.RECLAIMS),
    sampleCount,
    samples,
  };
}

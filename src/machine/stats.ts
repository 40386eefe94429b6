/**
 * What the machine counts, for the notebooks' plots (STYLE.md 12: measure
 * in cycles). Counters are typed arrays the CPU increments in its hot loop;
 * `snapshot()` turns them into a plain JSON-able object, and `diffStats`
 * subtracts two snapshots, so a cell can measure one run or one phase:
 *
 *   const before = m.statistics();  m.run();  diffStats(m.statistics(), before)
 *
 * An instruction is counted when it is decoded, so one that traps counts
 * too (a faulting load retried after the fault counts twice).
 */
import { BY_OPCODE, CAUSE, INSTRUCTIONS, causeName, type Category } from "./isa";
import type { Mmu } from "./mmu";
import type { Tlb } from "./tlb";

export interface ModeStats {
  instructions: number;
  cycles: number;
}

export interface DeviceStats {
  /** MMIO register reads and writes, all devices. */
  mmioAccesses: number;
  consoleBytes: number;
  diskRequests: number;
  diskSectors: number;
  nicFramesSent: number;
  nicFramesReceived: number;
  nicBytes: number;
}

export interface StatsSnapshot {
  instructions: number;
  cycles: number;
  byMode: { user: ModeStats; kernel: ModeStats };
  /** Cycles skipped by `wfi` waiting for an interrupt. */
  idleCycles: number;
  /** Instructions by mnemonic (only those executed). */
  mix: Record<string, number>;
  byCategory: Record<Category, number>;
  /** Traps and interrupts taken, by cause name (SYSCALL, TIMER, ...). */
  traps: Record<string, number>;
  tlb: { hits: number; misses: number; writes: number; invalidations: number; flushes: number };
  pageWalks: number;
  walkReferences: number;
  devices: DeviceStats;
}

/** Where the totals come from at snapshot time. */
export interface StatsSources {
  readonly tlb: Tlb;
  readonly mmu: Mmu;
  cycles(): number;
  instructions(): number;
  /** Closes the CPU's current mode segment, so byMode is complete mid-run. */
  accrue?(): void;
}

export const USER = 0;
export const KERNEL = 1;

export class Statistics {
  /** Decoded instructions by opcode. */
  readonly opcodes = new Float64Array(256);
  readonly traps = new Float64Array(32);
  /** [user, kernel] instructions and cycles, accrued at each mode switch. */
  readonly modeInstructions = new Float64Array(2);
  readonly modeCycles = new Float64Array(2);
  idleCycles = 0;
  /** TLB hits served by the CPU's one-page latches (see cpu.ts). */
  latchHits = 0;
  readonly devices: DeviceStats = {
    mmioAccesses: 0, consoleBytes: 0, diskRequests: 0, diskSectors: 0,
    nicFramesSent: 0, nicFramesReceived: 0, nicBytes: 0,
  };

  constructor(private readonly sources: StatsSources) {}

  snapshot(): StatsSnapshot {
    this.sources.accrue?.();
    const mix: Record<string, number> = {};
    const byCategory: Record<Category, number> = { alu: 0, memory: 0, control: 0, system: 0 };
    for (const spec of INSTRUCTIONS) {
      const n = this.opcodes[spec.opcode];
      if (n > 0) mix[spec.mnemonic] = n;
      byCategory[spec.category] += n;
    }
    let invalid = 0;
    for (let op = 0; op < 256; op++) if (BY_OPCODE[op] === undefined) invalid += this.opcodes[op];
    if (invalid > 0) mix["(illegal)"] = invalid;
    const traps: Record<string, number> = {};
    for (const cause of Object.values(CAUSE)) if (this.traps[cause] > 0) traps[causeName(cause)] = this.traps[cause];
    const { tlb, mmu } = this.sources;
    return {
      instructions: this.sources.instructions(),
      cycles: this.sources.cycles(),
      byMode: {
        user: { instructions: this.modeInstructions[USER], cycles: this.modeCycles[USER] },
        kernel: { instructions: this.modeInstructions[KERNEL], cycles: this.modeCycles[KERNEL] },
      },
      idleCycles: this.idleCycles,
      mix,
      byCategory,
      traps,
      tlb: { hits: tlb.hits + this.latchHits, misses: tlb.misses, writes: tlb.writes, invalidations: tlb.invalidations, flushes: tlb.flushes },
      pageWalks: mmu.walks,
      walkReferences: mmu.walkReferences,
      devices: { ...this.devices },
    };
  }
}

/** `after - before`, field by field: the statistics of what happened between. */
export function diffStats(after: StatsSnapshot, before: StatsSnapshot): StatsSnapshot {
  return subtract(after as unknown as Tree, before as unknown as Tree) as unknown as StatsSnapshot;
}

type Tree = number | { [key: string]: Tree };

/** mix and traps list only what happened; the other records keep every key. */
const SPARSE = new Set(["mix", "traps"]);

function subtract(a: Tree, b: Tree | undefined, name = ""): Tree {
  if (typeof a === "number") return a - (typeof b === "number" ? b : 0);
  const out: { [key: string]: Tree } = {};
  const other = typeof b === "object" ? b : {};
  for (const key of Object.keys(a)) {
    const d = subtract(a[key], other[key], key);
    if (!(SPARSE.has(name) && d === 0)) out[key] = d;
  }
  return out;
}

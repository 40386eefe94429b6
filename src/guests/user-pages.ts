/**
 * Which user pages each live process has in memory, read from the host by
 * walking its page tables in guest-physical memory, as a hypervisor's
 * introspection would (Garfinkel and Rosenblum 2003): the page directory
 * from the process table (boot.ts), then ISA.md's two-level table:
 *
 *   virtual address  | dir (10) | table (10) | offset (12) |
 *   PDE, PTE         | frame number (31..12)  | ... | A | . | X | U | W | V |
 *
 * Only V and the frame are read, so this knows nothing of how the kernel
 * marks a page that is in swap or never touched: both are "not resident".
 * A frame that two processes map is shared (fork's copy-on-write, before
 * either of them stores to the page: OSTEP, "Interlude: Process API").
 */
import type { Machine } from "../machine/machine";
import { PAGE_SHIFT, PTE } from "../machine/isa";
import { BOOT_LAYOUT } from "./loader";
import { processTable, type ProcessInfo, type ProcessState } from "./boot";

/** One live process's resident user pages, in address order. */
export interface ProcessPages {
  readonly pid: number;
  readonly name: string;
  readonly state: ProcessState;
  /** Virtual page numbers (address >>> 12) whose PTE has V. */
  readonly pages: readonly number[];
  /** The frame number each of those pages is mapped to. */
  readonly frames: readonly number[];
}

export interface UserPages {
  /** The machine's cycle counter when the pages were read. */
  readonly cycle: number;
  readonly processes: readonly ProcessPages[];
  /** Frames mapped by more than one process. */
  readonly sharedFrames: number;
}

/** Processes whose page tables are theirs and whole: not free, not torn down. */
const LIVE: ReadonlySet<ProcessState> = new Set(["runnable", "sleeping", "waiting", "blocked", "forking"]);
const FIRST_DIR = BOOT_LAYOUT.USER_BASE >>> 22;
const END_DIR = BOOT_LAYOUT.USER_STACK_TOP >>> 22;

/** The resident user pages of every live process of the kernel booted on `machine`. */
export function userPages(machine: Machine): UserPages {
  const table = processTable(machine);
  return readUserPages((pa) => machine.memory.readWord(pa), machine.memory.size, table, machine.cycles);
}

/**
 * The same through `readWord` (a guest-physical word) over `memoryBytes` of
 * RAM; an entry pointing outside it (a hostile or broken kernel) is skipped.
 */
export function readUserPages(readWord: (physicalAddress: number) => number, memoryBytes: number, table: readonly ProcessInfo[], cycle: number): UserPages {
  const inRam = (frameAddress: number): boolean => frameAddress + 4096 <= memoryBytes;
  const processes = table.filter((p) => LIVE.has(p.state) && inRam(p.pageDirectory)).map((p) => {
    const pages: number[] = [];
    const frames: number[] = [];
    for (let dir = FIRST_DIR; dir < END_DIR; dir++) {
      const pde = readWord(p.pageDirectory + 4 * dir) >>> 0;
      const pageTable = (pde & ~0xfff) >>> 0;
      if ((pde & PTE.V) === 0 || !inRam(pageTable)) continue;
      for (let i = 0; i < 1024; i++) {
        const pte = readWord(pageTable + 4 * i) >>> 0;
        if ((pte & PTE.V) === 0) continue;
        pages.push((dir << 10) | i);
        frames.push(pte >>> PAGE_SHIFT);
      }
    }
    return { pid: p.pid, name: p.name, state: p.state, pages, frames };
  });
  const holders = new Map<number, number>();
  for (const p of processes) for (const f of new Set(p.frames)) holders.set(f, (holders.get(f) ?? 0) + 1);
  const sharedFrames = [...holders.values()].filter((n) => n > 1).length;
  return { cycle, processes, sharedFrames };
}

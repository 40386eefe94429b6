/**
 * A VM's nested page table (Intel's EPT, AMD's NPT; Bhargava et al. 2008,
 * section 2.2): guest-physical page -> machine frame, in toy32's two-level
 * table format, in the hypervisor's part of machine memory, walked by the
 * MMU itself (src/machine/nested-walk.ts) for every guest-physical
 * reference of a guest in guest mode. It is the pmap (pmap.ts) in a form
 * the hardware reads.
 *
 *   guest-physical: | dir 31..22 | table 21..12 | offset 11..0 |
 *   root + 4*dir  -> nested directory entry: table frame | V
 *   table + 4*tbl -> nested entry: machine frame | X W V
 *
 * Filled lazily: the first touch of a guest-physical page is a nested
 * fault (an EPT violation exit), and the hypervisor maps it from the pmap.
 * Nothing outside the VM's pmap is ever mapped, and device pages stay
 * unmapped so every access to them exits: the isolation argument of nested
 * paging is this one table.
 *
 *   the VM's nested pool (machine memory, hypervisor area)
 *   +-----------+---------+---------+-----+
 *   | directory | table 0 | table 1 | ... |  one table per 4 MiB of guest memory
 *   +-----------+---------+---------+-----+
 */
import { PAGE_SIZE, PTE } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import type { Pmap } from "./pmap";

const TABLE_SPAN = 1024 * PAGE_SIZE;

/** A nested table in guest terms (saveState). */
export interface NestedState {
  /** [guest frame, writable 0/1]. */
  readonly entries: readonly (readonly number[])[];
}

export class NestedPageTable {
  /** Guest-physical pages mapped so far (each one an EPT violation's fill). */
  filled = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    /** Machine address of the pool: the directory, then the tables. */
    readonly pool: number,
    private readonly pmap: Pmap,
  ) {
    this.mem.bytes.fill(0, pool, pool + NestedPageTable.poolBytes(pmap.size));
  }

  /** Bytes of pool a VM of `memorySize` bytes needs: a directory and its tables. */
  static poolBytes(memorySize: number): number {
    return PAGE_SIZE * (1 + Math.ceil(memorySize / TABLE_SPAN));
  }

  /** Machine address of the nested directory: the MMU's nested root. */
  get root(): number {
    return this.pool;
  }

  /** While true (dirty logging, dirty-log.ts), pages are mapped writable only by a store's violation. */
  logging = false;

  /**
   * Maps the page holding guest-physical `gpa` to its machine frame, from
   * the pmap, writable unless dirty logging is on and `store` is false.
   * False if `gpa` is not the VM's memory (nothing is mapped).
   */
  map(gpa: number, store = true): boolean {
    gpa >>>= 0;
    if (!this.pmap.contains(gpa)) return false;
    const d = gpa >>> 22;
    const table = this.pool + PAGE_SIZE * (1 + d);
    this.mem.writeWord(this.pool + 4 * d, (table | PTE.V) >>> 0);
    const slot = table + 4 * ((gpa >>> 12) & 0x3ff);
    if ((this.mem.readWord(slot) & PTE.V) === 0) this.filled++;
    const w = !this.logging || store ? PTE.W : 0;
    this.mem.writeWord(slot, (this.pmap.machine(gpa & ~0xfff) | PTE.V | w | PTE.X) >>> 0);
    return true;
  }

  /** Clears W in every mapping (dirty logging); the caller flushes the nested TLB. */
  writeProtectAll(): void {
    this.forEachEntry((slot, e) => {
      if ((e & PTE.W) !== 0) this.mem.writeWord(slot, (e & ~PTE.W) >>> 0);
    });
  }

  /** Every mapping, as (gpa, machine frame): for isolation checks and chapter 04's tables. */
  mappings(): { gpa: number; machine: number }[] {
    const out: { gpa: number; machine: number }[] = [];
    this.forEachEntry((_slot, e, gpa) => {
      if ((e & PTE.V) !== 0) out.push({ gpa, machine: (e & ~0xfff) >>> 0 });
    });
    return out;
  }

  /** In guest terms, for a snapshot: [guest frame, writable 0/1] of every mapping. */
  saveState(): NestedState {
    const entries: number[][] = [];
    this.forEachEntry((_slot, e, gpa) => {
      if ((e & PTE.V) !== 0) entries.push([gpa >>> 12, (e & PTE.W) !== 0 ? 1 : 0]);
    });
    return { entries };
  }

  /**
   * Replaces every mapping with saved ones, from the pmap (a frame outside
   * the VM is refused). Dirty logging is off on the VM that resumes: a page
   * saved read-only is made writable by its first store's violation.
   */
  restoreState(state: NestedState): void {
    this.mem.bytes.fill(0, this.pool, this.pool + NestedPageTable.poolBytes(this.pmap.size));
    this.filled = 0;
    this.logging = false;
    for (const [frame, writable] of state.entries) {
      if (!Number.isInteger(frame) || !this.map(frame * PAGE_SIZE)) throw new Error(`nested entry for frame ${frame}: not a page of the VM`);
      if (writable !== 1) this.protect(frame * PAGE_SIZE);
    }
  }

  /** Clears W in the mapping of `gpa`. */
  private protect(gpa: number): void {
    const slot = this.pool + PAGE_SIZE * (1 + (gpa >>> 22)) + 4 * ((gpa >>> 12) & 0x3ff);
    this.mem.writeWord(slot, (this.mem.readWord(slot) & ~PTE.W) >>> 0);
  }

  /** Each entry of each table a valid directory entry points at: its address, its value, the gpa it maps. */
  private forEachEntry(visit: (slot: number, entry: number, gpa: number) => void): void {
    for (let d = 0; d < 1024; d++) {
      const de = this.mem.readWord(this.pool + 4 * d);
      if ((de & PTE.V) === 0) continue;
      const table = (de & ~0xfff) >>> 0;
      for (let t = 0; t < 1024; t++) visit(table + 4 * t, this.mem.readWord(table + 4 * t), ((d << 22) | (t << 12)) >>> 0);
    }
  }
}

/**
 * Shadow page tables for a deprivileged guest. Under trap-and-emulate the
 * guest kernel runs in real user mode, so the real MMU cannot use the
 * guest's page tables: they map to guest-physical addresses, and their
 * kernel pages lack the U bit a user-mode access needs. The hypervisor
 * instead points the real PTBR at tables of its own that map
 * guest-virtual straight to machine addresses (Adams and Agesen 2006,
 * section 2.3 "shadow page tables"; Silberschatz ch. 16.6.1 "nested page
 * tables" as the later alternative).
 *
 * Two shadows per VM, because one guest address space looks different at
 * the guest's two virtual privileges:
 *
 *   kernel view: every mapping the guest made, with U set (the guest
 *                kernel, running in real user mode, may touch all of it)
 *   user view:   only the guest's U mappings
 *
 * Shadows are filled lazily: an empty shadow page-faults; the hypervisor
 * walks the guest's table (guest-mmu.ts) and either installs the entry
 * (a "hidden" fault the guest never sees) or reflects the fault. They are
 * kept coherent the way a TLB is: the guest must `tlbinv`/`tlbflush` after
 * changing a PTE (ISA.md), and those privileged instructions trap, so the
 * hypervisor drops the stale shadow entries then; writing PTBR or turning
 * paging on or off drops everything. A page is mapped writable only once
 * the guest's D bit is set, so the guest's dirty bits stay true.
 *
 * Shadow tables live in the hypervisor's part of machine memory, which no
 * shadow ever maps: that is the isolation between VMs and the hypervisor.
 *
 *   per-VM shadow frame pool (machine memory, hypervisor area)
 *   +-----------+-----------+---------+---------+-----+
 *   | kernel dir| user dir  | table 0 | table 1 | ... |  tables handed out
 *   +-----------+-----------+---------+---------+-----+  on demand; when the
 *                                                         pool runs dry, all
 *                                                         shadows are dropped
 */
import { PAGE_SIZE, PTE } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";

export type View = "kernel" | "user";

export class ShadowPageTables {
  private nextFree = 2;
  /** How many times the pool ran dry and everything was dropped. */
  overflows = 0;
  /** Bumped whenever entries are dropped (translated code's chained links check it). */
  generation = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    /** Machine address of the pool (page aligned). */
    private readonly pool: number,
    /** Frames in the pool: two directories and the tables. */
    private readonly frames: number,
  ) {
    if (frames < 3) throw new Error("a shadow pool needs at least three frames");
    this.clear();
  }

  /** Machine address of a view's shadow directory: what the real PTBR holds. */
  root(view: View): number {
    return this.pool + (view === "kernel" ? 0 : PAGE_SIZE);
  }

  /** Drops every shadow entry (PTBR written, paging toggled, tlbflush). */
  clear(): void {
    this.mem.bytes.fill(0, this.pool, this.pool + 2 * PAGE_SIZE);
    this.nextFree = 2;
    this.generation++;
  }

  /** Drops one view's entries (its tables stay allocated until the next clear). */
  clearView(view: View): void {
    const root = this.root(view);
    this.mem.bytes.fill(0, root, root + PAGE_SIZE);
    this.generation++;
  }

  /** Drops the shadow entries of one guest-virtual page in both views (tlbinv). */
  invalidate(va: number): void {
    this.generation++;
    for (const view of ["kernel", "user"] as const) {
      const slot = this.leafSlot(view, va, false);
      if (slot >= 0) this.mem.writeWord(slot, 0);
    }
  }

  /**
   * Installs va -> machine frame in one view with `flags` (V W U X).
   * Returns false if the pool ran dry (everything was dropped; retry).
   */
  install(view: View, va: number, machineAddress: number, flags: number): boolean {
    const slot = this.leafSlot(view, va, true);
    if (slot < 0) return false;
    this.mem.writeWord(slot, ((machineAddress & ~0xfff) | (flags & (PTE.V | PTE.W | PTE.U | PTE.X))) >>> 0);
    return true;
  }

  /**
   * Every valid mapping of both views, as (view, va, machine address of the
   * page), and every table a directory names: for isolation checks.
   */
  mappings(): { view: View; va: number; machine: number; table: number }[] {
    const out: { view: View; va: number; machine: number; table: number }[] = [];
    for (const view of ["kernel", "user"] as const) {
      const root = this.root(view);
      for (let d = 0; d < 1024; d++) {
        const de = this.mem.readWord(root + 4 * d);
        if ((de & PTE.V) === 0) continue;
        const table = (de & ~0xfff) >>> 0;
        for (let t = 0; t < 1024; t++) {
          const pte = this.mem.readWord(table + 4 * t);
          if ((pte & PTE.V) !== 0) out.push({ view, va: ((d << 22) | (t << 12)) >>> 0, machine: (pte & ~0xfff) >>> 0, table });
        }
      }
    }
    return out;
  }

  /** True if machine address `a` lies in this pool. */
  inPool(a: number): boolean {
    return a >= this.pool && a < this.pool + this.frames * PAGE_SIZE;
  }

  /** Tables handed out since the last clear. */
  get tablesInUse(): number {
    return this.nextFree - 2;
  }

  /** Machine address of va's leaf entry in `view`, or -1. */
  private leafSlot(view: View, va: number, create: boolean): number {
    const dirSlot = this.root(view) + 4 * (va >>> 22);
    let dirEntry = this.mem.readWord(dirSlot);
    if ((dirEntry & PTE.V) === 0) {
      if (!create) return -1;
      if (this.nextFree >= this.frames) {
        this.overflows++;
        this.clear();
        return -1;
      }
      const table = this.pool + PAGE_SIZE * this.nextFree++;
      this.mem.bytes.fill(0, table, table + PAGE_SIZE);
      dirEntry = (table | PTE.V) >>> 0;
      this.mem.writeWord(dirSlot, dirEntry);
    }
    return (dirEntry & ~0xfff) + 4 * ((va >>> 12) & 0x3ff);
  }
}

/**
 * Shadow page tables (Adams and Agesen 2006, section 2.3 "shadow page
 * tables" and 2.4 "tracing"; OSTEP's VMM chapter, "Virtualizing Memory").
 * A deprivileged guest's own tables map guest-virtual to guest-physical
 * and its kernel pages lack the U bit a user-mode access needs, so the
 * real PTBR points at tables the hypervisor builds from them instead,
 * mapping guest-virtual straight to machine addresses through the VM's
 * pmap.
 *
 * Two shadows per guest address space, because one address space looks
 * different at the guest's two virtual privileges:
 *
 *   kernel view: every mapping the guest made, with U set (the guest
 *                kernel, running in real user mode, may touch all of it)
 *   user view:   only the guest's U mappings
 *
 * What keeps them true, and what each costs (the caller charges it):
 *
 * - Hidden faults: shadows fill lazily. An empty entry faults; the
 *   hypervisor walks the guest's table (guest-walk.ts) and installs the
 *   entry, or reflects the fault the guest's own table calls for.
 * - Tracing: every guest page that a shadow was derived from (a directory
 *   that is some context's root, a table some shadow directory entry came
 *   from) is a page-table page, and no shadow maps it writable. A guest
 *   store to it traps (a write-protect trap); the hypervisor emulates the
 *   store and drops the shadow entries derived from the entry it changed,
 *   so the next access refills them from the new value (guestWrote).
 * - Write flooding (Linux KVM's mmu.c, detect_write_flooding): a traced
 *   page written more than FLOOD_LIMIT times with no fill through it in
 *   between is probably no page table any more (fork filling a child, a
 *   freed table reused as data): its shadows are dropped and it goes back
 *   to being plain memory.
 * - A and D: the software walk sets A (and D on a store) in the guest's
 *   PTE as the hardware walker would; a page is mapped writable only once
 *   the guest's D is set, so the first store takes a hidden fault that
 *   sets it. A guest that clears A or D (page replacement) stores to a
 *   traced page, which drops the shadow entry, so the next access sets the
 *   bit again: the guest's bits stay what bare metal would make them.
 * - Contexts: one shadow pair per guest PTBR, kept across context switches
 *   in a cache (least recently used goes first when the pool runs dry), or,
 *   with the cache off, rebuilt from nothing at every PTBR write.
 *
 * Shadow tables live in the hypervisor's part of machine memory, which no
 * shadow ever maps: that is the isolation between VMs and the hypervisor.
 *
 *   per-VM shadow frame pool (machine memory, hypervisor area)
 *   +-----------+-----------+-----------+---------+---------+-----+
 *   | ctx A kern| ctx A user| ctx B kern| table   | table   | ... |  frames handed
 *   | directory | directory | directory |         |         |     |  out and back
 *   +-----------+-----------+-----------+---------+---------+-----+  on demand
 */
import { PAGE_SIZE, PTE } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import type { Pmap } from "./pmap";

export type View = "kernel" | "user";
const VIEWS: readonly View[] = ["kernel", "user"];

/** The context of a guest running with paging off (the shadow maps guest-physical 1:1). */
export const PAGING_OFF = -1;
/** Emulated writes to a traced page, with no fill through it, before it is unshadowed. */
export const FLOOD_LIMIT = 3;

/** What happened to one VM's shadows (chapter 04's tables read these). */
export interface ShadowStats {
  /** Shadow entries filled from the guest's tables (page faults the guest never saw). */
  hiddenFaults: number;
  /** Guest stores to its own page-table pages, trapped and emulated. */
  writeProtectTraps: number;
  /** Shadow entries dropped because the guest entry they came from changed. */
  invalidations: number;
  /** Contexts built from nothing (a PTBR the cache did not hold, or every switch with it off). */
  rebuilds: number;
  /** PTBR writes that found their context in the cache. */
  cacheHits: number;
  /** Traced pages given up after write flooding. */
  unshadowed: number;
  /** Times the pool ran dry with only the current context left: its entries were dropped. */
  overflows: number;
}

/**
 * The shadows in guest terms, for a snapshot (src/lifecycle): a resumed VM
 * whose VMM starts with these instead of empty shadows takes the hidden
 * faults the uninterrupted one would have taken, no more, so its clock
 * (which the MMU's walks of the shadows charge) runs on exactly.
 */
export interface ShadowState {
  /** Least recently used first. */
  readonly contexts: readonly ShadowContextState[];
  /** The current context's key. */
  readonly current: number;
  /** [guest frame, emulated writes since a fill used it] (write flooding). */
  readonly writes: readonly (readonly number[])[];
}

export interface ShadowContextState {
  /** The guest directory's gpa, or PAGING_OFF. */
  readonly key: number;
  /** [directory index, the guest table frame it came from or -1, kernel view has a table 0/1, user view 0/1]. */
  readonly dirs: readonly (readonly number[])[];
  /** [view (0 kernel, 1 user), virtual page, guest frame, PTE bits]. */
  readonly leaves: readonly (readonly number[])[];
}

interface Context {
  /** Guest-physical address of the guest directory (page aligned), or PAGING_OFF. */
  readonly key: number;
  /** Machine addresses of the kernel and user view's shadow directories. */
  readonly roots: readonly [number, number];
  /** For each directory index, the guest table frame its shadow tables came from (-1 none). */
  readonly source: Int32Array;
  lastUsed: number;
}

export interface ShadowOptions {
  /** Keep contexts across PTBR writes (default true). */
  readonly cache?: boolean;
  /** Drop real TLB entries: one page, or all. */
  readonly flushTlb?: (va?: number) => void;
}

export class ShadowPageTables {
  readonly stats: ShadowStats = { hiddenFaults: 0, writeProtectTraps: 0, invalidations: 0, rebuilds: 0, cacheHits: 0, unshadowed: 0, overflows: 0 };
  /** Bumped whenever entries are dropped or write protection grows (translated code's chained links and latches check it). */
  generation = 0;
  readonly cache: boolean;
  private readonly flushTlb: (va?: number) => void;
  private readonly free: number[] = [];
  private readonly contexts = new Map<number, Context>();
  private current: Context;
  private tick = 0;
  /** Guest frame -> references as a page-table page (context roots and shadow directory entries). */
  private readonly traced = new Map<number, number>();
  /** Guest table frame -> the (context, directory index) pairs derived from it. */
  private readonly derived = new Map<number, { ctx: Context; dir: number }[]>();
  /** Guest frame -> shadow slots (machine addresses) that map it writable. */
  private readonly writable = new Map<number, Set<number>>();
  /** Guest frame -> emulated writes since a fill last used it. */
  private readonly writes = new Map<number, number>();

  constructor(
    private readonly mem: PhysicalMemory,
    /** Machine address of the pool (page aligned). */
    private readonly pool: number,
    /** Frames in the pool: at least two directories and a table. */
    private readonly frames: number,
    private readonly pmap: Pmap,
    options: ShadowOptions = {},
  ) {
    if (frames < 3) throw new Error("a shadow pool needs at least three frames");
    this.cache = options.cache ?? true;
    this.flushTlb = options.flushTlb ?? (() => undefined);
    for (let i = frames - 1; i >= 0; i--) this.free.push(pool + i * PAGE_SIZE);
    this.current = this.build(PAGING_OFF);
  }

  /** Machine address of a view's shadow directory in the current context: what the real PTBR holds. */
  root(view: View): number {
    return this.current.roots[view === "kernel" ? 0 : 1];
  }

  /** The guest directory (gpa) of the current context, or PAGING_OFF. */
  get currentKey(): number {
    return this.current.key;
  }

  /**
   * The guest wrote PTBR or turned paging on or off: the context for `key`
   * (a page-aligned gpa, or PAGING_OFF) becomes current, from the cache or
   * built anew. Returns true if it had to be built. The caller flushes the
   * real TLB (the views' ASIDs are reused by every context).
   */
  switchTo(key: number): boolean {
    key = key === PAGING_OFF ? PAGING_OFF : (key & ~0xfff) >>> 0;
    if (key === this.current.key) return false;
    const cached = this.cache ? this.contexts.get(key) : undefined;
    if (cached) {
      this.stats.cacheHits++;
      this.current = cached;
      cached.lastUsed = ++this.tick;
      if (key !== PAGING_OFF) this.writes.delete(key >>> 12);
      return false;
    }
    if (!this.cache) for (const ctx of [...this.contexts.values()]) this.dropContext(ctx);
    this.current = this.build(key);
    this.stats.rebuilds++;
    return true;
  }

  /** Drops every context and starts over at `key` (destroy, or a reset). */
  clear(): void {
    const key = this.current.key;
    for (const ctx of [...this.contexts.values()]) this.dropContext(ctx);
    this.writable.clear();
    this.writes.clear();
    this.current = this.build(key);
  }

  /**
   * Clears W in every shadow entry that maps a guest page writable, in
   * every context and view (dirty logging's write protection); the next
   * store to each page faults. Returns the entries protected.
   */
  writeProtectAll(): number {
    let protectedEntries = 0;
    for (const slots of this.writable.values()) {
      for (const slot of slots) {
        const pte = this.mem.readWord(slot);
        if ((pte & PTE.W) !== 0) { this.mem.writeWord(slot, (pte & ~PTE.W) >>> 0); protectedEntries++; }
      }
    }
    this.writable.clear();
    this.generation++;
    this.flushTlb();
    return protectedEntries;
  }

  /** Drops one view's entries in every context (binary translation write-protecting code). */
  clearView(view: View): void {
    const v = view === "kernel" ? 0 : 1;
    for (const ctx of this.contexts.values()) {
      for (let d = 0; d < 1024; d++) this.freeTable(ctx.roots[v] + 4 * d);
    }
    this.generation++;
    this.flushTlb();
  }

  /** True if guest frame `frame` (gpa >>> 12) is a traced page-table page. */
  isPageTable(frame: number): boolean {
    return this.traced.has(frame);
  }

  /** True if guest frame `frame` is the current context's directory or one of its tables. */
  isLiveTable(frame: number): boolean {
    const ctx = this.current;
    return (ctx.key !== PAGING_OFF && ctx.key >>> 12 === frame) || ctx.source.includes(frame);
  }

  /** `frame` is no page table any more (it was one of an address space that is gone): stop tracing it. */
  forget(frame: number): void {
    this.unshadow(frame);
  }

  /**
   * Installs va -> guest-physical page `gpa` in the current context's
   * `view` with `flags` (V W U X), derived from the guest table whose leaf
   * entry is at guest-physical `pteAddress` (-1 with paging off). A
   * page-table page is never mapped writable. Returns false if the pool ran
   * dry (the current context was emptied; retry).
   */
  install(view: View, va: number, gpa: number, flags: number, pteAddress: number): boolean {
    const ctx = this.current;
    const d = va >>> 22;
    if (pteAddress >= 0) {
      const table = pteAddress >>> 12;
      if (ctx.source[d] !== table) {
        if (ctx.source[d] >= 0) this.dropDir(ctx, d);
        ctx.source[d] = table;
        this.derive(table, ctx, d);
      }
      this.writes.delete(table);
    }
    const slot = this.leafSlot(ctx, view, va, true);
    if (slot < 0) return false;
    const frame = gpa >>> 12;
    let bits = flags & (PTE.V | PTE.W | PTE.U | PTE.X);
    if (this.traced.has(frame)) bits &= ~PTE.W;
    if ((bits & PTE.W) !== 0) {
      let set = this.writable.get(frame);
      if (!set) { set = new Set(); this.writable.set(frame, set); }
      set.add(slot);
    }
    this.mem.writeWord(slot, ((this.pmap.machine(gpa & ~0xfff) & ~0xfff) | bits) >>> 0);
    this.stats.hiddenFaults++;
    return true;
  }

  /**
   * The guest stored to guest-physical `gpa`, a traced page-table page
   * (the store is done): drops the shadow entries derived from the entry
   * it changed; `trapped` if a write-protect trap brought it here (not a
   * paravirtual MMU_UPDATE). Returns how many shadow entries were dropped.
   */
  guestWrote(gpa: number, trapped: boolean): number {
    const frame = gpa >>> 12;
    const index = (gpa & 0xfff) >>> 2;
    let dropped = 0;
    for (const ctx of [...this.contexts.values()]) {
      if (ctx.key !== PAGING_OFF && ctx.key >>> 12 === frame) dropped += this.dropDir(ctx, index);
    }
    for (const { ctx, dir } of [...(this.derived.get(frame) ?? [])]) dropped += this.dropLeaf(ctx, dir, index);
    if (trapped) this.stats.writeProtectTraps++;
    this.stats.invalidations += dropped;
    this.generation++;
    if (trapped) {
      const n = (this.writes.get(frame) ?? 0) + 1;
      this.writes.set(frame, n);
      if (n > FLOOD_LIMIT) this.unshadow(frame);
    }
    return dropped;
  }

  /**
   * Every valid mapping of every context and view, as (view, va, machine
   * address of the page, the shadow table holding it): for isolation checks.
   */
  mappings(): { view: View; va: number; machine: number; table: number }[] {
    const out: { view: View; va: number; machine: number; table: number }[] = [];
    for (const ctx of this.contexts.values()) {
      VIEWS.forEach((view, v) => {
        const root = ctx.roots[v];
        for (let d = 0; d < 1024; d++) {
          const de = this.mem.readWord(root + 4 * d);
          if ((de & PTE.V) === 0) continue;
          const table = (de & ~0xfff) >>> 0;
          for (let t = 0; t < 1024; t++) {
            const pte = this.mem.readWord(table + 4 * t);
            if ((pte & PTE.V) !== 0) out.push({ view, va: ((d << 22) | (t << 12)) >>> 0, machine: (pte & ~0xfff) >>> 0, table });
          }
        }
      });
    }
    return out;
  }

  /** True if machine address `a` lies in this pool. */
  inPool(a: number): boolean {
    return a >= this.pool && a < this.pool + this.frames * PAGE_SIZE;
  }

  /** Pool frames in use: every context's directories and tables. */
  get shadowPages(): number {
    return this.frames - this.free.length;
  }

  /** Tables in use (frames beyond the directories). */
  get tablesInUse(): number {
    return this.shadowPages - 2 * this.contexts.size;
  }

  /** Contexts the cache holds, the current one included. */
  get contextCount(): number {
    return this.contexts.size;
  }

  saveState(): ShadowState {
    const contexts = [...this.contexts.values()].sort((a, b) => a.lastUsed - b.lastUsed).map((ctx) => {
      const dirs: number[][] = [];
      const leaves: number[][] = [];
      for (let d = 0; d < 1024; d++) {
        const tables = ctx.roots.map((root) => this.mem.readWord(root + 4 * d));
        const has = tables.map((de) => ((de & PTE.V) !== 0 ? 1 : 0));
        if (ctx.source[d] < 0 && has[0] === 0 && has[1] === 0) continue;
        dirs.push([d, ctx.source[d], has[0], has[1]]);
        tables.forEach((de, v) => {
          if (has[v] === 0) return;
          const table = (de & ~0xfff) >>> 0;
          for (let t = 0; t < 1024; t++) {
            const pte = this.mem.readWord(table + 4 * t);
            if ((pte & PTE.V) !== 0) leaves.push([v, (d << 10) | t, this.pmap.guestOf((pte & ~0xfff) >>> 0) >>> 12, pte & 0xfff]);
          }
        });
      }
      return { key: ctx.key, dirs, leaves };
    });
    return { contexts, current: this.current.key, writes: [...this.writes] };
  }

  /**
   * Replaces every context with saved ones (saveState), through the same
   * tracing as fills (saved guest frames outside the VM, or a page table
   * mapped writable, are refused or kept read-only: a snapshot cannot
   * break isolation). Throws on a state that does not fit.
   */
  restoreState(state: ShadowState): void {
    const frame = (f: number, what: string): number => {
      if (!Number.isInteger(f) || !this.pmap.contains(f * PAGE_SIZE, PAGE_SIZE)) throw new Error(`${what} ${f} is not a page of the VM`);
      return f;
    };
    for (const ctx of [...this.contexts.values()]) this.dropContext(ctx);
    this.writable.clear();
    this.writes.clear();
    for (const saved of state.contexts) {
      const key = saved.key === PAGING_OFF ? PAGING_OFF : frame(saved.key / PAGE_SIZE, "shadow context directory") * PAGE_SIZE;
      if (this.contexts.has(key)) throw new Error(`shadow context ${key} is saved twice`);
      const ctx = (this.current = this.build(key));
      for (const [d, source, ...has] of saved.dirs) {
        if (!Number.isInteger(d) || d < 0 || d >= 1024) throw new Error(`shadow directory index ${d} is not 0..1023`);
        if (source >= 0 && ctx.source[d] < 0) this.derive((ctx.source[d] = frame(source, "shadow source table")), ctx, d);
        VIEWS.forEach((view, v) => void (has[v] === 1 && this.leafSlot(ctx, view, d << 22, true)));
      }
      for (const [v, page, f, bits] of saved.leaves) {
        const slot = v === 0 || v === 1 ? this.leafSlot(ctx, VIEWS[v], (page << 12) >>> 0, false) : -1;
        if (slot < 0) throw new Error(`shadow entry for page ${page} has no saved table in view ${v}`);
        let pte = ((this.pmap.machine(frame(f, "shadow entry's frame") * PAGE_SIZE) | (bits & (PTE.V | PTE.W | PTE.U | PTE.X | PTE.A | PTE.D))) >>> 0);
        if (this.traced.has(f)) pte &= ~PTE.W;
        if ((pte & PTE.W) !== 0) {
          const set = this.writable.get(f) ?? new Set<number>();
          this.writable.set(f, set.add(slot));
        }
        this.mem.writeWord(slot, pte >>> 0);
      }
    }
    const current = this.contexts.get(state.current);
    if (!current) throw new Error(`the current shadow context ${state.current} is not among those saved`);
    this.current = current;
    current.lastUsed = ++this.tick;
    for (const [f, n] of state.writes) if (this.traced.has(f) && Number.isInteger(n) && n >= 0) this.writes.set(f, n);
    this.generation++;
    this.flushTlb();
  }

  private build(key: number): Context {
    const kernel = this.allocate();
    const user = this.allocate();
    if (kernel === undefined || user === undefined) throw new Error("shadow pool too small for one context");
    const ctx: Context = { key, roots: [kernel, user], source: new Int32Array(1024).fill(-1), lastUsed: ++this.tick };
    this.contexts.set(key, ctx);
    if (key !== PAGING_OFF) this.trace(key >>> 12);
    return ctx;
  }

  /** A zeroed pool frame; evicts the least recently used other context if none is free. */
  private allocate(): number | undefined {
    if (this.free.length === 0) {
      let victim: Context | undefined;
      for (const ctx of this.contexts.values()) {
        if (ctx !== this.current && (!victim || ctx.lastUsed < victim.lastUsed)) victim = ctx;
      }
      if (victim) this.dropContext(victim);
    }
    const frame = this.free.pop();
    if (frame !== undefined) this.mem.bytes.fill(0, frame, frame + PAGE_SIZE);
    return frame;
  }

  /** Machine address of va's leaf entry in `view` of `ctx`, or -1. */
  private leafSlot(ctx: Context, view: View, va: number, create: boolean): number {
    const dirSlot = ctx.roots[view === "kernel" ? 0 : 1] + 4 * (va >>> 22);
    let dirEntry = this.mem.readWord(dirSlot);
    if ((dirEntry & PTE.V) === 0) {
      if (!create) return -1;
      const table = this.allocate();
      if (table === undefined) {
        this.stats.overflows++;
        for (let d = 0; d < 1024; d++) this.dropDir(ctx, d);
        return -1;
      }
      dirEntry = (table | PTE.V) >>> 0;
      this.mem.writeWord(dirSlot, dirEntry);
    }
    return (dirEntry & ~0xfff) + 4 * ((va >>> 12) & 0x3ff);
  }

  /** A guest frame gains a page-table reference; the first one write-protects it. */
  private trace(frame: number): void {
    const n = this.traced.get(frame) ?? 0;
    this.traced.set(frame, n + 1);
    if (n > 0) return;
    const machineFrame = this.pmap.machine(frame << 12);
    for (const slot of this.writable.get(frame) ?? []) {
      const e = this.mem.readWord(slot);
      if ((e & ~0xfff) >>> 0 === machineFrame && (e & PTE.W) !== 0) this.mem.writeWord(slot, (e & ~PTE.W) >>> 0);
    }
    this.writable.delete(frame);
    this.generation++;
    this.flushTlb();
  }

  private untrace(frame: number): void {
    const n = (this.traced.get(frame) ?? 0) - 1;
    if (n > 0) this.traced.set(frame, n);
    else { this.traced.delete(frame); this.writes.delete(frame); }
  }

  private derive(table: number, ctx: Context, dir: number): void {
    let list = this.derived.get(table);
    if (!list) { list = []; this.derived.set(table, list); }
    list.push({ ctx, dir });
    this.trace(table);
  }

  /** Drops directory entry `d` of both views of `ctx` (their tables go back to the pool). */
  private dropDir(ctx: Context, d: number): number {
    let dropped = 0;
    for (const root of ctx.roots) dropped += this.freeTable(root + 4 * d);
    const table = ctx.source[d];
    if (table >= 0) {
      ctx.source[d] = -1;
      const list = this.derived.get(table);
      if (list) {
        const i = list.findIndex((e) => e.ctx === ctx && e.dir === d);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.derived.delete(table);
      }
      this.untrace(table);
    }
    if (dropped > 0) {
      this.generation++;
      if (ctx === this.current) this.flushTlb();
    }
    return dropped;
  }

  /** Frees the shadow table a shadow directory slot names; 1 if there was one. */
  private freeTable(dirSlot: number): number {
    const de = this.mem.readWord(dirSlot);
    if ((de & PTE.V) === 0) return 0;
    this.mem.writeWord(dirSlot, 0);
    this.free.push((de & ~0xfff) >>> 0);
    return 1;
  }

  /** Drops the leaf (d, t) of both views of `ctx`. */
  private dropLeaf(ctx: Context, d: number, t: number): number {
    let dropped = 0;
    for (const view of VIEWS) {
      const slot = this.leafSlot(ctx, view, ((d << 22) | (t << 12)) >>> 0, false);
      if (slot >= 0 && (this.mem.readWord(slot) & PTE.V) !== 0) {
        this.mem.writeWord(slot, 0);
        dropped++;
      }
    }
    if (dropped > 0 && ctx === this.current) this.flushTlb(((d << 22) | (t << 12)) >>> 0);
    return dropped;
  }

  private dropContext(ctx: Context): void {
    for (let d = 0; d < 1024; d++) this.dropDir(ctx, d);
    for (const root of ctx.roots) this.free.push(root);
    this.contexts.delete(ctx.key);
    if (ctx.key !== PAGING_OFF) this.untrace(ctx.key >>> 12);
    this.generation++;
  }

  /** Write flooding: `frame` stops being traced (never the current context's directory). */
  private unshadow(frame: number): void {
    if (this.current.key !== PAGING_OFF && this.current.key >>> 12 === frame) return;
    for (const ctx of [...this.contexts.values()]) {
      if (ctx.key !== PAGING_OFF && ctx.key >>> 12 === frame) this.dropContext(ctx);
    }
    for (const { ctx, dir } of [...(this.derived.get(frame) ?? [])]) this.dropDir(ctx, dir);
    this.writes.delete(frame);
    this.stats.unshadowed++;
    this.flushTlb();
  }
}

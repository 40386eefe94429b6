/**
 * An overcommitted host: machine memory smaller than the sum of its VMs'
 * memories, backed on demand and reclaimed by the three ESX mechanisms
 * (Silberschatz 16.6.2; Waldspurger 2002): ballooning, content-based page
 * sharing and hypervisor swapping, with min-funding revocation and the
 * idle memory tax deciding which VM gives memory back.
 *
 *   guest access (vm, ppn)
 *        |
 *        v          UNBACKED  -> a zeroed frame (on-demand backing)
 *   per-page pmap   SWAPPED   -> a frame, read back from the swap file
 *   (guest-pages)   SHARED    -> on a write: copy-on-write break
 *        |          BALLOONED -> refused: the guest gave that page away
 *        v
 *   machine frames (machine-frames.ts): none free -> reclaim one, from the
 *   VM min-funding revocation picks (min-funding.ts), by swapping a page
 *   the hypervisor chooses blindly (at random: it cannot know which pages
 *   the guest needs; that is what the balloon is for)
 *
 * Every VM's cycles count what its accesses cost it: one per access, and
 * the hypervisor faults, copies and disk requests it waited for.
 */
import { COSTS } from "../../machine/costs";
import { PAGE_SIZE } from "../../machine/isa";
import { PhysicalMemory } from "../../machine/memory";
import { Prng } from "../../prng";
import { GuestPageMap, PAGE_STATE, type PageStateName } from "./guest-pages";
import { HostSwap, PAGE_IO_CYCLES } from "./host-swap";
import { MachineFrames } from "./machine-frames";
import { DEFAULT_TAX_RATE, SHARES_PER_MB, fundedTargets, revocationVictim, type ShareLevel } from "./min-funding";
import { PageSharing } from "./page-sharing";

export interface OvercommitVmOptions {
  readonly name: string;
  /** Configured guest-physical memory in pages. */
  readonly pages: number;
  /** Pages never reclaimed (default 0). */
  readonly reservation?: number;
  /** Pages the VM may hold at most (default: all of them). */
  readonly limit?: number;
  /** vSphere shares: a level (per MB of configured memory) or a number (default "normal"). */
  readonly shares?: ShareLevel | number;
}

export interface OvercommitHostOptions {
  /** Machine memory for guests, in pages. */
  readonly machinePages: number;
  /** Idle memory tax rate tau (default 0.75). */
  readonly taxRate?: number;
  /** Pages the idle sampler watches per VM per period (default 32; Waldspurger uses 100). */
  readonly idleSamplePages?: number;
  /** Seed of the idle sampler's page choice. */
  readonly seed?: number;
}

export interface VmMemorySample {
  readonly name: string;
  readonly private: number;
  readonly shared: number;
  readonly ballooned: number;
  readonly swapped: number;
  readonly unbacked: number;
  readonly idleFraction: number;
  readonly cycles: number;
}

/** The host memory map at one moment: per VM, and the host's free frames. */
export interface HostMemorySample {
  readonly step: number;
  readonly vms: readonly VmMemorySample[];
  readonly free: number;
  readonly sharedFrames: number;
}

export type BalloonRefusal = "not-owned" | "duplicate" | "oversized";

export interface TraceEvent {
  readonly step: number;
  readonly vm: string;
  readonly ppn: number;
  readonly what: "hypervisor-swap-out" | "hypervisor-swap-in" | "double-paging" | "balloon-inflate" | "balloon-deflate";
}

interface VmRecord {
  readonly options: OvercommitVmOptions;
  readonly map: GuestPageMap;
  readonly shares: number;
  readonly reservation: number;
  readonly limit: number;
  cycles: number;
  balloonTarget: number;
  idleFraction: number;
  watched: number[];
  /** Idle-sampling periods completed. */
  periods: number;
}

export class OvercommitHost {
  readonly memory: PhysicalMemory;
  readonly frames: MachineFrames;
  readonly swap = new HostSwap();
  readonly sharing: PageSharing;
  readonly samples: HostMemorySample[] = [];
  readonly trace: TraceEvent[] = [];
  readonly refusals: Record<BalloonRefusal, number> = { "not-owned": 0, duplicate: 0, oversized: 0 };
  readonly stats = { hypervisorFaults: 0, doublePaging: 0, reclaimed: 0 };
  readonly taxRate: number;
  private readonly vms: VmRecord[] = [];
  private readonly maps: GuestPageMap[] = [];
  private readonly prng: Prng;
  private readonly idleSamplePages: number;
  step = 0;

  constructor(options: OvercommitHostOptions) {
    if (!Number.isSafeInteger(options.machinePages) || options.machinePages <= 0) {
      throw new RangeError(`machinePages must be a whole number > 0, not ${options.machinePages}`);
    }
    this.memory = new PhysicalMemory(options.machinePages * PAGE_SIZE);
    this.frames = new MachineFrames(this.memory, 0, options.machinePages);
    this.sharing = new PageSharing(this.frames, this.maps);
    this.taxRate = options.taxRate ?? DEFAULT_TAX_RATE;
    this.idleSamplePages = options.idleSamplePages ?? 32;
    this.prng = new Prng(options.seed ?? 1);
  }

  /** Adds a VM and returns its number; none of its pages is backed yet. */
  addVm(options: OvercommitVmOptions): number {
    const map = new GuestPageMap(options.pages);
    const shares = typeof options.shares === "number" ? options.shares : SHARES_PER_MB[options.shares ?? "normal"] * ((options.pages * PAGE_SIZE) / (1024 * 1024));
    const reservation = options.reservation ?? 0;
    const limit = options.limit ?? options.pages;
    if (reservation < 0 || reservation > limit || limit > options.pages) {
      throw new RangeError(`VM ${options.name}: need 0 <= reservation (${reservation}) <= limit (${limit}) <= pages (${options.pages})`);
    }
    this.vms.push({ options, map, shares, reservation, limit, cycles: 0, balloonTarget: 0, idleFraction: 0, watched: [], periods: 0 });
    this.maps.push(map);
    return this.vms.length - 1;
  }

  get vmCount(): number {
    return this.vms.length;
  }

  pageMap(vm: number): GuestPageMap {
    return this.record(vm).map;
  }

  cycles(vm: number): number {
    return this.record(vm).cycles;
  }

  /** Charges `vm` for work of its own (its instructions, its guest's disk requests). */
  charge(vm: number, cycles: number): void {
    this.record(vm).cycles += cycles;
  }

  /** The guest reads word `offset` (byte offset, word aligned) of its page `ppn`. */
  read(vm: number, ppn: number, offset: number): number {
    const frame = this.backing(vm, ppn, false);
    return this.memory.words[(this.frames.address(frame) + offset) >> 2];
  }

  /** The guest writes word `value` at `offset` of its page `ppn` (breaking sharing first). */
  write(vm: number, ppn: number, offset: number, value: number): void {
    const frame = this.backing(vm, ppn, true);
    this.memory.words[(this.frames.address(frame) + offset) >> 2] = value | 0;
  }

  /** The guest's own disk driver reads the whole page to write it out (DMA): the double-paging path. */
  readForGuestIo(vm: number, ppn: number): Uint8Array {
    const rec = this.record(vm);
    if (rec.map.state[ppn] === PAGE_STATE.SWAPPED) {
      // Waldspurger 2002, 3.3: the guest pages out a page the hypervisor
      // already paged out, so it must be read back only to be written again.
      this.stats.doublePaging++;
      this.note(vm, ppn, "double-paging");
    }
    return this.frames.read(this.backing(vm, ppn, false));
  }

  /** The guest's disk driver fills page `ppn` (DMA from its own disk). */
  fillFromGuestIo(vm: number, ppn: number, data: Uint8Array): void {
    this.frames.write(this.backing(vm, ppn, true), data);
  }

  // --- ballooning (host side) -------------------------------------------

  /** Asks `vm`'s balloon driver to hold `pages` pages (0 deflates it all). */
  setBalloonTarget(vm: number, pages: number): void {
    const rec = this.record(vm);
    if (!Number.isSafeInteger(pages) || pages < 0) throw new RangeError(`balloon target for ${rec.options.name} must be a whole number >= 0, not ${pages}`);
    rec.balloonTarget = Math.min(pages, rec.map.pages - rec.reservation);
  }

  balloonTarget(vm: number): number {
    return this.record(vm).balloonTarget;
  }

  /** Pages `vm`'s balloon holds now. */
  balloonSize(vm: number): number {
    return this.record(vm).map.census().ballooned;
  }

  /**
   * The balloon driver reports pages it pinned: the hypervisor takes their
   * frames back. A page number outside the VM, one already in the
   * balloon (or twice in one report), or one past the VM's size is
   * refused and counted, never trusted. Returns the pages accepted.
   */
  balloonInflate(vm: number, ppns: readonly number[]): number {
    const rec = this.record(vm);
    let size = this.balloonSize(vm);
    let accepted = 0;
    for (const ppn of ppns) {
      if (!rec.map.contains(ppn)) {
        this.refusals["not-owned"]++;
        continue;
      }
      if (rec.map.state[ppn] === PAGE_STATE.BALLOONED) {
        this.refusals.duplicate++;
        continue;
      }
      if (size >= rec.map.pages - rec.reservation) {
        this.refusals.oversized++;
        continue;
      }
      this.dropBacking(vm, ppn);
      rec.map.set(ppn, PAGE_STATE.BALLOONED);
      rec.cycles += COSTS.balloonPage;
      this.note(vm, ppn, "balloon-inflate");
      size++;
      accepted++;
    }
    return accepted;
  }

  /** The balloon driver unpins `ppns`: they are the guest's again (backed on its next touch). */
  balloonDeflate(vm: number, ppns: readonly number[]): number {
    const rec = this.record(vm);
    let given = 0;
    for (const ppn of ppns) {
      if (!rec.map.contains(ppn) || rec.map.state[ppn] !== PAGE_STATE.BALLOONED) {
        this.refusals["not-owned"]++;
        continue;
      }
      rec.map.set(ppn, PAGE_STATE.UNBACKED);
      rec.cycles += COSTS.balloonPage;
      this.note(vm, ppn, "balloon-deflate");
      given++;
    }
    return given;
  }

  /**
   * Sets every VM's balloon target from min-funding revocation: what each
   * VM may hold of `machinePages - headroom` frames, given its shares and
   * its sampled idle fraction; a VM's balloon holds the rest of its pages.
   */
  rebalance(headroom = 0): void {
    const available = this.frames.count - headroom;
    const funded = this.vms.map((rec) => ({
      shares: rec.shares,
      allocated: rec.map.pages,
      demand: rec.map.pages,
      idleFraction: rec.idleFraction,
      reservation: rec.reservation,
      limit: rec.limit,
    }));
    const targets = fundedTargets(funded, available, this.taxRate);
    targets.forEach((t, i) => this.setBalloonTarget(i, this.vms[i].map.pages - t));
  }

  // --- page sharing, idle sampling, the memory map ------------------------

  /** Runs the sharing scanner over up to `pages` pages; its cycles are the host's own. */
  scanForSharing(pages: number): number {
    return this.sharing.scan(pages);
  }

  /**
   * Ends one idle-sampling period (Waldspurger 2002, 5.3): the share of
   * last period's watched pages that were touched estimates each VM's
   * active fraction (averaged with the old estimate); then a new random
   * set of pages is watched, their touched bits cleared.
   */
  sampleIdle(): void {
    for (const rec of this.vms) {
      // Only pages the VM holds count: a ballooned page is not idle memory, it is no memory.
      const held = rec.watched.filter((p) => rec.map.state[p] !== PAGE_STATE.BALLOONED);
      if (held.length > 0) {
        const touched = held.filter((p) => rec.map.touched[p] !== 0).length;
        const idle = 1 - touched / held.length;
        rec.idleFraction = rec.periods === 0 ? idle : (rec.idleFraction + idle) / 2;
        rec.periods++;
      }
      rec.watched = [];
      for (let i = 0; i < Math.min(this.idleSamplePages, rec.map.pages); i++) {
        const p = this.prng.nextU32() % rec.map.pages;
        rec.watched.push(p);
        rec.map.touched[p] = 0;
      }
    }
  }

  /** Sets `vm`'s idle estimate directly, in place of sampling (an experiment's or an exercise's given numbers). */
  setIdleEstimate(vm: number, idleFraction: number): void {
    if (!(idleFraction >= 0 && idleFraction <= 1)) throw new RangeError(`idle fraction must be in [0, 1], not ${idleFraction}`);
    const rec = this.record(vm);
    rec.idleFraction = idleFraction;
    rec.periods = Math.max(rec.periods, 1);
  }

  idleFraction(vm: number): number {
    return this.record(vm).idleFraction;
  }

  /** Appends the memory map now to `samples` and returns it. */
  sample(): HostMemorySample {
    const vms = this.vms.map((rec) => {
      const c: Record<PageStateName, number> = rec.map.census();
      return { name: rec.options.name, private: c.private, shared: c.shared, ballooned: c.ballooned, swapped: c.swapped, unbacked: c.unbacked, idleFraction: rec.idleFraction, cycles: rec.cycles };
    });
    const s = { step: this.step, vms, free: this.frames.free, sharedFrames: this.sharing.savings().sharedFrames };
    this.samples.push(s);
    return s;
  }

  /** Machine frames `vm` holds: its private pages plus its part of each shared frame (1/refs). */
  allocated(vm: number): number {
    const map = this.record(vm).map;
    let n = 0;
    for (let p = 0; p < map.pages; p++) {
      if (map.state[p] === PAGE_STATE.PRIVATE) n++;
      else if (map.state[p] === PAGE_STATE.SHARED) n += 1 / this.frames.references(map.frame[p]);
    }
    return n;
  }

  // --- the fault path -------------------------------------------------------

  /** The frame behind `vm`'s page `ppn`, making one if needed; `write` breaks sharing. */
  private backing(vm: number, ppn: number, write: boolean): number {
    const rec = this.record(vm);
    const map = rec.map;
    if (!map.contains(ppn)) throw new RangeError(`VM ${rec.options.name}: page ${ppn} is outside its ${map.pages} pages`);
    rec.cycles += COSTS.instruction;
    map.touched[ppn] = 1;
    const state = map.state[ppn];
    if (state === PAGE_STATE.PRIVATE) return map.frame[ppn];
    if (state === PAGE_STATE.SHARED && !write) return map.frame[ppn];
    if (state === PAGE_STATE.BALLOONED) throw new Error(`VM ${rec.options.name} touched page ${ppn}, which its balloon holds (a bug in the guest)`);
    this.stats.hypervisorFaults++;
    rec.cycles += COSTS.hypervisorPageFault;
    if (state === PAGE_STATE.SHARED) {
      const needsCopy = this.frames.references(map.frame[ppn]) > 1;
      const before = this.sharing.stats.cycles;
      this.sharing.breakSharing(map, ppn, needsCopy ? this.freeFrame(vm) : undefined);
      rec.cycles += this.sharing.stats.cycles - before;
      return map.frame[ppn];
    }
    const frame = this.freeFrame(vm);
    if (state === PAGE_STATE.SWAPPED) {
      this.frames.write(frame, this.swap.pageIn(map.slot[ppn]));
      rec.cycles += PAGE_IO_CYCLES;
      this.note(vm, ppn, "hypervisor-swap-in");
    }
    map.set(ppn, PAGE_STATE.PRIVATE, frame);
    return frame;
  }

  /** A free frame, reclaiming one by hypervisor swapping if none is; `vm` waits for it. */
  private freeFrame(vm: number): number {
    let frame = this.frames.allocate();
    while (frame === undefined) {
      this.reclaimBySwapping(vm);
      frame = this.frames.allocate();
    }
    return frame;
  }

  private reclaimBySwapping(waiting: number): void {
    const funded = this.vms.map((rec, i) => ({
      shares: rec.shares,
      allocated: this.allocated(i),
      idleFraction: rec.idleFraction,
      reservation: rec.reservation,
      limit: rec.limit,
    }));
    const victim = revocationVictim(funded, this.taxRate);
    if (victim < 0) throw new Error("host memory exhausted: every VM is at its reservation (reservations exceed machine memory)");
    const rec = this.vms[victim];
    const map = rec.map;
    // Waldspurger 2002, 3.3: "ESX Server currently uses a randomized page
    // replacement policy": it cannot see which pages the guest needs.
    const start = this.prng.nextU32() % map.pages;
    for (let tries = 0; tries < map.pages; tries++) {
      const ppn = (start + tries) % map.pages;
      const state = map.state[ppn];
      if (state !== PAGE_STATE.PRIVATE && state !== PAGE_STATE.SHARED) continue;
      const slot = this.swap.pageOut(this.frames.read(map.frame[ppn]));
      if (slot === undefined) throw new Error("host swap file full: machine memory and swap cannot hold the VMs");
      this.dropBacking(victim, ppn);
      map.set(ppn, PAGE_STATE.SWAPPED, -1, slot);
      this.vms[waiting].cycles += PAGE_IO_CYCLES;
      this.stats.reclaimed++;
      this.note(victim, ppn, "hypervisor-swap-out");
      return;
    }
    throw new Error(`VM ${rec.options.name} was chosen to give memory back but holds no frame`);
  }

  /** Gives back the frame (or the share of one) `vm`'s page `ppn` holds, or its swap slot. */
  private dropBacking(vm: number, ppn: number): void {
    const map = this.vms[vm].map;
    const state = map.state[ppn];
    if (state === PAGE_STATE.PRIVATE) this.frames.release(map.frame[ppn]);
    else if (state === PAGE_STATE.SHARED) this.sharing.unshare(map, ppn);
    else if (state === PAGE_STATE.SWAPPED) this.swap.discard(map.slot[ppn]);
  }

  private note(vm: number, ppn: number, what: TraceEvent["what"]): void {
    if (this.trace.length < 10_000) this.trace.push({ step: this.step, vm: this.vms[vm].options.name, ppn, what });
  }

  private record(vm: number): VmRecord {
    const rec = this.vms[vm];
    if (!rec) throw new RangeError(`no VM ${vm} on this host (it has ${this.vms.length})`);
    return rec;
  }
}

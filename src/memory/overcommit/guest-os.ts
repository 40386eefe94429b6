/**
 * A guest kernel's memory manager, as the hypervisor below it sees one: it
 * maps its processes' virtual pages onto the guest-physical pages it
 * believes it owns, evicts the least recently used page to its own disk
 * when it runs out, and runs a balloon driver (Waldspurger 2002, section
 * 3.2: "a small balloon module is loaded into the guest OS as a
 * pseudo-device driver"). The driver polls the hypervisor's target only
 * when it is told one: inflating allocates guest-physical pages from the
 * kernel (evicting its own coldest pages if none is free: the guest's own
 * paging chooses what to give up), pins them and reports their numbers;
 * deflating frees them back into the kernel.
 *
 *   virtual page --(guest page table: ppnOf)--> guest-physical page
 *                                                    | host.read / write
 *                                                    v
 *                                          OvercommitHost (per-page pmap)
 *
 * This is a model in TypeScript of what the guest kernel does, so the
 * chapter can run hundreds of pages through every mechanism in a second;
 * every value a process wrote is checked when read back (`mismatches`):
 * whatever the hypervisor does underneath, the guest must see its data.
 */
import { PAGE_SIZE } from "../../machine/isa";
import { COSTS } from "../../machine/costs";
import { PAGE_IO_CYCLES } from "./host-swap";
import type { OvercommitHost } from "./host-memory";

export interface GuestOsStats {
  pageFaults: number;
  pageOuts: number;
  pageIns: number;
  /** Values read back that differ from what the process last wrote (must stay 0). */
  mismatches: number;
}

const FREE = -1;
const BALLOON = -2;

export class GuestOs {
  private readonly ppnOf: Int32Array;
  private readonly vpageOf: Int32Array;
  private readonly lastUse: Float64Array;
  private readonly expected: Int32Array;
  private readonly guestDisk = new Map<number, Uint8Array>();
  private readonly freeList: number[] = [];
  private readonly balloon: number[] = [];
  private clock = 0;
  readonly stats: GuestOsStats = { pageFaults: 0, pageOuts: 0, pageIns: 0, mismatches: 0 };

  constructor(
    readonly host: OvercommitHost,
    readonly vm: number,
    /** Virtual pages its processes use (may exceed its physical pages: it pages). */
    readonly virtualPages: number,
    /** Cycles of work per access beyond the access itself. */
    readonly workPerAccess = 10,
  ) {
    const pages = host.pageMap(vm).pages;
    this.ppnOf = new Int32Array(virtualPages).fill(FREE);
    this.vpageOf = new Int32Array(pages).fill(FREE);
    this.lastUse = new Float64Array(pages);
    this.expected = new Int32Array(virtualPages);
    for (let p = pages - 1; p >= 0; p--) this.freeList.push(p);
  }

  /** Guest-physical pages holding a process page now. */
  get resident(): number {
    let n = 0;
    for (const v of this.vpageOf) if (v >= 0) n++;
    return n;
  }

  get balloonSize(): number {
    return this.balloon.length;
  }

  /** A process reads (and with `write`, then stores a new value in) virtual page `vpage`. */
  access(vpage: number, write: boolean): void {
    if (!Number.isInteger(vpage) || vpage < 0 || vpage >= this.virtualPages) throw new RangeError(`virtual page ${vpage} is outside 0..${this.virtualPages - 1}`);
    let ppn = this.ppnOf[vpage];
    if (ppn < 0) ppn = this.pageFault(vpage);
    this.lastUse[ppn] = ++this.clock;
    this.host.charge(this.vm, this.workPerAccess);
    const value = this.host.read(this.vm, ppn, 0);
    if (value !== this.expected[vpage]) this.stats.mismatches++;
    if (write) {
      const next = (((vpage + 1) << 16) ^ this.clock) | 0;
      this.host.write(this.vm, ppn, 0, next);
      this.expected[vpage] = next;
    }
  }

  /** The balloon driver: moves toward the hypervisor's target; returns pages inflated (+) or deflated (-). */
  balloonPoll(): number {
    const target = this.host.balloonTarget(this.vm);
    if (target > this.balloon.length) {
      const want = target - this.balloon.length;
      const pinned: number[] = [];
      for (let i = 0; i < want; i++) {
        const ppn = this.freeList.length > 0 ? (this.freeList.pop() as number) : this.evictLru();
        if (ppn < 0) break;
        this.vpageOf[ppn] = BALLOON;
        pinned.push(ppn);
      }
      const accepted = this.host.balloonInflate(this.vm, pinned);
      this.balloon.push(...pinned.slice(0, accepted));
      for (const ppn of pinned.slice(accepted)) this.release(ppn);
      return accepted;
    }
    if (target < this.balloon.length) {
      const back = this.balloon.splice(target);
      this.host.balloonDeflate(this.vm, back);
      for (const ppn of back) this.release(ppn);
      return -back.length;
    }
    return 0;
  }

  private release(ppn: number): void {
    this.vpageOf[ppn] = FREE;
    this.freeList.push(ppn);
  }

  private pageFault(vpage: number): number {
    this.stats.pageFaults++;
    this.host.charge(this.vm, COSTS.guestPageFault);
    let ppn = this.freeList.pop();
    if (ppn === undefined) ppn = this.evictLru();
    if (ppn < 0) throw new Error(`guest of VM ${this.vm} has no page left for its processes (its balloon holds them all)`);
    const saved = this.guestDisk.get(vpage);
    if (saved) {
      this.stats.pageIns++;
      this.host.charge(this.vm, PAGE_IO_CYCLES);
      this.host.fillFromGuestIo(this.vm, ppn, saved);
      this.guestDisk.delete(vpage);
    } else {
      this.host.fillFromGuestIo(this.vm, ppn, new Uint8Array(PAGE_SIZE));
    }
    this.ppnOf[vpage] = ppn;
    this.vpageOf[ppn] = vpage;
    return ppn;
  }

  /** Writes the least recently used process page to the guest's disk; returns its page, or -1 if none. */
  private evictLru(): number {
    let victim = -1;
    for (let p = 0; p < this.vpageOf.length; p++) {
      if (this.vpageOf[p] >= 0 && (victim < 0 || this.lastUse[p] < this.lastUse[victim])) victim = p;
    }
    if (victim < 0) return -1;
    const vpage = this.vpageOf[victim];
    this.guestDisk.set(vpage, this.host.readForGuestIo(this.vm, victim));
    this.stats.pageOuts++;
    this.host.charge(this.vm, PAGE_IO_CYCLES);
    this.ppnOf[vpage] = FREE;
    this.vpageOf[victim] = FREE;
    return victim;
  }
}

/**
 * A VM's per-page physical-to-machine map under overcommitment: what each
 * guest-physical page is right now. src/memory/pmap.ts is the contiguous
 * pmap the techniques of chapter 04 use; this is the table per page that
 * chapter 05 needs, one entry per guest page (Waldspurger 2002, section
 * 2: "a pmap data structure for each VM to translate 'physical' page
 * numbers (PPNs) to machine page numbers (MPNs)").
 *
 *   page state   frame[ppn]        slot[ppn]     meaning
 *   ----------   ---------------   -----------   ---------------------------------
 *   UNBACKED     -1                -1            never touched: no machine memory
 *   PRIVATE      its own frame     -1            backed, this VM's alone
 *   SHARED       a shared frame    -1            copy-on-write, refcount > 1
 *   BALLOONED    -1                -1            the guest gave it to the balloon
 *   SWAPPED      -1                swap slot     the hypervisor paged it out
 *
 * Every change of a page's frame calls `onRemap`, so that whatever caches
 * a translation of the page (shadow entries, nested entries, the real and
 * software TLBs) can drop it: a frame change is a TLB shootdown.
 */
import { PAGE_SIZE } from "../../machine/isa";

export const PAGE_STATE = { UNBACKED: 0, PRIVATE: 1, SHARED: 2, BALLOONED: 3, SWAPPED: 4 } as const;
export type PageState = (typeof PAGE_STATE)[keyof typeof PAGE_STATE];
export const PAGE_STATE_NAMES = ["unbacked", "private", "shared", "ballooned", "swapped"] as const;
export type PageStateName = (typeof PAGE_STATE_NAMES)[number];

export class GuestPageMap {
  readonly state: Uint8Array;
  readonly frame: Int32Array;
  readonly slot: Int32Array;
  /** Set on every access; the idle-memory sampler clears and reads it. */
  readonly touched: Uint8Array;
  /** Translations of the page changed: called with its guest-physical page number. */
  onRemap: (ppn: number) => void = () => {};
  /** Times a frame change invalidated cached translations. */
  remaps = 0;

  constructor(readonly pages: number) {
    if (!Number.isSafeInteger(pages) || pages <= 0) throw new RangeError(`a VM needs at least one page, not ${pages}`);
    this.state = new Uint8Array(pages);
    this.frame = new Int32Array(pages).fill(-1);
    this.slot = new Int32Array(pages).fill(-1);
    this.touched = new Uint8Array(pages);
  }

  get bytes(): number {
    return this.pages * PAGE_SIZE;
  }

  contains(ppn: number): boolean {
    return Number.isInteger(ppn) && ppn >= 0 && ppn < this.pages;
  }

  /** Moves page `ppn` to `state` with `frame` and `slot`, and shoots down its translations. */
  set(ppn: number, state: PageState, frame = -1, slot = -1): void {
    const moved = this.frame[ppn] !== frame;
    this.state[ppn] = state;
    this.frame[ppn] = frame;
    this.slot[ppn] = slot;
    if (moved) {
      this.remaps++;
      this.onRemap(ppn);
    }
  }

  /** Pages in each state. */
  census(): Record<PageStateName, number> {
    const counts = [0, 0, 0, 0, 0];
    for (let p = 0; p < this.pages; p++) counts[this.state[p]]++;
    return { unbacked: counts[0], private: counts[1], shared: counts[2], ballooned: counts[3], swapped: counts[4] };
  }

  /** Pages holding machine memory (private or shared). */
  get backed(): number {
    let n = 0;
    for (let p = 0; p < this.pages; p++) if (this.frame[p] >= 0) n++;
    return n;
  }
}

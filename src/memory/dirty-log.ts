/**
 * Dirty logging: which guest-physical pages were written since the last
 * harvest, the input of pre-copy live migration (Clark et al. 2005, 3.3:
 * "we use shadow page tables ... to track dirtied pages: all page-table
 * entries are initially read-only mappings ... a write fault marks the
 * page dirty and makes the entry writable").
 *
 * The MMU does the tracking. While a log is on, shadow paging (shadow-
 * mmu.ts) maps a page writable only on a store, marking it; nested
 * paging (nested-paging.ts) maps it read-only in the nested table until
 * the store's EPT violation marks it (Intel's "EPT-based dirty logging").
 * Each harvest takes the bits and write-protects every page again. What
 * the hypervisor itself writes into the guest on its behalf (device DMA,
 * emulated stores to traced page tables, A/D bits its software walker
 * sets, paravirtual updates and trap frames) never passes the MMU's
 * protection, so those writers mark the log themselves.
 *
 *   bits[]  one byte a guest page: 1 = written since the last harvest
 */
export class DirtyLog {
  readonly bits: Uint8Array;
  /** Pages marked since the last harvest. */
  private marked = 0;

  constructor(readonly pages: number) {
    this.bits = new Uint8Array(pages);
  }

  /** The page holding guest-physical `gpa` was written. */
  mark(gpa: number): void {
    const page = (gpa >>> 0) >>> 12;
    if (page < this.pages && this.bits[page] === 0) {
      this.bits[page] = 1;
      this.marked++;
    }
  }

  /** Every page of [gpa, gpa + length) was written (a DMA). */
  markRange(gpa: number, length: number): void {
    if (length <= 0) return;
    const first = (gpa >>> 0) >>> 12, last = ((gpa >>> 0) + length - 1) >>> 12;
    for (let p = first; p <= last; p++) this.mark(p << 12);
  }

  /** Pages marked since the last harvest. */
  get count(): number {
    return this.marked;
  }

  /** The dirty page numbers, in order; the log starts over empty. */
  harvest(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.pages; p++) if (this.bits[p] !== 0) out.push(p);
    this.bits.fill(0);
    this.marked = 0;
    return out;
  }
}

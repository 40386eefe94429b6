/**
 * The hypervisor's own swap file, on the host's disk (a BlockDevice, the
 * store behind toy32's disk model): when ballooning cannot reclaim fast
 * or far enough, ESX "swaps out guest-physical pages to a per-VM swap
 * file" without the guest knowing (Waldspurger 2002, section 3.3; the
 * guest sees only that some accesses take a disk read).
 *
 *   swap file: slot s at byte s * 4096
 *   +--------+--------+--------+-----
 *   | slot 0 | slot 1 | slot 2 | ...
 *   +--------+--------+--------+-----
 *
 * Each page in or out costs one disk request of 8 sectors: diskLatency +
 * 8 * diskSectorTransfer cycles, the same as a guest's own disk request.
 */
import { COSTS } from "../../machine/costs";
import { SECTOR_SIZE } from "../../machine/devices/disk";
import { RawBlockDevice, type BlockDevice } from "../../machine/devices/block";
import { PAGE_SIZE } from "../../machine/isa";

/** Cycles of one page-sized disk request. */
export const PAGE_IO_CYCLES = COSTS.diskLatency + (PAGE_SIZE / SECTOR_SIZE) * COSTS.diskSectorTransfer;

export class HostSwap {
  private readonly freeSlots: number[] = [];
  readonly stats = { pageOuts: 0, pageIns: 0, cycles: 0 };

  constructor(readonly device: BlockDevice = new RawBlockDevice(new Uint8Array(4 * 1024 * 1024))) {
    const slots = Math.floor(device.size / PAGE_SIZE);
    for (let s = slots - 1; s >= 0; s--) this.freeSlots.push(s);
  }

  get freeSlotCount(): number {
    return this.freeSlots.length;
  }

  /** Writes `page` to a free slot and returns it; undefined if the swap file is full. */
  pageOut(page: Uint8Array): number | undefined {
    const slot = this.freeSlots.pop();
    if (slot === undefined) return undefined;
    this.device.write(slot * PAGE_SIZE, page);
    this.stats.pageOuts++;
    this.stats.cycles += PAGE_IO_CYCLES;
    return slot;
  }

  /** Frees slot `slot` without reading it (its page was given away: ballooned). */
  discard(slot: number): void {
    this.freeSlots.push(slot);
  }

  /** Reads slot `slot` back and frees it. */
  pageIn(slot: number): Uint8Array {
    const page = this.device.read(slot * PAGE_SIZE, PAGE_SIZE);
    this.freeSlots.push(slot);
    this.stats.pageIns++;
    this.stats.cycles += PAGE_IO_CYCLES;
    return page;
  }
}

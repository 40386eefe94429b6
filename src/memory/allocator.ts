/**
 * The hypervisor's allocator of machine memory: each VM gets one
 * contiguous region for its guest-physical memory and one for its shadow
 * page tables; destroying the VM returns both. First fit over a sorted
 * free list, page granular (Knuth vol. 1, 2.5 "Dynamic storage allocation").
 *
 *   machine memory
 *   0x0000_0000 +---------------------------+
 *               | hypervisor (never mapped  |  reserved: nothing a guest
 *               | into any guest)           |  can name reaches it
 *   reserved    +---------------------------+
 *               | VM 0 shadow pool          |  regions handed out
 *               | VM 0 guest-physical 0..N  |  first fit, returned on
 *               | VM 1 shadow pool          |  destroy and coalesced
 *               | VM 1 guest-physical 0..M  |
 *               | free                      |
 *   size        +---------------------------+
 *   0xFFFF_0000   devices: never mapped into a guest; its accesses are emulated
 */
import { PAGE_SIZE } from "../machine/isa";

export interface Region {
  readonly base: number;
  readonly size: number;
}

export class RegionAllocator {
  private free: Region[];

  constructor(readonly start: number, readonly end: number) {
    if (start % PAGE_SIZE !== 0 || end % PAGE_SIZE !== 0 || end <= start) {
      throw new Error(`allocator range 0x${start.toString(16)}..0x${end.toString(16)} is not whole pages`);
    }
    this.free = [{ base: start, size: end - start }];
  }

  /** A page-aligned region of `size` bytes (rounded up to pages), or undefined. */
  allocate(size: number): Region | undefined {
    const bytes = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
    const i = this.free.findIndex((r) => r.size >= bytes);
    if (i < 0 || bytes <= 0) return undefined;
    const hole = this.free[i];
    const region = { base: hole.base, size: bytes };
    if (hole.size === bytes) this.free.splice(i, 1);
    else this.free[i] = { base: hole.base + bytes, size: hole.size - bytes };
    return region;
  }

  /** Returns a region and merges it with free neighbours. */
  release(region: Region): void {
    this.free.push(region);
    this.free.sort((a, b) => a.base - b.base);
    const merged: Region[] = [];
    for (const r of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.base + last.size === r.base) merged[merged.length - 1] = { base: last.base, size: last.size + r.size };
      else merged.push(r);
    }
    this.free = merged;
  }

  /** Bytes not handed out. */
  get available(): number {
    return this.free.reduce((n, r) => n + r.size, 0);
  }
}

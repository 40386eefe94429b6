/**
 * A VM's physical-to-machine map, Disco's "pmap" (Bugnion et al. 1997,
 * section 4.2.2: "the monitor maintains a physical-to-machine address
 * mapping ... the pmap"): which machine frame holds each guest-physical
 * page. Every translation structure of src/memory (shadow tables, nested
 * tables, the paravirtual validator) asks it, and nothing else, where a
 * guest-physical address lives and whether it is the VM's at all.
 *
 *   guest-physical            machine
 *   0 +------------+          base +------------+
 *     | page 0     |  ------>      | frame b+0  |
 *     | page 1     |  ------>      | frame b+1  |
 *     | ...        |               | ...        |
 *   size +---------+   base+size   +------------+
 *
 * Today every VM's memory is one contiguous region handed out by the
 * allocator (allocator.ts), so the map is an offset; it is a class of its
 * own so that ballooning and page sharing (chapter 05) can make it a
 * table per page without touching its users.
 */
import { PAGE_SIZE } from "../machine/isa";

export class Pmap {
  constructor(
    /** Machine address of guest-physical 0 (page aligned). */
    readonly base: number,
    /** Guest-physical bytes (a multiple of PAGE_SIZE). */
    readonly size: number,
  ) {}

  /** True if [gpa, gpa + length) is guest-physical memory of this VM. */
  contains(gpa: number, length = 1): boolean {
    return gpa >= 0 && gpa + length <= this.size;
  }

  /** Machine address of guest-physical `gpa` (callers check `contains`). */
  machine(gpa: number): number {
    return this.base + gpa;
  }

  /** The guest-physical address machine address `ma` holds, or -1 if it is not this VM's. */
  guestOf(ma: number): number {
    const gpa = ma - this.base;
    return this.contains(gpa) ? gpa : -1;
  }

  /** Guest-physical pages. */
  get frames(): number {
    return this.size / PAGE_SIZE;
  }
}

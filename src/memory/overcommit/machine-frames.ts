/**
 * The host's machine memory as frames with reference counts: the pool the
 * overcommitting hypervisor backs guest-physical pages from on demand
 * (Waldspurger 2002, section 2: "ESX Server ... manages machine memory
 * directly"; a machine page may back several guest pages once shared,
 * section 4, so each frame counts its users).
 *
 *   machine memory (PhysicalMemory)
 *   base +---------------------+  frame 0
 *        | frame 0 (4 KiB)     |  refs[0] = 0 free, 1 private, n>1 shared
 *        | frame 1             |
 *        | ...                 |
 *        +---------------------+  frame count-1
 *
 * Free frames are handed out lowest first, so every run is the same.
 */
import { PAGE_SIZE } from "../../machine/isa";
import type { PhysicalMemory } from "../../machine/memory";

export class MachineFrames {
  private readonly refs: Uint16Array;
  /** Free frame numbers, highest first, so pop() gives the lowest. */
  private readonly freeStack: number[] = [];

  constructor(
    readonly memory: PhysicalMemory,
    /** Machine address of frame 0 (page aligned). */
    readonly base: number,
    /** Frames in the pool. */
    readonly count: number,
  ) {
    if (base % PAGE_SIZE !== 0 || !Number.isSafeInteger(count) || count <= 0) {
      throw new RangeError(`machine frames: base 0x${base.toString(16)} must be page aligned and count ${count} > 0`);
    }
    if (!memory.inRam(base, count * PAGE_SIZE)) {
      throw new RangeError(`machine frames: ${count} frames at 0x${base.toString(16)} do not fit in ${memory.size} bytes of RAM`);
    }
    this.refs = new Uint16Array(count);
    for (let f = count - 1; f >= 0; f--) this.freeStack.push(f);
  }

  /** Frames nobody uses. */
  get free(): number {
    return this.freeStack.length;
  }

  /** A zeroed frame with one reference, or undefined if none is free. */
  allocate(): number | undefined {
    const frame = this.freeStack.pop();
    if (frame === undefined) return undefined;
    this.refs[frame] = 1;
    this.memory.writeBytes(this.address(frame), new Uint8Array(PAGE_SIZE));
    return frame;
  }

  /** One more user of `frame` (a guest page now shares it). */
  retain(frame: number): void {
    this.check(frame);
    this.refs[frame]++;
  }

  /** One user fewer; the frame is free again at zero. Returns the references left. */
  release(frame: number): number {
    this.check(frame);
    const left = --this.refs[frame];
    if (left === 0) this.freeStack.push(frame);
    return left;
  }

  references(frame: number): number {
    return this.refs[frame] ?? 0;
  }

  /** Machine address of `frame`. */
  address(frame: number): number {
    return this.base + frame * PAGE_SIZE;
  }

  read(frame: number): Uint8Array {
    return this.memory.readBytes(this.address(frame), PAGE_SIZE);
  }

  write(frame: number, data: Uint8Array): void {
    this.memory.writeBytes(this.address(frame), data);
  }

  private check(frame: number): void {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.count || this.refs[frame] === 0) {
      throw new Error(`machine frame ${frame} is not in use (a bug in the overcommit code)`);
    }
  }
}

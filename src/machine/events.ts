/**
 * Time for devices: a queue of future events in cycles, and the bus a
 * device sees (memory for DMA, the clock, a way to raise its interrupt).
 * A disk request "takes" 2,000 cycles because its completion is an event
 * 2,000 cycles ahead; `wfi` skips straight to the next one (ISA.md, "Time").
 */
import type { PhysicalMemory } from "./memory";
import type { DeviceStats } from "./stats";

interface Event {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

export class EventQueue {
  private events: Event[] = [];
  private seq = 0;

  /** Cycle of the earliest event, or Infinity. */
  get next(): number {
    return this.events.length === 0 ? Infinity : this.events[0].at;
  }

  get size(): number {
    return this.events.length;
  }

  schedule(at: number, fire: () => void): void {
    this.events.push({ at, seq: this.seq++, fire });
    // Few events are ever outstanding: a sort keeps order and ties stable.
    this.events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** Fires, in order, every event due at or before `now`. */
  fireDue(now: number): void {
    while (this.events.length > 0 && this.events[0].at <= now) {
      const e = this.events.shift() as Event;
      e.fire();
    }
  }

  clear(): void {
    this.events = [];
  }
}

/**
 * The memory a device reaches by DMA: the machine's RAM, or a VM's
 * guest-physical memory (src/hypervisor/virtual-devices.ts).
 */
export type DmaMemory = Pick<PhysicalMemory, "inRam" | "readBytes" | "writeBytes">;

/** What a device may do to the rest of the machine. */
export interface DeviceBus {
  readonly memory: DmaMemory;
  readonly stats: DeviceStats;
  /** The current cycle. */
  now(): number;
  /** Runs `fire` `delay` cycles from now. */
  schedule(delay: number, fire: () => void): void;
  /** Makes interrupt `cause` (16..19) pending. */
  raise(cause: number): void;
}

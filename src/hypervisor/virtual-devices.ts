/**
 * A VM's devices: the same device models the bare machine has (src/machine
 * devices), one set per VM, reached only through the hypervisor. The guest
 * believes its console sits at guest-physical 0xFFFF0000 and its disk at
 * 0xFFFF1000; no shadow page ever maps those pages, so each access faults
 * and the hypervisor performs it on this VM's device (Silberschatz
 * ch. 16.6.3, "I/O": the VMM emulates the device the guest thinks it
 * drives; Sugerman et al. 2001).
 *
 *   guest store to 0xFFFF0000 --page fault--> hypervisor decodes the sb
 *        --> this VM's Console.write(TX) --> vm.console (its own output)
 *   guest store to DISK COMMAND --> this VM's Disk: DMA into the VM's own
 *        memory only, done on the VM's clock --> virtual DISK interrupt
 *
 * The disk's time is the VM's virtual clock: a request finishes
 * diskLatency + sectors * diskSectorTransfer guest cycles after it was
 * made (the device event queue below), and its interrupt is made pending
 * on the VCPU, delivered when the guest's IE allows, as on bare metal.
 * The paravirtual guest reaches the same disk by hypercall (DISK_START).
 */
import { Console } from "../machine/devices/console";
import { Disk } from "../machine/devices/disk";
import type { BlockDevice } from "../machine/devices/block";
import type { Device } from "../machine/memory";
import { EventQueue, type DeviceBus, type DmaMemory } from "../machine/events";
import type { PhysicalMemory } from "../machine/memory";
import type { DeviceStats } from "../machine/stats";

/** Where a VM's guest-physical memory lies in machine memory. */
export interface GuestRegion {
  /** Machine address of guest-physical 0. */
  readonly base: number;
  readonly size: number;
}

/** A VM's memory as its devices' DMA sees it: guest-physical, confined to the VM. */
export function guestDma(memory: PhysicalMemory, region: GuestRegion, written?: (gpa: number, length: number) => void, touched?: (gpa: number, length: number) => void): DmaMemory {
  const inside = (gpa: number, length: number): boolean => gpa >= 0 && length >= 0 && gpa + length <= region.size;
  return {
    inRam: (gpa, length) => inside(gpa >>> 0, length),
    readBytes: (gpa, length) => {
      touched?.(gpa >>> 0, length);
      return memory.readBytes(region.base + (gpa >>> 0), length);
    },
    writeBytes: (gpa, data) => {
      touched?.(gpa >>> 0, data.length);
      memory.writeBytes(region.base + (gpa >>> 0), data);
      written?.(gpa >>> 0, data.length);
    },
  };
}

export class VirtualDevices {
  readonly console: Console;
  readonly disk: Disk;
  readonly stats: DeviceStats = {
    mmioAccesses: 0, consoleBytes: 0, diskRequests: 0, diskSectors: 0,
    nicFramesSent: 0, nicFramesReceived: 0, nicBytes: 0,
  };
  /** Device work in progress, at guest cycles (the VM's clock). */
  private readonly events = new EventQueue();
  private readonly devices: Device[] = [];

  /**
   * `now` is the VM's virtual clock; `raise` makes a virtual interrupt
   * pending on its VCPU; `disk` is the disk's initial contents.
   */
  constructor(memory: PhysicalMemory, region: GuestRegion, private readonly now: () => number, raise: (cause: number) => void, disk?: Uint8Array | BlockDevice,
    /** Told of every DMA write into the guest (dirty logging: DMA bypasses the MMU). */
    dmaWritten?: (gpa: number, length: number) => void,
    /** Told of every DMA access before it is made (post-copy: a page may still be at the source). */
    dmaTouched?: (gpa: number, length: number) => void) {
    const bus: DeviceBus = {
      memory: guestDma(memory, region, dmaWritten, dmaTouched),
      stats: this.stats,
      now,
      schedule: (delay, fire) => this.events.schedule(now() + delay, fire),
      raise,
    };
    this.console = new Console(bus);
    this.disk = new Disk(bus, disk);
    this.devices.push(this.console, this.disk);
  }

  /** The device covering guest-physical `gpa`, if the VM has one there. */
  deviceAt(gpa: number): Device | undefined {
    const a = gpa >>> 0;
    for (const d of this.devices) if (a >= d.base && a < d.base + d.size) return d;
    return undefined;
  }

  /** Guest cycle of the next device event (a request finishing), or Infinity. */
  get nextEvent(): number {
    return this.events.next;
  }

  /** Finishes every device request due by the VM's clock now. */
  fireDue(): void {
    this.events.fireDue(this.now());
  }
}

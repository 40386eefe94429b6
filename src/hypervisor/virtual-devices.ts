/**
 * A VM's devices: the same device models the bare machine has (src/machine
 * devices), one set per VM, reached only through the hypervisor. The guest
 * believes its console sits at guest-physical 0xFFFF0000; no shadow page
 * ever maps that page, so each access faults and the hypervisor performs
 * it on this VM's console (Silberschatz ch. 16.6.3, "I/O": the VMM
 * emulates the device the guest thinks it drives; Sugerman et al. 2001).
 *
 *   guest store to 0xFFFF0000 --page fault--> hypervisor decodes the sb
 *        --> this VM's Console.write(TX) --> vm.console (its own output)
 */
import { Console } from "../machine/devices/console";
import type { Device } from "../machine/memory";
import type { DeviceBus } from "../machine/events";
import type { PhysicalMemory } from "../machine/memory";
import type { DeviceStats } from "../machine/stats";

export class VirtualDevices {
  readonly console: Console;
  readonly stats: DeviceStats = {
    mmioAccesses: 0, consoleBytes: 0, diskRequests: 0, diskSectors: 0,
    nicFramesSent: 0, nicFramesReceived: 0, nicBytes: 0,
  };
  private readonly devices: Device[] = [];

  /**
   * `now` is the VM's virtual clock; `raise` makes a virtual interrupt
   * pending on its VCPU.
   */
  constructor(memory: PhysicalMemory, now: () => number, raise: (cause: number) => void) {
    const bus: DeviceBus = {
      memory,
      stats: this.stats,
      now,
      schedule: () => { /* the console schedules nothing */ },
      raise,
    };
    this.console = new Console(bus);
    this.devices.push(this.console);
  }

  /** The device covering guest-physical `gpa`, if the VM has one there. */
  deviceAt(gpa: number): Device | undefined {
    const a = gpa >>> 0;
    for (const d of this.devices) if (a >= d.base && a < d.base + d.size) return d;
    return undefined;
  }
}

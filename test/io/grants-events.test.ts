/** Grant tables (map, copy, read-only, revocation) and 2-level event channels. */
import { describe, expect, it } from "vitest";
import { PhysicalMemory } from "../../src/machine/memory";
import { EventChannelPage, EventChannels, GNTST, GTF, GrantTable } from "../../src/io";

function table(): { memory: PhysicalMemory; grants: GrantTable } {
  const memory = new PhysicalMemory(64 * 1024);
  return { memory, grants: new GrantTable(memory, 0x1000, 32, 5) };
}

describe("grant tables", () => {
  it("lets only the named domain reach the page, and writes only if writable", () => {
    const { memory, grants } = table();
    memory.writeBytes(3 * 4096, new Uint8Array([1, 2, 3]));
    grants.grantAccess(7, 0, 3, true);
    expect(grants.copy(7, 0, 0, 3, false)).toEqual(new Uint8Array([1, 2, 3]));
    expect(grants.copy(7, 9, 0, 3, false)).toMatchObject({ status: GNTST.permission_denied });
    expect(grants.copy(7, 0, 0, new Uint8Array([9]), true)).toMatchObject({ status: GNTST.permission_denied, reason: expect.stringContaining("read-only") });
    expect(memory.readByte(3 * 4096)).toBe(1);
    expect(grants.copy(8, 0, 0, 3, false)).toMatchObject({ status: GNTST.bad_gntref });
    expect(grants.copy(99, 0, 0, 3, false)).toMatchObject({ status: GNTST.bad_gntref, reason: expect.stringContaining("no such entry") });
    expect(grants.copy(7, 0, 4000, 200, false)).toMatchObject({ status: GNTST.bad_copy_arg });
  });

  it("refuses a frame outside the granting domain's memory", () => {
    const { grants } = table();
    grants.grantAccess(1, 0, 0x100000, false);
    expect(grants.map(1, 0, true)).toMatchObject({ status: GNTST.bad_page });
  });

  it("marks a mapped entry in use, refuses revocation until it is unmapped", () => {
    const { grants } = table();
    grants.grantAccess(2, 0, 4, false);
    const mapping = grants.map(2, 0, true);
    if ("status" in mapping) throw new Error(mapping.reason);
    expect(grants.entry(2).flags & (GTF.reading | GTF.writing)).toBe(GTF.reading | GTF.writing);
    grants.writeMapped(mapping, 10, new Uint8Array([42]));
    expect(grants.endAccess(2)).toBe(false);
    expect(grants.unmap(mapping.handle)).toBe(GNTST.okay);
    expect(grants.unmap(mapping.handle)).toBe(GNTST.bad_handle);
    expect(() => grants.readMapped(mapping, 0, 1)).toThrow(/after unmap/);
    expect(grants.endAccess(2)).toBe(true);
    expect(grants.map(2, 0, false)).toMatchObject({ status: GNTST.bad_gntref });
    expect(grants.copy(2, 0, 10, 1, false)).toMatchObject({ status: GNTST.bad_gntref });
  });
});

describe("event channels (2-level)", () => {
  function pair(): { channels: EventChannels; guest: EventChannelPage; portA: number; portB: number } {
    const channels = new EventChannels();
    const dom0 = new EventChannelPage(new PhysicalMemory(16 * 1024), 0x1000);
    const guest = new EventChannelPage(new PhysicalMemory(16 * 1024), 0x2000);
    channels.addDomain(0, dom0);
    channels.addDomain(1, guest);
    const { portA, portB } = channels.connect(0, 1);
    return { channels, guest, portA, portB };
  }

  it("raises an upcall only on a 0->1 edge of an unmasked port", () => {
    const { channels, guest, portA, portB } = pair();
    expect(channels.send(0, portA)).toBe(true);
    expect(guest.isPending(portB)).toBe(true);
    expect(channels.send(0, portA)).toBe(false); // already pending: no new edge
    guest.clearUpcallPending();
    guest.clearPending(portB);
    guest.setMask(portB, true);
    expect(channels.send(0, portA)).toBe(false); // masked: "the 'edge' is lost"
    expect(guest.isPending(portB)).toBe(true);
    expect(guest.upcallPending).toBe(false);
    expect(channels.sends).toBe(3);
    expect(channels.upcalls).toBe(1);
  });

  it("stops delivering after close, with an error naming the port", () => {
    const { channels, portA } = pair();
    channels.close(0, portA);
    expect(() => channels.send(0, portA)).toThrow(`domain 0 port ${portA} is not bound`);
  });
});

describe("a VM's slice of machine memory", () => {
  it("addresses guest-physically and refuses what lies outside the slice", async () => {
    const { regionMemory } = await import("../../src/io");
    const machine = new PhysicalMemory(64 * 1024);
    const vm = regionMemory(machine, 16 * 1024, 8 * 1024);
    vm.writeWord(0, 0x12345678);
    expect(machine.readWord(16 * 1024)).toBe(0x12345678);
    expect(vm.inRam(8 * 1024 - 4, 4)).toBe(true);
    expect(vm.inRam(8 * 1024 - 3, 4)).toBe(false);
    expect(() => vm.readBytes(8 * 1024 - 1, 2)).toThrow("outside the domain's 8192 bytes");
    const grants = new GrantTable(vm, 0, 8, 1);
    grants.grantAccess(1, 0, 2, false); // frame 2: past the VM's two pages, inside the machine
    expect(grants.copy(1, 0, 0, 4, false)).toMatchObject({ status: GNTST.bad_page });
  });
});

import { describe, expect, it } from "vitest";
import { GuestOs, OvercommitHost, PAGE_STATE } from "../../../src/memory/overcommit";

function host16(): { host: OvercommitHost; vm: number } {
  const host = new OvercommitHost({ machinePages: 32 });
  const vm = host.addVm({ name: "vm0", pages: 16, reservation: 4 });
  return { host, vm };
}

describe("ballooning, host side (Waldspurger 2002, section 3.2)", () => {
  it("takes back the frames of the pages the driver pins and gives them back on deflate", () => {
    const { host, vm } = host16();
    const guest = new GuestOs(host, vm, 8);
    for (let p = 0; p < 8; p++) guest.access(p, true);
    const freeBefore = host.frames.free;
    host.setBalloonTarget(vm, 10);
    expect(guest.balloonPoll()).toBe(10);
    expect(host.balloonSize(vm)).toBe(10);
    // 8 free guest pages were never backed; 2 more came from the guest's LRU pages
    expect(host.frames.free).toBe(freeBefore + 2);
    for (let p = 0; p < 8; p++) guest.access(p, false);
    expect(guest.stats.mismatches).toBe(0);
    host.setBalloonTarget(vm, 0);
    expect(guest.balloonPoll()).toBe(-10);
    expect(host.balloonSize(vm)).toBe(0);
  });

  it("refuses and counts frames the VM does not own, the same frame twice and a balloon larger than the VM", () => {
    const { host, vm } = host16();
    expect(host.balloonInflate(vm, [-1, 16, 1e9, 2.5])).toBe(0);
    expect(host.refusals["not-owned"]).toBe(4);
    expect(host.balloonInflate(vm, [3, 3])).toBe(1);
    expect(host.balloonInflate(vm, [3])).toBe(0);
    expect(host.refusals.duplicate).toBe(2);
    const all = Array.from({ length: 16 }, (_, i) => i);
    // 16 pages, 4 reserved: the balloon can hold 12 at most
    expect(host.balloonInflate(vm, all)).toBe(11);
    expect(host.balloonSize(vm)).toBe(12);
    expect(host.refusals.oversized).toBe(4);
    expect(host.balloonDeflate(vm, [0, 99])).toBe(1);
    expect(host.refusals["not-owned"]).toBe(5);
    expect(host.pageMap(vm).state[0]).toBe(PAGE_STATE.UNBACKED);
  });

  it("clamps a target above the VM's pages less its reservation", () => {
    const { host, vm } = host16();
    host.setBalloonTarget(vm, 1000);
    expect(host.balloonTarget(vm)).toBe(12);
    expect(() => host.setBalloonTarget(vm, -1)).toThrow(/balloon target for vm0/);
  });
});

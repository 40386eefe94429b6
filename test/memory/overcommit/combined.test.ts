import { describe, expect, it } from "vitest";
import { GuestOs, OvercommitHost, PAGE_STATE, patternPage } from "../../../src/memory/overcommit";

describe("sharing, swapping and ballooning together", () => {
  it("swaps out shared pages and reads them back intact, keeping every frame's reference count", () => {
    const host = new OvercommitHost({ machinePages: 6 });
    const a = host.addVm({ name: "a", pages: 8 });
    const b = host.addVm({ name: "b", pages: 8 });
    for (let p = 0; p < 3; p++) {
      host.fillFromGuestIo(a, p, patternPage(p));
      host.fillFromGuestIo(b, p, patternPage(p));
    }
    host.scanForSharing(100);
    expect(host.frames.free).toBe(3);
    // a's private pages need more frames than are free: shared pages get swapped out too
    for (let p = 3; p < 8; p++) host.write(a, p, 0, 1000 + p);
    expect(host.swap.stats.pageOuts).toBeGreaterThan(0);
    for (let p = 0; p < 3; p++) {
      expect(host.read(a, p, 8)).toBe(new Int32Array(patternPage(p).buffer)[2]);
      expect(host.read(b, p, 8)).toBe(new Int32Array(patternPage(p).buffer)[2]);
    }
    for (let p = 3; p < 8; p++) expect(host.read(a, p, 0)).toBe(1000 + p);
    // every frame in use is referenced exactly as often as pages map it
    const refs = new Map<number, number>();
    for (const vm of [a, b]) {
      const map = host.pageMap(vm);
      for (let p = 0; p < map.pages; p++) if (map.frame[p] >= 0) refs.set(map.frame[p], (refs.get(map.frame[p]) ?? 0) + 1);
    }
    for (const [frame, n] of refs) expect(host.frames.references(frame)).toBe(n);
    expect(host.frames.count - host.frames.free).toBe(refs.size);
  });

  it("lets a guest balloon a page it shares with another VM without touching the other's copy", () => {
    const host = new OvercommitHost({ machinePages: 8 });
    const a = host.addVm({ name: "a", pages: 4 });
    const b = host.addVm({ name: "b", pages: 4 });
    host.fillFromGuestIo(a, 0, patternPage(9));
    host.fillFromGuestIo(b, 0, patternPage(9));
    host.scanForSharing(8);
    const word = host.read(b, 0, 0);
    expect(host.balloonInflate(a, [0])).toBe(1);
    expect(host.pageMap(a).state[0]).toBe(PAGE_STATE.BALLOONED);
    expect(host.read(b, 0, 0)).toBe(word);
    host.write(b, 0, 0, 5); // the last user writes in place, no copy
    expect(host.sharing.stats.copyOnWriteBreaks).toBe(0);
    expect(host.read(b, 0, 0)).toBe(5);
  });

  it("shoots down translations on every frame change", () => {
    const host = new OvercommitHost({ machinePages: 4 });
    const a = host.addVm({ name: "a", pages: 8 });
    const shotDown: number[] = [];
    host.pageMap(a).onRemap = (ppn) => shotDown.push(ppn);
    const guest = new GuestOs(host, a, 8);
    for (let p = 0; p < 8; p++) guest.access(p, true);
    expect(shotDown.length).toBe(host.pageMap(a).remaps);
    expect(shotDown.length).toBeGreaterThanOrEqual(8 + host.swap.stats.pageOuts);
    expect(guest.stats.mismatches).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { OvercommitHost, PAGE_STATE, bruteForceIdentical, patternPage, sharingScenario } from "../../../src/memory/overcommit";

describe("content-based page sharing (Waldspurger 2002, section 4)", () => {
  it("saves exactly as many frames as a brute-force count of identical pages, for identical and diverse VMs", () => {
    for (const identical of [true, false]) {
      const r = sharingScenario({ vms: 8, pagesPerVm: 64, identical, scanRate: 17 });
      expect(r.scanned).toBeGreaterThanOrEqual(8 * 64);
      expect(r.framesSaved).toBe(r.bruteForceSaved);
      expect(r.framesSaved).toBeGreaterThan(0);
      // after sharing, the frames in use plus those saved are the guest pages
      expect(r.host.frames.count - r.host.frames.free + r.framesSaved).toBe(8 * 64);
    }
  });

  it("saves most frames for 8 identical VMs and far fewer for 8 different ones", () => {
    const same = sharingScenario({ vms: 8, pagesPerVm: 64, identical: true });
    const diverse = sharingScenario({ vms: 8, pagesPerVm: 64, identical: false });
    expect(same.savedFraction).toBeGreaterThan(0.5);
    expect(diverse.savedFraction).toBeLessThan(same.savedFraction / 2);
  });

  it("gives a guest that writes to a shared page its own copy; the other VMs see nothing", () => {
    const host = new OvercommitHost({ machinePages: 16 });
    const a = host.addVm({ name: "a", pages: 4 });
    const b = host.addVm({ name: "b", pages: 4 });
    const page = patternPage(42);
    host.fillFromGuestIo(a, 1, page);
    host.fillFromGuestIo(b, 2, page);
    host.scanForSharing(8);
    expect(host.pageMap(a).state[1]).toBe(PAGE_STATE.SHARED);
    expect(host.pageMap(a).frame[1]).toBe(host.pageMap(b).frame[2]);
    const before = host.read(b, 2, 0);
    host.write(a, 1, 0, 0x1234);
    expect(host.read(a, 1, 0)).toBe(0x1234);
    expect(host.read(b, 2, 0)).toBe(before);
    expect(host.pageMap(a).frame[1]).not.toBe(host.pageMap(b).frame[2]);
    expect(host.sharing.stats.copyOnWriteBreaks).toBe(1);
    // the rest of a's page is the copy it shared
    expect(host.read(a, 1, 4)).toBe(host.read(b, 2, 4));
  });

  it("never shares pages whose hashes collide but contents differ, and re-hashes stale hints", () => {
    const host = new OvercommitHost({ machinePages: 8 });
    const a = host.addVm({ name: "a", pages: 2 });
    host.fillFromGuestIo(a, 0, patternPage(1));
    host.scanForSharing(1); // page 0 becomes a hint
    host.write(a, 0, 0, 7); // and then changes: the hint is stale
    host.fillFromGuestIo(a, 1, patternPage(1));
    host.scanForSharing(4);
    expect(host.sharing.savings().framesSaved).toBe(bruteForceIdentical(host));
    expect(host.read(a, 0, 0)).toBe(7);
  });
});

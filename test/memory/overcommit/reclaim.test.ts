import { describe, expect, it } from "vitest";
import { OvercommitHost, adjustedRatio, doublePagingScenario, fundedTargets, idleTaxScenario, reclaimScenario, revocationVictim } from "../../../src/memory/overcommit";

describe("min-funding revocation and the idle memory tax (Waldspurger 2002, section 5)", () => {
  it("computes rho = S / (P (f + k (1 - f))) with f the active fraction and k = 1 / (1 - tau)", () => {
    // S = 100, P = 10, active f = 0.25 (idle 0.75), tau = 0.75 -> k = 4: 100 / (10 * (0.25 + 3)) = 3.0769...
    expect(adjustedRatio({ shares: 100, allocated: 10, idleFraction: 0.75 }, 0.75)).toBeCloseTo(100 / 32.5, 10);
    expect(adjustedRatio({ shares: 100, allocated: 10, idleFraction: 0.75 }, 0)).toBe(10);
    expect(() => adjustedRatio({ shares: 1, allocated: 1, idleFraction: 0 }, 1)).toThrow(/tau/);
  });

  it("takes from the VM with the fewest adjusted shares per page, never below a reservation", () => {
    const vm = { shares: 100, allocated: 10, idleFraction: 0, reservation: 0, limit: 100 };
    expect(revocationVictim([vm, { ...vm, shares: 50 }])).toBe(1);
    expect(revocationVictim([vm, { ...vm, shares: 50, reservation: 10 }])).toBe(0);
    expect(revocationVictim([{ ...vm, reservation: 10 }, { ...vm, reservation: 10 }])).toBe(-1);
    // tau = 0: pure proportional share; 2:1 shares split 30 pages 20:10
    expect(fundedTargets([{ ...vm, shares: 200, demand: 100 }, { ...vm, demand: 100 }], 30, 0)).toEqual([20, 10]);
  });

  it("moves memory from an idle VM to a busy one with the same shares as tau grows", () => {
    const none = idleTaxScenario(0);
    const tax = idleTaxScenario(0.75);
    expect(none.busyPages).toBe(none.idlePages);
    expect(tax.idleIdleFraction).toBeGreaterThan(0.8);
    expect(tax.busyIdleFraction).toBeLessThan(0.5);
    expect(tax.busyPages).toBeGreaterThan(tax.idlePages * 2);
    expect(idleTaxScenario(0.5).idlePages).toBeGreaterThan(tax.idlePages);
  });
});

describe("hypervisor swapping and double paging", () => {
  it("keeps every guest's data under ballooning and under swapping; ballooning costs fewer cycles", () => {
    const balloon = reclaimScenario({ mode: "balloon" });
    const swap = reclaimScenario({ mode: "swap" });
    expect(balloon.mismatches).toBe(0);
    expect(swap.mismatches).toBe(0);
    expect(swap.hypervisorSwapIns).toBeGreaterThan(0);
    expect(balloon.hypervisorSwapOuts).toBe(0);
    expect(swap.cycles / balloon.cycles).toBeGreaterThan(1);
  });

  it("accounts every guest page in exactly one state at every sample", () => {
    for (const mode of ["balloon", "swap"] as const) {
      for (const s of reclaimScenario({ mode }).samples) {
        for (const vm of s.vms) expect(vm.private + vm.shared + vm.ballooned + vm.swapped + vm.unbacked).toBe(256);
        const used = s.vms.reduce((n, vm) => n + vm.private, 0) + s.sharedFrames;
        expect(used + s.free).toBe(320);
      }
    }
  });

  it("traces the anomaly: the guest pages out a page the hypervisor swapped, which is read back to be written again", () => {
    const r = doublePagingScenario();
    expect(r.mismatches).toBe(0);
    expect(r.doublePaging).toBeGreaterThan(0);
    const i = r.trace.findIndex((e) => e.what === "double-paging");
    const ppn = r.trace[i].ppn;
    expect(r.trace.slice(0, i).some((e) => e.what === "hypervisor-swap-out" && e.ppn === ppn)).toBe(true);
  });

  it("backs pages on demand and refuses a reservation larger than the host", () => {
    const host = new OvercommitHost({ machinePages: 4 });
    const a = host.addVm({ name: "a", pages: 8, reservation: 8 });
    for (let p = 0; p < 4; p++) host.write(a, p, 0, p);
    expect(host.frames.free).toBe(0);
    expect(() => host.write(a, 4, 0, 1)).toThrow(/reservation/);
    expect(() => host.read(a, 8, 0)).toThrow(/outside its 8 pages/);
  });
});

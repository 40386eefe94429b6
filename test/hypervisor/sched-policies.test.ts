/**
 * The VCPU scheduling policies, driven over model VCPUs on several PCPUs
 * (src/hypervisor/sched/simulate.ts): each keeps its promise over a long
 * run, and none runs a blocked VCPU (the driver stops a policy that does).
 */
import { describe, expect, it } from "vitest";
import { CreditScheduler, PRI } from "../../src/hypervisor/sched/credit";
import { FairShare } from "../../src/hypervisor/sched/fair-share";
import { CYCLES_PER_MS, type SchedulingPolicy } from "../../src/hypervisor/sched/policy";
import { ProportionalShare } from "../../src/hypervisor/sched/proportional-share";
import { RoundRobin } from "../../src/hypervisor/sched/round-robin";
import { modelVms, simulateScheduling, type ModelVcpu, type SimulationResult } from "../../src/hypervisor/sched/simulate";

const MS = CYCLES_PER_MS;
const SECONDS = 1000 * MS;

/** Each VM's running time as a fraction of the elapsed time (in PCPUs: up to its VCPU count). */
function pcpusUsed(r: SimulationResult, vcpus: readonly ModelVcpu[]): Map<string, number> {
  const used = new Map<string, number>();
  for (const v of vcpus) used.set(v.vm, (used.get(v.vm) ?? 0) + (r.runstate.get(v.id)?.running ?? 0) / r.elapsed);
  return used;
}

const policies: [string, (pcpus: number) => SchedulingPolicy][] = [
  ["round robin", (n) => new RoundRobin(n)],
  ["proportional share", (n) => new ProportionalShare(n)],
  ["fair share", (n) => new FairShare(n)],
  ["credit", (n) => new CreditScheduler(n)],
];

/** Hogs and I/O-bound VCPUs together, some VMs with two VCPUs. */
const mixed = (): ModelVcpu[] => modelVms([
  { vm: "hog", vcpus: 2 },
  { vm: "io-fast", behaviour: { kind: "io", burst: 0.3 * MS, wait: 2 * MS } },
  { vm: "io-slow", behaviour: { kind: "io", burst: 4 * MS, wait: 25 * MS }, vcpus: 2 },
  { vm: "hog-2" },
]);

describe("every policy", () => {
  for (const [name, make] of policies) {
    it(`${name}: never runs a blocked VCPU, and running + runnable + blocked = elapsed for every VCPU`, () => {
      const vcpus = mixed();
      const r = simulateScheduling(make(2), vcpus, { pcpus: 2, duration: 2 * SECONDS });
      for (const v of vcpus) {
        const s = r.runstate.get(v.id);
        expect(s && s.running + s.runnable + s.blocked).toBe(r.elapsed);
        expect(s?.running).toBeGreaterThan(0); // nobody starves
      }
      // Two PCPUs and always something runnable: no PCPU time is lost.
      const running = [...r.runstate.values()].reduce((a, s) => a + s.running, 0);
      expect(running / (2 * r.elapsed)).toBeGreaterThan(0.99);
    });

    it(`${name}: the same inputs give the same trace`, () => {
      const a = simulateScheduling(make(2), mixed(), { pcpus: 2, duration: SECONDS });
      const b = simulateScheduling(make(2), mixed(), { pcpus: 2, duration: SECONDS });
      expect(a.trace.length).toBeGreaterThan(50);
      expect(b.trace).toEqual(a.trace);
    });
  }
});

describe("shares follow weights over a long run", () => {
  // Four one-VCPU VMs on two PCPUs, weights 1:2:3:4: shares of 0.2, 0.4, 0.6 and 0.8 of a PCPU.
  const weights = [1, 2, 3, 4];
  const fair = weights.map((w) => (2 * w) / 10);
  const cases: [string, SchedulingPolicy, (w: number) => object, number][] = [
    ["credit (weight 256 per unit)", new CreditScheduler(2), (w) => ({ weight: 256 * w }), 0.1],
    ["proportional share (500 shares per unit)", new ProportionalShare(2), (w) => ({ shares: 500 * w }), 0.02],
    ["fair share (weight)", new FairShare(2), (w) => ({ weight: w }), 0.02],
  ];
  for (const [name, policy, params, tolerance] of cases) {
    it(`${name}: each VM within ${100 * tolerance}% of its weight's share`, () => {
      const vcpus = modelVms(weights.map((w, i) => ({ vm: `w${w}-${i}`, params: params(w) })));
      const used = [...pcpusUsed(simulateScheduling(policy, vcpus, { pcpus: 2, duration: 6 * SECONDS }), vcpus).values()];
      used.forEach((u, i) => expect(Math.abs(u - fair[i]) / fair[i]).toBeLessThan(tolerance));
    });
  }

  it("round robin ignores weights: equal per VCPU, so a four-VCPU VM gets four times a one-VCPU VM", () => {
    const vcpus = modelVms([{ vm: "small", params: { weight: 4 } }, { vm: "big", vcpus: 4 }]);
    const used = pcpusUsed(simulateScheduling(new RoundRobin(1), vcpus, { pcpus: 1, duration: 3 * SECONDS }), vcpus);
    expect(used.get("small")).toBeCloseTo(0.2, 2);
    expect(used.get("big")).toBeCloseTo(0.8, 2);
  });

  it("fair share divides among VMs first: a four-VCPU VM gets what a one-VCPU VM gets", () => {
    const vcpus = modelVms([{ vm: "small" }, { vm: "big", vcpus: 4 }]);
    const used = pcpusUsed(simulateScheduling(new FairShare(1), vcpus, { pcpus: 1, duration: 3 * SECONDS }), vcpus);
    expect(used.get("small")).toBeCloseTo(0.5, 2);
    expect(used.get("big")).toBeCloseTo(0.5, 2);
  });
});

describe("credit: caps and BOOST", () => {
  it("a capped VM runs no more than its cap, even with the PCPU otherwise idle (to within one 30 ms slice a second)", () => {
    for (const cap of [10, 25, 50]) {
      const vcpus = modelVms([{ vm: "capped", params: { cap } }, { vm: "io", behaviour: { kind: "io", burst: 1 * MS, wait: 20 * MS } }]);
      const r = simulateScheduling(new CreditScheduler(1), vcpus, { pcpus: 1, duration: 20 * SECONDS, sampleEvery: SECONDS });
      // Xen parks a capped VCPU at accounting, every slice: within a second it can be one slice over.
      let before = 0;
      for (const s of r.samples) {
        const ran = (s.running.get(0) as number) - before;
        before = s.running.get(0) as number;
        expect(ran / SECONDS).toBeLessThanOrEqual(cap / 100 + 0.03);
      }
      const total = (r.runstate.get(0)?.running ?? 0) / r.elapsed;
      expect(total).toBeLessThanOrEqual((cap / 100) * 1.02);
      expect(total).toBeGreaterThan((cap / 100) * 0.9);
    }
  });

  it("BOOST: an I/O-bound VM beside CPU hogs runs within a millisecond of waking; without it, it waits for slices", () => {
    const vms = () => modelVms([{ vm: "hog-1" }, { vm: "hog-2" }, { vm: "io", behaviour: { kind: "io", burst: 0.2 * MS, wait: 5 * MS } }]);
    const latency = (boost: boolean) => {
      const r = simulateScheduling(new CreditScheduler(1, { boost }), vms(), { pcpus: 1, duration: 3 * SECONDS });
      const l = r.wakeLatencies.get(2) as number[];
      return { mean: l.reduce((a, b) => a + b, 0) / l.length, wakes: l.length };
    };
    const boosted = latency(true), plain = latency(false);
    expect(boosted.mean).toBeLessThan(1 * MS);
    expect(plain.mean).toBeGreaterThan(10 * boosted.mean);
    expect(boosted.wakes).toBeGreaterThan(5 * plain.wakes); // it gets its work done
  });

  it("no VCPU starves under credit with BOOST: many I/O VMs cannot shut the hogs out", () => {
    const vcpus = modelVms([
      { vm: "hog-1" }, { vm: "hog-2" },
      ...Array.from({ length: 6 }, (_, i) => ({ vm: `io-${i}`, behaviour: { kind: "io" as const, burst: 0.5 * MS, wait: 1 * MS } })),
    ]);
    const used = pcpusUsed(simulateScheduling(new CreditScheduler(2), vcpus, { pcpus: 2, duration: 3 * SECONDS }), vcpus);
    // Eight VMs of equal weight on two PCPUs: a fair share is 0.25 of a PCPU.
    expect(used.get("hog-1")).toBeGreaterThan(0.2);
    expect(used.get("hog-2")).toBeGreaterThan(0.2);
  });

  it("priorities follow credit: a VCPU that blocks and wakes a lot stays BOOSTed, a hog does not", () => {
    const policy = new CreditScheduler(1);
    const [hog, io] = modelVms([{ vm: "hog" }, { vm: "io", behaviour: { kind: "io", burst: 0.1 * MS, wait: 3 * MS } }]);
    simulateScheduling(policy, [hog, io], { pcpus: 1, duration: SECONDS });
    expect(policy.state(io).pri).toBe(PRI.BOOST);
    expect([PRI.UNDER, PRI.OVER]).toContain(policy.state(hog).pri);
    expect(policy.stats.accountings).toBe(33); // one every 30 ms
  });

  it("refuses parameters Xen refuses, naming the VM", () => {
    const [v] = modelVms([{ vm: "web", params: { weight: 0 } }]);
    expect(() => new CreditScheduler(1).add(v, 0)).toThrow(/VM web: weight must be 1-65535/);
    expect(() => new CreditScheduler(1, { tsliceMs: 0 })).toThrow(/tsliceMs must be 1-1000/);
  });
});

describe("proportional share: reservations and limits", () => {
  it("a reservation is met, a limit holds even on an idle host, and the rest goes by shares", () => {
    const vcpus = modelVms([
      { vm: "limited", params: { limit: 0.3 } },
      { vm: "reserved", params: { reservation: 0.6, shares: 500 } },
      { vm: "heavy", params: { shares: 4000 } },
    ]);
    const used = pcpusUsed(simulateScheduling(new ProportionalShare(1), vcpus, { pcpus: 1, duration: 3 * SECONDS }), vcpus);
    expect(used.get("reserved")).toBeGreaterThanOrEqual(0.59);
    // The 0.4 left goes 1000 : 4000.
    expect(used.get("limited")).toBeCloseTo(0.08, 2);
    expect(used.get("heavy")).toBeCloseTo(0.32, 2);
    const alone = modelVms([{ vm: "limited", params: { limit: 0.3 } }]);
    expect(pcpusUsed(simulateScheduling(new ProportionalShare(1), alone, { pcpus: 1, duration: SECONDS }), alone).get("limited")).toBeCloseTo(0.3, 2);
  });

  it("admission control: reservations beyond the host's PCPUs are refused", () => {
    const policy = new ProportionalShare(1);
    const [a, b] = modelVms([{ vm: "a", params: { reservation: 0.7 } }, { vm: "b", params: { reservation: 0.5 } }]);
    policy.add(a, 0);
    expect(() => policy.add(b, 0)).toThrow(/VM b: reservations would total 1.20 PCPUs, more than the host's 1/);
  });
});

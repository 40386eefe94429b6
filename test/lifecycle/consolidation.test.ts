/** Consolidation: first-fit decreasing placement, and the migrations that empty a host. */
import { describe, expect, it } from "vitest";
import { evacuationPlan, firstFitDecreasing, hostLoads } from "../../src/lifecycle";

const vm = (name: string, load: number) => ({ name, load });
const hosts = ["A", "B", "C"].map((name) => ({ name, capacity: 1 }));

describe("first-fit decreasing", () => {
  it("places the largest first on the first host it fits (the example in consolidation.ts)", () => {
    const p = firstFitDecreasing([vm("e", 0.1), vm("c", 0.4), vm("a", 0.7), vm("d", 0.3), vm("b", 0.5)], hosts);
    expect([...p].map(([h, vms]) => `${h}: ${vms.map((v) => v.name).join(" ")}`)).toEqual(["A: a d", "B: b c e", "C: "]);
    expect(hostLoads(p).get("B")).toBeCloseTo(1.0, 12);
  });

  it("packs a list that first fit in arrival order cannot (0.2 x3 would fill A, then each 0.6 needs a host of its own: 4)", () => {
    const loads = [vm("s1", 0.2), vm("s2", 0.2), vm("s3", 0.2), vm("l1", 0.6), vm("l2", 0.6), vm("l3", 0.6)];
    const used = (p: Map<string, unknown[]>) => [...p.values()].filter((v) => v.length > 0).length;
    expect(used(firstFitDecreasing(loads, hosts))).toBe(3);
    expect(() => firstFitDecreasing([vm("big", 1.5)], hosts)).toThrow("VM big (load 1.5) fits on no host");
  });
});

describe("an evacuation plan", () => {
  it("moves every VM off the host to the others, within their capacity", () => {
    const p = firstFitDecreasing([vm("a", 0.5), vm("b", 0.4), vm("c", 0.3), vm("d", 0.3), vm("e", 0.2)], hosts);
    const plan = evacuationPlan(p, hosts, "A");
    expect(plan.map((m) => m.from)).toEqual(plan.map(() => "A"));
    expect(plan.map((m) => m.vm).sort()).toEqual(p.get("A")?.map((v) => v.name).sort());
    const after = new Map([...p].map(([h, vms]) => [h, h === "A" ? [] : [...vms, ...p.get("A")!.filter((v) => plan.some((m) => m.vm === v.name && m.to === h))]]));
    for (const load of hostLoads(after).values()) expect(load).toBeLessThanOrEqual(1 + 1e-9);
    expect(() => evacuationPlan(p, hosts.slice(0, 1), "A")).toThrow(/fits on no host/);
    expect(() => evacuationPlan(p, hosts, "Z")).toThrow("no host Z in the placement");
  });
});

/** `vmlab problem ring`: the indices and notify decisions of a worked example, and seeded variants. */
import { describe, expect, it } from "vitest";
import { generateProblem, ringProblem, simulateRing, type RingStep } from "../../src/courseware/problems";

describe("the ring problem", () => {
  it("works a sequence out as ring.h does, across the 2^32 wrap", () => {
    const s = 2 ** 32 - 2;
    const w = (n: number): number => (s + n) >>> 0;
    const steps: RingStep[] = [
      { kind: "front-push", count: 3 },
      { kind: "back-serve", count: 2 },
      { kind: "back-final-check" },
      { kind: "front-push", count: 1 },
      { kind: "front-final-check" },
      { kind: "back-serve", count: 2 },
      { kind: "back-final-check" },
      { kind: "front-push", count: 2 },
    ];
    expect(simulateRing(s, steps)).toEqual([
      { reqProd: w(3), reqEvent: w(1), rspProd: w(0), rspEvent: w(1), notify: true },
      { reqProd: w(3), reqEvent: w(1), rspProd: w(2), rspEvent: w(1), notify: true },
      // one request still unconsumed: req_event stays
      { reqProd: w(3), reqEvent: w(1), rspProd: w(2), rspEvent: w(1), notify: undefined },
      // the back end has not asked again: no notification
      { reqProd: w(4), reqEvent: w(1), rspProd: w(2), rspEvent: w(1), notify: false },
      { reqProd: w(4), reqEvent: w(1), rspProd: w(2), rspEvent: w(3), notify: undefined },
      { reqProd: w(4), reqEvent: w(1), rspProd: w(4), rspEvent: w(3), notify: true },
      { reqProd: w(4), reqEvent: w(5), rspProd: w(4), rspEvent: w(3), notify: undefined },
      { reqProd: w(6), reqEvent: w(5), rspProd: w(4), rspEvent: w(3), notify: true },
    ]);
  });

  it("gives every seed its own sequence, the same on every run, answers hidden in the question", () => {
    const a = generateProblem("ring", 7);
    expect(generateProblem("ring", 7)).toEqual(a);
    expect(ringProblem(8).data).not.toEqual(a.data);
    const p = ringProblem(7);
    expect(p.question).toContain("?");
    expect(p.solution).not.toContain("?");
    expect(p.question.split("\n")).toHaveLength(p.solution.split("\n").length);
    expect(p.data.start).toBeGreaterThan(2 ** 32 - 7);
    for (const line of p.solution.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    const pushes = p.data.steps.filter((st) => st.kind === "front-push" || st.kind === "back-serve").length;
    expect(pushes).toBeGreaterThan(0);
  });

  it("has pushes that notify and pushes that do not, over the seeds", () => {
    const notifies = new Set<boolean | undefined>();
    for (let seed = 0; seed < 30; seed++) for (const st of ringProblem(seed).answers.states) notifies.add(st.notify);
    expect(notifies).toEqual(new Set([true, false, undefined]));
  });
});

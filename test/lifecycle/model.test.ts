/** The pre-copy model (what a student predicts) and `vmlab problem migration`. */
import { describe, expect, it } from "vitest";
import { predictPrecopy } from "../../src/lifecycle";
import { generateProblem, migrationProblem } from "../../src/courseware/problems";

const PAGE = 4096;
const link = (pagesPerSecond: number): number => pagesPerSecond * PAGE;

describe("predictPrecopy", () => {
  it("works out a converging migration by hand's numbers", () => {
    const p = predictPrecopy({ memoryPages: 1000, bandwidth: link(1000), dirtyRate: 100, workingSet: 1000 });
    expect(p.rounds).toEqual([1000, 100]);
    expect(p.stop).toBe("few-pages-left");
    expect(p.finalPages).toBe(10);
    expect(p.downtimeSeconds).toBeCloseTo(0.01, 12);
    expect(p.totalSeconds).toBeCloseTo(1.11, 12);
    expect(p.bytesSent).toBe(1110 * PAGE);
  });

  it("stops by each of Xen's other rules", () => {
    const faster = predictPrecopy({ memoryPages: 1000, bandwidth: link(1000), dirtyRate: 2000, workingSet: 300 });
    expect(faster).toMatchObject({ rounds: [1000, 300], stop: "dirtying-faster-than-sending", finalPages: 300 });
    expect(faster.downtimeSeconds).toBeCloseTo(0.3, 12);
    const thrice = predictPrecopy({ memoryPages: 1000, bandwidth: link(1000), dirtyRate: 900, workingSet: 1000 });
    expect(thrice).toMatchObject({ rounds: [1000, 900, 810, 729], stop: "sent-3x-memory", finalPages: 656 });
    const long = predictPrecopy({ memoryPages: 100_000, bandwidth: link(1000), dirtyRate: 990, workingSet: 1000 });
    expect(long.stop).toBe("rounds");
    expect(long.rounds).toHaveLength(29);
  });

  it("refuses numbers that are no migration", () => {
    expect(() => predictPrecopy({ memoryPages: 10, bandwidth: 0, dirtyRate: 1, workingSet: 1 })).toThrow(RangeError);
    expect(() => predictPrecopy({ memoryPages: 10, bandwidth: 1, dirtyRate: -1, workingSet: 1 })).toThrow(/dirtyRate -1/);
  });
});

describe("vmlab problem migration", () => {
  it("is the same for a seed, asks with ?, and answers from the model", () => {
    const a = migrationProblem(42);
    expect(generateProblem("migration", 42)).toEqual(a);
    expect(a.answers).toEqual(predictPrecopy(a.data));
    expect(a.question).toContain("How many rounds of pre-copy? ?");
    expect(a.solution).toContain(`How many rounds of pre-copy? ${a.answers.rounds.length}`);
    expect(a.solution).toContain(`stop-and-copy send? ${a.answers.finalPages}`);
    for (const line of a.solution.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("varies with the seed: several stop rules among 60 seeds", () => {
    const stops = new Set(Array.from({ length: 60 }, (_, seed) => migrationProblem(seed).answers.stop));
    expect(stops.size).toBeGreaterThanOrEqual(2);
  });
});

import { describe, expect, it } from "vitest";
import { CLOCK_HZ, COSTS, formatSimulatedTime, perSimulatedSecond, simulatedSeconds } from "../../src/index";

describe("the cost table's clock rate", () => {
  it("turns cycles into simulated seconds at CLOCK_HZ (a cycle is a nanosecond)", () => {
    expect(CLOCK_HZ).toBe(1e9);
    expect(simulatedSeconds(CLOCK_HZ)).toBe(1);
    expect(simulatedSeconds(COSTS.vmExit)).toBeCloseTo(1.5e-6, 15);
    expect(simulatedSeconds(0)).toBe(0);
  });

  it("turns a count over cycles into a rate per simulated second", () => {
    // 1,000 forks in 50 million cycles: 20,000 a second.
    expect(perSimulatedSecond(1_000, 50_000_000)).toBeCloseTo(20_000, 6);
  });

  it("formats simulated time with a unit a reader knows", () => {
    expect(formatSimulatedTime(0)).toBe("0 ns");
    expect(formatSimulatedTime(20)).toBe("20 ns");
    expect(formatSimulatedTime(1_500)).toBe("1.5 µs");
    expect(formatSimulatedTime(2_345_678)).toBe("2.35 ms");
    expect(formatSimulatedTime(3 * CLOCK_HZ)).toBe("3 s");
  });

  it("refuses cycles that are negative or not finite, and a rate over no time", () => {
    expect(() => simulatedSeconds(-1)).toThrow(/cycles must be a finite number >= 0, not -1/);
    expect(() => simulatedSeconds(Number.NaN)).toThrow(/not NaN/);
    expect(() => perSimulatedSecond(5, 0)).toThrow(/cycles must be a finite number > 0, not 0/);
  });
});

import { describe, expect, it } from "vitest";
import { JOBS, MAX_TIMER_SECONDS, parseNumber, parseOptionalNumber, SECONDS } from "../../src/cli/options";

describe("the numeric option parser", () => {
  it("reads decimal, exponent, underscores and (for whole numbers) hex", () => {
    expect(parseNumber("--timeout", "0.5", SECONDS)).toBe(0.5);
    expect(parseNumber("--timeout", "1e3", SECONDS)).toBe(1000);
    expect(parseNumber("--max-cycles", "100_000_000", { min: 1, max: 2 ** 53, integer: true })).toBe(100_000_000);
    expect(parseNumber("--memory", "0x10000", { min: 4096, max: 2 ** 32, integer: true, unit: "bytes" })).toBe(65536);
    expect(parseOptionalNumber("--total-timeout", undefined, SECONDS)).toBeUndefined();
  });

  it("refuses a time limit Node's timers cannot hold, naming the flag and the range", () => {
    expect(() => parseNumber("--timeout", "1e9", SECONDS)).toThrow(
      `--timeout "1e9": expected a number of seconds from 0.001 to ${MAX_TIMER_SECONDS} (about 24 days)`,
    );
    expect(MAX_TIMER_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it.each(["", " ", "12s", "Infinity", "NaN", "0x", "1..2", "--3", "0x10"])("refuses %j as a number of seconds", (text) => {
    expect(() => parseNumber("--timeout", text, SECONDS)).toThrow(/^--timeout ".*": expected a number of seconds/);
  });

  it("refuses fractions, zero and too many where a count is wanted", () => {
    for (const text of ["1.5", "0", "-2", "100000"]) expect(() => parseNumber("--jobs", text, JOBS)).toThrow(`--jobs "${text}": expected a whole number from 1 to 256`);
  });
});

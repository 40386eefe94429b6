/** Numeric flags as commands take them: range-checked with the flag's name and range (src/cli/options.ts). */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseNumber } from "../../src/cli/options";
import { UserError } from "../../src/errors";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");

describe("parseNumber", () => {
  it("reads decimal, 0x hex and _ groups within the range", () => {
    expect(parseNumber("--n", "1_000", { min: 0, max: 10_000, integer: true })).toBe(1000);
    expect(parseNumber("--n", "0x10", { min: 0, max: 100, integer: true })).toBe(16);
  });

  it("refuses what is not a whole number in range, naming the flag, the text and the range", () => {
    for (const text of ["", "-1", "1.5", "0x", "9007199254740993", "11", "12s"]) {
      expect(() => parseNumber("--count", text, { min: 0, max: 10, integer: true })).toThrow(UserError);
    }
    expect(() => parseNumber("--count", "11", { min: 1, max: 10, integer: true, unit: "rounds" })).toThrow('--count "11": expected a whole number of rounds from 1 to 10');
  });
});

describe("vmlab problem's numeric flags", () => {
  it.each([
    [["paging", "--count", "1000000"], '--count "1000000": expected a whole number from 1 to 100'],
    [["tlb", "--count", "0"], '--count "0": expected a whole number from 1 to 100'],
    [["tlb", "--entries", "65"], '--entries "65": expected a whole number from 1 to 64'],
    [["paging", "--seed", "-1"], '--seed "-1": expected a whole number from 0 to 4294967295'],
  ])("vmlab problem %j is refused in one line", (args, message) => {
    const r = spawnSync(process.execPath, [BIN, "problem", ...args], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`vmlab: ${message}`);
  });
});

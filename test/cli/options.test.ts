/** Numeric flags: range-checked with the flag's name and range (src/cli/options.ts). */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseIntegerOption } from "../../src/cli/options";
import { UserError } from "../../src/errors";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");

describe("parseIntegerOption", () => {
  it("reads decimal, 0x hex and _ groups within the range", () => {
    expect(parseIntegerOption("--n", "1_000", { min: 0 })).toBe(1000);
    expect(parseIntegerOption("--n", "0x10", { min: 0 })).toBe(16);
  });

  it("refuses what is not a whole number in range, naming the flag and the range", () => {
    for (const text of ["", "1e3", "-1", "1.5", "0x", "9007199254740993", "11"]) {
      expect(() => parseIntegerOption("--count", text, { min: 0, max: 10 })).toThrow(UserError);
    }
    expect(() => parseIntegerOption("--count", "11", { min: 1, max: 10, unit: "of rounds" })).toThrow('--count wants a whole number of rounds from 1 to 10, not "11"');
  });
});

describe("vmlab problem's numeric flags", () => {
  it.each([
    [["paging", "--count", "1000000"], '--count wants a whole number from 1 to 100, not "1000000"'],
    [["tlb", "--count", "0"], '--count wants a whole number from 1 to 100, not "0"'],
    [["tlb", "--entries", "65"], '--entries wants a whole number from 1 to 64, not "65"'],
    [["paging", "--seed", "-1"], '--seed wants a whole number from 0 to 4294967295, not "-1"'],
  ])("vmlab problem %j is refused in one line", (args, message) => {
    const r = spawnSync(process.execPath, [BIN, "problem", ...args], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`vmlab: ${message}`);
  });
});

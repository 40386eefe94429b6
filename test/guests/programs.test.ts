/**
 * Bare-metal guest programs with inline expectations (clox's `// expect:`):
 * every test/guests/programs/*.s, with lib.s appended, is assembled at 0,
 * run on a bare toy32, and its console output and exit code compared with
 * what its comments state:
 *
 *   # expect: one line of console output (in order; each ends with \n)
 *   # exit: the exit code (a0 at halt), default 0
 *   # reason: how the run ends, default halted (or triple-fault, ...)
 *   # max-cycles: the cycle limit, default 1,000,000
 *   # machine: virtualizable (build the machine so; default the plain one)
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { assemble } from "../../src/machine/assembler";
import { Machine } from "../../src/machine/machine";

const DIR = path.join(__dirname, "programs");
const LIB = fs.readFileSync(path.join(__dirname, "lib.s"), "utf8");

interface Expectations {
  output: string;
  exitCode: number;
  reason: string;
  maxCycles: number;
  virtualizable: boolean;
}

export function parseExpectations(source: string): Expectations {
  const lines: string[] = [];
  let exitCode = 0;
  let reason = "halted";
  let maxCycles = 1_000_000;
  let virtualizable = false;
  for (const line of source.split("\n")) {
    const m = /^\s*#\s*(expect|exit|reason|max-cycles|machine):\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === "expect") lines.push(value);
    else if (key === "exit") exitCode = Number(value);
    else if (key === "reason") reason = value.trim();
    else if (key === "machine") virtualizable = value.trim() === "virtualizable";
    else maxCycles = Number(value);
  }
  return { output: lines.map((l) => `${l}\n`).join(""), exitCode, reason, maxCycles, virtualizable };
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".s")).sort();

describe("bare-metal guest programs", () => {
  it("there is a good set of them", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(file, () => {
      const source = fs.readFileSync(path.join(DIR, file), "utf8");
      const want = parseExpectations(source);
      const program = assemble([{ file, text: source }, { file: "lib.s", text: LIB }]);
      const machine = new Machine({ virtualizable: want.virtualizable });
      machine.load(program);
      const result = machine.run({ maxCycles: want.maxCycles });
      expect(machine.console.output).toBe(want.output);
      expect(result.reason).toBe(want.reason);
      if (want.reason === "halted") expect(result.exitCode).toBe(want.exitCode);
      if (file === "wfi.s") expect(result.stats.idleCycles).toBeGreaterThan(20_000);
    });
  }
});

/**
 * Tiny programs with inline expectations (STYLE.md 10, clox's tests):
 * each programs/*.s states the console output it must print
 * (`# expect: line`, one per line) and its exit code (`# exit: N`).
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { assemble } from "../../src/machine/assembler";
import { Machine } from "../../src/machine/machine";

const DIR = path.join(__dirname, "programs");

describe("programs with inline expectations", () => {
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith(".s")).sort()) {
    it(file, () => {
      const source = fs.readFileSync(path.join(DIR, file), "utf8");
      const expected = [...source.matchAll(/^# expect: ?(.*)$/gm)].map((m) => `${m[1]}\n`).join("");
      const exit = /^# exit: (-?\d+)$/m.exec(source);
      const machine = new Machine();
      machine.load(assemble(source, { file }));
      const result = machine.run({ maxCycles: 1_000_000 });
      expect(result.message).toBeUndefined();
      expect(result.reason).toBe("halted");
      expect(machine.console.output).toBe(expected);
      expect(result.exitCode).toBe(Number(exit?.[1]));
    });
  }
});

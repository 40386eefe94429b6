/**
 * The binary translator: hot guest registers in toy32 registers and the
 * rest spilled, blocks printable beside their RISC-V source, chaining that
 * keeps loops out of the lookup, FENCE.I flushing the cache, misaligned
 * accesses completed after their toy32 trap, and the translation's own
 * cost in the run's toy32 cycles.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseElf, type ElfExecutable } from "../../src/emulation/elf";
import { SEGMENT_LIMIT } from "../../src/emulation/guest-space";
import { Interpreter } from "../../src/emulation/interpreter";
import { Translator } from "../../src/emulation/translator/engine";
import { allocateRegisters, registerUses, HOST_REGISTERS } from "../../src/emulation/translator/registers";
import { COSTS } from "../../src/machine/costs";
import { assemble } from "../../src/machine/assembler";
import { PROGRAMS_DIR } from "./peers";
import { DATA_AT, EXIT, rv, tinyElf } from "./tiny-elf";

const shipped = (name: string): ElfExecutable => {
  const file = path.join(PROGRAMS_DIR, `${name}.elf`);
  return parseElf(fs.readFileSync(file), { file, limit: SEGMENT_LIMIT });
};
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

describe("the translator", () => {
  it("counts each cached block's runs, whose sum over the blocks' lengths is every instruction run", () => {
    const t = new Translator(shipped("sort"));
    const r = t.run();
    const blocks = t.cachedBlocks();
    expect(blocks.reduce((sum, b) => sum + t.runs(b) * b.block.length, 0)).toBe(r.guestInstructions);
    expect(Math.max(...blocks.map((b) => t.runs(b)))).toBeGreaterThan(1000);
    const other = new Translator(shipped("sort"));
    expect(other.runs(blocks[0])).toBe(0);
  });
  it("keeps the ten registers the code names most in toy32 registers, and spills the rest", () => {
    const uses = registerUses(shipped("fib"));
    const map = allocateRegisters(uses);
    expect(map.size).toBe(HOST_REGISTERS.length);
    const hottest = uses.map((n, reg) => [n, reg]).filter(([, reg]) => reg !== 0).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 10).map(([, reg]) => reg);
    expect([...map.keys()]).toEqual(hottest);
    expect(map.has(2)).toBe(true); // sp
    expect(map.has(0)).toBe(false);
    expect(new Set(map.values()).size).toBe(10);
  });

  it("runs the shipped programs as the interpreter does, in a fraction of its cycles", () => {
    for (const name of ["sort", "sieve", "fib"]) {
      const translated = new Translator(shipped(name)).run();
      const interpreted = new Interpreter(shipped(name)).run();
      expect(text(translated.stdout)).toBe(text(interpreted.stdout));
      expect(translated.status).toBe(interpreted.status);
      expect(translated.byClass).toEqual(interpreted.byClass);
      expect(translated.cyclesPerInstruction, name).toBeLessThan(4);
      expect(translated.cycles * 5).toBeLessThan(interpreted.cycles);
    }
  });

  it("charges the translation's cost to the toy32 clock", () => {
    const t = new Translator(shipped("hello"));
    const r = t.run();
    const s = t.statistics();
    expect(s.translationCycles).toBe(COSTS.translateInstruction * s.instructionsTranslated);
    expect(r.cycles).toBeGreaterThan(s.translationCycles);
    expect(s.instructionsTranslated).toBeGreaterThanOrEqual(r.guestInstructions - 2); // hello runs each instruction about once
  });

  it("chains blocks: a loop's back edge jumps straight to its block, with no lookup", () => {
    const t = new Translator(shipped("sieve"));
    const r = t.run();
    const s = t.statistics();
    expect(s.chained).toBeGreaterThan(s.blocksTranslated * 0.8);
    expect(s.lookups).toBeLessThan(r.guestInstructions / 100);
    expect(s.misses).toBe(s.blocksTranslated);
  });

  it("prints each block as toy32 code under the RISC-V instructions it came from", () => {
    const t = new Translator(shipped("sort"));
    t.run();
    const blocks = t.cachedBlocks();
    expect(blocks.length).toBe(t.statistics().blocksTranslated);
    const first = blocks.find((b) => b.block.pc === t.exe.entry);
    expect(first?.block.source).toMatch(/^# block 0x0001\w{4}: count its runs\n/);
    expect(first?.block.source).toMatch(/^# 0x0001\w{4} {2}auipc gp,0x\w+\n {4}li (r\d+|k0), 0x\w+$/m);
    for (const b of blocks) {
      expect(b.block.source.split("\n").filter((l) => /^# 0x/.test(l)).length).toBe(b.block.length);
      expect(b.program.image.length).toBe(b.bytes);
    }
  });

  it("encodes every block as the toy32 assembler assembles its printed source", () => {
    for (const name of ["sort", "fib", "selfmod"]) {
      const t = new Translator(shipped(name));
      t.run();
      for (const b of t.cachedBlocks()) {
        const reference = assemble([{ file: "block.s", text: b.block.source }], { origin: b.address });
        expect(Buffer.from(b.program.image).equals(Buffer.from(reference.image)), `${name} block ${b.block.pc.toString(16)}`).toBe(true);
        expect(b.program.symbols).toEqual(reference.symbols);
      }
    }
  });

  it("drops its translations at FENCE.I, so code the program wrote runs", () => {
    const t = new Translator(shipped("selfmod"));
    const r = t.run();
    expect(text(r.stdout)).toBe("sum of patched results 55\n");
    expect(t.statistics().flushes).toBe(10);
  });

  it("completes a misaligned lw and sw after toy32's MISALIGNED trap", () => {
    const code = [
      rv("lui", { rd: 9, imm: DATA_AT }),
      rv("lw", { rd: 10, rs1: 9, imm: 1 }), // 0x55443322
      rv("sw", { rs1: 9, rs2: 10, imm: 6 }),
      rv("lw", { rd: 11, rs1: 9, imm: 6 }),
      rv("sub", { rd: 10, rs1: 10, rs2: 11 }), // 0 if the round trip kept the value
      rv("lbu", { rd: 12, rs1: 9, imm: 9 }), // 0x44 of the stored word
      rv("add", { rd: 10, rs1: 10, rs2: 12 }),
      ...EXIT,
    ];
    const data = Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0, 0, 0, 0);
    const t = new Translator(parseElf(tinyElf(code, data), { file: "t.elf", limit: SEGMENT_LIMIT }));
    expect(t.run().status).toBe(0x55);
    expect(t.statistics().misalignedEmulated).toBe(3);
    expect(new Interpreter(parseElf(tinyElf(code, data), { file: "t.elf", limit: SEGMENT_LIMIT })).run().status).toBe(0x55);
  });
});

/**
 * `vmlab problem riscv`: seeded RV32I words to decode by hand. The answers
 * are held against GNU objdump (gcc-riscv64-unknown-elf's binutils) reading
 * the same words at the same pc, the fields against the spec's bit
 * positions, and the block against the rule that a branch or jal ends it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { decodeByHand, generateProblem, riscvProblem } from "../../src/courseware/problems";
import { runTool, tempDir } from "../emulation/peers";

const VMLAB = path.join(__dirname, "..", "..", "bin", "vmlab.js");

/** objdump -M no-aliases of `words` at `pc`, one line per word (targets as bare hex, as in an executable's dump). */
function objdump(words: readonly number[], pc: number): string[] {
  const dir = tempDir("vmlab-riscv-problem-");
  try {
    const file = path.join(dir, "words.bin");
    const bytes = Buffer.alloc(4 * words.length);
    words.forEach((w, i) => bytes.writeUInt32LE(w >>> 0, 4 * i));
    fs.writeFileSync(file, bytes);
    const dump = runTool("riscv64-unknown-elf-objdump", ["-D", "-b", "binary", "-m", "riscv:rv32", "-M", "no-aliases", `--adjust-vma=0x${pc.toString(16)}`, file]).stdout.toString("utf8");
    return [...dump.matchAll(/^\s+[0-9a-f]+:\s+[0-9a-f]{8}[ \t]+(\S+)(?:[ \t]+(\S+))?/gm)].map(([, m, ops]) => (ops ? `${m} ${ops.replace(/0x([0-9a-f]+)$/, (_, t: string) => (/^[bj]/.test(m) ? t : `0x${t}`))}` : m));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("vmlab problem riscv", () => {
  it("decodes every word as objdump reads it, on 40 seeds", () => {
    for (let seed = 0; seed < 40; seed++) {
      const { data, answers } = riscvProblem(seed);
      expect(answers.decoded.map((d) => d.assembly), `seed ${seed}`).toEqual(objdump(data.words, data.pc));
    }
  });

  it("gives the raw fields at the spec's bit positions, and only the operands the format has", () => {
    const word = 0x40d605b3; // sub a1, a2, a3: funct7 0x20, rs2 13, rs1 12, funct3 0, rd 11, opcode 0x33
    expect(decodeByHand(word, 0)).toEqual({
      fields: { opcode: 0x33, rd: 11, funct3: 0, rs1: 12, rs2: 13, funct7: 0x20 },
      format: "R", mnemonic: "sub", operands: { rd: 11, rs1: 12, rs2: 13 }, assembly: "sub a1,a2,a3",
    });
    const store = decodeByHand(0xfe112e23, 0x100); // sw ra,-4(sp): imm[11:5] 0x7f, imm[4:0] 0x1c
    expect(store?.operands).toEqual({ rs1: 2, rs2: 1, imm: -4 });
    expect(decodeByHand(0xffffffff, 0)).toBeUndefined();
  });

  it("ends the block at its one branch or jal, whose exits are the target and (a branch's) fall-through", () => {
    for (let seed = 0; seed < 200; seed++) {
      const { data, answers } = riscvProblem(seed);
      const enders = answers.decoded.map((d, i) => (d.format === "B" || d.mnemonic === "jal" ? i : -1)).filter((i) => i >= 0);
      expect(enders, `seed ${seed}`).toEqual([answers.blockLength - 1]);
      expect(answers.blockLength).toBeLessThan(data.words.length);
      const end = answers.decoded[answers.blockLength - 1];
      const endPc = data.pc + 4 * (answers.blockLength - 1);
      const expected = end.mnemonic === "jal" ? [endPc + (end.operands.imm as number)] : [endPc + (end.operands.imm as number), endPc + 4];
      expect(answers.exits, `seed ${seed}`).toEqual(expected);
    }
  });

  it("fixes seed 42 (a change here changes every student's variant) and is the same through the command", () => {
    const p = riscvProblem(42);
    expect(p.data).toEqual({ pc: 0x107b8, words: [0x3ee40783, 0x0103c533, 0x5650f993, 0x4019d133, 0x01936863, 0xfdb316a3] });
    expect([p.answers.blockLength, p.answers.exits]).toEqual([5, [0x107d8, 0x107cc]]);
    const json = JSON.parse(execFileSync(process.execPath, [VMLAB, "problem", "riscv", "--seed", "42", "--answers", "--json"], { encoding: "utf8" }));
    expect(json).toEqual(JSON.parse(JSON.stringify({ kind: "riscv", seed: 42, title: p.title, data: p.data, answers: p.answers })));
    expect(generateProblem("riscv", 43).question).not.toBe(p.question);
  });

  it("prints no answers without --answers, and all of them with it", () => {
    const question = execFileSync(process.execPath, [VMLAB, "problem", "riscv", "--seed", "42"], { encoding: "utf8" });
    expect(question).toContain("0x000107b8: 0x3ee40783");
    expect(question).not.toMatch(/lb a5|bltu|0x000107d8/);
    const solution = execFileSync(process.execPath, [VMLAB, "problem", "riscv", "--seed", "42", "--answers"], { encoding: "utf8" });
    expect(solution).toContain("as objdump -M no-aliases prints it: bltu t1,s9,107d8");
    expect(solution).toContain("exits)? 0x000107d8, 0x000107cc");
    expect(solution).not.toContain("?  ");
  });

  it("refuses a seed that is not a 32-bit integer", () => {
    expect(() => riscvProblem(-1)).toThrow(/seed -1/);
    expect(() => riscvProblem(1.5)).toThrow(/seed 1.5/);
  });
});

import { describe, expect, it } from "vitest";
import { assemble } from "../../src/machine/assembler";
import { disassemble, disassembleImage } from "../../src/machine/disassembler";
import { CSR_NAMES, INSTRUCTIONS, REGISTER_NAMES, type InstructionSpec, type Operand } from "../../src/machine/isa";
import { asmWords, words } from "./asm-helpers";

const PC = 0x4000;

/** A line for one table entry, with operands that vary from entry to entry. */
function sampleLine(spec: InstructionSpec, i: number): string {
  const reg = (k: number): string => (k % 2 === 0 ? REGISTER_NAMES[(i * 5 + k * 3 + 1) % 16] : `r${(i * 7 + k) % 16}`);
  const operand = (kind: Operand, k: number): string => {
    switch (kind) {
      case "rd": case "rs1": case "rs2": return reg(k);
      case "imm": return spec.immediate === "zero" ? `0x${(0xfff0 - i * 251).toString(16)}` : String(i % 2 ? -1 - i * 977 : i * 613);
      case "mem": return `${i % 2 ? -4 * i : 8 * i}(${reg(k)})`;
      case "csr": return i % 2 ? CSR_NAMES[i % CSR_NAMES.length] : String(i % CSR_NAMES.length);
      case "label": return `0x${(PC + (i % 2 ? -4 : 4) * (i * 41)).toString(16)}`;
    }
  };
  return `${spec.mnemonic} ${spec.operands.map(operand).join(", ")}`.trim();
}

describe("the round trip through the disassembler, for EVERY instruction in the table", () => {
  it.each(INSTRUCTIONS.map((spec, i) => [spec.mnemonic, sampleLine(spec, i)]))("%s: %s", (_m, line) => {
    const [word] = asmWords(line, PC);
    const text = disassemble(word, PC);
    expect(text.split(" ")[0]).toBe(line.split(" ")[0]);
    expect(asmWords(text, PC), text).toEqual([word]);
  });
});

describe("canonical text", () => {
  it.each([
    [0x01123000, "add a0, a1, a2"],
    [0x105dfffc, "addi t0, sp, -4"],
    [0x1211beef, "ori a0, a0, 0xbeef"],
    [0x18101234, "lui a0, 0x1234"],
    [0x206d0008, "lw t1, 8(sp)"],
    [0x23d6fffc, "sw t1, -4(sp)"],
    [0x50500002, "csrr t0, CAUSE"],
    [0x51010004, "csrw TVEC, a0"],
    [0x390e0000, "jalr zero, ra, 0"],
    [0x53000000, "halt"],
    [0x56010000, "tlbinv a0"],
    [0x5050ffff, "csrr t0, 65535"],
  ])("%s is %s", (word, text) => {
    expect(disassemble(word)).toBe(text);
  });

  it("shows branch and jal targets as absolute hex addresses", () => {
    expect(disassemble(0x30120002, 0x100)).toBe("beq a0, a1, 0x00000108");
    expect(disassemble(0x38efffff, 0x1000)).toBe("jal ra, 0x00000ffc");
  });

  it("names a target from the symbols map when it has one", () => {
    const symbols = new Map([["loop", 0x100]]);
    expect(disassemble(0x3110ffff, 0x104, symbols)).toBe("bne a0, zero, loop");
    expect(disassemble(0x3110fffe, 0x104, symbols)).toBe("bne a0, zero, 0x000000fc");
  });

  it("shows undecodable words as .word, marked illegal", () => {
    expect(disassemble(0)).toBe(".word 0x00000000  # illegal");
    expect(disassemble(0xffffffff)).toBe(".word 0xffffffff  # illegal");
    expect(disassemble(0x7f000000)).toBe(".word 0x7f000000  # illegal");
  });
});

describe("disassembleImage", () => {
  it("lists each word with its address and labels on their own lines", () => {
    const p = assemble("_start: li a0, 3\nloop: addi a0, a0, -1\n bnez a0, loop\n halt\n.byte 7", { origin: 0x200 });
    expect(disassembleImage(p.image, p.origin, p.symbols)).toEqual([
      "_start:",
      "00000200  10100003  addi a0, zero, 3",
      "loop:",
      "00000204  1011ffff  addi a0, a0, -1",
      "00000208  3110ffff  bne a0, zero, loop",
      "0000020c  53000000  halt",
      "00000210            .byte 0x07",
    ]);
  });

  it("reassembles a whole program to the same image", () => {
    const p = assemble("_start: la t0, x\n call f\n halt\nf: push ra\n pop ra\n ret\nx: .word 0x10000000", { origin: 0x1000 });
    const text = disassembleImage(p.image, p.origin).map((l) => l.slice(20)).join("\n");
    expect(words(assemble(text, { origin: 0x1000 }))).toEqual(words(p));
  });
});

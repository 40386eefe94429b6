import { describe, expect, it } from "vitest";
import { assemble, formatListing } from "../../src/machine/assembler";
import { asmWords, words } from "./asm-helpers";

describe("encodings of every format, against hand-computed words", () => {
  it.each([
    // R: op | rd<<20 | rs1<<16 | rs2<<12
    ["add a0, a1, a2", 0x01123000],
    ["sltu r15, r0, r14", 0x0df0e000],
    // I: op | rd<<20 | rs1<<16 | imm16
    ["addi t0, sp, -4", 0x105dfffc],
    ["addi t0, sp, 32767", 0x105d7fff],
    ["ori a0, a0, 0xbeef", 0x1211beef],
    ["andi a0, a0, 65535", 0x1111ffff],
    ["lui a0, 0x1234", 0x18101234],
    ["shli t1, t1, 3", 0x14660003],
    ["jalr zero, ra, 0", 0x390e0000],
    ["jalr ra, t0, -8", 0x39e5fff8],
    // loads are I with imm(rs1)
    ["lw t1, 8(sp)", 0x206d0008],
    ["lbu a0, (a1)", 0x22120000],
    ["lb a0, -1(a1)", 0x2112ffff],
    // S: op | rs1<<20 | rs2<<16 | imm16 (sw rs2, imm(rs1))
    ["sw t1, -4(sp)", 0x23d6fffc],
    ["sb a0, 3(t0)", 0x24510003],
    // CSRs keep their number in imm16
    ["csrr t0, CAUSE", 0x50500002],
    ["csrr t0, epc", 0x50500001],
    ["csrr t0, 11", 0x5050000b],
    ["csrw TVEC, a0", 0x51010004],
    // no-operand and one-register system instructions
    ["sys", 0x40000000],
    ["halt", 0x53000000],
    ["tlbinv a0", 0x56010000],
    ["pushf t0", 0x60500000],
    ["popf a1", 0x61020000],
    ["sptb a2", 0x62300000],
  ])("%s = %s", (source, word) => {
    expect(asmWords(source)).toEqual([word]);
  });

  it("encodes branches as instruction counts from the branch: forward, backward, self", () => {
    const w = asmWords(`
      top: beq a0, a1, ahead    # +2 instructions
           bne a0, zero, top    # -1
      ahead: bltu t0, t1, ahead # 0
    `);
    expect(w).toEqual([0x30120002, 0x3110ffff, 0x34560000]);
  });

  it("encodes jal's 20-bit offset, and a number operand is an absolute target", () => {
    expect(asmWords("jal ra, 0x100")).toEqual([0x38e00040]);
    expect(asmWords("jal ra, 0x0ffc", 0x1000)).toEqual([0x38efffff]);
    expect(asmWords("jal zero, 0x200000 - 4")).toEqual([0x3807ffff]);
    expect(asmWords("beq a0, a0, 0x1000 + 0x20", 0x1000)).toEqual([0x30110008]);
  });

  it("accepts registers as r0-r15 and ABI names, in any case", () => {
    expect(asmWords("add r1, r2, r3")).toEqual(asmWords("add a0, a1, a2"));
    expect(asmWords("add SP, Ra, K0")).toEqual(asmWords("add r13, r14, r15"));
  });

  it("accepts mnemonics in upper case", () => {
    expect(asmWords("ADD a0, a1, a2")).toEqual([0x01123000]);
  });
});

describe("labels, entry and symbols", () => {
  it("resolves forward references and reports every label's address", () => {
    const p = assemble(`
        j end
        nop
      end: halt
    `);
    expect(words(p)).toEqual([0x38000002, 0x10000000, 0x53000000]);
    expect(p.symbols.get("end")).toBe(8);
  });

  it("lets several labels and a statement share a line", () => {
    const p = assemble("a: b: c: halt\nd:\n halt");
    expect([...p.symbols.entries()]).toEqual([["a", 0], ["b", 0], ["c", 0], ["d", 4]]);
  });

  it("starts at _start when defined, else at the origin", () => {
    expect(assemble("nop\n_start: halt", { origin: 0x100 }).entry).toBe(0x104);
    expect(assemble("halt", { origin: 0x100 }).entry).toBe(0x100);
  });

  it("keeps .equ names out of symbols, in constants, and usable in expressions", () => {
    const p = assemble(".equ SIZE, 16\n.equ NEG, -SIZE\nli a0, SIZE");
    expect(p.symbols.has("SIZE")).toBe(false);
    expect([...p.constants]).toEqual([["SIZE", 16], ["NEG", -16]]);
    expect(words(p)).toEqual([0x10100010]);
  });
});

describe("directives", () => {
  it(".org moves forward, zero-filling the gap; .org below the counter is an error", () => {
    const p = assemble("halt\n.org 0x10\nhalt");
    expect(words(p)).toEqual([0x53000000, 0, 0, 0, 0x53000000]);
    expect(p.end).toBe(0x14);
  });

  it(".data is placed after .text, aligned to 4, whatever the source order", () => {
    const p = assemble(`
      .data
      v: .word 7
      .text
      _start: lw a0, 0(zero)
      .byte 1
    `);
    expect(p.textEnd).toBe(5);
    expect(p.symbols.get("v")).toBe(8);
    expect(p.end).toBe(12);
    expect([...p.image]).toEqual([0x00, 0x00, 0x10, 0x20, 1, 0, 0, 0, 7, 0, 0, 0]);
  });

  it("switching sections back and forth keeps each section's own counter", () => {
    const p = assemble(".data\na: .byte 1\n.text\n nop\n.data\nb: .byte 2\n.text\n halt");
    expect(p.symbols.get("a")).toBe(8);
    expect(p.symbols.get("b")).toBe(9);
    expect([...p.image.subarray(8)]).toEqual([1, 2]);
    expect(words(p).slice(0, 2)).toEqual([0x10000000, 0x53000000]);
  });

  it(".word holds lists, labels and expressions, little-endian; negative words wrap", () => {
    const p = assemble("x: .word 1, x + 4, -1, 0xdeadbeef");
    expect(words(p)).toEqual([1, 4, 0xffffffff, 0xdeadbeef]);
  });

  it(".byte, .ascii and .asciz with escapes", () => {
    const p = assemble(`.byte 1, -1, 'A', '\\n'\n.ascii "a\\tb"\n.asciz "\\"\\\\\\0"`);
    expect([...p.image]).toEqual([1, 0xff, 65, 10, 97, 9, 98, 34, 92, 0, 0]);
  });

  it("does not treat # or ; inside literals as comments", () => {
    const p = assemble(`.ascii "a#b;c" # comment\n.byte '#', ';' ; comment`);
    expect(String.fromCharCode(...p.image)).toBe("a#b;c#;");
  });

  it(".space reserves zeros and .align pads to a power of two", () => {
    const p = assemble(".byte 9\n.space 2\n.align 8\nhere: .byte 5");
    expect([...p.image]).toEqual([9, 0, 0, 0, 0, 0, 0, 0, 5]);
    expect(p.symbols.get("here")).toBe(8);
  });

  it("aligns the data base to the largest .align inside .data", () => {
    const p = assemble("nop\n.data\n.align 16\nt: .word 1");
    expect(p.symbols.get("t")).toBe(16);
  });

  it(".equ may refer to later names and to other .equ names", () => {
    const p = assemble(".equ B, A * 2\n.equ A, 3\n.word B, A, after\nafter:");
    expect(words(p)).toEqual([6, 3, 12]);
  });
});

describe("expressions", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["1 << 4 | 1", 17],
    ["0xff & 0b1010 + 1", 11],
    ["-(3) + 10", 7],
    ["--5", 5],
    ["~0 & 0xf", 15],
    ["0x80 >> 4", 8],
    ["-16 >> 2", -4],
    ["'a' + 1", 98],
    ["1_000", 1000],
  ])("%s = %d", (expr, value) => {
    expect(asmWords(`.word ${expr}`)).toEqual([value >>> 0]);
  });
});

describe("pseudo-instructions expand as documented", () => {
  const same = (pseudo: string, real: string): void => {
    expect(asmWords(pseudo), pseudo).toEqual(asmWords(real));
  };

  it("li: one addi when the value is known and fits 16 bits signed", () => {
    same("li a0, -32768", "addi a0, zero, -32768");
    same(".equ K, 100\nli a0, K", "addi a0, zero, 100");
    expect(asmWords("li a0, 32768")).toEqual([0x18100000, 0x12118000]);
    expect(asmWords("li a0, -1")).toEqual([0x1010ffff]);
    expect(asmWords("li a0, 0xdeadbeef")).toEqual([0x1810dead, 0x1211beef]);
    expect(asmWords("li a0, -100000")).toEqual([0x1810fffe, 0x12117960]);
  });

  it("li: two words for a forward reference, even if the value turns out small", () => {
    expect(asmWords("li a0, K\n.equ K, 5")).toEqual([0x18100000, 0x12110005]);
  });

  it("la: always lui + ori", () => {
    expect(asmWords("la t0, x\nx: .word 0")).toEqual([0x18500000, 0x12550008, 0]);
  });

  it("the register pseudo-instructions", () => {
    same("mv a0, a1", "addi a0, a1, 0");
    same("not a0, a1", "sub a0, zero, a1\naddi a0, a0, -1");
    same("neg a0, a1", "sub a0, zero, a1");
    same("nop", "addi zero, zero, 0");
    same("ret", "jalr zero, ra, 0");
    same("push s0", "addi sp, sp, -4\nsw s0, 0(sp)");
    same("pop s0", "lw s0, 0(sp)\naddi sp, sp, 4");
  });

  it("jumps and branches, with bgt and ble swapping their operands", () => {
    same("x: j x", "x: jal zero, x");
    same("x: call x", "x: jal ra, x");
    same("x: beqz t0, x", "x: beq t0, zero, x");
    same("x: bnez t0, x", "x: bne t0, zero, x");
    same("x: bgt t0, t1, x", "x: blt t1, t0, x");
    same("x: ble t0, t1, x", "x: bge t1, t0, x");
  });

  it("computes each expanded instruction's branch offset from its own pc", () => {
    same("nop\nli t0, far\nbeqz t0, 0\n.equ far, 0x12345", "nop\nlui t0, 1\nori t0, t0, 0x2345\nbeq t0, zero, 0");
  });
});

describe("listing", () => {
  it("records every source line with its address and bytes", () => {
    const p = assemble("start:\n  li a0, 0x12345678 # big\n.data\ns: .asciz \"hi\"", { file: "l.s" });
    expect(p.listing.map((l) => [l.line, l.address, l.bytes.length, l.kind])).toEqual([
      [1, 0, 0, "none"], [2, 0, 8, "code"], [3, 8, 0, "none"], [4, 8, 3, "data"],
    ]);
    expect(p.listing[3]).toMatchObject({ file: "l.s", source: 's: .asciz "hi"', bytes: [104, 105, 0] });
  });

  it("formats addresses, words for code, bytes for data, then the source", () => {
    const text = formatListing(assemble("  li a0, 0x12345678\n.byte 1, 2"));
    expect(text.split("\n")).toEqual([
      "00000000  18101234     1    li a0, 0x12345678",
      "00000004  12115678",
      "00000008  01 02        2  .byte 1, 2",
    ]);
  });
});

describe("several files assembled as one program", () => {
  const files = [
    { file: "main.s", text: "main: call helper\n  halt" },
    { file: "lib.s", text: "helper: li a0, 7\n  ret" },
  ];

  it("shares labels across files, in order", () => {
    const p = assemble(files);
    expect(p.symbols.get("helper")).toBe(8);
    expect(words(p)).toEqual([0x38e00002, 0x53000000, 0x10100007, 0x390e0000]);
  });

  it("lists each line under its own file and line number", () => {
    const p = assemble(files);
    expect(p.listing.map((l) => `${l.file}:${l.line}`)).toEqual(["main.s:1", "main.s:2", "lib.s:1", "lib.s:2"]);
    expect(formatListing(p).split("\n")).toEqual([
      "# main.s",
      "00000000  38e00002     1  main: call helper",
      "00000004  53000000     2    halt",
      "# lib.s",
      "00000008  10100007     1  helper: li a0, 7",
      "0000000c  390e0000     2    ret",
    ]);
  });
});

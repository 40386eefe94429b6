import { describe, expect, it } from "vitest";
import { AssemblyError, assemble } from "../../src/machine/assembler";
import { UserError } from "../../src/errors";
import { errorOf } from "./asm-helpers";

describe("error reports", () => {
  it("read like a compiler's: file:line:col: error:, the line, a caret under the column", () => {
    expect(errorOf("  nop\n  add a0, a1, a9\n", "k.s")).toBe([
      "k.s:2:15: error: unknown register 'a9'; did you mean 'a0'?",
      "      add a0, a1, a9",
      "                  ^",
    ].join("\n"));
  });

  it("keeps tabs in the caret line so the caret lines up", () => {
    expect(errorOf("\tadd\ta0, a1, a9").split("\n")[2]).toBe("    \t   \t        ^");
  });

  it("reports every error of the file, in line order, as one UserError", () => {
    let caught: unknown;
    try {
      assemble("  ad a0, a1, a2\n  nop\n  j nowhere\n  li a0\n  .wrod 1\n", { file: "m.s" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AssemblyError);
    expect(caught).toBeInstanceOf(UserError);
    const diagnostics = (caught as AssemblyError).diagnostics;
    expect(diagnostics.map((d) => [d.line, d.column])).toEqual([[1, 3], [3, 5], [4, 3], [5, 3]]);
    expect(diagnostics[0]).toMatchObject({ file: "m.s", sourceLine: "  ad a0, a1, a2" });
  });
});

describe("what each error says", () => {
  const messageOf = (source: string): string => errorOf(source).split("\n")[0].replace(/^t\.s:\d+:\d+: error: /, "");

  it.each([
    ["unknown mnemonic, with a suggestion", "  mov a0, a1", "unknown instruction 'mov'; did you mean 'mv'?"],
    ["misspelt mnemonic", "  addd a0, a1, a2", "unknown instruction 'addd'; did you mean 'add'?"],
    ["unknown mnemonic, nothing close", "  frobnicate a0", "unknown instruction 'frobnicate'"],
    ["a label without its colon", "  loop", "unknown instruction 'loop' (a label needs a colon: 'loop:')"],
    ["wrong operand count", "  add a0, a1", "add takes rd, rs1, rs2; got 2 operands"],
    ["operands given to one that takes none", "  halt a0", "halt takes no operands; got 1 operand"],
    ["memory operand syntax in the count message", "  sw a0", "sw takes rs2, imm(rs1); got 1 operand"],
    ["pseudo-instruction operand count", "  li a0", "li takes rd, imm; got 1 operand"],
    ["not a register", "  add a0, a1, 5", "expected a register, got '5'"],
    ["pc is not a register", "  mv a0, pc", "pc is not a general register"],
    ["not a memory operand", "  lw a0, label", "expected a memory operand imm(rs1), got 'label'"],
    ["unknown CSR, with a suggestion", "  csrr a0, EPCC", "unknown CSR 'EPCC'; did you mean 'EPC'?"],
    ["undefined symbol, with a suggestion", "loop: j lop", "undefined symbol 'lop'; did you mean 'loop'?"],
    ["duplicate label, naming the first", "x: nop\n\nx: nop", "'x' is already defined on line 1"],
    ["register names are not symbols", "a0: nop", "'a0' is a register name and cannot name a symbol"],
    ["unknown directive, with a suggestion", "  .asciiz \"x\"", "unknown directive '.asciiz'; did you mean '.ascii'?"],
    ["unterminated string", '  .ascii "abc', 'unterminated string: missing closing "'],
    ["unterminated char", "  .byte 'a", "unterminated character literal: missing closing '"],
    ["bad escape", '  .ascii "\\q"', "unknown escape '\\q' (use \\n \\t \\r \\0 \\\\ \\' \\\")"],
    ["bad number", "  addi a0, a0, 12ab", "bad number '12ab' (write decimal 42, hex 0x2a, binary 0b101010 or a character 'c')"],
    ["bad hex number", "  .word 0xg1", "bad number '0xg1' (write decimal 42, hex 0x2a, binary 0b101010 or a character 'c')"],
    ["stray character", "  add a0, a1, @", "unexpected character '@'"],
    ["unbalanced parentheses", "  .word (1 + 2", "missing ')' in expression"],
    ["dangling operator", "  .word 1 +", "expression ends too early"],
    ["missing operand", "  add a0, , a2", "missing operand before ','"],
    ["signed immediate out of range", "  addi a0, a0, 40000", "40000 is out of range for the immediate of addi (signed 16 bits): -32768..32767"],
    ["zero-extended immediate refuses negatives", "  ori a0, a0, -1", "ori zero-extends its immediate, so -1 is out of range 0..65535 (0x0000..0xffff)"],
    ["zero-extended immediate too big", "  lui a0, 0x10000", "65536 is out of range for the immediate of lui (zero-extended 16 bits): 0..65535"],
    ["memory offset out of range", "  lw a0, -32769(sp)", "-32769 is out of range for the immediate of lw (signed 16 bits): -32768..32767"],
    ["branch too far", "  beq a0, a1, 0x20000", "beq target 0x00020000 is 32768 instructions from 0x00000000; beq reaches -32768..32767"],
    ["jal too far", "  jal ra, 0x200000", "jal target 0x00200000 is 524288 instructions from 0x00000000; jal reaches -524288..524287"],
    ["misaligned branch target", "  beq a0, a1, 6", "beq target 0x00000006 is not a multiple of 4 bytes away from 0x00000000"],
    ["li beyond 32 bits", "  li a0, 0x100000000", "4294967296 does not fit in 32 bits: -2147483648..4294967295"],
    [".word out of range", "  .word 1 << 32", "4294967296 does not fit in .word: -2147483648..4294967295"],
    [".byte out of range", "  .byte 256", "256 does not fit in .byte: -128..255"],
    ["misaligned .word", "  .byte 1\n  .word 2", ".word at 0x00000001 is not 4-byte aligned; put .align 4 before it"],
    ["misaligned instruction", "  .byte 1\n  nop", "instruction at 0x00000001 is not 4-byte aligned; put .align 4 before it"],
    [".org backwards", "  nop\n  nop\n  .org 4", ".org 0x00000004 would move backwards from 0x00000008"],
    [".org in .data", "  .data\n  .org 0x100", ".org works only in .text (the data section is placed after the text)"],
    [".space needs a known size", "  .space N\n.equ N, 4", "the .space size must be known when it is read: use numbers, .equ names or labels defined above"],
    [".align needs a power of two", "  .align 3", ".align 3: the boundary must be a power of two from 1 to 1048576"],
    [".space too large", "  .space 0x2000000", "the program would exceed 16777216 bytes (toy32's memory)"],
    [".equ cycle", ".equ A, B\n.equ B, A\n.word A", "'.equ A' is defined in terms of itself"],
    ["shift out of range", "  .word 1 << 100", "shift by 100 is out of range 0..63"],
    ["directive operand count", "  .equ X", ".equ takes NAME, EXPR; got 1 operand"],
    ["statement starting with a number", "  42", "expected an instruction or directive, got '42'"],
    ["character literal with two characters", "  .byte 'ab'", "a character literal holds exactly one character, not 2"],
    ["a non-byte character", '  .ascii "é→"', "character '→' is not a single byte"],
  ])("%s", (_what, source, message) => {
    expect(messageOf(source)).toBe(message);
  });

  it("points the column at the offending operand", () => {
    expect(errorOf("  addi a0, a0, 40000").split("\n")[0]).toMatch(/^t\.s:1:16: /);
    expect(errorOf("  beq a0, a1, far\n.equ far, 0x40000").split("\n")[0]).toMatch(/^t\.s:1:15: /);
  });

  it("reports an error in a .equ at the .equ's own line", () => {
    const message = errorOf(".equ A, missing\n  .word A");
    expect(message).toMatch(/^t\.s:1:9: error: undefined symbol 'missing'/);
    expect(message).toMatch(/t\.s:2:9: error: 'A' has no value \(see the error at its \.equ on line 1\)/);
  });

  it("names the right file and line when several files are assembled together", () => {
    let caught: unknown;
    try {
      assemble([{ file: "main.s", text: "x: nop\n  j y" }, { file: "lib.s", text: "\nx: nop" }]);
    } catch (error) {
      caught = error;
    }
    expect((caught as AssemblyError).message.split("\n").filter((l) => l.includes("error:"))).toEqual([
      "main.s:2:5: error: undefined symbol 'y'",
      "lib.s:2:1: error: 'x' is already defined at main.s:1",
    ]);
  });

  it("reports a pseudo-instruction's bad operand once, not once per expanded instruction", () => {
    expect(errorOf("  la a0, nowhere").match(/error:/g)).toHaveLength(1);
    expect(errorOf("  li a0, 1 << 99").match(/error:/g)).toHaveLength(1);
  });

  it("refuses a bad origin", () => {
    expect(() => assemble("nop", { origin: -4 })).toThrow(/origin -4 is not an address/);
  });
});

describe("hostile input", () => {
  it("refuses absurdly nested expressions with an error, not a crash", () => {
    expect(errorOf(`.word ${"(".repeat(5000)}1${")".repeat(5000)}`)).toMatch(/expression nested more than 100 deep/);
    expect(errorOf(`.word ${"-".repeat(5000)}1`)).toMatch(/expression nested more than 100 deep/);
  });

  it("still counts a bad line's bytes, so the addresses after it stay right", () => {
    const message = errorOf("  add a0, a1\n  li a0, zz\n  .org 8\n  .org 0xc\n");
    expect(message).toContain("t.s:3:8: error: .org 0x00000008 would move backwards from 0x0000000c");
    expect(message).not.toContain("t.s:4:");
  });

  it("follows a 1,500-deep .equ chain in either order, without overflowing the stack", () => {
    const names = Array.from({ length: 1500 }, (_, i) => i);
    const backwards = names.map((i) => `.equ x${i}, x${i + 1} + 1`).join("\n") + "\n.equ x1500, 0\n.word x0\n";
    expect(assemble(backwards).constants.get("x0")).toBe(1500);
    const forwards = "  li a0, y1499\n.equ y0, 1\n" + names.slice(1).map((i) => `.equ y${i}, y${i - 1} * 1 + 1`).join("\n");
    expect(assemble(forwards).constants.get("y1499")).toBe(1500);
  });

  it("reports a cycle deep in a long .equ chain, and an error at the chain's end at its own line", () => {
    const chain = Array.from({ length: 2000 }, (_, i) => `.equ z${i}, z${i + 1}`).join("\n");
    expect(errorOf(`${chain}\n.equ z2000, z0\n.word z0`).split("\n")[0]).toBe("t.s:1:10: error: '.equ z0' is defined in terms of itself (through 2000 other .equ names)");
    const broken = errorOf(`${chain}\n.equ z2000, nowhere\n.word z0`).split("\n").filter((l) => l.includes("error:"));
    expect(broken).toEqual([
      "t.s:2001:13: error: undefined symbol 'nowhere'",
      "t.s:2002:7: error: 'z0' has no value (see the error at the .equ of 'z2000' on line 2001)",
    ]);
  });

  it("evaluates a 20,000-term sum, and refuses a step past 64 bits at once", () => {
    expect(assemble(`.word ${Array<string>(20_000).fill("1").join(" + ")}`).image.slice(0, 4)).toEqual(new Uint8Array([0x20, 0x4e, 0x00, 0x00]));
    const product = errorOf(`.word ${Array<string>(20_000).fill("0xffffffff").join("*")}`);
    expect(product.split("\n")[0]).toBe("t.s:1:28: error: the value here does not fit in 64 bits (each step of an expression must)");
    expect(errorOf(`.word 0x1${"0".repeat(400)}`).split("\n")[0]).toBe("t.s:1:7: error: number 0x100000000000000000... does not fit in 64 bits");
  });

  it("shows the first 20 of many errors and counts the rest", () => {
    const message = errorOf("  nop a0\n".repeat(1000));
    expect(message.match(/error:/g)).toHaveLength(20);
    expect(message.split("\n").at(-1)).toBe("... and 980 more errors (1000 in all): fix the first ones and assemble again");
    let caught: unknown;
    try {
      assemble("  nop a0\n".repeat(1000));
    } catch (error) {
      caught = error;
    }
    expect((caught as AssemblyError).diagnostics).toHaveLength(1000);
  });

  it("echoes a long line cut around the column, control characters as ?, the caret still under it", () => {
    const [, echoed, caret] = errorOf(`  .word ${"1+".repeat(1000)}\x01`).split("\n");
    expect(echoed.length).toBeLessThan(180);
    expect(echoed).toMatch(/^ {4}\.\.\.\+1\+1.*\?$/);
    expect(caret.length - 1).toBe(echoed.length - 1);
    expect(errorOf("  nop\x1b[2J").split("\n")[0]).toBe("t.s:1:6: error: unexpected character '\\x1b'");
  });

  it("calls text with a NUL byte binary, in one error", () => {
    const message = errorOf("nop\n\x7fELF\x02\x01\x00\x00garbage\n".repeat(50));
    expect(message).toBe(["t.s:2:7: error: t.s holds binary data (a NUL byte), not assembly text", "    ?ELF????garbage", "          ^"].join("\n"));
  });

  it("quotes an operand as it was written", () => {
    expect(errorOf("  lw a0, (4 + 1)")).toContain("expected a memory operand imm(rs1), got '(4 + 1)'");
  });
});

/**
 * The RV32I interpreter written in toy32 assembly (and, where a guest
 * misbehaves, the translator alongside it): it runs the shipped
 * programs on a toy32 machine, keeps the guest's registers in toy32
 * memory where a step can show them, counts instructions by class, costs
 * toy32 cycles of the order the issue expects, and stops a misbehaving
 * guest with the status Linux's signal would give, never the host.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseElf, type ElfExecutable } from "../../src/emulation/elf";
import { SEGMENT_LIMIT, GUEST_SIZE } from "../../src/emulation/guest-space";
import { Interpreter, interpreterProgram } from "../../src/emulation/interpreter";
import { Translator } from "../../src/emulation/translator/engine";
import { INSTRUCTION_CLASSES } from "../../src/emulation/result";
import { PROGRAMS_DIR } from "./peers";
import { CODE_AT, DATA_AT, EXIT, rv, tinyElf } from "./tiny-elf";

const load = (bytes: Uint8Array, file = "t.elf"): ElfExecutable => parseElf(bytes, { file, limit: SEGMENT_LIMIT });
const shipped = (name: string): ElfExecutable => {
  const file = path.join(PROGRAMS_DIR, `${name}.elf`);
  return load(fs.readFileSync(file), file);
};
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

describe("the interpreter", () => {
  it("assembles to an image that fits below its register file", () => {
    const program = interpreterProgram();
    expect(program.symbols.get("illegal")).toBe(0);
    expect(program.image.length).toBeLessThan(0x3000);
  });

  it("runs hello: its write reaches the toy32 console and its exit code is the status", () => {
    const r = new Interpreter(shipped("hello")).run();
    expect(text(r.stdout)).toBe("hello, world\n");
    expect(r.cause).toBe("exit");
    expect(r.status).toBe(0);
    expect(r.message).toBe("");
  });

  it("runs the sieve, whose .bss the loader zero-filled, to exit status 214", () => {
    const r = new Interpreter(shipped("sieve")).run();
    expect(text(r.stdout)).toContain("primes below 20000: 2262");
    expect(r.status).toBe(214);
  });

  it("counts RISC-V instructions by class, and costs about 10-30 toy32 cycles each", () => {
    const r = new Interpreter(shipped("sort")).run();
    const sum = INSTRUCTION_CLASSES.reduce((n, c) => n + r.byClass[c], 0);
    expect(sum).toBe(r.guestInstructions);
    for (const c of ["op", "op-imm", "load", "store", "branch", "jump", "upper", "system"] as const) expect(r.byClass[c], c).toBeGreaterThan(0);
    expect(r.byClass.system).toBe(11); // ten writes and the exit
    expect(r.cyclesPerInstruction).toBeGreaterThan(10);
    expect(r.cyclesPerInstruction).toBeLessThan(30);
    expect(r.startupCycles).toBeGreaterThan(0); // filling the dispatch table, counted apart
  });

  it("steps one instruction at a time, with the guest registers in toy32 memory", () => {
    // addi a0, zero, 5; addi a1, a0, -7; sub a2, a0, a1; exit
    const exe = load(tinyElf([rv("addi", { rd: 10, imm: 5 }), rv("addi", { rd: 11, rs1: 10, imm: -7 }), rv("sub", { rd: 12, rs1: 10, rs2: 11 }), ...EXIT]));
    const interp = new Interpreter(exe);
    expect(interp.step()).toBe(true);
    expect(interp.pc).toBe(CODE_AT + 4);
    expect(interp.register(10)).toBe(5);
    expect(interp.machine.readWord(Interpreter.registerAddress(10))).toBe(5);
    interp.step();
    interp.step();
    expect(interp.registers().slice(10, 13)).toEqual([5, -2, 7]);
    expect(interp.register(2) % 16).toBe(0); // sp, 16-byte aligned below the top
    expect(interp.register(2)).toBeGreaterThan(GUEST_SIZE - 0x1000);
    interp.step();
    expect(interp.step()).toBe(false); // the ecall exits
  });

  it("keeps x0 zero when an instruction writes it", () => {
    const exe = load(tinyElf([rv("addi", { rd: 0, imm: 9 }), rv("add", { rd: 10, rs1: 0, rs2: 0 }), ...EXIT]));
    expect(new Interpreter(exe).run().status).toBe(0);
  });

  const faults: [string, number[], number, RegExp][] = [
    ["an illegal instruction (M's mul)", [0x02b50533], 132, /^SIGILL: illegal instruction at pc 0x00010000, instruction 0x02b50533$/],
    ["a compressed instruction", [0x00000001], 132, /^SIGILL/],
    ["an all-zero word", [0], 132, /^SIGILL/],
    ["ebreak", [rv("ebreak")], 133, /^SIGTRAP: breakpoint/],
    ["a load outside memory", [rv("lui", { rd: 5, imm: 0x80000000 }), rv("lw", { rd: 10, rs1: 5 })], 139, /^SIGSEGV: load outside .* at pc 0x00010004, .*\(address 0x80000000\)$/],
    ["a store outside memory", [rv("addi", { rd: 5, imm: -1 }), rv("sb", { rs1: 5, rs2: 5 })], 139, /^SIGSEGV: store outside .*\(address 0xffffffff\)$/],
    ["a halfword store straddling the end", [rv("lui", { rd: 5, imm: GUEST_SIZE }), rv("sh", { rs1: 5, rs2: 5, imm: -1 })], 139, /^SIGSEGV: store outside .*\(address 0x007fffff\)$/],
    ["a jump outside memory", [rv("lui", { rd: 5, imm: 0x10000000 }), rv("jalr", { rd: 1, rs1: 5 })], 139, /^SIGSEGV: jump outside .*\(address 0x10000000\)$/],
    ["a branch to a misaligned target", [rv("beq", { imm: 6 })], 135, /^SIGBUS: jump to a misaligned address at pc 0x00010000.*\(address 0x00010006\)$/],
    ["running off the end of the code", [rv("addi", { rd: 5, imm: 1 })], 132, /^SIGILL: illegal instruction at pc 0x00010004, instruction 0x00000000$/],
  ];
  for (const [what, code, status, message] of faults) {
    it(`stops on ${what} with status ${status} and a one-line message, interpreted or translated`, () => {
      for (const Engine of [Interpreter, Translator]) {
        const r = new Engine(load(tinyElf(code))).run();
        expect(r.status, Engine.name).toBe(status);
        expect(r.message, Engine.name).toMatch(message);
      }
    });
  }

  it("stops an endless guest at the cycle limit with status 124", () => {
    const r = new Interpreter(load(tinyElf([rv("jal", { imm: 0 })]))).run({ maxCycles: 100_000 });
    expect(r.cause).toBe("max-cycles");
    expect(r.status).toBe(124);
  });

  it("answers write to another fd with -EBADF, a buffer not inside memory with -EFAULT, an unknown call with -ENOSYS", () => {
    const call = (a7: number, a0: number, a1: number, a2: number): number[] => [
      rv("addi", { rd: 17, imm: a7 }), rv("addi", { rd: 10, imm: a0 }), rv("lui", { rd: 11, imm: a1 }), rv("addi", { rd: 12, imm: a2 }), rv("ecall"),
    ];
    const saveA0 = (slot: number): number => rv("sw", { rs1: 9, rs2: 10, imm: 4 * slot });
    const code = [
      rv("lui", { rd: 9, imm: DATA_AT }),
      ...call(64, 2, DATA_AT, 1), saveA0(0), // fd 2
      ...call(64, 1, 0x800000, 1), saveA0(1), // buf at the end of memory
      ...call(64, 1, 0x7ff000, -1), saveA0(2), // len 0xffffffff runs past it
      ...call(214, 0, 0, 0), saveA0(3), // brk: not implemented
      ...call(64, 1, 0x7ff000, 0x7ff), // 0x7ff bytes of the stack's zeros, in bounds
      rv("addi", { rd: 10, imm: 0 }),
      ...[0, 1, 2, 3].flatMap((slot) => [rv("lw", { rd: 11, rs1: 9, imm: 4 * slot }), rv("sub", { rd: 10, rs1: 10, rs2: 11 })]),
      ...EXIT,
    ];
    for (const Engine of [Interpreter, Translator]) {
      const r = new Engine(load(tinyElf(code, new Uint8Array(16)))).run();
      expect(r.status, Engine.name).toBe(9 + 14 + 14 + 38); // EBADF + EFAULT + EFAULT + ENOSYS
      expect(Buffer.from(r.stdout).equals(Buffer.alloc(0x7ff))).toBe(true);
    }
  });
});

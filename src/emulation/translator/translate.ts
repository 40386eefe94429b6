/**
 * Translating one RV32I basic block to toy32 code (Bellard 2005, "QEMU, a
 * fast and portable dynamic translator", 2.2-2.5: translation blocks end
 * at a jump or a change of static state; "direct block chaining": a block
 * that ends in a jump to a known address jumps straight to the next
 * block once that is translated). A block runs from its pc to the first
 * control transfer, ECALL, EBREAK, FENCE.I or illegal word, or MAX_BLOCK
 * instructions. The output is toy32 assembly, one comment line of RISC-V
 * disassembly above the toy32 instructions it became, assembled by the
 * engine at the block's place in the code cache:
 *
 *   # 0x000100b8  addi a5,a5,1
 *       addi r3, r3, 1
 *   # 0x000100bc  lw a4,8(a1)          (a1 spilled: lives in REGS)
 *       lw t3, 0x302c(zero)      # x11 spilled
 *       addi t3, t3, 8
 *       bgeu t3, sp, fault_1
 *       add t3, t3, s2
 *       lw r4, 0(t3)
 *
 * Memory accesses check the guest address against GUEST_SIZE (sp) and add
 * GUEST_BASE (s2); a misaligned lw/sw traps on toy32 and the engine
 * completes it bytewise (engine.ts, misaligned()), as Linux does for a CPU that
 * traps on misaligned accesses.
 */
import { disassembleRv32, decodeRv32, type Rv32Instruction } from "../rv32i";
import type { InstructionClass } from "../result";
import { GUEST_SIZE } from "../guest-space";
import { SCRATCH, type RegisterMap } from "./registers";

export const MAX_BLOCK = 32;
/** The runtime's entry points (runtime.s), by address. */
export interface RuntimeEntries {
  readonly lookup: number;
  readonly lookupChecked: number;
  readonly flush: number;
  readonly ecall: number;
  readonly fault: number;
  /** REGS: where guest register n lives, at REGS + 4n. */
  readonly regs: number;
}

/** A direct exit: `li t3, target` at `label`, patched into `j BLOCK` once the target is translated. */
export interface BlockExit {
  readonly label: string;
  readonly target: number;
}

export interface TranslatedBlock {
  readonly pc: number;
  /** Guest instructions in the block, and their classes. */
  readonly length: number;
  readonly classes: readonly InstructionClass[];
  readonly source: string;
  readonly exits: readonly BlockExit[];
}

const REASON = { ILLEGAL: 2, FETCH_FAULT: 5, MISALIGNED_TARGET: 6, BREAKPOINT: 7, LOAD_FAULT: 3, STORE_FAULT: 4 } as const;

const R_OPS: Readonly<Record<string, string>> = { add: "add", sub: "sub", sll: "shl", srl: "shr", sra: "sra", slt: "slt", sltu: "sltu", xor: "xor", or: "or", and: "and" };
/** OP-IMM whose toy32 form takes the (sign-extended 16-bit) immediate as RISC-V's does. */
const I_SIGNED: Readonly<Record<string, string>> = { addi: "addi", slti: "slti", slli: "shli", srli: "shri", srai: "srai" };
/** toy32's andi/ori/xori zero-extend: a negative immediate goes through a register. */
const I_LOGICAL: Readonly<Record<string, [string, string]>> = { andi: ["andi", "and"], ori: ["ori", "or"], xori: ["xori", "xor"] };

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const pcText = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;

export interface TranslateInput {
  readonly pc: number;
  /** Counter slot of this block (its word at BLOCK_COUNTS is -4 * (slot + 1) off GUEST_BASE). */
  readonly slot: number;
  readonly map: RegisterMap;
  readonly runtime: RuntimeEntries;
  /** The guest word at a pc, or undefined outside guest memory. */
  readonly read: (pc: number) => number | undefined;
  /** The cache address of an already translated block. */
  readonly translated: (pc: number) => number | undefined;
}

/** Translates the block at `input.pc` (a 4-byte aligned guest address). */
export function translateBlock(input: TranslateInput): TranslatedBlock {
  const t = new BlockWriter(input);
  return t.run();
}

class BlockWriter {
  private readonly out: string[] = [];
  private readonly tail: string[] = [];
  private readonly exits: BlockExit[] = [];
  private readonly classes: InstructionClass[] = [];
  private labels = 0;

  constructor(private readonly input: TranslateInput) {}

  run(): TranslatedBlock {
    const { pc: start, slot } = this.input;
    const counter = -4 * (slot + 1);
    this.out.push(`# block ${pcText(start)}: count its runs`, `    lw t4, ${counter}(s2)`, "    addi t4, t4, 1", `    sw t4, ${counter}(s2)`);
    let pc = start;
    for (let n = 0; ; n++) {
      if (n === MAX_BLOCK) {
        this.exitTo(pc);
        break;
      }
      const word = this.input.read(pc);
      if (word === undefined) {
        this.out.push(`# ${pcText(pc)}  (outside guest memory)`);
        this.faultNow(REASON.FETCH_FAULT, pc, pc);
        break;
      }
      const d = decodeRv32(word);
      this.out.push(`# ${pcText(pc)}  ${disassembleRv32(word, pc)}`);
      if (d === undefined) {
        this.faultNow(REASON.ILLEGAL, pc, 0);
        break;
      }
      this.classes.push(d.spec.class);
      if (!this.instruction(d, pc)) break;
      pc += 4;
    }
    const source = [...this.out, ...this.tail].join("\n") + "\n";
    return { pc: start, length: this.classes.length, classes: this.classes, source, exits: this.exits };
  }

  /** Emits one instruction; false when it ends the block. */
  private instruction(d: Rv32Instruction, pc: number): boolean {
    const m = d.spec.mnemonic;
    const { rd, imm } = d;
    if (m in R_OPS) return this.writes(rd, (dst) => `    ${R_OPS[m]} ${dst}, ${this.src(d.rs1, "t3")}, ${this.src(d.rs2, "t4")}`);
    if (m in I_SIGNED) return this.writes(rd, (dst) => `    ${I_SIGNED[m]} ${dst}, ${this.src(d.rs1, "t3")}, ${imm}`);
    if (m in I_LOGICAL) {
      const [immediate, register] = I_LOGICAL[m];
      if (imm >= 0) return this.writes(rd, (dst) => `    ${immediate} ${dst}, ${this.src(d.rs1, "t3")}, ${imm}`);
      return this.writes(rd, (dst) => `    addi t4, zero, ${imm}\n    ${register} ${dst}, ${this.src(d.rs1, "t3")}, t4`);
    }
    switch (m) {
      case "sltiu":
        return this.writes(rd, (dst) => `    addi t4, zero, ${imm}\n    sltu ${dst}, ${this.src(d.rs1, "t3")}, t4`);
      case "lui":
        return this.writes(rd, (dst) => `    li ${dst}, ${hex(imm)}`);
      case "auipc":
        return this.writes(rd, (dst) => `    li ${dst}, ${hex(pc + imm)}`);
      case "lw": case "lb": case "lbu": case "lh": case "lhu":
        return this.load(d, pc);
      case "sw": case "sb": case "sh":
        return this.store(d, pc);
      case "beq": case "bne": case "blt": case "bge": case "bltu": case "bgeu": {
        const taken = this.label("taken");
        this.out.push(`    ${m} ${this.src(d.rs1, "t3")}, ${this.src(d.rs2, "t4")}, ${taken}`);
        this.exitTo(pc + 4);
        this.out.push(`${taken}:`);
        this.jumpTo(pc + imm, pc);
        return false;
      }
      case "jal":
        this.link(rd, pc);
        this.jumpTo(pc + imm, pc);
        return false;
      case "jalr":
        this.out.push(`    addi t3, ${this.src(d.rs1, "t3")}, ${imm}`, "    shri t3, t3, 1", "    shli t3, t3, 1");
        this.link(rd, pc);
        this.out.push(`    li t4, ${hex(pc)}`, `    j ${hex(this.input.runtime.lookupChecked)}`);
        return false;
      case "ecall":
        this.spillAll();
        this.out.push(`    li t4, ${hex(pc)}`, `    j ${hex(this.input.runtime.ecall)}`);
        return false;
      case "ebreak":
        this.faultNow(REASON.BREAKPOINT, pc, 0);
        return false;
      case "fence":
        return true; // one hart, no devices the guest sees: nothing to order
      case "fence.i":
        this.out.push(`    li t3, ${hex(pc + 4)}`, `    j ${hex(this.input.runtime.flush)}`);
        return false;
      default:
        throw new Error(`translate: no emitter for ${m}`);
    }
  }

  /** The toy32 register holding guest `x` for reading (loaded into `scratch` if spilled). */
  private src(x: number, scratch: "t3" | "t4"): string {
    if (x === 0) return "zero";
    const host = this.input.map.get(x);
    if (host !== undefined) return `r${host}`;
    this.out.push(`    lw ${scratch}, ${hex(this.input.runtime.regs + 4 * x)}(zero)      # x${x} spilled`);
    return scratch;
  }

  /** Emits `body(dst)` for a write of guest `rd`, storing a spilled result. A write of x0 is dropped. */
  private writes(rd: number, body: (dst: string) => string): true {
    if (rd === 0) return true;
    const host = this.input.map.get(rd);
    this.out.push(body(host !== undefined ? `r${host}` : "k0"));
    if (host === undefined) this.out.push(`    sw k0, ${hex(this.input.runtime.regs + 4 * rd)}(zero)      # x${rd} spilled`);
    return true;
  }

  /** t3 = the guest address rs1 + imm, checked (both bytes of a halfword), then made a toy32 address. */
  private address(d: Rv32Instruction, pc: number, reason: number): void {
    // With a zero offset, rs1 itself is the guest address: checked in place, one instruction fewer.
    const base = this.src(d.rs1, "t3");
    const guest = d.imm === 0 ? base : "t3";
    if (d.imm !== 0) this.out.push(`    addi t3, ${base}, ${d.imm}`);
    const fault = this.label("fault");
    this.out.push(`    bgeu ${guest}, sp, ${fault}`);
    if (d.spec.mnemonic === "lh" || d.spec.mnemonic === "lhu" || d.spec.mnemonic === "sh") this.out.push(`    addi k0, ${guest}, 1`, `    bgeu k0, sp, ${fault}`);
    this.out.push(`    add t3, ${guest}, s2`);
    this.tail.push(`${fault}:`, ...(guest === "t3" ? [] : [`    mv t3, ${guest}`]), `    li t4, ${hex(pc)}`, `    li k0, ${reason}`, `    j ${hex(this.input.runtime.fault)}`);
  }

  private load(d: Rv32Instruction, pc: number): true {
    const m = d.spec.mnemonic;
    this.address(d, pc, REASON.LOAD_FAULT);
    // A load into x0 still accesses memory (and may fault); its value goes to scratch.
    const host = d.rd === 0 ? undefined : this.input.map.get(d.rd);
    const dst = host !== undefined ? `r${host}` : "k0";
    if (m === "lw" || m === "lb" || m === "lbu") this.out.push(`    ${m} ${dst}, 0(t3)`);
    else this.out.push("    lbu t4, 0(t3)", `    ${m === "lh" ? "lb" : "lbu"} k0, 1(t3)`, "    shli k0, k0, 8", `    or ${dst}, k0, t4`);
    if (host === undefined && d.rd !== 0) this.out.push(`    sw k0, ${hex(this.input.runtime.regs + 4 * d.rd)}(zero)      # x${d.rd} spilled`);
    return true;
  }

  private store(d: Rv32Instruction, pc: number): true {
    const m = d.spec.mnemonic;
    const value = this.src(d.rs2, "t4");
    this.address(d, pc, REASON.STORE_FAULT);
    if (m === "sw" || m === "sb") this.out.push(`    ${m} ${value}, 0(t3)`);
    else this.out.push(`    sb ${value}, 0(t3)`, `    shri k0, ${value}, 8`, "    sb k0, 1(t3)");
    return true;
  }

  private link(rd: number, pc: number): void {
    this.writes(rd, (dst) => `    li ${dst}, ${hex(pc + 4)}`);
  }

  /** A jump or taken branch to a constant target, checked here rather than at run time. */
  private jumpTo(target: number, pc: number): void {
    const t = target >>> 0;
    if (t % 4 !== 0) return this.faultNow(REASON.MISALIGNED_TARGET, pc, t);
    if (t >= GUEST_SIZE) return this.faultNow(REASON.FETCH_FAULT, pc, t);
    this.exitTo(t);
  }

  /** Leaves the block for guest `target`: straight to its block if translated, else via a stub. */
  private exitTo(target: number): void {
    const block = this.input.translated(target);
    if (block !== undefined) {
      this.out.push(`    j ${hex(block)}                  # chained`);
      return;
    }
    const label = this.label("exit");
    this.exits.push({ label, target });
    this.out.push(`${label}:`, `    li t3, ${hex(target)}`, `    j ${hex(this.input.runtime.lookup)}`);
  }

  private faultNow(reason: number, pc: number, address: number): void {
    this.out.push(`    li t4, ${hex(pc)}`, `    li t3, ${hex(address)}`, `    li k0, ${reason}`, `    j ${hex(this.input.runtime.fault)}`);
  }

  /** Before ECALL: every mapped register back to REGS, where the runtime's system calls read them. */
  private spillAll(): void {
    for (const [guest, host] of this.input.map) this.out.push(`    sw r${host}, ${hex(this.input.runtime.regs + 4 * guest)}(zero)`);
  }

  private label(kind: string): string {
    return `${kind}_${++this.labels}`;
  }
}

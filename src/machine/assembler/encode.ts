/**
 * Encodes one real instruction from its parsed operands, with every field
 * placed as isa.ts draws it:
 *
 *   31        24 23    20 19    16 15    12 11                     0
 *  |     op     |   rd   |  rs1   |  rs2   |         unused         |  R
 *  |     op     |   rd   |  rs1   |          imm16                  |  I
 *  |     op     |  rs1   |  rs2   |          imm16                  |  S/B
 *  |     op     |   rd   |               imm20                      |  J
 *
 * I-format CSR instructions keep the CSR number in imm16. Range checks
 * name the value and the range allowed. A zero-extended immediate (andi,
 * ori, xori, lui) must be written 0..0xffff: a negative one is refused,
 * because `andi t0, t0, -4` would silently mean `& 0x0000fffc`.
 */
import type { Format, InstructionSpec, Operand } from "../isa";
import { LineError } from "./diagnostics";
import { evaluate, type Expr, type Resolver } from "./expression";
import type { ParsedOperand } from "./operands";

/** Bit position of a register operand's field, by format. */
export function registerShift(format: Format, kind: "rd" | "rs1" | "rs2"): number {
  if (format === "S" || format === "B") return kind === "rs1" ? 20 : 16;
  return kind === "rd" ? 20 : kind === "rs1" ? 16 : 12;
}

const SIGNED16 = { min: -32768, max: 32767 } as const;
const UNSIGNED16 = { min: 0, max: 0xffff } as const;
const SIGNED20 = { min: -(1 << 19), max: (1 << 19) - 1 } as const;

/** The instruction word (unsigned 32 bits). */
export function encode(spec: InstructionSpec, operands: readonly ParsedOperand[], pc: number, resolve: Resolver): number {
  let word = spec.opcode << 24;
  spec.operands.forEach((kind, i) => {
    word |= field(spec, kind, operands[i], pc, resolve);
  });
  return word >>> 0;
}

function field(spec: InstructionSpec, kind: Operand, operand: ParsedOperand, pc: number, resolve: Resolver): number {
  switch (operand.kind) {
    case "register":
      if (kind !== "rd" && kind !== "rs1" && kind !== "rs2") throw new Error(`register for ${kind}`);
      return operand.value << registerShift(spec.format, kind);
    case "mem":
      return (operand.base << registerShift(spec.format, "rs1")) | immediate16(spec, operand.offset, resolve);
    case "expr":
      if (kind === "label") return branchOffset(spec, operand.expr, pc, resolve);
      if (kind === "csr") return checked(value(operand.expr, resolve), UNSIGNED16, operand.expr, "CSR number");
      return immediate16(spec, operand.expr, resolve);
    default: {
      const never: never = operand;
      throw new Error(`unknown operand ${JSON.stringify(never)}`);
    }
  }
}

/** Evaluates in pass 2, where every symbol must be known. */
export function value(expr: Expr, resolve: Resolver): number {
  const v = evaluate(expr, resolve);
  if (v === undefined) throw new Error("pass 2 resolver returned undefined");
  if (v < -(2n ** 40n) || v > 2n ** 40n) {
    throw new LineError(expr.column, `value ${v} is far out of range for a 32-bit machine`);
  }
  return Number(v);
}

function immediate16(spec: InstructionSpec, expr: Expr, resolve: Resolver): number {
  const v = value(expr, resolve);
  if (spec.immediate === "zero") {
    if (v < 0) {
      throw new LineError(expr.column, `${spec.mnemonic} zero-extends its immediate, so ${v} is out of range 0..65535 (0x0000..0xffff)`);
    }
    return checked(v, UNSIGNED16, expr, `immediate of ${spec.mnemonic} (zero-extended 16 bits)`);
  }
  return checked(v, SIGNED16, expr, `immediate of ${spec.mnemonic} (signed 16 bits)`) & 0xffff;
}

function checked(v: number, range: { min: number; max: number }, expr: Expr, what: string): number {
  if (v < range.min || v > range.max) {
    throw new LineError(expr.column, `${v} is out of range for the ${what}: ${range.min}..${range.max}`);
  }
  return v;
}

/**
 * Branches and jal hold a distance in instructions: target = pc + 4*imm
 * (ISA.md, "Instruction formats"). The operand is the absolute target.
 */
function branchOffset(spec: InstructionSpec, expr: Expr, pc: number, resolve: Resolver): number {
  const target = value(expr, resolve);
  const distance = target - pc;
  if (distance % 4 !== 0) {
    throw new LineError(expr.column, `${spec.mnemonic} target ${hex(target)} is not a multiple of 4 bytes away from ${hex(pc)}`);
  }
  const range = spec.format === "J" ? SIGNED20 : SIGNED16;
  const steps = distance / 4;
  if (steps < range.min || steps > range.max) {
    throw new LineError(expr.column,
      `${spec.mnemonic} target ${hex(target)} is ${steps} instructions from ${hex(pc)}; ${spec.mnemonic} reaches ${range.min}..${range.max}`);
  }
  return spec.format === "J" ? steps & 0xfffff : steps & 0xffff;
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}

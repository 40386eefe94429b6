/**
 * RV32I's one instruction table (the RISC-V unprivileged spec, version
 * 2.1: chapter 2 and the listing of chapter 24, plus Zifencei's FENCE.I),
 * read by the decoder, the disassembler and the encoder the tests and
 * problems use. The engines in toy32 assembly keep their own dispatch
 * table (interpreter/handlers.s), keyed the same way: funct3 << 12 | opcode.
 *
 *   31      25 24  20 19  15 14  12 11   7 6      0
 *   | funct7  |  rs2 |  rs1 |funct3|  rd  | opcode |  R
 *   |   imm[11:0]    |  rs1 |funct3|  rd  | opcode |  I
 *   |imm[11:5]|  rs2 |  rs1 |funct3|imm[4:0]| opcode |  S
 *   |12|10:5  |  rs2 |  rs1 |funct3|4:1|11| opcode |  B
 *   |        imm[31:12]            |  rd  | opcode |  U
 *   |20|  10:1   |11|  19:12       |  rd  | opcode |  J
 */
import type { InstructionClass } from "./result";

export type Rv32Format = "R" | "I" | "S" | "B" | "U" | "J";

export interface Rv32Spec {
  readonly mnemonic: string;
  readonly format: Rv32Format;
  readonly opcode: number;
  /** undefined for U and J formats, which have none. */
  readonly funct3?: number;
  /** R-type and shift-immediate funct7 (imm[11:5]); ECALL/EBREAK's imm in `imm12`. */
  readonly funct7?: number;
  readonly imm12?: number;
  readonly class: InstructionClass;
}

const r = (mnemonic: string, funct3: number, funct7: number): Rv32Spec => ({ mnemonic, format: "R", opcode: 0x33, funct3, funct7, class: "op" });
const i = (mnemonic: string, opcode: number, funct3: number, cls: InstructionClass, funct7?: number): Rv32Spec => ({ mnemonic, format: "I", opcode, funct3, funct7, class: cls });
const b = (mnemonic: string, funct3: number): Rv32Spec => ({ mnemonic, format: "B", opcode: 0x63, funct3, class: "branch" });
const s = (mnemonic: string, funct3: number): Rv32Spec => ({ mnemonic, format: "S", opcode: 0x23, funct3, class: "store" });

export const RV32I: readonly Rv32Spec[] = [
  { mnemonic: "lui", format: "U", opcode: 0x37, class: "upper" },
  { mnemonic: "auipc", format: "U", opcode: 0x17, class: "upper" },
  { mnemonic: "jal", format: "J", opcode: 0x6f, class: "jump" },
  i("jalr", 0x67, 0, "jump"),
  b("beq", 0), b("bne", 1), b("blt", 4), b("bge", 5), b("bltu", 6), b("bgeu", 7),
  i("lb", 0x03, 0, "load"), i("lh", 0x03, 1, "load"), i("lw", 0x03, 2, "load"), i("lbu", 0x03, 4, "load"), i("lhu", 0x03, 5, "load"),
  s("sb", 0), s("sh", 1), s("sw", 2),
  i("addi", 0x13, 0, "op-imm"), i("slti", 0x13, 2, "op-imm"), i("sltiu", 0x13, 3, "op-imm"),
  i("xori", 0x13, 4, "op-imm"), i("ori", 0x13, 6, "op-imm"), i("andi", 0x13, 7, "op-imm"),
  i("slli", 0x13, 1, "op-imm", 0x00), i("srli", 0x13, 5, "op-imm", 0x00), i("srai", 0x13, 5, "op-imm", 0x20),
  r("add", 0, 0x00), r("sub", 0, 0x20), r("sll", 1, 0x00), r("slt", 2, 0x00), r("sltu", 3, 0x00),
  r("xor", 4, 0x00), r("srl", 5, 0x00), r("sra", 5, 0x20), r("or", 6, 0x00), r("and", 7, 0x00),
  i("fence", 0x0f, 0, "fence"), i("fence.i", 0x0f, 1, "fence"),
  { mnemonic: "ecall", format: "I", opcode: 0x73, funct3: 0, imm12: 0, class: "system" },
  { mnemonic: "ebreak", format: "I", opcode: 0x73, funct3: 0, imm12: 1, class: "system" },
];

export const RV32I_BY_MNEMONIC: ReadonlyMap<string, Rv32Spec> = new Map(RV32I.map((spec) => [spec.mnemonic, spec]));

/** ABI register names (RISC-V psABI, "Integer Register Convention"). */
export const RV32_REGISTER_NAMES: readonly string[] = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

export interface Rv32Instruction {
  readonly spec: Rv32Spec;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  /** The sign-extended immediate (U: the value with its low 12 bits zero; shifts: shamt). */
  readonly imm: number;
}

// Fields, named once.
const opcodeOf = (w: number): number => w & 0x7f;
const rdOf = (w: number): number => (w >>> 7) & 31;
const funct3Of = (w: number): number => (w >>> 12) & 7;
const rs1Of = (w: number): number => (w >>> 15) & 31;
const rs2Of = (w: number): number => (w >>> 20) & 31;
const funct7Of = (w: number): number => w >>> 25;
const IMMEDIATE: Readonly<Record<Rv32Format, (w: number) => number>> = {
  R: () => 0,
  I: (w) => w >> 20,
  S: (w) => ((w >> 25) << 5) | ((w >>> 7) & 31),
  B: (w) => ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1),
  U: (w) => w & 0xfffff000,
  J: (w) => ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1),
};

/** Decodes one word; undefined for anything RV32I does not define. */
export function decodeRv32(word: number): Rv32Instruction | undefined {
  const w = word >>> 0;
  const spec = RV32I.find((c) =>
    c.opcode === opcodeOf(w) &&
    (c.funct3 === undefined || c.funct3 === funct3Of(w)) &&
    (c.funct7 === undefined || c.funct7 === funct7Of(w)) &&
    (c.imm12 === undefined || w === ((c.imm12 << 20) | 0x73)));
  if (spec === undefined) return undefined;
  const imm = spec.funct7 !== undefined && spec.format === "I" ? rs2Of(w) : IMMEDIATE[spec.format](w);
  return { spec, rd: rdOf(w), rs1: rs1Of(w), rs2: rs2Of(w), imm };
}

const reg = (n: number): string => RV32_REGISTER_NAMES[n];
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
/** A branch or jump target, as objdump writes it: an address in hex without 0x. */
const target = (n: number): string => (n >>> 0).toString(16);

/** One instruction as GNU objdump -M no-aliases writes it (targets as bare hex addresses). */
export function disassembleRv32(word: number, pc: number): string {
  const d = decodeRv32(word);
  if (d === undefined) return `.word ${hex(word)}`;
  const { spec, rd, rs1, rs2, imm } = d;
  const m = spec.mnemonic;
  switch (spec.format) {
    case "R": return `${m} ${reg(rd)},${reg(rs1)},${reg(rs2)}`;
    case "S": return `${m} ${reg(rs2)},${imm}(${reg(rs1)})`;
    case "B": return `${m} ${reg(rs1)},${reg(rs2)},${target(pc + imm)}`;
    case "U": return `${m} ${reg(rd)},${hex(imm >>> 12)}`;
    case "J": return `${m} ${reg(rd)},${target(pc + imm)}`;
    case "I":
      if (spec.class === "load" || m === "jalr") return `${m} ${reg(rd)},${imm}(${reg(rs1)})`;
      if (spec.class === "system" || spec.class === "fence") return m;
      if (spec.funct7 !== undefined) return `${m} ${reg(rd)},${reg(rs1)},${hex(imm)}`; // a shift amount
      return `${m} ${reg(rd)},${reg(rs1)},${imm}`;
  }
}

export interface Rv32Operands {
  readonly rd?: number;
  readonly rs1?: number;
  readonly rs2?: number;
  /** As decodeRv32 returns it (byte offsets for branches and jumps, the full value for U). */
  readonly imm?: number;
}

/** Encodes one instruction; the inverse of decodeRv32. */
export function encodeRv32(mnemonic: string, ops: Rv32Operands = {}): number {
  const spec = RV32I_BY_MNEMONIC.get(mnemonic);
  if (spec === undefined) throw new RangeError(`${mnemonic} is not an RV32I instruction`);
  const rd = ops.rd ?? 0, rs1 = ops.rs1 ?? 0, rs2 = ops.rs2 ?? 0, imm = ops.imm ?? 0;
  for (const [name, n] of [["rd", rd], ["rs1", rs1], ["rs2", rs2]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > 31) throw new RangeError(`${mnemonic}: ${name} must be x0..x31, not ${n}`);
  }
  const f3 = (spec.funct3 ?? 0) << 12;
  const base = spec.opcode | f3 | (rd << 7) | (rs1 << 15);
  switch (spec.format) {
    case "R": return (base | (rs2 << 20) | ((spec.funct7 ?? 0) << 25)) >>> 0;
    case "I":
      if (spec.imm12 !== undefined) return ((spec.imm12 << 20) | 0x73) >>> 0;
      if (spec.funct7 !== undefined) return (base | ((imm & 31) << 20) | (spec.funct7 << 25)) >>> 0;
      return (base | ((imm & 0xfff) << 20)) >>> 0;
    case "S": return (spec.opcode | f3 | ((imm & 31) << 7) | (rs1 << 15) | (rs2 << 20) | (((imm >> 5) & 0x7f) << 25)) >>> 0;
    case "B":
      return (spec.opcode | f3 | (((imm >> 11) & 1) << 7) | (((imm >> 1) & 0xf) << 8) | (rs1 << 15) | (rs2 << 20) |
        (((imm >> 5) & 0x3f) << 25) | (((imm >> 12) & 1) << 31)) >>> 0;
    case "U": return (spec.opcode | (rd << 7) | (imm & 0xfffff000)) >>> 0;
    case "J":
      return (spec.opcode | (rd << 7) | (((imm >> 12) & 0xff) << 12) | (((imm >> 11) & 1) << 20) | (((imm >> 1) & 0x3ff) << 21) |
        (((imm >> 20) & 1) << 31)) >>> 0;
  }
}

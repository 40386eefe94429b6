/**
 * RV32I by hand (the RISC-V unprivileged spec, version 2.1, chapter 2 and
 * its "Base Instruction Formats" figure): a short run of instruction words
 * at a pc, each to be split into its fields and read as an instruction,
 * and then the basic block they make, the unit a translator translates
 * (Bellard 2005, "QEMU, a fast and portable dynamic translator": a
 * translation block runs up to the next jump or branch, the first
 * instruction whose successor the translator cannot take for granted).
 *
 *   31      25 24  20 19  15 14  12 11   7 6      0
 *   | funct7  |  rs2 |  rs1 |funct3|  rd  | opcode |   the raw fields, read the
 *                                                       same way for every format;
 *   the format says which of them are registers and where the immediate's bits are.
 *
 * Each seed draws the pc, the instructions and their operands; the block
 * ends with a branch or a jal, so it has one or two exits.
 */
import { decodeRv32, disassembleRv32, encodeRv32, RV32_REGISTER_NAMES, type Rv32Format } from "../../emulation/rv32i";
import { hex, Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

/** The six raw bit fields of a word (figure 2.2 of the spec), whatever its format. */
export interface Rv32Fields {
  opcode: number;
  rd: number;
  funct3: number;
  rs1: number;
  rs2: number;
  funct7: number;
}

export interface Rv32Decoded {
  fields: Rv32Fields;
  format: Rv32Format;
  mnemonic: string;
  /** The operands the format has (registers by number; imm sign-extended, a branch's or jump's a byte offset). */
  operands: { rd?: number; rs1?: number; rs2?: number; imm?: number };
  /** As GNU objdump -M no-aliases prints it at this pc. */
  assembly: string;
}

export interface RiscvData {
  /** The guest pc of the first word. */
  pc: number;
  words: number[];
}

export interface RiscvAnswers {
  decoded: Rv32Decoded[];
  /** The basic block from `pc`: how many of the words it holds (the last one ends it). */
  blockLength: number;
  /** Where it can go next: a branch's target and its fall-through, or a jal's target alone. */
  exits: number[];
}

/** The straight-line instructions drawn, by format. */
const STRAIGHT: readonly string[] = [
  "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
  "addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai",
  "lb", "lh", "lw", "lbu", "lhu", "sb", "sh", "sw", "lui", "auipc",
];
const ENDERS: readonly string[] = ["beq", "bne", "blt", "bge", "bltu", "bgeu", "jal"];

/** The operands `format` has: the ones a student must name. */
const OPERANDS: Readonly<Record<Rv32Format, readonly ("rd" | "rs1" | "rs2" | "imm")[]>> = {
  R: ["rd", "rs1", "rs2"],
  I: ["rd", "rs1", "imm"],
  S: ["rs1", "rs2", "imm"],
  B: ["rs1", "rs2", "imm"],
  U: ["rd", "imm"],
  J: ["rd", "imm"],
};

/** The fields and the reading of one word at `pc` (undefined if RV32I does not define it). */
export function decodeByHand(word: number, pc: number): Rv32Decoded | undefined {
  const w = word >>> 0;
  const d = decodeRv32(w);
  if (d === undefined) return undefined;
  const fields: Rv32Fields = { opcode: w & 0x7f, rd: (w >>> 7) & 31, funct3: (w >>> 12) & 7, rs1: (w >>> 15) & 31, rs2: (w >>> 20) & 31, funct7: w >>> 25 };
  const operands: Rv32Decoded["operands"] = {};
  for (const name of OPERANDS[d.spec.format]) operands[name] = d[name];
  return { fields, format: d.spec.format, mnemonic: d.spec.mnemonic, operands, assembly: disassembleRv32(w, pc) };
}

/** A register the compiler would use: never x0 as a destination. */
const register = (rng: Prng): number => rng.int(1, 31);

function drawWord(rng: Prng, mnemonic: string): number {
  const rd = register(rng), rs1 = register(rng), rs2 = register(rng);
  switch (mnemonic) {
    case "slli": case "srli": case "srai": return encodeRv32(mnemonic, { rd, rs1, imm: rng.int(1, 31) });
    case "lui": case "auipc": return encodeRv32(mnemonic, { rd, imm: rng.int(1, 0xfffff) << 12 });
    case "jal": return encodeRv32(mnemonic, { rd: rng.pick([0, 1]), imm: 4 * rng.int(-200, 200) || 8 });
    default: {
      const format = decodeRv32(encodeRv32(mnemonic))?.spec.format;
      if (format === "B") return encodeRv32(mnemonic, { rs1, rs2, imm: 4 * rng.int(-60, 60) || -8 });
      return encodeRv32(mnemonic, { rd, rs1, rs2, imm: rng.int(-2048, 2047) });
    }
  }
}

/**
 * A seeded problem: `count` words (4 to 7 unless given, 2 to 12) from a pc;
 * a branch or jal somewhere before the last ends the block, and the words
 * after it belong to another block.
 */
export function riscvProblem(seed: number, options: { count?: number } = {}): Problem<RiscvData, RiscvAnswers> {
  const rng = new Prng(checkSeed(seed));
  const count = Math.max(2, Math.min(12, options.count ?? rng.int(4, 7)));
  const pc = 0x10000 + 4 * rng.int(0x40, 0x3ff);
  const end = rng.int(Math.max(0, count - 3), count - 2);
  const mnemonics = Array.from({ length: count }, (_, i) => rng.pick(i === end ? ENDERS : STRAIGHT));
  const words = mnemonics.map((m) => drawWord(rng, m));
  const decoded = words.map((w, i) => decodeByHand(w, pc + 4 * i) as Rv32Decoded);
  const endPc = pc + 4 * end;
  const target = (endPc + (decoded[end].operands.imm ?? 0)) >>> 0;
  const exits = decoded[end].mnemonic === "jal" ? [target] : [target, endPc + 4];
  const blockLength = end + 1;
  const data: RiscvData = { pc, words };
  const answers: RiscvAnswers = { decoded, blockLength, exits };
  return {
    kind: "riscv",
    seed,
    title: "RV32I by hand: decode the words, find the block and its exits",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function render(d: RiscvData, a: RiscvAnswers, withAnswers: boolean): string {
  const ans = (s: string): string => (withAnswers ? s : "?");
  const lines = [
    `These RV32I words are in a guest's memory from pc ${hex(d.pc)} (little-endian, one per line).`,
    "1. Split each into its fields (opcode, rd, funct3, rs1, rs2, funct7 in decimal),",
    "   then name the instruction and its operands (registers xN, immediates in decimal).",
    "",
  ];
  d.words.forEach((w, i) => {
    const x = a.decoded[i], f = x.fields;
    const ops = Object.entries(x.operands).map(([k, v]) => `${k} ${k === "imm" ? v : `x${v} (${RV32_REGISTER_NAMES[v as number]})`}`).join(", ");
    lines.push(`  ${hex(d.pc + 4 * i)}: ${hex(w)}`);
    lines.push(`    fields: opcode ${ans(String(f.opcode))}  rd ${ans(String(f.rd))}  funct3 ${ans(String(f.funct3))}  rs1 ${ans(String(f.rs1))}`
      + `  rs2 ${ans(String(f.rs2))}  funct7 ${ans(String(f.funct7))}`);
    lines.push(`    format ${ans(x.format)}, ${ans(x.mnemonic)}: ${ans(ops)}`);
    lines.push(`    as objdump -M no-aliases prints it: ${ans(x.assembly)}`);
  });
  lines.push(
    "",
    `2. A translator starts a block at ${hex(d.pc)}. How many of these words does the block hold? ${ans(String(a.blockLength))}`,
    `3. At which guest pcs can the next block start (its exits)? ${ans(a.exits.map((e) => hex(e)).join(", "))}`,
  );
  return lines.join("\n");
}

/**
 * The CPU's names for opcodes, taken from the one instruction table
 * (isa.ts) so no number is restated here. Module-level constants, so the
 * run loop's switch compares against constants.
 */
import { BY_MNEMONIC, INSTRUCTIONS } from "./isa";

function op(mnemonic: string): number {
  const spec = BY_MNEMONIC.get(mnemonic);
  if (spec === undefined) throw new Error(`the instruction table has no ${mnemonic}`);
  HANDLED.add(mnemonic);
  return spec.opcode;
}
const HANDLED = new Set<string>();

export const ADD = op("add"), SUB = op("sub"), MUL = op("mul"), DIV = op("div"), REM = op("rem");
export const AND = op("and"), OR = op("or"), XOR = op("xor"), SHL = op("shl"), SHR = op("shr");
export const SRA = op("sra"), SLT = op("slt"), SLTU = op("sltu");
export const ADDI = op("addi"), ANDI = op("andi"), ORI = op("ori"), XORI = op("xori"), SHLI = op("shli");
export const SHRI = op("shri"), SRAI = op("srai"), SLTI = op("slti"), LUI = op("lui");
export const LW = op("lw"), LB = op("lb"), LBU = op("lbu"), SW = op("sw"), SB = op("sb");
export const BEQ = op("beq"), BNE = op("bne"), BLT = op("blt"), BGE = op("bge"), BLTU = op("bltu"), BGEU = op("bgeu");
export const JAL = op("jal"), JALR = op("jalr");
export const SYS = op("sys"), BRK = op("brk"), HCALL = op("hcall");
export const CSRR = op("csrr"), CSRW = op("csrw"), RETT = op("rett"), HALT = op("halt"), WFI = op("wfi");
export const TLBW = op("tlbw"), TLBINV = op("tlbinv"), TLBFLUSH = op("tlbflush");
export const PUSHF = op("pushf"), POPF = op("popf"), SPTB = op("sptb");

// Exhaustiveness (STYLE.md 4): every instruction in the table has a name
// here and so a case in the CPU; a new table entry fails loudly at load.
for (const spec of INSTRUCTIONS) {
  if (!HANDLED.has(spec.mnemonic)) throw new Error(`the CPU does not implement ${spec.mnemonic} from the instruction table`);
}

/**
 * The run loop's case numbers: the CPU's own dense numbering of what it
 * does (not opcodes, which stay in the table). A `const enum`, so the
 * compiler writes literal cases and the switch becomes a jump table.
 */
export const enum Kind {
  ILLEGAL = 0,
  ADD, SUB, MUL, DIV, REM, AND, OR, XOR, SHL, SHR, SRA, SLT, SLTU,
  ADDI, ANDI, ORI, XORI, SHLI, SHRI, SRAI, SLTI, LUI,
  LW, LB, LBU, SW, SB,
  BEQ, BNE, BLT, BGE, BLTU, BGEU, JAL, JALR,
  SYSTEM,
}

const KIND_OF: Readonly<Record<string, Kind>> = {
  add: Kind.ADD, sub: Kind.SUB, mul: Kind.MUL, div: Kind.DIV, rem: Kind.REM, and: Kind.AND, or: Kind.OR,
  xor: Kind.XOR, shl: Kind.SHL, shr: Kind.SHR, sra: Kind.SRA, slt: Kind.SLT, sltu: Kind.SLTU,
  addi: Kind.ADDI, andi: Kind.ANDI, ori: Kind.ORI, xori: Kind.XORI, shli: Kind.SHLI, shri: Kind.SHRI,
  srai: Kind.SRAI, slti: Kind.SLTI, lui: Kind.LUI,
  lw: Kind.LW, lb: Kind.LB, lbu: Kind.LBU, sw: Kind.SW, sb: Kind.SB,
  beq: Kind.BEQ, bne: Kind.BNE, blt: Kind.BLT, bge: Kind.BGE, bltu: Kind.BLTU, bgeu: Kind.BGEU,
  jal: Kind.JAL, jalr: Kind.JALR,
};

/** Opcode -> Kind, from the instruction table; 0 (ILLEGAL) where nothing is assigned. */
export const KIND: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const spec of INSTRUCTIONS) {
    table[spec.opcode] = spec.category === "system" ? Kind.SYSTEM : KIND_OF[spec.mnemonic];
    if (table[spec.opcode] === undefined || table[spec.opcode] === Kind.ILLEGAL) {
      throw new Error(`the CPU has no case for ${spec.mnemonic}`);
    }
  }
  return table;
})();

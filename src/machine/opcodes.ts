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


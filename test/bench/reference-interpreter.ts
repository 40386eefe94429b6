/**
 * The ceiling for an interpreter (issue: `reference_mips`): a minimal
 * switch interpreter of toy32's ALU, branch and halt instructions, with no
 * MMU, no traps, no statistics and no devices. It predecodes the program
 * once, as a good interpreter would, so the ratio against it is honest.
 * Only the compute loop's instructions are needed; others stop the run.
 */
import { BY_MNEMONIC, opOf, rdOf, rs1Of, rs2Of, sbRs1Of, sbRs2Of, imm16Of, imm20Of } from "vmlab";

function op(mnemonic: string): number {
  const spec = BY_MNEMONIC.get(mnemonic);
  if (!spec) throw new Error(`no instruction ${mnemonic}`);
  return spec.opcode;
}
const ADD = op("add"), SUB = op("sub"), MUL = op("mul"), XOR = op("xor"), AND = op("and");
const ADDI = op("addi"), ANDI = op("andi"), LUI = op("lui"), ORI = op("ori"), SHLI = op("shli");
const BEQ = op("beq"), BNE = op("bne"), BLT = op("blt"), BGE = op("bge"), JAL = op("jal"), HALT = op("halt");

/**
 * Dense case numbers (not opcodes): predecoding maps each opcode to one of
 * these, and a `const enum` gives the switch literal cases, so it compiles
 * to a jump table rather than a chain of compares.
 */
const enum K {
  OTHER, ADD, SUB, MUL, XOR, AND, ADDI, ANDI, ORI, SHLI, LUI, BEQ, BNE, BLT, BGE, JAL, HALT,
}
const KIND = new Map<number, K>([
  [ADD, K.ADD], [SUB, K.SUB], [MUL, K.MUL], [XOR, K.XOR], [AND, K.AND], [ADDI, K.ADDI], [ANDI, K.ANDI],
  [ORI, K.ORI], [SHLI, K.SHLI], [LUI, K.LUI], [BEQ, K.BEQ], [BNE, K.BNE], [BLT, K.BLT], [BGE, K.BGE],
  [JAL, K.JAL], [HALT, K.HALT],
]);

export interface ReferenceResult {
  instructions: number;
  a0: number;
}

/** Runs `words` (loaded at address 0) until `halt`; returns a0 and the count. */
export function runReference(words: Uint32Array, maxInstructions: number): ReferenceResult {
  const n = words.length;
  const ops = new Uint8Array(n), a = new Uint8Array(n), b = new Uint8Array(n), c = new Uint8Array(n);
  const imm = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = words[i];
    const o = opOf(w);
    ops[i] = KIND.get(o) ?? K.OTHER;
    const sb = o === BEQ || o === BNE || o === BLT || o === BGE;
    a[i] = sb ? sbRs1Of(w) : rdOf(w);
    b[i] = sb ? sbRs2Of(w) : rs1Of(w);
    c[i] = rs2Of(w);
    imm[i] = o === JAL ? imm20Of(w) : o === ANDI || o === ORI || o === LUI ? w & 0xffff : imm16Of(w);
  }
  const r = new Int32Array(16);
  let pc = 0;
  let count = 0;
  while (count < maxInstructions) {
    count++;
    const i = pc;
    pc++;
    switch (ops[i]) {
      case K.ADD: r[a[i]] = r[b[i]] + r[c[i]]; break;
      case K.SUB: r[a[i]] = r[b[i]] - r[c[i]]; break;
      case K.MUL: r[a[i]] = Math.imul(r[b[i]], r[c[i]]); break;
      case K.XOR: r[a[i]] = r[b[i]] ^ r[c[i]]; break;
      case K.AND: r[a[i]] = r[b[i]] & r[c[i]]; break;
      case K.ADDI: r[a[i]] = r[b[i]] + imm[i]; break;
      case K.ANDI: r[a[i]] = r[b[i]] & imm[i]; break;
      case K.ORI: r[a[i]] = r[b[i]] | imm[i]; break;
      case K.SHLI: r[a[i]] = r[b[i]] << (imm[i] & 31); break;
      case K.LUI: r[a[i]] = imm[i] << 16; break;
      case K.BEQ: if (r[a[i]] === r[b[i]]) pc = i + imm[i]; break;
      case K.BNE: if (r[a[i]] !== r[b[i]]) pc = i + imm[i]; break;
      case K.BLT: if (r[a[i]] < r[b[i]]) pc = i + imm[i]; break;
      case K.BGE: if (r[a[i]] >= r[b[i]]) pc = i + imm[i]; break;
      case K.JAL: r[a[i]] = (i + 1) * 4; pc = i + imm[i]; break;
      case K.HALT: return { instructions: count, a0: r[1] };
      default: throw new Error(`reference interpreter: opcode 0x${opOf(words[i]).toString(16)} at ${i * 4} is outside the compute loop`);
    }
    r[0] = 0;
  }
  return { instructions: count, a0: r[1] };
}

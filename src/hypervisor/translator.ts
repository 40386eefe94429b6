/**
 * The binary translator: guest kernel code, one basic block at a time, to
 * a JavaScript function (Adams and Agesen 2006, section 3.1: "the
 * translator's input is the full x86 instruction set ... its output is a
 * safe subset ... innocuous instructions are translated identically;
 * sensitive and privileged ones are replaced by calls into the VMM";
 * VMware's translator works on "translation units" of at most 12
 * instructions ending at a control transfer, cached by address).
 *
 * One emitter per opcode (STYLE.md 11, Doppio's jit.ts): it returns the
 * JavaScript of one instruction. A block ends at a control transfer, at a
 * callout (a privileged or sensitive instruction, a trap), at a page end
 * or after MAX_BLOCK instructions. The emitted function
 *
 *   function (r, h) -> next pc, or -1 when the runtime took over
 *
 * works on the VCPU's registers `r` (an Int32Array, so every store wraps
 * modulo 2^32 as toy32 does) and calls the runtime `h` (bt-runtime.ts) for
 * memory and for everything sensitive. Emitted source is kept on the block
 * so a notebook can print it next to the guest's disassembly:
 *
 *   // 0x00000100  addi t0, t1, 12
 *   r[5] = r[6] + 12;
 *   // 0x00000104  csrr t1, EPC             <- privileged, inlined on the VCPU
 *   r[6] = h.csr[1] | 0;
 *   // 0x00000108  csrw STATUS, t0          <- may change mode: a callout
 *   h.n += 3; h.c += 3; return h.priv(0x51050000, 0x00000108);
 */
import { disassemble } from "../machine/disassembler";
import { BY_OPCODE, CAUSE, CSR, imm16Of, imm20Of, opOf, rdOf, rs1Of, rs2Of, sbRs1Of, sbRs2Of, uimm16Of } from "../machine/isa";
import { COSTS } from "../machine/costs";
import * as O from "../machine/opcodes";

export const MAX_BLOCK = 64;

/** What translated code calls: memory through the shadow, and the hypervisor. */
export interface BtRuntime {
  /** Set when a helper reflected a trap or must end the block; the block then returns -1. */
  stop: boolean;
  /** Guest instructions and cycles executed, added at each block exit. */
  n: number;
  c: number;
  lw(va: number, pc: number, k: number): number;
  lb(va: number, pc: number, k: number): number;
  lbu(va: number, pc: number, k: number): number;
  sw(va: number, value: number, pc: number, k: number): void;
  sb(va: number, value: number, pc: number, k: number): void;
  /** The VCPU's CSRs, which inlined privileged instructions read and write directly. */
  readonly csr: Uint32Array;
  /** A privileged or sensitive instruction, emulated on the VCPU: the next pc or -1. */
  priv(word: number, pc: number): number;
  /**
   * A callout that usually falls through (tlbinv, popf, csrw TIMER ...):
   * sets `stop` (and counts the k instructions) if it left pc elsewhere.
   */
  call(word: number, pc: number, k: number): void;
  /** After an inlined popf turned IE on: deliver a pending interrupt (sets `stop` if it did). */
  ie(pc: number, k: number): void;
  /** A trap (sys, brk, hcall, illegal, divide by zero) at pc: -1. */
  trap(cause: number, badva: number, pc: number): number;
}

export type BlockFunction = (r: Int32Array, h: BtRuntime) => number;

export interface TranslatedBlock {
  /** Guest-virtual and guest-physical address of the first instruction (the cache key). */
  readonly va: number;
  readonly gpa: number;
  readonly length: number;
  /** Privileged or sensitive instructions replaced by callouts. */
  readonly callouts: number;
  readonly source: string;
  readonly run: BlockFunction;
  executions: number;
  /** Chaining (binary-translation.ts): the block that last followed this one, at pc linkPc. */
  linkPc: number;
  link: TranslatedBlock | undefined;
  linkGeneration: number;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
const reg = (i: number): string => `r[${i}]`;
/** Assignment to rd, dropped for r0 (it always reads zero). */
const set = (rd: number, expr: string): string => (rd === 0 ? `/* r0 */ void (${expr});` : `${reg(rd)} = ${expr};`);

interface Emitted {
  readonly code: string;
  /** The block ends after this instruction. */
  readonly ends: boolean;
  readonly callout?: boolean;
}

type Emitter = (w: number, pc: number, exit: string) => Emitted;

const alu = (expr: (b: string, c: string) => string): Emitter => (w) =>
  ({ code: set(rdOf(w), expr(reg(rs1Of(w)), reg(rs2Of(w)))), ends: false });
const aluImm = (expr: (b: string, imm: number) => string, zero = false): Emitter => (w) =>
  ({ code: set(rdOf(w), expr(reg(rs1Of(w)), zero ? uimm16Of(w) : imm16Of(w))), ends: false });
const branch = (cond: (a: string, b: string) => string): Emitter => (w, pc, exit) => ({
  code: `${exit} return ${cond(reg(sbRs1Of(w)), reg(sbRs2Of(w)))} ? ${hex(pc + 4 * imm16Of(w))} : ${hex(pc + 4)};`,
  ends: true,
});
const load = (fn: string): Emitter => (w, pc) => ({
  code: `${set(rdOf(w), `h.${fn}(${reg(rs1Of(w))} + ${imm16Of(w)} | 0, ${hex(pc)}, K)`)} if (h.stop) return -1;`,
  ends: false,
});
const store = (fn: string): Emitter => (w, pc) => ({
  code: `h.${fn}(${reg(sbRs1Of(w))} + ${imm16Of(w)} | 0, ${reg(sbRs2Of(w))}, ${hex(pc)}, K); if (h.stop) return -1;`,
  ends: false,
});
/** A callout that ends the block: rett, halt, wfi, and writes that may change mode or address space. */
const callout: Emitter = (w, pc, exit) => ({ code: `${exit} return h.priv(${hex(w)}, ${hex(pc)});`, ends: true, callout: true });
/** A callout after which the block goes on unless the hypervisor moved pc (an interrupt delivered). */
const fallThrough: Emitter = (w, pc) => ({ code: `h.call(${hex(w)}, ${hex(pc)}, K); if (h.stop) return -1;`, ends: false, callout: true });

/**
 * Privileged instructions on plain state need no hypervisor code at all:
 * they become loads and stores of the VCPU's CSRs (Adams and Agesen 2006,
 * 3.1: "cli" is translated to "vcpu.flags.IF = 0").
 */
const INLINE_CSR_WRITES: ReadonlySet<number> = new Set([CSR.EPC, CSR.CAUSE, CSR.BADVA, CSR.TVEC, CSR.SCRATCH, CSR.TLBHI, CSR.TLBLO]);
const ENDING_CSR_WRITES: ReadonlySet<number> = new Set([CSR.STATUS, CSR.PTBR]);
const csrRead: Emitter = (w, pc, exit) => {
  const n = uimm16Of(w);
  if (n === CSR.CYCLE || n >= 12) return fallThrough(w, pc, exit);
  return { code: set(rdOf(w), `h.csr[${n}] | 0`), ends: false, callout: true };
};
const csrWrite: Emitter = (w, pc, exit) => {
  const n = uimm16Of(w);
  if (INLINE_CSR_WRITES.has(n)) return { code: `h.csr[${n}] = ${reg(rs1Of(w))};`, ends: false, callout: true };
  return ENDING_CSR_WRITES.has(n) ? callout(w, pc, exit) : fallThrough(w, pc, exit);
};
const trapWith = (cause: number, badva: (w: number) => number): Emitter => (w, pc, exit) =>
  ({ code: `${exit} return h.trap(${cause}, ${hex(badva(w))}, ${hex(pc)});`, ends: true });
const divide = (op: string): Emitter => (w, pc, exit) => ({
  code: `if (${reg(rs2Of(w))} === 0) { ${exit} return h.trap(${CAUSE.DIVIDE_BY_ZERO}, 0, ${hex(pc)}); } ` +
    set(rdOf(w), `(${reg(rs1Of(w))} ${op} ${reg(rs2Of(w))}) | 0`),
  ends: false,
});

/** Emitters by opcode; every instruction of isa.ts has one (checked below). */
const EMITTERS: ReadonlyMap<number, Emitter> = new Map<number, Emitter>([
  [O.ADD, alu((b, c) => `${b} + ${c}`)],
  [O.SUB, alu((b, c) => `${b} - ${c}`)],
  [O.MUL, alu((b, c) => `Math.imul(${b}, ${c})`)],
  [O.DIV, divide("/")],
  [O.REM, divide("%")],
  [O.AND, alu((b, c) => `${b} & ${c}`)],
  [O.OR, alu((b, c) => `${b} | ${c}`)],
  [O.XOR, alu((b, c) => `${b} ^ ${c}`)],
  [O.SHL, alu((b, c) => `${b} << ${c}`)],
  [O.SHR, alu((b, c) => `${b} >>> ${c}`)],
  [O.SRA, alu((b, c) => `${b} >> ${c}`)],
  [O.SLT, alu((b, c) => `${b} < ${c} ? 1 : 0`)],
  [O.SLTU, alu((b, c) => `${b} >>> 0 < ${c} >>> 0 ? 1 : 0`)],
  [O.ADDI, aluImm((b, i) => `${b} + ${i}`)],
  [O.ANDI, aluImm((b, i) => `${b} & ${i}`, true)],
  [O.ORI, aluImm((b, i) => `${b} | ${i}`, true)],
  [O.XORI, aluImm((b, i) => `${b} ^ ${i}`, true)],
  [O.SHLI, aluImm((b, i) => `${b} << ${i & 31}`)],
  [O.SHRI, aluImm((b, i) => `${b} >>> ${i & 31}`)],
  [O.SRAI, aluImm((b, i) => `${b} >> ${i & 31}`)],
  [O.SLTI, aluImm((b, i) => `${b} < ${i} ? 1 : 0`)],
  [O.LUI, (w) => ({ code: set(rdOf(w), `${(uimm16Of(w) << 16) | 0}`), ends: false })],
  [O.LW, load("lw")],
  [O.LB, load("lb")],
  [O.LBU, load("lbu")],
  [O.SW, store("sw")],
  [O.SB, store("sb")],
  [O.BEQ, branch((a, b) => `${a} === ${b}`)],
  [O.BNE, branch((a, b) => `${a} !== ${b}`)],
  [O.BLT, branch((a, b) => `${a} < ${b}`)],
  [O.BGE, branch((a, b) => `${a} >= ${b}`)],
  [O.BLTU, branch((a, b) => `${a} >>> 0 < ${b} >>> 0`)],
  [O.BGEU, branch((a, b) => `${a} >>> 0 >= ${b} >>> 0`)],
  [O.JAL, (w, pc, exit) => ({ code: `${set(rdOf(w), `${(pc + 4) | 0}`)} ${exit} return ${hex(pc + 4 * imm20Of(w))};`, ends: true })],
  [O.JALR, (w, pc, exit) => ({
    code: `{ const t = (${reg(rs1Of(w))} + ${imm16Of(w)}) & -4; ${set(rdOf(w), `${(pc + 4) | 0}`)} ${exit} return t >>> 0; }`,
    ends: true,
  })],
  [O.SYS, trapWith(CAUSE.SYSCALL, () => 0)],
  [O.BRK, trapWith(CAUSE.BREAKPOINT, () => 0)],
  [O.HCALL, trapWith(CAUSE.HYPERCALL, () => 0)],
  [O.CSRR, csrRead],
  [O.CSRW, csrWrite],
  [O.PUSHF, (w) => ({ code: set(rdOf(w), `h.csr[${CSR.STATUS}] | 0`), ends: false, callout: true })],
  [O.SPTB, (w) => ({ code: set(rdOf(w), `h.csr[${CSR.PTBR}] | 0`), ends: false, callout: true })],
  // popf in (virtual) kernel mode sets IE; only turning it on needs the hypervisor.
  [O.POPF, (w, pc) => ({
    code: `if ((h.csr[${CSR.STATUS}] = (h.csr[${CSR.STATUS}] & -2) | (${reg(rs1Of(w))} & 1)) & 1) { h.ie(${hex(pc)}, K); if (h.stop) return -1; }`,
    ends: false,
    callout: true,
  })],
  [O.TLBW, fallThrough],
  [O.TLBINV, fallThrough],
  [O.TLBFLUSH, fallThrough],
  ...[O.RETT, O.HALT, O.WFI].map((op): [number, Emitter] => [op, callout]),
]);

for (const spec of BY_OPCODE) {
  if (spec && !EMITTERS.has(spec.opcode)) throw new Error(`translator: no emitter for ${spec.mnemonic}`);
}
const ILLEGAL = trapWith(CAUSE.ILLEGAL_INSTRUCTION, (w) => w);

/** Cycles an instruction costs on bare toy32 (the cost table's view). */
function cost(op: number): number {
  if (op === O.MUL) return COSTS.instruction + COSTS.multiply;
  if (op === O.DIV || op === O.REM) return COSTS.instruction + COSTS.divide;
  return COSTS.instruction;
}

/**
 * Compiled block functions by their source, shared by every VM in the
 * process: a block's source is a pure function of its address and words,
 * so the same kernel booted again (every chapter boots many VMs) reuses
 * the host's compiled code instead of handing V8 the same text anew. The
 * guest is charged translateInstruction cycles either way: what is saved
 * is host time only. Bounded, oldest first out.
 */
const COMPILED = new Map<string, BlockFunction>();
const COMPILED_LIMIT = 8192;

function compiled(source: string): BlockFunction {
  let run = COMPILED.get(source);
  if (run === undefined) {
    run = new Function("r", "h", source) as BlockFunction;
    if (COMPILED.size >= COMPILED_LIMIT) COMPILED.delete(COMPILED.keys().next().value as string);
    COMPILED.set(source, run);
  }
  return run;
}

/**
 * Translates the block at guest-virtual `va` (guest-physical `gpa`); `word(i)`
 * reads the i-th instruction word of the block, undefined past the page.
 */
export function translateBlock(va: number, gpa: number, word: (i: number) => number | undefined): TranslatedBlock {
  const lines: string[] = [];
  let k = 0, cycles = 0, callouts = 0;
  for (;;) {
    const w = word(k);
    const pc = (va + 4 * k) >>> 0;
    if (w === undefined || k === MAX_BLOCK) {
      lines.push(`h.n += ${k}; h.c += ${cycles}; return ${hex(pc)};`);
      break;
    }
    k++;
    cycles += cost(opOf(w));
    const exit = `h.n += ${k}; h.c += ${cycles};`;
    const emitter = EMITTERS.get(opOf(w)) ?? ILLEGAL;
    const e = emitter(w, pc, exit);
    lines.push(`// ${hex(pc)}  ${disassemble(w, pc)}`, e.code.replace(/\bK\b/g, String(k)));
    if (e.callout) callouts++;
    if (e.ends) break;
  }
  const source = `// block at ${hex(va)} (guest-physical ${hex(gpa)}), ${k} instructions\n${lines.join("\n")}`;
  return { va, gpa, length: k, callouts, source, run: compiled(source), executions: 0, linkPc: -1, link: undefined, linkGeneration: -1 };
}

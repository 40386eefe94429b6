/**
 * toy32's one instruction table (shared/ISA.md). The assembler, the
 * disassembler, the CPU's decoder and the generated ISA reference all read
 * this table; nothing else knows an opcode's number.
 *
 *   31        24 23    20 19    16 15    12 11                     0
 *  +------------+--------+--------+--------+------------------------+
 *  |     op     |   rd   |  rs1   |  rs2   |         unused         |  R
 *  |     op     |   rd   |  rs1   |          imm16                  |  I
 *  |     op     |  rs1   |  rs2   |          imm16                  |  S/B
 *  |     op     |   rd   |               imm20                      |  J
 *  +------------+--------+--------+---------------------------------+
 *
 * Branch and jump offsets count instructions: target = pc + 4 * imm.
 */

export type Format = "R" | "I" | "S" | "B" | "J";

/**
 * How an instruction's operands are written, in order:
 * `rd rs1 rs2` registers; `imm` an immediate expression; `mem` the
 * `imm(rs1)` form of loads and stores; `label` a branch or jump target
 * (pc-relative in the encoding); `csr` a CSR name or number.
 */
export type Operand = "rd" | "rs1" | "rs2" | "imm" | "mem" | "label" | "csr";

/** Who may execute it (Popek and Goldberg 1974's classification). */
export type Privilege = "unprivileged" | "privileged" | "sensitive";

export type Category = "alu" | "memory" | "control" | "system";

export interface InstructionSpec {
  readonly mnemonic: string;
  readonly opcode: number;
  readonly format: Format;
  readonly operands: readonly Operand[];
  readonly category: Category;
  readonly privilege: Privilege;
  /** Immediates are sign-extended unless this says "zero". */
  readonly immediate: "sign" | "zero";
  readonly summary: string;
}

function spec(
  mnemonic: string,
  opcode: number,
  format: Format,
  operands: readonly Operand[],
  category: Category,
  summary: string,
  extra: { privilege?: Privilege; immediate?: "sign" | "zero" } = {},
): InstructionSpec {
  return {
    mnemonic,
    opcode,
    format,
    operands,
    category,
    summary,
    privilege: extra.privilege ?? "unprivileged",
    immediate: extra.immediate ?? "sign",
  };
}

const R3: readonly Operand[] = ["rd", "rs1", "rs2"];
const RI: readonly Operand[] = ["rd", "rs1", "imm"];
const ZERO = { immediate: "zero" } as const;
const PRIV = { privilege: "privileged" } as const;
const SENS = { privilege: "sensitive" } as const;

export const INSTRUCTIONS: readonly InstructionSpec[] = [
  // ALU, register-register
  spec("add", 0x01, "R", R3, "alu", "rd = rs1 + rs2"),
  spec("sub", 0x02, "R", R3, "alu", "rd = rs1 - rs2"),
  spec("mul", 0x03, "R", R3, "alu", "rd = rs1 * rs2 (low 32 bits)"),
  spec("div", 0x04, "R", R3, "alu", "rd = rs1 / rs2, signed, toward zero; traps DIVIDE_BY_ZERO"),
  spec("rem", 0x05, "R", R3, "alu", "rd = rs1 % rs2, signed, sign of rs1; traps DIVIDE_BY_ZERO"),
  spec("and", 0x06, "R", R3, "alu", "rd = rs1 & rs2"),
  spec("or", 0x07, "R", R3, "alu", "rd = rs1 | rs2"),
  spec("xor", 0x08, "R", R3, "alu", "rd = rs1 ^ rs2"),
  spec("shl", 0x09, "R", R3, "alu", "rd = rs1 << (rs2 & 31)"),
  spec("shr", 0x0a, "R", R3, "alu", "rd = rs1 >>> (rs2 & 31), logical"),
  spec("sra", 0x0b, "R", R3, "alu", "rd = rs1 >> (rs2 & 31), arithmetic"),
  spec("slt", 0x0c, "R", R3, "alu", "rd = rs1 < rs2 ? 1 : 0, signed"),
  spec("sltu", 0x0d, "R", R3, "alu", "rd = rs1 < rs2 ? 1 : 0, unsigned"),
  // ALU, register-immediate
  spec("addi", 0x10, "I", RI, "alu", "rd = rs1 + imm"),
  spec("andi", 0x11, "I", RI, "alu", "rd = rs1 & imm (zero-extended)", ZERO),
  spec("ori", 0x12, "I", RI, "alu", "rd = rs1 | imm (zero-extended)", ZERO),
  spec("xori", 0x13, "I", RI, "alu", "rd = rs1 ^ imm (zero-extended)", ZERO),
  spec("shli", 0x14, "I", RI, "alu", "rd = rs1 << (imm & 31)"),
  spec("shri", 0x15, "I", RI, "alu", "rd = rs1 >>> (imm & 31), logical"),
  spec("srai", 0x16, "I", RI, "alu", "rd = rs1 >> (imm & 31), arithmetic"),
  spec("slti", 0x17, "I", RI, "alu", "rd = rs1 < imm ? 1 : 0, signed"),
  spec("lui", 0x18, "I", ["rd", "imm"], "alu", "rd = imm << 16", ZERO),
  // Memory
  spec("lw", 0x20, "I", ["rd", "mem"], "memory", "rd = word at rs1 + imm (4-byte aligned, else MISALIGNED)"),
  spec("lb", 0x21, "I", ["rd", "mem"], "memory", "rd = sign-extended byte at rs1 + imm"),
  spec("lbu", 0x22, "I", ["rd", "mem"], "memory", "rd = zero-extended byte at rs1 + imm"),
  spec("sw", 0x23, "S", ["rs2", "mem"], "memory", "word at rs1 + imm = rs2 (4-byte aligned, else MISALIGNED)"),
  spec("sb", 0x24, "S", ["rs2", "mem"], "memory", "byte at rs1 + imm = low byte of rs2"),
  // Control
  spec("beq", 0x30, "B", ["rs1", "rs2", "label"], "control", "if rs1 == rs2: pc += 4 * imm"),
  spec("bne", 0x31, "B", ["rs1", "rs2", "label"], "control", "if rs1 != rs2: pc += 4 * imm"),
  spec("blt", 0x32, "B", ["rs1", "rs2", "label"], "control", "if rs1 < rs2 (signed): pc += 4 * imm"),
  spec("bge", 0x33, "B", ["rs1", "rs2", "label"], "control", "if rs1 >= rs2 (signed): pc += 4 * imm"),
  spec("bltu", 0x34, "B", ["rs1", "rs2", "label"], "control", "if rs1 < rs2 (unsigned): pc += 4 * imm"),
  spec("bgeu", 0x35, "B", ["rs1", "rs2", "label"], "control", "if rs1 >= rs2 (unsigned): pc += 4 * imm"),
  spec("jal", 0x38, "J", ["rd", "label"], "control", "rd = pc + 4; pc += 4 * imm"),
  spec("jalr", 0x39, "I", ["rd", "rs1", "imm"], "control", "rd = pc + 4; pc = (rs1 + imm) & ~3"),
  // Unprivileged system
  spec("sys", 0x40, "R", [], "system", "trap SYSCALL"),
  spec("brk", 0x41, "R", [], "system", "trap BREAKPOINT"),
  spec("hcall", 0x42, "R", [], "system", "trap HYPERCALL (ILLEGAL_INSTRUCTION on bare hardware)"),
  // Privileged: PRIVILEGED_INSTRUCTION in user mode
  spec("csrr", 0x50, "I", ["rd", "csr"], "system", "rd = CSR", PRIV),
  spec("csrw", 0x51, "I", ["csr", "rs1"], "system", "CSR = rs1", PRIV),
  spec("rett", 0x52, "R", [], "system", "KM = PKM, IE = PIE, pc = EPC", PRIV),
  spec("halt", 0x53, "R", [], "system", "stop the machine; exit code a0", PRIV),
  spec("wfi", 0x54, "R", [], "system", "wait for an interrupt", PRIV),
  spec("tlbw", 0x55, "R", [], "system", "write TLBHI/TLBLO into the TLB", PRIV),
  spec("tlbinv", 0x56, "R", ["rs1"], "system", "drop the translation of the VA in rs1", PRIV),
  spec("tlbflush", 0x57, "R", [], "system", "drop every translation", PRIV),
  // Sensitive but unprivileged unless the machine is built virtualizable
  spec("pushf", 0x60, "R", ["rd"], "system", "rd = STATUS (true mode and IE bits)", SENS),
  spec("popf", 0x61, "R", ["rs1"], "system", "kernel: STATUS.IE = rs1.IE; user: IE and mode bits ignored", SENS),
  spec("sptb", 0x62, "R", ["rd"], "system", "rd = PTBR", SENS),
];

/** Opcodes by mnemonic and the reverse, built once and checked. */
export const BY_MNEMONIC: ReadonlyMap<string, InstructionSpec> = new Map(
  INSTRUCTIONS.map((i) => [i.mnemonic, i]),
);
export const BY_OPCODE: readonly (InstructionSpec | undefined)[] = (() => {
  const table: (InstructionSpec | undefined)[] = new Array(256).fill(undefined);
  for (const i of INSTRUCTIONS) {
    if (i.opcode === 0x00 || i.opcode === 0xff) throw new Error(`opcode ${i.opcode} of ${i.mnemonic} is reserved`);
    if (table[i.opcode]) throw new Error(`opcode ${i.opcode} assigned twice`);
    table[i.opcode] = i;
  }
  return table;
})();

// Field extraction, named once (STYLE.md 3).
export const opOf = (w: number): number => w >>> 24;
export const rdOf = (w: number): number => (w >>> 20) & 0xf;
export const rs1Of = (w: number): number => (w >>> 16) & 0xf;
export const rs2Of = (w: number): number => (w >>> 12) & 0xf;
/** S/B format: rs1 sits where rd does and rs2 where rs1 does. */
export const sbRs1Of = (w: number): number => (w >>> 20) & 0xf;
export const sbRs2Of = (w: number): number => (w >>> 16) & 0xf;
export const imm16Of = (w: number): number => (w << 16) >> 16;
export const uimm16Of = (w: number): number => w & 0xffff;
export const imm20Of = (w: number): number => (w << 12) >> 12;

/** Register names: r0..r15 and the ABI aliases of ISA.md. */
export const REGISTER_NAMES: readonly string[] = [
  "zero", "a0", "a1", "a2", "a3", "t0", "t1", "t2",
  "t3", "t4", "s0", "s1", "s2", "sp", "ra", "k0",
];
export const REG = {
  zero: 0, a0: 1, a1: 2, a2: 3, a3: 4, t0: 5, t1: 6, t2: 7,
  t3: 8, t4: 9, s0: 10, s1: 11, s2: 12, sp: 13, ra: 14, k0: 15,
} as const;

/** Control and status registers, by number. */
export const CSR = {
  STATUS: 0, EPC: 1, CAUSE: 2, BADVA: 3, TVEC: 4, PTBR: 5, ASID: 6,
  TIMER: 7, CYCLE: 8, SCRATCH: 9, TLBHI: 10, TLBLO: 11,
} as const;
export type CsrName = keyof typeof CSR;
export const CSR_NAMES: readonly CsrName[] = Object.keys(CSR) as CsrName[];

/** STATUS bits. */
export const STATUS = { IE: 1 << 0, KM: 1 << 1, PIE: 1 << 2, PKM: 1 << 3, PG: 1 << 4 } as const;

/** CAUSE values; guest kernels depend on them, so they are fixed. */
export const CAUSE = {
  SYSCALL: 1, BREAKPOINT: 2, ILLEGAL_INSTRUCTION: 3, PRIVILEGED_INSTRUCTION: 4,
  PAGE_FAULT_LOAD: 5, PAGE_FAULT_STORE: 6, PAGE_FAULT_FETCH: 7, MISALIGNED: 8,
  DIVIDE_BY_ZERO: 9, TLB_MISS: 10, HYPERCALL: 11,
  TIMER: 16, DISK: 17, NET: 18, CONSOLE: 19,
} as const;
export type CauseName = keyof typeof CAUSE;
export function causeName(cause: number): string {
  for (const [name, value] of Object.entries(CAUSE)) if (value === cause) return name;
  return `CAUSE_${cause}`;
}
export const isInterrupt = (cause: number): boolean => cause >= 16;

/** Page-table entry bits (two-level table, 4 KiB pages). */
export const PTE = { V: 1 << 0, W: 1 << 1, U: 1 << 2, X: 1 << 3, A: 1 << 5, D: 1 << 6 } as const;
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/**
 * kseg0 (ISA.md, "Memory management"; MIPS R4000's kseg0): on a machine
 * built `mmu: "software-tlb"`, kernel-mode addresses KSEG0_BASE up to
 * KSEG0_END (exclusive) are not translated, physical = va - KSEG0_BASE.
 */
export const KSEG0_BASE = 0x80000000;
export const KSEG0_END = 0xc0000000;

/** Memory-mapped devices start here; CONSOLE_TX is fixed by ISA.md. */
export const MMIO_BASE = 0xffff0000;
export const CONSOLE_TX = 0xffff0000;

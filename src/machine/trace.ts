/**
 * The trace (STYLE.md 9, clox's debug.c): one entry per instruction with
 * what it changed, so a notebook cell can show a step's before and after.
 * Tracing runs on the slow path only (Machine.step): the fast run loop
 * never looks at it.
 *
 *   cycle     pc        mode  word      text                changes
 *   12        00000008  K     10110005  addi a0, a0, 5      a0: 0x1 -> 0x6
 */
import { disassemble } from "./disassembler";
import { CSR_NAMES, REGISTER_NAMES, causeName, isInterrupt } from "./isa";
import { hex, type Trap } from "./trap";

export interface RegisterChange {
  /** A register (`a0`) or CSR (`STATUS`) name. */
  readonly name: string;
  readonly before: number;
  readonly after: number;
}

export interface TraceTrap {
  readonly cause: number;
  readonly name: string;
  readonly epc: number;
  readonly badva: number;
}

export interface TraceEntry {
  /** The cycle count before the instruction. */
  readonly cycle: number;
  readonly pc: number;
  readonly mode: "user" | "kernel";
  /** The instruction word; undefined when no instruction ran (its fetch faulted, or an interrupt was taken). */
  readonly word: number | undefined;
  /** Its disassembly (computed when first read). */
  readonly text: string;
  /** Registers and CSRs whose value changed (values unsigned). */
  readonly changes: readonly RegisterChange[];
  /** The trap or interrupt taken during the step, if any. */
  readonly trap?: TraceTrap;
}

/** Registers, CSRs and pc, copied before a step to diff after it. */
export interface CpuSnapshot {
  readonly regs: Int32Array;
  readonly csr: Uint32Array;
}

export function snapshotCpu(regs: Int32Array, csr: Uint32Array): CpuSnapshot {
  return { regs: regs.slice(), csr: csr.slice() };
}

export function changesBetween(before: CpuSnapshot, regs: Int32Array, csr: Uint32Array): RegisterChange[] {
  const changes: RegisterChange[] = [];
  for (let i = 1; i < 16; i++) {
    if (before.regs[i] !== regs[i]) changes.push({ name: REGISTER_NAMES[i], before: before.regs[i] >>> 0, after: regs[i] >>> 0 });
  }
  for (let i = 0; i < csr.length; i++) {
    if (before.csr[i] !== csr[i]) changes.push({ name: CSR_NAMES[i], before: before.csr[i], after: csr[i] });
  }
  return changes;
}

/** An entry whose disassembly is made only when someone reads `text`. */
export class LazyTraceEntry implements TraceEntry {
  private disassembly: string | undefined;
  readonly trap?: TraceTrap;

  constructor(
    readonly cycle: number,
    readonly pc: number,
    readonly mode: "user" | "kernel",
    readonly word: number | undefined,
    readonly changes: readonly RegisterChange[],
    trap: Trap | undefined,
    private readonly symbols?: ReadonlyMap<string, number>,
  ) {
    if (trap !== undefined) this.trap = { cause: trap.cause, name: causeName(trap.cause), epc: trap.epc, badva: trap.badva };
  }

  get text(): string {
    if (this.disassembly === undefined) {
      if (this.word !== undefined) this.disassembly = disassemble(this.word, this.pc, this.symbols);
      else this.disassembly = this.trap && isInterrupt(this.trap.cause) ? `(interrupt ${this.trap.name})` : "(fetch faulted)";
    }
    return this.disassembly;
  }

  toJSON(): object {
    return { cycle: this.cycle, pc: this.pc, mode: this.mode, word: this.word, text: this.text, changes: this.changes, trap: this.trap };
  }
}

/** Recorded entries: at least the most recent `limit` (trimmed in batches). */
export class Trace {
  readonly entries: TraceEntry[] = [];
  dropped = 0;

  constructor(readonly limit = 100_000) {}

  record(entry: TraceEntry): void {
    this.entries.push(entry);
    if (this.entries.length >= 2 * this.limit) {
      const excess = this.entries.length - this.limit;
      this.entries.splice(0, excess);
      this.dropped += excess;
    }
  }

  clear(): void {
    this.entries.length = 0;
    this.dropped = 0;
  }

  format(): string {
    return this.entries.map(formatTraceEntry).join("\n");
  }
}

/** One line: cycle, pc, mode, word, text, changes, trap. */
export function formatTraceEntry(e: TraceEntry): string {
  const word = e.word === undefined ? "????????" : hex(e.word);
  const changes = e.changes.map((c) => `${c.name}: 0x${c.after.toString(16)}`).join(" ");
  const trap = e.trap ? `  !${e.trap.name} epc=0x${e.trap.epc.toString(16)} badva=0x${e.trap.badva.toString(16)}` : "";
  return `${String(e.cycle).padStart(10)}  ${hex(e.pc)}  ${e.mode === "kernel" ? "K" : "U"}  ${word}  ${e.text.padEnd(24)} ${changes}${trap}`;
}

/**
 * The interpreter engine: interpreter/*.s, an RV32I interpreter written in
 * toy32 assembly, assembled once and run on a toy32 Machine with the
 * guest program in its memory. Everything it costs is toy32 cycles, by
 * construction: the host only loads the ELF file (as Linux's exec would)
 * and reads the results out of toy32 memory after `halt`.
 *
 *   const exe = parseElf(bytes, { file, limit: SEGMENT_LIMIT });
 *   const interp = new Interpreter(exe);
 *   const r = interp.run();    // { outcome, exitCode, stdout, byClass, cyclesPerInstruction, ... }
 */
import * as fs from "fs";
import * as path from "path";
import { assemble, type Program } from "../machine/assembler";
import { DEFAULT_MAX_CYCLES, Machine } from "../machine/machine";
import { REG } from "../machine/isa";
import type { ElfExecutable } from "./elf";
import { GUEST_BASE, GUEST_SIZE, placeExecutable } from "./guest-space";
import { ByteSink } from "./output";
import { emulationResult, STOP_REASONS, type EmulationResult, type InstructionClass, INSTRUCTION_CLASSES, type StopCause } from "./result";
import { RV32I } from "./rv32i";

export const EMULATION_SOURCES = path.join(__dirname, "..", "..", "src", "emulation");
/** In assembly order: loop.s first, so that address 0 is `illegal`. */
export const INTERPRETER_FILES = [
  "interpreter/loop.s", "interpreter/alu.s", "interpreter/memory.s", "interpreter/control.s", "interpreter/system.s",
  "shared/syscalls.s", "interpreter/handlers.s",
] as const;

/** The toy32 side of the layout, as interpreter/loop.s defines it (checked when assembled). */
const LAYOUT = {
  REGS: 0x3000,
  ENTRY: 0x30c0,
  REASON: 0x30c4,
  FAULT_PC: 0x30c8,
  FAULT_WORD: 0x30cc,
  FAULT_ADDR: 0x30d0,
  START_CYCLES: 0x30d4,
  TABLE: 0x4000,
  GUEST_BASE,
  GUEST_SIZE,
} as const;

/** REASON_* of loop.s, by value. */

let assembled: Program | undefined;

/** The interpreter's toy32 image, assembled once per process and checked against LAYOUT. */
export function interpreterProgram(): Program {
  if (assembled !== undefined) return assembled;
  const files = INTERPRETER_FILES.map((f) => ({ file: f, text: fs.readFileSync(path.join(EMULATION_SOURCES, f), "utf8") }));
  const program = assemble(files);
  for (const [name, value] of Object.entries(LAYOUT)) {
    const inAsm = program.constants.get(name);
    if (inAsm !== value) throw new Error(`interpreter/loop.s has .equ ${name} = ${inAsm}, but interpreter.ts expects ${value}`);
  }
  if (program.symbols.get("illegal") !== 0) throw new Error("interpreter: `illegal` must be at address 0 (empty table entries lead there)");
  if (program.origin + program.image.length > LAYOUT.REGS) throw new Error(`interpreter: the image (${program.image.length} bytes) runs into REGS at 0x${LAYOUT.REGS.toString(16)}`);
  assembled = program;
  return program;
}

export interface EngineOptions {
  /** argv[0] in the initial stack (default the ELF file's name). */
  readonly argv0?: string;
  /** Stream the guest's fd-1 bytes as it writes them. */
  readonly onOutput?: (bytes: Uint8Array) => void;
}

export class Interpreter {
  readonly machine: Machine;
  private readonly sink: ByteSink;
  private readonly next: number;

  constructor(readonly exe: ElfExecutable, options: EngineOptions = {}) {
    const program = interpreterProgram();
    this.machine = new Machine();
    this.machine.load(program);
    this.next = program.symbols.get("next") as number;
    const sp = placeExecutable(exe, (at, bytes) => this.machine.writeBytes(GUEST_BASE + at, bytes), options.argv0 ?? path.basename(exe.file));
    this.machine.writeWord(LAYOUT.REGS + 4 * 2, sp);
    this.machine.writeWord(LAYOUT.ENTRY, exe.entry);
    this.sink = new ByteSink(options.onOutput);
    this.machine.console.onByte = (byte) => this.sink.push(byte);
  }

  /** Runs to the guest's exit, a fault, or `maxCycles` more toy32 cycles. */
  run(options: { maxCycles?: number } = {}): EmulationResult {
    const maxCycles = options.maxCycles ?? DEFAULT_MAX_CYCLES;
    const r = this.machine.run({ maxCycles });
    this.sink.flush();
    const reason = r.reason === "halted" ? STOP_REASONS[this.machine.readWord(LAYOUT.REASON)] : undefined;
    const stop: StopCause = reason ?? (r.reason === "max-cycles" ? "max-cycles" : "host-stop");
    const start = this.machine.readWord(LAYOUT.START_CYCLES);
    return emulationResult({
      engine: "interpret",
      cause: stop,
      exitCode: stop === "exit" ? this.register(10) : undefined,
      fault: { pc: this.machine.readWord(LAYOUT.FAULT_PC), word: this.machine.readWord(LAYOUT.FAULT_WORD), address: this.machine.readWord(LAYOUT.FAULT_ADDR) },
      message: stop === "max-cycles" ? `the program ran ${maxCycles} toy32 cycles without exiting (the cycle limit), at pc 0x${this.pc.toString(16)}` : r.message,
      stdout: this.sink.bytes(),
      byClass: this.counts(),
      cycles: this.machine.cycles - start,
      startupCycles: start,
      hostInstructions: this.machine.cpu.instructions,
    });
  }

  /**
   * Executes one RV32I instruction on the slow path (toy32 instruction by
   * instruction until the loop is back at `next`; the first call runs the
   * startup too). False once the interpreter has halted.
   */
  step(): boolean {
    const m = this.machine;
    const toNext = (): void => {
      do m.step();
      while (m.pc !== this.next && m.cpu.stopReason === undefined);
    };
    if (m.cpu.stopReason !== undefined) return false;
    if (m.cpu.instructions === 0) toNext();
    if (m.cpu.stopReason === undefined) toNext();
    return m.cpu.stopReason === undefined;
  }

  /** Guest register xN, as the interpreter keeps it in toy32 memory. */
  register(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n > 31) throw new RangeError(`RV32I has registers x0..x31, not x${n}`);
    return this.machine.readWord(LAYOUT.REGS + 4 * n) | 0;
  }

  /** All 32 guest registers. */
  registers(): number[] {
    return Array.from({ length: 32 }, (_, n) => this.register(n));
  }

  /** The guest pc of the next instruction (toy32's s0 less GUEST_BASE). */
  get pc(): number {
    return (this.machine.regs[REG.s0] - GUEST_BASE) >>> 0;
  }

  /** Where guest register xN lives in toy32 memory. */
  static registerAddress(n: number): number {
    return LAYOUT.REGS + 4 * n;
  }

  /** Instructions run by class: the sum of the dispatch table's counters over each class's keys. */
  private counts(): Record<InstructionClass, number> {
    const byClass = Object.fromEntries(INSTRUCTION_CLASSES.map((c) => [c, 0])) as Record<InstructionClass, number>;
    for (const [key, c] of CLASS_OF_KEY) byClass[c] += this.machine.readWord(LAYOUT.TABLE + 8 * key + 4);
    return byClass;
  }
}

/** Each dispatch key (funct3 << 12 | opcode) RV32I uses, and its class; U and J formats take every funct3. */
const CLASS_OF_KEY: ReadonlyMap<number, InstructionClass> = new Map(
  RV32I.flatMap((spec) => (spec.funct3 === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [spec.funct3]).map((f3) => [(f3 << 12) | spec.opcode, spec.class] as const)),
);

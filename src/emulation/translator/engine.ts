/**
 * The binary translator engine: RV32I blocks translated (translate.ts, in
 * TypeScript, on the host) into toy32 code in a code cache in toy32
 * memory, run by the toy32 CPU, with runtime.s for lookups and system
 * calls. The host is entered only by a `sys` trap, which the engine
 * intercepts (as a hypervisor would), and each translation charges the
 * toy32 clock COSTS.translateInstruction per guest instruction: the
 * translator's one-off cost is in the same cycles as the code it makes.
 *
 * The translation cache (Bellard 2005, 2.4-2.5): a direct-mapped lookup
 * table in toy32 memory (guest pc -> block) that translated code and the
 * runtime search; a block's exit to a guest pc not yet translated is a
 * stub `li t3, PC; j lookup`, patched into `j BLOCK` when that block is
 * made (chaining); FENCE.I, or a full cache, drops every translation.
 */
import * as fs from "fs";
import * as path from "path";
import { assemble, type Program } from "../../machine/assembler";
import { COSTS } from "../../machine/costs";
import { CAUSE, BY_MNEMONIC, imm16Of, opOf, rdOf, rs1Of, sbRs1Of, sbRs2Of } from "../../machine/isa";
import { DEFAULT_MAX_CYCLES, Machine } from "../../machine/machine";
import type { Trap } from "../../machine/trap";
import type { ElfExecutable } from "../elf";
import { GUEST_BASE, GUEST_SIZE, placeExecutable } from "../guest-space";
import { EMULATION_SOURCES, type EngineOptions } from "../interpreter";
import { ByteSink } from "../output";
import { emulationResult, STOP_REASONS, INSTRUCTION_CLASSES, type EmulationResult, type InstructionClass, type StopCause } from "../result";
import { allocateRegisters, registerUses, type RegisterMap } from "./registers";
import { encodeBlock, type EncodedBlock } from "./encode";
import { translateBlock, type RuntimeEntries, type TranslatedBlock } from "./translate";


const LAYOUT = {
  REGS: 0x3000,
  ENTRY: 0x30c0,
  REASON: 0x30c4,
  FAULT_PC: 0x30c8,
  FAULT_ADDR: 0x30d0,
  START_CYCLES: 0x30d4,
  LOOKUPS: 0x30d8,
  LOOKUP: 0x4000,
  LOOKUP_MASK: 4095,
  GUEST_BASE,
  GUEST_SIZE,
} as const;
const CODE_CACHE = 0x100000;
const CODE_CACHE_END = 0x3f8000;
/** Block run counters, one word each, below GUEST_BASE (reached as -4 * (slot + 1) off s2). */
const MAX_SLOTS = (GUEST_BASE - CODE_CACHE_END) / 4;
/** No block's code is longer than this (MAX_BLOCK instructions of at most ~12 words, and its stubs). */
const MAX_BLOCK_BYTES = 4096;
const EMPTY_TAG = 0xffffffff;


export interface CachedBlock {
  readonly block: TranslatedBlock;
  /** Where its toy32 code starts, and its bytes. */
  readonly address: number;
  readonly bytes: number;
  readonly slot: number;
  /** Its toy32 words and labels (as the toy32 assembler would make them from block.source). */
  readonly program: EncodedBlock;
}

export interface Rv32TranslationStats {
  readonly blocksTranslated: number;
  readonly instructionsTranslated: number;
  /** toy32 cycles charged for translating (COSTS.translateInstruction each). */
  readonly translationCycles: number;
  /** Lookups run by toy32 code (a chained jump needs none), and those that missed (the host translated). */
  readonly lookups: number;
  readonly misses: number;
  readonly chained: number;
  readonly flushes: number;
  readonly misalignedEmulated: number;
  readonly cacheBytes: number;
}

export class Translator {
  readonly machine: Machine;
  readonly map: RegisterMap;
  private readonly runtime: Program;
  private readonly entries: RuntimeEntries & { miss: number; flushCall: number };
  private readonly sink: ByteSink;
  private blocks = new Map<number, CachedBlock>();
  /** Stubs waiting for a target's block: guest pc -> toy32 addresses of `li t3, PC`. */
  private pending = new Map<number, number[]>();
  private next = CODE_CACHE;
  /** Instructions by class of blocks dropped by a flush (their counters are reused). */
  private retired = emptyCounts();
  private stats = { blocksTranslated: 0, instructionsTranslated: 0, translationCycles: 0, misses: 0, chained: 0, flushes: 0, misalignedEmulated: 0 };

  constructor(readonly exe: ElfExecutable, options: EngineOptions = {}) {
    this.map = allocateRegisters(registerUses(exe));
    this.runtime = assembleRuntime(this.map);
    const sym = (name: string): number => this.runtime.symbols.get(name) as number;
    this.entries = {
      lookup: sym("lookup"), lookupChecked: sym("lookup_checked"), flush: sym("flush"), ecall: sym("ecall"), fault: sym("fault"),
      regs: LAYOUT.REGS, miss: sym("miss"), flushCall: sym("flush"),
    };
    this.machine = new Machine();
    this.machine.load(this.runtime);
    this.clearLookup();
    const sp = placeExecutable(exe, (at, bytes) => this.machine.writeBytes(GUEST_BASE + at, bytes), options.argv0 ?? path.basename(exe.file));
    this.machine.writeWord(LAYOUT.REGS + 4 * 2, sp);
    this.machine.writeWord(LAYOUT.ENTRY, exe.entry);
    this.sink = new ByteSink(options.onOutput);
    this.machine.console.onByte = (byte) => this.sink.push(byte);
    this.machine.interceptTrap = (trap) => this.onTrap(trap);
  }

  run(options: { maxCycles?: number } = {}): EmulationResult {
    const maxCycles = options.maxCycles ?? DEFAULT_MAX_CYCLES;
    const r = this.machine.run({ maxCycles });
    this.sink.flush();
    const reason = r.reason === "halted" ? STOP_REASONS[this.machine.readWord(LAYOUT.REASON)] : undefined;
    const cause: StopCause = reason ?? (r.reason === "max-cycles" ? "max-cycles" : "host-stop");
    const faultPc = this.machine.readWord(LAYOUT.FAULT_PC);
    const start = this.machine.readWord(LAYOUT.START_CYCLES);
    return emulationResult({
      engine: "translate",
      cause,
      exitCode: cause === "exit" ? this.machine.readWord(LAYOUT.REGS + 40) | 0 : undefined,
      fault: { pc: faultPc, word: this.guestWord(faultPc) ?? 0, address: this.machine.readWord(LAYOUT.FAULT_ADDR) },
      message: cause === "max-cycles" ? `the program ran ${maxCycles} toy32 cycles without exiting (the cycle limit)` : r.message,
      stdout: this.sink.bytes(),
      byClass: this.counts(),
      cycles: this.machine.cycles - start,
      startupCycles: start,
      hostInstructions: this.machine.cpu.instructions,
    });
  }

  /** The translation cache's statistics so far. */
  statistics(): Rv32TranslationStats {
    return { ...this.stats, lookups: this.machine.readWord(LAYOUT.LOOKUPS), cacheBytes: this.next - CODE_CACHE };
  }

  /** The blocks in the cache now, by guest pc, with their toy32 source (RISC-V disassembly in its comments). */
  cachedBlocks(): CachedBlock[] {
    return [...this.blocks.values()].sort((a, b) => a.block.pc - b.block.pc);
  }

  /** How many times `cached`'s toy32 code has run (its counter, below GUEST_BASE), since the last flush. */
  runs(cached: CachedBlock): number {
    return this.blocks.get(cached.block.pc) === cached ? this.machine.readWord(GUEST_BASE - 4 * (cached.slot + 1)) : 0;
  }

  /** Guest register xN: in its toy32 register while blocks run, in REGS after an ecall or for a spilled one. */
  register(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n > 31) throw new RangeError(`RV32I has registers x0..x31, not x${n}`);
    const host = this.map.get(n);
    const inRegs = host === undefined || this.machine.readWord(LAYOUT.REASON) === 1;
    return n === 0 ? 0 : inRegs ? this.machine.readWord(LAYOUT.REGS + 4 * n) | 0 : this.machine.regs[host];
  }

  private onTrap(trap: Trap): boolean {
    if (trap.cause === CAUSE.SYSCALL && (trap.epc === this.entries.miss || trap.epc === this.entries.flushCall)) {
      if (trap.epc === this.entries.flushCall) this.flush();
      const pc = this.machine.regs[8] >>> 0;
      this.machine.pc = this.lookupOrTranslate(pc);
      return true;
    }
    if (trap.cause === CAUSE.MISALIGNED && trap.epc >= CODE_CACHE && trap.epc < this.next) return this.misaligned(trap);
    return false;
  }

  private lookupOrTranslate(pc: number): number {
    const cached = this.blocks.get(pc);
    if (cached !== undefined) return cached.address;
    this.stats.misses++;
    return this.translate(pc).address;
  }

  private translate(pc: number): CachedBlock {
    if (this.next + MAX_BLOCK_BYTES > CODE_CACHE_END || this.blocks.size >= MAX_SLOTS) this.flush();
    const slot = this.blocks.size;
    const block = translateBlock({
      pc, slot, map: this.map, runtime: this.entries,
      read: (at) => this.guestWord(at),
      translated: (at) => this.blocks.get(at)?.address,
    });
    const program = encodeBlock(block.source, this.next);
    this.machine.writeBytes(this.next, program.image);
    const cached: CachedBlock = { block, address: this.next, bytes: program.image.length, slot, program };
    this.blocks.set(pc, cached);
    this.next += (program.image.length + 15) & ~15;
    this.setLookup(pc, cached.address);
    for (const exit of block.exits) {
      const list = this.pending.get(exit.target) ?? [];
      list.push(program.symbols.get(exit.label) as number);
      this.pending.set(exit.target, list);
    }
    // Chain every stub that waited for this block, its own loop back-edges included.
    for (const stub of this.pending.get(pc) ?? []) {
      this.machine.writeWord(stub, jumpWord(stub, cached.address));
      this.stats.chained++;
    }
    this.pending.delete(pc);
    const cost = COSTS.translateInstruction * Math.max(1, block.length);
    this.machine.cpu.cycles += cost;
    this.stats.translationCycles += cost;
    this.stats.blocksTranslated++;
    this.stats.instructionsTranslated += block.length;
    return cached;
  }

  /** Drops every translation (FENCE.I, or a full cache); their run counts are kept. */
  private flush(): void {
    const retired = this.counts();
    this.retired = retired;
    for (const b of this.blocks.values()) this.machine.writeWord(GUEST_BASE - 4 * (b.slot + 1), 0);
    this.blocks = new Map();
    this.pending = new Map();
    this.next = CODE_CACHE;
    this.clearLookup();
    this.stats.flushes++;
  }

  /** A misaligned lw or sw in translated code: done bytewise, then the next instruction (Linux's emulation of it). */
  private misaligned(trap: Trap): boolean {
    const m = this.machine;
    const word = m.readWord(trap.epc);
    const op = opOf(word);
    const isLoad = op === BY_MNEMONIC.get("lw")?.opcode, isStore = op === BY_MNEMONIC.get("sw")?.opcode;
    if (!isLoad && !isStore) return false;
    const base = isLoad ? rs1Of(word) : sbRs1Of(word);
    const at = (m.regs[base] + imm16Of(word)) >>> 0;
    if (at < GUEST_BASE || at + 4 > GUEST_BASE + GUEST_SIZE) return false;
    if (isLoad) {
      const b = m.readBytes(at, 4);
      if (rdOf(word) !== 0) m.regs[rdOf(word)] = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
    } else {
      const v = m.regs[sbRs2Of(word)];
      m.writeBytes(at, Uint8Array.of(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255));
    }
    m.cpu.cycles += COSTS.emulateInstruction;
    m.pc = trap.epc + 4;
    this.stats.misalignedEmulated++;
    return true;
  }

  private guestWord(pc: number): number | undefined {
    return pc + 4 <= GUEST_SIZE && pc % 4 === 0 ? this.machine.readWord(GUEST_BASE + pc) : undefined;
  }

  private setLookup(pc: number, address: number): void {
    const at = LAYOUT.LOOKUP + 8 * ((pc >>> 2) & LAYOUT.LOOKUP_MASK);
    this.machine.writeWord(at, pc);
    this.machine.writeWord(at + 4, address);
  }

  private clearLookup(): void {
    for (let i = 0; i <= LAYOUT.LOOKUP_MASK; i++) this.machine.writeWord(LAYOUT.LOOKUP + 8 * i, EMPTY_TAG);
  }

  /** Instructions by class: each block's runs times its classes, plus those of flushed blocks. */
  private counts(): Record<InstructionClass, number> {
    const counts = { ...this.retired };
    for (const b of this.blocks.values()) {
      const runs = this.machine.readWord(GUEST_BASE - 4 * (b.slot + 1));
      for (const c of b.block.classes) counts[c] += runs;
    }
    return counts;
  }
}

function emptyCounts(): Record<InstructionClass, number> {
  return Object.fromEntries(INSTRUCTION_CLASSES.map((c) => [c, 0])) as Record<InstructionClass, number>;
}

/** toy32 `jal zero, target` placed at `at`. */
function jumpWord(at: number, target: number): number {
  const jal = BY_MNEMONIC.get("jal")?.opcode as number;
  return ((jal << 24) | (((target - at) / 4) & 0xfffff)) >>> 0;
}

/** runtime.s with `fill`, made for this register map: load every mapped register from REGS, then look t3 up. */
function assembleRuntime(map: RegisterMap): Program {
  const read = (file: string): { file: string; text: string } => ({ file, text: fs.readFileSync(path.join(EMULATION_SOURCES, file), "utf8") });
  const fill = ["# fill: the mapped guest registers from REGS (made for this program's register map)", "fill:"];
  for (const [guest, host] of map) fill.push(`    lw r${host}, REGS + ${4 * guest}(zero)     # x${guest}`);
  fill.push("    j lookup");
  const program = assemble([read("translator/runtime.s"), read("shared/syscalls.s"), { file: "translator/fill.s", text: fill.join("\n") + "\n" }]);
  for (const [name, value] of Object.entries(LAYOUT)) {
    const inAsm = program.constants.get(name);
    if (inAsm !== value) throw new Error(`translator/runtime.s has .equ ${name} = ${inAsm}, but engine.ts expects ${value}`);
  }
  if (program.image.length > LAYOUT.REGS) throw new Error("translator: the runtime runs into REGS");
  return program;
}

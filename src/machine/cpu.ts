/**
 * toy32's CPU: registers and CSRs in typed arrays, one run loop with one
 * switch over the opcodes (STYLE.md 2 and 4, clox's run()). Traps are
 * values handed to trap.ts; the loop never throws for a guest's mistake.
 *
 * Speed: the loop keeps pc, the cycle count and three one-page latches in
 * locals. The fetch latch holds the translation of the page pc is in, the
 * load and store latches the last data pages, so a paged access within the
 * same page costs one compare (a micro-TLB, as real CPUs keep in front of
 * their TLB). Every latch is dropped whenever anything slower happens: a
 * trap, a system instruction, a TLB fill, an MMIO access, an event. A hit
 * in a latch counts as a TLB hit. Anything the loop cannot do in a few
 * lines (events, interrupts, CSRs, devices) is a method call on the slow
 * path, which first writes the locals back to the object.
 */
import { COSTS } from "./costs";
import { CAUSE, CSR, INSTRUCTIONS, STATUS } from "./isa";
import { ACCESS, type Access, type Mmu } from "./mmu";
import type { PhysicalMemory } from "./memory";
import type { EventQueue } from "./events";
import { KERNEL, USER, type Statistics } from "./stats";
import { takeTrap, type Trap, type TrapInterceptor, type TrapTarget } from "./trap";
import { executeSystem } from "./system";

export type StopReason = "halted" | "max-cycles" | "triple-fault" | "deadlock" | "stopped";

export interface CpuConfig {
  readonly memory: PhysicalMemory;
  readonly mmu: Mmu;
  readonly events: EventQueue;
  readonly stats: Statistics;
  /** Sensitive instructions trap in user mode (Popek and Goldberg). */
  readonly virtualizable: boolean;
  /** A hypervisor is present: `hcall` traps HYPERCALL, not ILLEGAL_INSTRUCTION. */
  readonly hypercalls: boolean;
}

/**
 * The run loop's case numbers: the CPU's own dense numbering of what it
 * does (not opcodes, which stay in the table). A `const enum`, so the
 * compiler writes literal cases and the switch becomes a jump table.
 * (It lives in this file so every compiler, esbuild too, inlines it.)
 */
const enum Kind {
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
const KIND: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const spec of INSTRUCTIONS) {
    table[spec.opcode] = spec.category === "system" ? Kind.SYSTEM : KIND_OF[spec.mnemonic];
    if (table[spec.opcode] === undefined || table[spec.opcode] === Kind.ILLEGAL) {
      throw new Error(`the CPU has no case for ${spec.mnemonic}`);
    }
  }
  return table;
})();

const NO_PAGE = 1; // never equal to a page base (low 12 bits are zero there)
// Costs the loop adds, read once from the cost table into constants.
const INSTRUCTION_COST = COSTS.instruction;
const MUL_EXTRA = COSTS.multiply;
const DIV_EXTRA = COSTS.divide;

export class Cpu implements TrapTarget {
  readonly regs = new Int32Array(16);
  readonly csr = new Uint32Array(12);
  /** Address of the next instruction (unsigned). */
  pc = 0;
  cycles = 0;
  instructions = 0;
  /** Pending interrupts: bit (cause - 16). */
  pending = 0;
  /** Cycle at which the timer next fires (Infinity when TIMER = 0). */
  timerNext = Infinity;
  interceptor: TrapInterceptor | undefined;
  deliveredAt = -Infinity;
  lastTrap: Trap | undefined;
  stopReason: StopReason | undefined;
  stopMessage: string | undefined;
  /** A host's request to stop (machine.stop), seen before the next instruction. */
  stopRequest: string | undefined;
  /** Badva of a trap a slow-path helper reports by returning its cause. */
  trapBadva = 0;
  private nextEvent = 0;
  private budgetEnd = Infinity;
  private instructionLimit = Infinity;
  private segmentInstructions = 0;
  private segmentCycles = 0;

  constructor(readonly config: CpuConfig) {
    this.reset();
  }

  /** ISA.md "Reset": pc = 0, kernel mode, IE = 0, paging off. */
  reset(): void {
    this.regs.fill(0);
    this.csr.fill(0);
    this.csr[CSR.STATUS] = STATUS.KM;
    this.pc = 0;
    this.pending = 0;
    this.timerNext = Infinity;
    this.deliveredAt = -Infinity;
    this.lastTrap = undefined;
    this.stopRequest = undefined;
    this.accrue();
  }

  /** Sets the clock and instruction count (a resumed snapshot's), starting a fresh accounting segment. */
  restoreClock(cycles: number, instructions: number): void {
    this.cycles = cycles;
    this.instructions = instructions;
    this.segmentCycles = cycles;
    this.segmentInstructions = instructions;
  }

  get kernelMode(): boolean {
    return (this.csr[CSR.STATUS] & STATUS.KM) !== 0;
  }

  /**
   * Runs until a stop reason is set, the cycle count reaches `budgetEnd`,
   * or `instructionLimit` instructions have been decoded in total. With a
   * finite limit (stepping), it also returns right after taking a trap or
   * interrupt, so one step is one instruction or one trap.
   */
  execute(budgetEnd: number, instructionLimit: number): void {
    const { memory, stats } = this.config;
    const r = this.regs, mem = memory.words, mix = stats.opcodes, ram = memory.size;
    // A software-TLB machine has kseg0 even with paging off, so every page change asks translate().
    const kseg0 = this.config.mmu.kind === "software-tlb";
    this.budgetEnd = budgetEnd;
    this.instructionLimit = instructionLimit;
    let pc = this.pc | 0, cycles = this.cycles, icount = this.instructions, nextEvent = 0;
    let paged = false, latchHits = 0, fetchPaged = false, fetchStart = 0;
    let fetchBase = NO_PAGE, fetchDelta = 0, loadBase = NO_PAGE, loadDelta = 0, storeBase = NO_PAGE, storeDelta = 0;
    let tc = 0, tb = 0, w = 0, loadCounts = 1, storeCounts = 1;
    run: for (;;) {
      r[0] = 0;
      if (cycles >= nextEvent) {
        this.pc = pc >>> 0; this.cycles = cycles; this.instructions = icount;
        const go = this.service();
        pc = this.pc | 0; cycles = this.cycles; nextEvent = this.nextEvent;
        if (!go) break run;
        paged = kseg0 || (this.csr[CSR.STATUS] & STATUS.PG) !== 0;
        fetchBase = loadBase = storeBase = NO_PAGE;
      }
      trap: {
        if ((pc & -4096) !== fetchBase) {
          if (fetchPaged) latchHits += icount - fetchStart;
          fetchPaged = false;
          if ((pc & 3) !== 0) { tc = CAUSE.MISALIGNED; tb = pc; break trap; }
          let pa = pc >>> 0;
          if (paged) {
            this.cycles = cycles;
            pa = this.translate(pc, ACCESS.FETCH);
            cycles = this.cycles;
            loadBase = storeBase = NO_PAGE;
            if (pa < 0) { tc = -pa; tb = pc; break trap; }
            fetchPaged = !this.bypassedTlb;
            fetchStart = icount + 1;
          }
          if (pa >= ram) { tc = CAUSE.PAGE_FAULT_FETCH; tb = pc; break trap; }
          fetchBase = pc & -4096;
          fetchDelta = pa - pc;
        }
        w = mem[(pc + fetchDelta) >> 2];
        const op = w >>> 24;
        const kind = KIND[op] as Kind;
        mix[op]++;
        icount++;
        cycles += INSTRUCTION_COST;
        switch (kind) {
          case Kind.ADD: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] + r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.SUB: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] - r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.MUL: r[(w >>> 20) & 15] = Math.imul(r[(w >>> 16) & 15], r[(w >>> 12) & 15]); cycles += MUL_EXTRA; pc = (pc + 4) | 0; continue run;
          case Kind.DIV: case Kind.REM: {
            const d = r[(w >>> 12) & 15], n = r[(w >>> 16) & 15];
            if (d === 0) { tc = CAUSE.DIVIDE_BY_ZERO; tb = 0; break trap; }
            r[(w >>> 20) & 15] = kind === Kind.DIV ? (n / d) | 0 : (n % d) | 0;
            cycles += DIV_EXTRA; pc = (pc + 4) | 0; continue run;
          }
          case Kind.AND: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] & r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.OR: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] | r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.XOR: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] ^ r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.SHL: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] << r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.SHR: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] >>> r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.SRA: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] >> r[(w >>> 12) & 15]; pc = (pc + 4) | 0; continue run;
          case Kind.SLT: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] < r[(w >>> 12) & 15] ? 1 : 0; pc = (pc + 4) | 0; continue run;
          case Kind.SLTU: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] >>> 0 < r[(w >>> 12) & 15] >>> 0 ? 1 : 0; pc = (pc + 4) | 0; continue run;
          case Kind.ADDI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] + ((w << 16) >> 16); pc = (pc + 4) | 0; continue run;
          case Kind.ANDI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] & (w & 0xffff); pc = (pc + 4) | 0; continue run;
          case Kind.ORI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] | (w & 0xffff); pc = (pc + 4) | 0; continue run;
          case Kind.XORI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] ^ (w & 0xffff); pc = (pc + 4) | 0; continue run;
          case Kind.SHLI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] << w; pc = (pc + 4) | 0; continue run;
          case Kind.SHRI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] >>> w; pc = (pc + 4) | 0; continue run;
          case Kind.SRAI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] >> w; pc = (pc + 4) | 0; continue run;
          case Kind.SLTI: r[(w >>> 20) & 15] = r[(w >>> 16) & 15] < (w << 16) >> 16 ? 1 : 0; pc = (pc + 4) | 0; continue run;
          case Kind.LUI: r[(w >>> 20) & 15] = w << 16; pc = (pc + 4) | 0; continue run;
          case Kind.LW: case Kind.LB: case Kind.LBU: {
            const va = (r[(w >>> 16) & 15] + ((w << 16) >> 16)) | 0;
            if (kind === Kind.LW && (va & 3) !== 0) { tc = CAUSE.MISALIGNED; tb = va; break trap; }
            let pa = va >>> 0;
            if (paged) {
              if ((va & -4096) === loadBase) { pa = va + loadDelta; latchHits += loadCounts; }
              else {
                this.cycles = cycles; pa = this.translate(va, ACCESS.LOAD); cycles = this.cycles;
                fetchBase = storeBase = NO_PAGE;
                if (pa < 0) { tc = -pa; tb = va; break trap; }
                loadBase = va & -4096; loadDelta = pa - va; loadCounts = this.bypassedTlb ? 0 : 1;
              }
            }
            const rd = (w >>> 20) & 15;
            if (pa < ram) {
              if (kind === Kind.LW) r[rd] = mem[pa >> 2];
              else r[rd] = kind === Kind.LB ? (memory.bytes[pa] << 24) >> 24 : memory.bytes[pa];
            } else {
              this.cycles = cycles; const v = this.mmioRead(pa, kind === Kind.LW ? 4 : 1); cycles = this.cycles; nextEvent = 0;
              if (v < 0) { tc = CAUSE.PAGE_FAULT_LOAD; tb = va; break trap; }
              r[rd] = kind === Kind.LW ? v : kind === Kind.LB ? (v << 24) >> 24 : v & 0xff;
            }
            pc = (pc + 4) | 0; continue run;
          }
          case Kind.SW: case Kind.SB: {
            const va = (r[(w >>> 20) & 15] + ((w << 16) >> 16)) | 0;
            if (kind === Kind.SW && (va & 3) !== 0) { tc = CAUSE.MISALIGNED; tb = va; break trap; }
            let pa = va >>> 0;
            if (paged) {
              if ((va & -4096) === storeBase) { pa = va + storeDelta; latchHits += storeCounts; }
              else {
                this.cycles = cycles; pa = this.translate(va, ACCESS.STORE); cycles = this.cycles;
                fetchBase = loadBase = NO_PAGE;
                if (pa < 0) { tc = -pa; tb = va; break trap; }
                storeBase = va & -4096; storeDelta = pa - va; storeCounts = this.bypassedTlb ? 0 : 1;
              }
            }
            const v = r[(w >>> 16) & 15];
            if (pa < ram) {
              if (kind === Kind.SW) mem[pa >> 2] = v;
              else memory.bytes[pa] = v;
            } else {
              this.cycles = cycles; const ok = this.mmioWrite(pa, v, kind === Kind.SW ? 4 : 1); cycles = this.cycles; nextEvent = 0;
              if (!ok) { tc = CAUSE.PAGE_FAULT_STORE; tb = va; break trap; }
            }
            pc = (pc + 4) | 0; continue run;
          }
          case Kind.BEQ: pc = r[(w >>> 20) & 15] === r[(w >>> 16) & 15] ? (pc + (((w << 16) >> 16) << 2)) | 0 : (pc + 4) | 0; continue run;
          case Kind.BNE: pc = r[(w >>> 20) & 15] !== r[(w >>> 16) & 15] ? (pc + (((w << 16) >> 16) << 2)) | 0 : (pc + 4) | 0; continue run;
          case Kind.BLT: pc = r[(w >>> 20) & 15] < r[(w >>> 16) & 15] ? (pc + (((w << 16) >> 16) << 2)) | 0 : (pc + 4) | 0; continue run;
          case Kind.BGE: pc = r[(w >>> 20) & 15] >= r[(w >>> 16) & 15] ? (pc + (((w << 16) >> 16) << 2)) | 0 : (pc + 4) | 0; continue run;
          case Kind.BLTU: pc = r[(w >>> 20) & 15] >>> 0 < r[(w >>> 16) & 15] >>> 0 ? (pc + (((w << 16) >> 16) << 2)) | 0 : (pc + 4) | 0; continue run;
          case Kind.BGEU: pc = r[(w >>> 20) & 15] >>> 0 >= r[(w >>> 16) & 15] >>> 0 ? (pc + (((w << 16) >> 16) << 2)) | 0 : (pc + 4) | 0; continue run;
          case Kind.JAL: r[(w >>> 20) & 15] = pc + 4; pc = (pc + (((w << 12) >> 12) << 2)) | 0; continue run;
          case Kind.JALR: {
            const target = (r[(w >>> 16) & 15] + ((w << 16) >> 16)) & ~3;
            r[(w >>> 20) & 15] = pc + 4;
            pc = target;
            continue run;
          }
          case Kind.SYSTEM: {
            this.pc = pc >>> 0; this.cycles = cycles; this.instructions = icount;
            tc = executeSystem(this, w);
            cycles = this.cycles;
            if (tc !== 0) { tb = this.trapBadva; break trap; }
            pc = this.pc | 0; nextEvent = 0;
            if (this.stopReason !== undefined) break run;
            continue run;
          }
          case Kind.ILLEGAL:
            tc = CAUSE.ILLEGAL_INSTRUCTION; tb = w;
            break trap;
          default: {
            const missing: never = kind; // every Kind has a case: the compiler checks
            throw new Error(`the run loop has no case for kind ${String(missing)}`);
          }
        }
      }
      // Only a trap reaches here: tc, tb and pc (the trapping instruction's).
      this.pc = pc >>> 0; this.cycles = cycles; this.instructions = icount;
      this.raise(tc, tb >>> 0, pc >>> 0);
      pc = this.pc | 0; cycles = this.cycles; nextEvent = 0;
      if (this.stopReason !== undefined || instructionLimit !== Infinity) break run; // a step ends at a trap
    }
    if (fetchPaged) latchHits += icount - fetchStart;
    r[0] = 0;
    this.pc = pc >>> 0; this.cycles = cycles; this.instructions = icount;
    stats.latchHits += latchHits;
    this.accrue();
  }

  /** Takes a trap: accounting, the trap's cost, then trap.ts. */
  raise(cause: number, badva: number, epc: number): void {
    this.accrue();
    this.cycles += COSTS.trap;
    takeTrap(this, { cause, badva, epc });
  }

  /** True if the last translate() left the TLB alone (kseg0, or paging off): its latch counts no hits. */
  private bypassedTlb = false;

  /** Translation on the slow path: pa, or -CAUSE; charges walk cycles. */
  translate(va: number, access: Access): number {
    const csr = this.csr;
    const user = (csr[CSR.STATUS] & STATUS.KM) === 0;
    const mmu = this.config.mmu;
    this.bypassedTlb = (csr[CSR.STATUS] & STATUS.PG) === 0 || mmu.unmapped(va >>> 0, user);
    if (this.bypassedTlb) return mmu.unpaged(va >>> 0, user);
    const pa = mmu.translate(va >>> 0, access, user, csr[CSR.ASID], csr[CSR.PTBR]);
    this.cycles += this.config.mmu.takeCycles();
    return pa;
  }

  tripleFault(report: string): void {
    this.stop("triple-fault", report);
  }

  stop(reason: StopReason, message?: string): void {
    this.stopReason = reason;
    this.stopMessage = message;
  }

  countTrap(cause: number): void {
    this.config.stats.traps[cause & 31]++;
  }

  /** Closes the current accounting segment into the mode it ran in. */
  accrue(): void {
    const mode = this.kernelMode ? KERNEL : USER;
    const stats = this.config.stats;
    stats.modeInstructions[mode] += this.instructions - this.segmentInstructions;
    stats.modeCycles[mode] += this.cycles - this.segmentCycles;
    this.segmentInstructions = this.instructions;
    this.segmentCycles = this.cycles;
  }

  /** Makes interrupt `cause` pending; delivered before the next instruction if IE = 1. */
  raiseInterrupt(cause: number): void {
    this.pending |= 1 << (cause - 16);
    this.nextEvent = 0;
  }

  /** Sets the TIMER period: an interrupt every `period` cycles from now, 0 = off. */
  setTimer(period: number): void {
    this.csr[CSR.TIMER] = period;
    this.timerNext = period === 0 ? Infinity : this.cycles + period;
  }

  /** Cycle of the next thing that can happen without an instruction. */
  nextWakeup(): number {
    return Math.min(this.timerNext, this.config.events.next);
  }

  /** Skips idle cycles to `at` (wfi), counting them. */
  idleUntil(at: number): void {
    this.config.stats.idleCycles += at - this.cycles;
    this.cycles = at;
  }

  get budget(): number {
    return this.budgetEnd;
  }

  /**
   * Between instructions, when the cycle count reaches the next event:
   * host stop requests, limits, device events, the timer, then interrupt
   * delivery (ISA.md: only while STATUS.IE = 1). False means stop.
   */
  private service(): boolean {
    if (this.stopRequest !== undefined) {
      this.stop("stopped", this.stopRequest);
      this.stopRequest = undefined;
      return false;
    }
    if (this.instructions >= this.instructionLimit) return false;
    if (this.cycles >= this.budgetEnd) {
      this.stop("max-cycles");
      return false;
    }
    this.config.events.fireDue(this.cycles);
    if (this.cycles >= this.timerNext) this.fireTimer();
    if (this.pending !== 0 && (this.csr[CSR.STATUS] & STATUS.IE) !== 0) {
      const bit = this.pending & -this.pending; // lowest cause first: TIMER before DISK ...
      this.pending &= ~bit;
      this.raise(16 + 31 - Math.clz32(bit), 0, this.pc);
      // A step that delivers an interrupt ends there: the handler runs next step.
      if (this.stopReason !== undefined || this.instructionLimit !== Infinity) return false;
    }
    const deliverable = this.pending !== 0 && (this.csr[CSR.STATUS] & STATUS.IE) !== 0;
    const stepping = this.instructionLimit !== Infinity;
    this.nextEvent = deliverable || stepping || this.stopRequest !== undefined ? this.cycles : Math.min(this.nextWakeup(), this.budgetEnd);
    return true;
  }

  private fireTimer(): void {
    const period = this.csr[CSR.TIMER];
    this.pending |= 1 << (CAUSE.TIMER - 16);
    this.timerNext += period * (Math.floor((this.cycles - this.timerNext) / period) + 1);
  }

  /** A device register read through memory's MMIO dispatch: the value, or -1. */
  private mmioRead(pa: number, width: 1 | 4): number {
    const value = this.config.memory.deviceRead(pa, width);
    if (value >= 0) this.chargeDevice();
    return value;
  }

  private mmioWrite(pa: number, value: number, width: 1 | 4): boolean {
    const ok = this.config.memory.deviceWrite(pa, value, width);
    if (ok) this.chargeDevice();
    return ok;
  }

  private chargeDevice(): void {
    this.config.stats.devices.mmioAccesses++;
    this.cycles += COSTS.deviceAccess;
  }
}

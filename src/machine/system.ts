/**
 * The system instructions (ISA.md, "Unprivileged system", "Privileged",
 * "Sensitive but unprivileged") and the CSRs they read and write. Each
 * returns 0 when it completed (cpu.pc then points at what runs next) or
 * the CAUSE of the trap it raises, with cpu.trapBadva set.
 *
 * Popek and Goldberg (1974): an ISA is classically virtualizable when every
 * sensitive instruction is privileged. pushf, popf and sptb are sensitive
 * (they reveal or change the mode, IE and PTBR) but, like x86's PUSHF,
 * POPF and SGDT, do not trap in user mode unless the machine is built
 * `virtualizable: true`.
 */
import { COSTS } from "./costs";
import { BY_OPCODE, CAUSE, CSR, STATUS, opOf, rdOf, rs1Of, uimm16Of } from "./isa";
import { ASID_MASK } from "./tlb";
import { returnFromTrap } from "./trap";
import type { Cpu } from "./cpu";
import * as O from "./opcodes";

const STATUS_BITS = STATUS.IE | STATUS.KM | STATUS.PIE | STATUS.PKM | STATUS.PG;

/** Executes system instruction `w` at cpu.pc; 0 or a trap's CAUSE. */
export function executeSystem(cpu: Cpu, w: number): number {
  const op = opOf(w);
  const spec = BY_OPCODE[op];
  const user = !cpu.kernelMode;
  if (user && spec !== undefined) {
    const sensitive = spec.privilege === "sensitive" && cpu.config.virtualizable;
    if (spec.privilege === "privileged" || sensitive) return fail(cpu, CAUSE.PRIVILEGED_INSTRUCTION, w);
  }
  switch (op) {
    case O.SYS: return fail(cpu, CAUSE.SYSCALL, 0);
    case O.BRK: return fail(cpu, CAUSE.BREAKPOINT, 0);
    case O.HCALL: return cpu.config.hypercalls ? fail(cpu, CAUSE.HYPERCALL, 0) : fail(cpu, CAUSE.ILLEGAL_INSTRUCTION, w);
    case O.CSRR: return csrRead(cpu, w);
    case O.CSRW: return csrWrite(cpu, w);
    case O.RETT: return rett(cpu);
    case O.HALT: return halt(cpu);
    case O.WFI: return waitForInterrupt(cpu);
    case O.TLBW: return tlbOp(cpu, () => cpu.config.mmu.tlb.write(cpu.csr[CSR.TLBHI], cpu.csr[CSR.TLBLO]));
    case O.TLBINV: return tlbOp(cpu, () => cpu.config.mmu.tlb.invalidate(cpu.regs[rs1Of(w)] >>> 12));
    case O.TLBFLUSH: return tlbOp(cpu, () => cpu.config.mmu.tlb.flush());
    case O.PUSHF: return done(cpu, () => setReg(cpu, rdOf(w), cpu.csr[CSR.STATUS]));
    case O.POPF: return done(cpu, () => popf(cpu, cpu.regs[rs1Of(w)], user));
    case O.SPTB: return done(cpu, () => setReg(cpu, rdOf(w), cpu.csr[CSR.PTBR]));
    default: throw new Error(`executeSystem called with non-system opcode 0x${op.toString(16)}`);
  }
}

function fail(cpu: Cpu, cause: number, badva: number): number {
  cpu.trapBadva = badva;
  return cause;
}

function done(cpu: Cpu, effect: () => void): number {
  effect();
  cpu.pc = (cpu.pc + 4) >>> 0;
  return 0;
}

function setReg(cpu: Cpu, rd: number, value: number): void {
  if (rd !== 0) cpu.regs[rd] = value;
}

function csrRead(cpu: Cpu, w: number): number {
  const n = uimm16Of(w);
  if (n >= cpu.csr.length) return fail(cpu, CAUSE.ILLEGAL_INSTRUCTION, w);
  const value = n === CSR.CYCLE ? cpu.cycles : cpu.csr[n];
  return done(cpu, () => setReg(cpu, rdOf(w), value >>> 0));
}

function csrWrite(cpu: Cpu, w: number): number {
  const n = uimm16Of(w);
  if (n >= cpu.csr.length || n === CSR.CYCLE) return fail(cpu, CAUSE.ILLEGAL_INSTRUCTION, w);
  const value = cpu.regs[rs1Of(w)] >>> 0;
  return done(cpu, () => writeCsr(cpu, n, value));
}

/** A CSR write with its side effects; shared with the host's restore. */
export function writeCsr(cpu: Cpu, n: number, value: number): void {
  switch (n) {
    case CSR.STATUS:
      cpu.accrue(); // the mode may change: close the accounting segment
      cpu.csr[n] = value & STATUS_BITS;
      break;
    case CSR.TIMER: cpu.setTimer(value >>> 0); break;
    case CSR.ASID: cpu.csr[n] = value & ASID_MASK; break;
    case CSR.CYCLE: break;
    default: cpu.csr[n] = value;
  }
}

function rett(cpu: Cpu): number {
  cpu.accrue();
  cpu.cycles += COSTS.rett - COSTS.instruction;
  cpu.pc = returnFromTrap(cpu.csr);
  return 0;
}

/** halt: stop with pc on the halt, so a machine run again stays halted. */
function halt(cpu: Cpu): number {
  cpu.stop("halted");
  return 0;
}

/**
 * wfi: continue at once if an interrupt is pending; otherwise skip the
 * cycles up to the next timer or device event. If nothing can ever wake the
 * CPU, the machine is deadlocked and stops with a report.
 */
function waitForInterrupt(cpu: Cpu): number {
  if (cpu.pending !== 0) return done(cpu, () => undefined);
  const wake = cpu.nextWakeup();
  if (wake === Infinity) {
    const ie = cpu.csr[CSR.STATUS] & STATUS.IE ? "enabled" : "disabled";
    cpu.stop(
      "deadlock",
      `deadlock: wfi at pc 0x${cpu.pc.toString(16)} waits for an interrupt that can never come ` +
        `(interrupts ${ie}, TIMER is 0 and no device has work in progress)`,
    );
    return 0;
  }
  if (wake >= cpu.budget) {
    cpu.idleUntil(Math.max(cpu.cycles, cpu.budget)); // stay on wfi: it resumes waiting
    return 0;
  }
  cpu.idleUntil(Math.max(cpu.cycles, wake));
  return done(cpu, () => undefined);
}

function tlbOp(cpu: Cpu, effect: () => void): number {
  cpu.cycles += COSTS.tlbOp - COSTS.instruction;
  return done(cpu, effect);
}

/** popf: kernel mode sets STATUS.IE from bit 0; user mode changes nothing. */
function popf(cpu: Cpu, value: number, user: boolean): void {
  if (user) return;
  cpu.csr[CSR.STATUS] = (cpu.csr[CSR.STATUS] & ~STATUS.IE) | (value & STATUS.IE);
}

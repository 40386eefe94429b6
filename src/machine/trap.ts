/**
 * Traps are values (STYLE.md 5, after rvemu's `Exception` and `take_trap`):
 * an instruction that faults produces a Trap {cause, badva, epc}, and this
 * file is the one place that takes it (ISA.md, "Traps and interrupts"):
 *
 *   EPC   = pc of the trapping instruction (interrupt: of the next one)
 *   CAUSE = cause                 BADVA = faulting address (see below)
 *   STATUS.PIE = IE, PKM = KM, then IE = 0, KM = 1
 *   pc    = TVEC
 *
 * BADVA holds the virtual address for page faults, TLB misses and
 * MISALIGNED; the instruction word for ILLEGAL_INSTRUCTION and
 * PRIVILEGED_INSTRUCTION (as RISC-V's mtval, so a trap-and-emulate
 * hypervisor need not fetch it); 0 otherwise. A TLB_MISS also loads TLBHI
 * with the missing page and the current ASID (MIPS EntryHi), so the
 * refill handler only has to compute TLBLO.
 *
 * Before delivery, a hypervisor's interceptor may take the trap itself.
 * With TVEC = 0, or a second trap before the handler at TVEC has completed
 * one instruction, the machine stops: a triple fault, reported in full.
 */
import { CAUSE, CSR, STATUS, causeName, isInterrupt } from "./isa";
import { ASID_MASK } from "./tlb";

export interface Trap {
  readonly cause: number;
  /** Faulting virtual address, instruction word, or 0 (see above). */
  readonly badva: number;
  /** pc of the trapping instruction (interrupts: of the next one). */
  readonly epc: number;
}

/**
 * A hypervisor's hook: called with every trap before the guest's TVEC sees
 * it. Return true when it handled the trap (it set pc and whatever state it
 * emulated); false lets the hardware deliver it as usual.
 */
export type TrapInterceptor = (trap: Trap) => boolean;

/** What the CPU state taking a trap looks like to this file. */
export interface TrapTarget {
  readonly csr: Uint32Array;
  pc: number;
  interceptor: TrapInterceptor | undefined;
  /** Instructions decoded so far (a trapping one included). */
  readonly instructions: number;
  /** `instructions` when the last trap was delivered to TVEC. */
  deliveredAt: number;
  lastTrap: Trap | undefined;
  countTrap(cause: number): void;
  tripleFault(report: string): void;
}

export type TrapOutcome = "delivered" | "intercepted" | "triple-fault";

/** Takes `trap` on `cpu`: the one place that does (ISA.md). */
export function takeTrap(cpu: TrapTarget, trap: Trap): TrapOutcome {
  cpu.countTrap(trap.cause);
  cpu.lastTrap = trap;
  if (cpu.interceptor !== undefined && cpu.interceptor(trap)) {
    cpu.deliveredAt = -Infinity;
    return "intercepted";
  }
  const csr = cpu.csr;
  const tvec = csr[CSR.TVEC];
  // The handler's first instruction trapped: it would re-enter itself forever.
  const reentered = !isInterrupt(trap.cause) && cpu.instructions - cpu.deliveredAt <= 1;
  if (tvec === 0 || reentered) {
    const why = tvec === 0 ? "TVEC is 0: no trap handler installed" : `the handler at TVEC 0x${hex(tvec)} trapped before completing an instruction`;
    cpu.tripleFault(tripleFaultReport(trap, csr, why));
    return "triple-fault";
  }
  enter(csr, trap);
  cpu.pc = tvec;
  cpu.deliveredAt = cpu.instructions;
  return "delivered";
}

/** The CSR side of trap entry. */
function enter(csr: Uint32Array, trap: Trap): void {
  const status = csr[CSR.STATUS];
  let next = status & ~(STATUS.PIE | STATUS.PKM | STATUS.IE);
  if (status & STATUS.IE) next |= STATUS.PIE;
  if (status & STATUS.KM) next |= STATUS.PKM;
  csr[CSR.STATUS] = next | STATUS.KM;
  csr[CSR.EPC] = trap.epc;
  csr[CSR.CAUSE] = trap.cause;
  csr[CSR.BADVA] = trap.badva;
  if (trap.cause === CAUSE.TLB_MISS) csr[CSR.TLBHI] = ((trap.badva & ~0xfff) | (csr[CSR.ASID] & ASID_MASK)) >>> 0;
}

/** `rett`: KM = PKM, IE = PIE, pc = EPC. Returns the new pc. */
export function returnFromTrap(csr: Uint32Array): number {
  const status = csr[CSR.STATUS];
  let next = status & ~(STATUS.KM | STATUS.IE);
  if (status & STATUS.PKM) next |= STATUS.KM;
  if (status & STATUS.PIE) next |= STATUS.IE;
  csr[CSR.STATUS] = next;
  return csr[CSR.EPC];
}

export function tripleFaultReport(trap: Trap, csr: Uint32Array, why: string): string {
  const status = csr[CSR.STATUS];
  const mode = status & STATUS.KM ? "kernel" : "user";
  return [
    `triple fault: ${causeName(trap.cause)} (cause ${trap.cause}) at pc 0x${hex(trap.epc)} in ${mode} mode, BADVA 0x${hex(trap.badva)}`,
    `  ${why}; the machine stopped.`,
    `  STATUS 0x${hex(status)}  EPC 0x${hex(csr[CSR.EPC])}  CAUSE ${csr[CSR.CAUSE]}  TVEC 0x${hex(csr[CSR.TVEC])}  PTBR 0x${hex(csr[CSR.PTBR])}`,
  ].join("\n");
}

export function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

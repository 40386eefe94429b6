/**
 * A virtual CPU: everything a guest believes about its processor, the
 * privileged state included (Silberschatz ch. 16.3: "the VMM maintains a
 * virtual CPU ... the state of the guest's CPU is saved when the guest is
 * context switched off"). While a VM runs, its general registers and pc
 * live in the physical CPU; its CSRs never do. The physical CSRs belong to
 * the hypervisor (real mode user, real PTBR a shadow page table), so the
 * guest's own STATUS, EPC, CAUSE, TVEC, PTBR ... are kept here and only
 * ever read or written by the hypervisor's emulation of csrr/csrw/rett.
 *
 *   Vcpu
 *   +-------------------------------+
 *   | regs[16]  pc                  |  swapped with the physical CPU on a
 *   |                               |  world switch (saveFrom/restoreInto)
 *   +-------------------------------+
 *   | csr[STATUS EPC CAUSE BADVA    |  virtual: the guest's view only;
 *   |     TVEC PTBR ASID TIMER      |  STATUS.KM is the *virtual* mode,
 *   |     CYCLE SCRATCH TLBHI TLBLO]|  the physical CPU is always in user
 *   +-------------------------------+  mode while a guest runs
 *   | cycles  timerDeadline         |  virtual time
 *   +-------------------------------+
 *
 * The trap entry and rett below do to the virtual CSRs exactly what
 * ISA.md says the hardware does to the real ones ("Traps and
 * interrupts"), which is how a VMM "reflects" a trap to the guest kernel.
 */
import { CSR, STATUS } from "../machine/isa";

export const CSR_COUNT = 12;

/** What deliverTrap did: vectored to the guest's TVEC, or TVEC was 0. */
export type Delivery = "delivered" | "triple-fault";

export class Vcpu {
  readonly regs = new Int32Array(16);
  pc = 0;
  /** The guest's control and status registers, indexed by CSR number. */
  readonly csr = new Uint32Array(CSR_COUNT);
  /** Guest cycles consumed so far (what the guest's CYCLE reads). */
  cycles = 0;
  /** Guest instructions decoded so far (a trapping one included). */
  instructions = 0;
  /** `instructions` when a trap was last delivered to the guest's TVEC. */
  deliveredAt = -Infinity;
  /** Guest cycle at which the virtual timer next fires (Infinity if off). */
  timerDeadline = Infinity;
  /**
   * Interrupts waiting for the guest to set STATUS.IE, bit (cause - 16) as
   * the real CPU keeps them (0 = none): a TIMER and a DISK can both wait.
   */
  pendingInterrupts = 0;

  constructor(readonly id: number) {
    this.reset();
  }

  /** ISA.md "Reset": pc = 0, kernel mode, IE = 0, paging off. */
  reset(): void {
    this.regs.fill(0);
    this.csr.fill(0);
    this.pc = 0;
    this.csr[CSR.STATUS] = STATUS.KM;
    this.cycles = 0;
    this.instructions = 0;
    this.deliveredAt = -Infinity;
    this.timerDeadline = Infinity;
    this.pendingInterrupts = 0;
  }

  /** Makes interrupt `cause` (16..19) pending. */
  raise(cause: number): void {
    this.pendingInterrupts |= 1 << (cause - 16);
  }

  /** The lowest pending cause, now no longer pending (0 if none): TIMER before DISK. */
  takeInterrupt(): number {
    const p = this.pendingInterrupts;
    if (p === 0) return 0;
    const bit = p & -p;
    this.pendingInterrupts = p & ~bit;
    return 16 + 31 - Math.clz32(bit);
  }

  /** The guest's *virtual* privilege: true while its kernel runs. */
  get kernelMode(): boolean {
    return (this.csr[CSR.STATUS] & STATUS.KM) !== 0;
  }

  get interruptsEnabled(): boolean {
    return (this.csr[CSR.STATUS] & STATUS.IE) !== 0;
  }

  get pagingEnabled(): boolean {
    return (this.csr[CSR.STATUS] & STATUS.PG) !== 0;
  }

  /**
   * Trap entry, done in software on the virtual CSRs (ISA.md): EPC = pc of
   * the trapping instruction, CAUSE and BADVA set, PIE = IE, PKM = KM,
   * then IE = 0, KM = 1, pc = TVEC. TVEC = 0 is a triple fault, and so is
   * an exception in the handler's first instruction (src/machine/trap.ts).
   */
  deliverTrap(cause: number, badva: number, epc: number): Delivery {
    const tvec = this.csr[CSR.TVEC];
    const reentered = cause < 16 && this.instructions - this.deliveredAt <= 1;
    if (tvec === 0 || reentered) return "triple-fault";
    this.deliveredAt = this.instructions;
    let s = this.csr[CSR.STATUS];
    s = (s & ~(STATUS.PIE | STATUS.PKM)) |
      ((s & STATUS.IE) !== 0 ? STATUS.PIE : 0) |
      ((s & STATUS.KM) !== 0 ? STATUS.PKM : 0);
    s = (s & ~STATUS.IE) | STATUS.KM;
    this.csr[CSR.STATUS] = s >>> 0;
    this.csr[CSR.EPC] = epc >>> 0;
    this.csr[CSR.CAUSE] = cause >>> 0;
    this.csr[CSR.BADVA] = badva >>> 0;
    this.pc = tvec;
    return "delivered";
  }

  /** `rett` on the virtual CSRs: KM = PKM, IE = PIE, pc = EPC. */
  returnFromTrap(): void {
    let s = this.csr[CSR.STATUS];
    s = (s & ~(STATUS.KM | STATUS.IE)) |
      ((s & STATUS.PKM) !== 0 ? STATUS.KM : 0) |
      ((s & STATUS.PIE) !== 0 ? STATUS.IE : 0);
    this.csr[CSR.STATUS] = s >>> 0;
    this.pc = this.csr[CSR.EPC];
  }

  /** Re-arms the virtual timer after TIMER was written (0 = off). */
  armTimer(): void {
    const period = this.csr[CSR.TIMER];
    this.timerDeadline = period === 0 ? Infinity : this.cycles + period;
  }

  /** A plain copy for display and for snapshot tests. */
  snapshot(): VcpuSnapshot {
    return {
      id: this.id,
      pc: this.pc,
      regs: Array.from(this.regs, (r) => r >>> 0),
      csr: Array.from(this.csr),
      cycles: this.cycles,
    };
  }
}

export interface VcpuSnapshot {
  readonly id: number;
  readonly pc: number;
  readonly regs: readonly number[];
  readonly csr: readonly number[];
  readonly cycles: number;
}

/**
 * Hardware assist: the VM-exit reasons and the control block that says
 * which guest events exit. Modelled on Intel VT-x (Intel SDM vol. 3C,
 * ch. 24 "Virtual Machine Control Structures" and appendix C "VMX Basic
 * Exit Reasons"; the numbers below are the SDM's) as Adams and Agesen 2006
 * section 4 describe it: the guest runs in a guest mode at its own
 * privilege; "the VMCB control bits ... specify the conditions under which
 * the guest exits"; every exit and re-entry costs a round trip (COSTS.vmExit).
 *
 *   ExitControls (our VMCS "execution controls")
 *   +-----------------------+-------------------------------------------+
 *   | exceptionBitmap       | bit c set: guest trap with CAUSE c exits  |
 *   | externalInterrupts    | the host's timer/devices exit the guest   |
 *   | hltExiting            | halt and wfi exit                          |
 *   | crAccessExiting       | csrw to PTBR/STATUS/TVEC/TIMER exits       |
 *   | ioExiting             | a guest access to device MMIO exits        |
 *   +-----------------------+-------------------------------------------+
 * EPT violations (a guest-physical address outside the VM) and VMCALL
 * (`hcall`) always exit.
 */

/** Intel SDM vol. 3C, appendix C, table C-1: basic exit reasons. */
export const EXIT_REASON = {
  EXCEPTION_NMI: 0,
  EXTERNAL_INTERRUPT: 1,
  TRIPLE_FAULT: 2,
  HLT: 12,
  VMCALL: 18,
  CR_ACCESS: 28,
  IO_INSTRUCTION: 30,
  EPT_VIOLATION: 48,
} as const;

export type ExitReasonName = keyof typeof EXIT_REASON;

/** Names by number, built once and checked (STYLE.md 6). */
export const EXIT_REASON_NAMES: ReadonlyMap<number, ExitReasonName> = (() => {
  const names = new Map<number, ExitReasonName>();
  for (const [name, value] of Object.entries(EXIT_REASON) as [ExitReasonName, number][]) {
    if (names.has(value)) throw new Error(`exit reason ${value} defined twice`);
    names.set(value, name);
  }
  return names;
})();

export function exitReasonName(reason: number): string {
  return EXIT_REASON_NAMES.get(reason) ?? `EXIT_${reason}`;
}

/** Which guest events cause a VM exit (the VMCS execution controls). */
export interface ExitControls {
  /** Bit c set: a guest trap with CAUSE c exits instead of going to the guest's TVEC. */
  exceptionBitmap: number;
  externalInterrupts: boolean;
  hltExiting: boolean;
  crAccessExiting: boolean;
  ioExiting: boolean;
}

/**
 * The defaults of a simple VMM: the guest kernel handles its own syscalls
 * and page faults without exits (the whole point of hardware assist), but
 * halts, device accesses, page-table-root changes and the host's
 * interrupts come to the hypervisor.
 */
export function defaultExitControls(): ExitControls {
  return {
    exceptionBitmap: 0,
    externalInterrupts: true,
    hltExiting: true,
    crAccessExiting: true,
    ioExiting: true,
  };
}

/** One VM exit as recorded in the VM's exit log and statistics. */
export interface VmExit {
  readonly reason: number;
  readonly name: string;
  /** Guest pc at the exit. */
  readonly pc: number;
  /** Reason-specific detail (CAUSE, CSR number, MMIO address, ...). */
  readonly qualification: number;
}

/** Exit counts by reason name, for a VM's statistics. */
export type ExitCounts = Partial<Record<ExitReasonName, number>>;

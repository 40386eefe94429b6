/**
 * Flow traces: who did what, step by step, in the columns of OSTEP's
 * figures for the VMM chapter (Arpaci-Dusseau, "Operating Systems: Three
 * Easy Pieces", appendix B "Virtual Machine Monitors", figure B.3 "System
 * Call Flow With Virtualization"):
 *
 *   Process                 Operating System            VMM
 *   1. System call:
 *      Trap to OS
 *                                                       2. Process trapped:
 *                                                          Call OS trap handler
 *                                                          (at reduced privilege)
 *                           3. OS trap handler:
 *                              Decode trap and execute
 *                              appropriate syscall routine;
 *                              When done: issue
 *                              return-from-trap
 *                                                       4. OS tried return
 *                                                          from trap:
 *                                                          Do real return from trap
 *   5. Resume execution
 *      (@PC after trap)
 *
 * The hypervisor records these steps as they happen when tracing is on;
 * formatTrace prints them as that table. On a software-tlb machine it also
 * records the seven steps of OSTEP's "TLB miss flow with virtualization"
 * (STEP.tlbMiss ... STEP.missRetried, src/memory/software-tlb.ts).
 */

export type Actor = "Process" | "Operating System" | "VMM" | "Hardware";

export interface TraceStep {
  readonly vm: string;
  readonly actor: Actor;
  readonly text: string;
  /** Guest pc the step concerns. */
  readonly pc: number;
}

/** The step texts, named once so tests and notebooks compare against them. */
export const STEP = {
  syscallTrap: "System call: Trap to OS",
  reflect: "Process trapped: Call OS trap handler (at reduced privilege)",
  osHandler: "OS trap handler: Decode trap and execute appropriate syscall routine; When done: issue return-from-trap",
  realReturn: "OS tried return from trap: Do real return from trap",
  resume: "Resume execution (@PC after trap)",
  privileged: "Privileged instruction: Trap to VMM",
  emulate: "Emulate the instruction on the VCPU; Return to the OS after it",
  interrupt: "Timer interrupt: VMM takes it; Reflect it to the OS trap handler",
  illegal: "Guest did something illegal: Terminate the VM",
  worldSwitch: "Save this VCPU; Restore the next VM's VCPU (world switch)",
  // OSTEP's "TLB miss flow with virtualization" (a software-tlb machine, Disco):
  tlbMiss: "Load or store: TLB miss: Trap",
  callMissHandler: "TLB miss handler: Call into OS TLB miss handler",
  missHandler: "OS TLB miss handler: Look up VPN in page table; Get PPN; Update TLB (privileged)",
  installMpn: "OS tried to update TLB: Install VPN->MPN instead of VPN->PPN; Jump back to OS",
  missReturn: "Return from trap",
  missRetried: "Resume execution: Instruction retried, this time a TLB hit",
  missRetriedNoEntry: "Resume execution: Instruction retried; no valid entry (a page fault, or a device): trap",
  l2Hit: "TLB miss handler: VPN in second-level TLB: Install VPN->MPN; Return (OS not called)",
} as const;

export class Tracer {
  readonly steps: TraceStep[] = [];
  enabled: boolean;

  constructor(enabled = false, private readonly limit = 100_000) {
    this.enabled = enabled;
  }

  record(vm: string, actor: Actor, text: string, pc: number): void {
    if (!this.enabled || this.steps.length >= this.limit) return;
    this.steps.push({ vm, actor, text, pc: pc >>> 0 });
  }

  clear(): void {
    this.steps.length = 0;
  }
}

const COLUMNS: readonly Actor[] = ["Process", "Operating System", "VMM"];

/** The steps as OSTEP's three-column table, numbered, one line per step. */
export function formatTrace(steps: readonly TraceStep[], width = 34): string {
  const header = COLUMNS.map((c) => c.padEnd(width)).join("").trimEnd();
  const lines = steps.map((s, i) => {
    const column = Math.max(0, COLUMNS.indexOf(s.actor === "Hardware" ? "VMM" : s.actor));
    return `${" ".repeat(column * width)}${i + 1}. ${s.text}  [${s.vm} pc 0x${s.pc.toString(16)}]`;
  });
  return [header, ...lines].join("\n");
}

/**
 * The steps as rows for showTable: one per step, its text in its actor's
 * column (OSTEP's layout), numbered, with the guest pc it concerns.
 */
export function traceRows(steps: readonly TraceStep[]): Record<string, string>[] {
  return steps.map((s, i) => {
    const row: Record<string, string> = { Process: "", "Operating System": "", VMM: "" };
    row[s.actor === "Hardware" ? "VMM" : s.actor] = `${i + 1}. ${s.text}`;
    row["guest pc"] = `0x${s.pc.toString(16).padStart(8, "0")}`;
    return row;
  });
}

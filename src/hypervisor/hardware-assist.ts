/**
 * Hardware-assisted virtualization, modelled on Intel VT-x (Adams and
 * Agesen 2006, section 4; Intel SDM vol. 3C, ch. 24-27; Silberschatz
 * ch. 16.5.3). The guest runs in a *guest mode* at its own privilege: its
 * kernel in guest kernel mode executes csrr, csrw, rett, tlbinv, pushf and
 * popf on its own (guest-state) registers without the hypervisor; only the
 * events its control block (ExitControls, exits.ts) selects leave guest
 * mode with a VM exit, each costing COSTS.vmExit cycles:
 *
 *   guest event                            exit reason (SDM vol. 3C, C-1)
 *   -------------------------------------  ------------------------------
 *   halt, wfi            (hltExiting)      HLT
 *   csrw PTBR            (crAccessExiting) CR_ACCESS  (a CR3 load)
 *   load/store to a device page (ioExiting) IO_INSTRUCTION
 *   hcall                                  VMCALL
 *   first touch of a guest-physical page   EPT_VIOLATION (EPT filled lazily)
 *   a guest trap whose CAUSE bit is set    EXCEPTION_NMI
 *     in exceptionBitmap
 *   the host's timer ends the slice        EXTERNAL_INTERRUPT
 *     (externalInterrupts)
 *   triple fault                           TRIPLE_FAULT
 * Everything else (system calls, the guest's own page faults, privileged
 * instructions other than those above) happens in guest mode at the cost
 * bare toy32 charges for it.
 *
 * toy32 has no guest mode in silicon, so this file is the model of one:
 * the CPU still runs the guest in real user mode and the trap interceptor
 * still sees its privileged instructions (and its sensitive ones: the host
 * is built `virtualizable`, since in guest mode pushf and popf act on the
 * guest's own state, as VT-x's guest RFLAGS), but a non-exiting event is
 * carried out with no hypervisor cost and the interception's own trap
 * cycles are given back, which is what VT-x's hardware does; an exiting
 * one is charged a full VM exit and logged with its reason.
 *
 * Memory, two generations (Adams and Agesen 2006, sections 4-6):
 *
 *   paging "nested" (EPT/NPT, the default): the MMU walks the guest's own
 *     tables through the VM's nested table (src/memory/nested-paging.ts,
 *     src/machine/nested-walk.ts). The guest's page faults and PTE stores
 *     stay in guest mode; a nested fault exits: the first touch of a
 *     guest-physical page (EPT_VIOLATION, the table is filled from the
 *     pmap) or a device page (IO_INSTRUCTION). PTBR writes exit only if
 *     crAccessExiting is set (the default, as chapter 03's VMM has it); a
 *     VMM with EPT needs no such exit and turns it off, as KVM does.
 *   paging "shadow" (first-generation VT-x): the hypervisor keeps shadow
 *     tables as under trap-and-emulate, so every page fault exits
 *     (EXCEPTION_NMI, #PF in the exception bitmap): hidden faults, stores
 *     to traced page tables and the guest's own faults alike, and so does
 *     every PTBR write. This is the configuration that loses to binary
 *     translation on page-table-heavy work.
 */
import { COSTS } from "../machine/costs";
import { CAUSE, CSR, MMIO_BASE, opOf, uimm16Of } from "../machine/isa";
import * as O from "../machine/opcodes";
import type { Cpu } from "../machine/cpu";
import type { PhysicalMemory } from "../machine/memory";
import { EXIT_REASON, defaultExitControls, exitReasonName, type ExitControls, type VmExit } from "./exits";
import { translateGuest, type Access } from "../memory/guest-walk";
import type { NestedPageTable } from "../memory/nested-paging";
import type { NestedWalker } from "../machine/nested-walk";
import { nativeExtra, type GuestTrap, type TrapAndEmulate, type VmmContext } from "./trap-and-emulate";
import type { Vm } from "./vm";

/** In guest mode the hypervisor's software steps cost nothing: hardware does them. */
export const HARDWARE_ASSIST_COSTS = { emulateInstruction: 0, reflectTrap: 0, shadowFill: 0, hideTraps: false } as const;
/** Without nested paging the shadow fills are still software, after the exit that brought them. */
export const FIRST_GENERATION_COSTS = { ...HARDWARE_ASSIST_COSTS, shadowFill: COSTS.shadowFill } as const;

/** How a hardware-assisted guest's memory is translated (above). */
export type HardwarePaging = "nested" | "shadow";

/** The most recent exits kept per VM (the statistics count them all). */
export const EXIT_LOG_LIMIT = 1000;

const PAGE_FAULTS = new Map<number, Access>([
  [CAUSE.PAGE_FAULT_LOAD, "load"], [CAUSE.PAGE_FAULT_STORE, "store"], [CAUSE.PAGE_FAULT_FETCH, "fetch"],
]);


/** What nested paging needs of the hypervisor: the MMU's walker and each VM's nested table. */
export interface NestedPaging {
  readonly walker: NestedWalker;
  table(vm: Vm): NestedPageTable;
}

export class HardwareAssist {
  private readonly controls = new Map<Vm, ExitControls>();
  readonly logs = new Map<Vm, VmExit[]>();

  constructor(
    private readonly te: TrapAndEmulate,
    private readonly ctx: VmmContext,
    private readonly memory: PhysicalMemory,
    private readonly cpu: Cpu,
    /** Present for paging "nested"; absent, the first generation's shadow paging. */
    private readonly nested?: NestedPaging,
  ) {}

  get paging(): HardwarePaging {
    return this.nested ? "nested" : "shadow";
  }

  /** The VM's control block (created with the defaults; change its fields to change what exits). */
  controlsOf(vm: Vm): ExitControls {
    let c = this.controls.get(vm);
    if (!c) { c = defaultExitControls(); this.controls.set(vm, c); }
    return c;
  }

  exitLog(vm: Vm): readonly VmExit[] {
    return this.logs.get(vm) ?? [];
  }

  forget(vm: Vm): void {
    this.controls.delete(vm);
    this.logs.delete(vm);
  }

  /** A guest event the CPU reported: a VM exit, or done in guest mode. */
  handle(vm: Vm, trap: GuestTrap): void {
    const access = PAGE_FAULTS.get(trap.cause);
    if (this.nested && access !== undefined) return this.nestedFault(vm, trap, this.nested);
    const reason = this.exitReason(vm, trap);
    if (reason === undefined) this.inGuestMode(vm, trap);
    else {
      this.exit(vm, reason, trap.epc, trap.cause === CAUSE.PRIVILEGED_INSTRUCTION ? trap.badva : trap.cause);
      this.ctx.charge(COSTS.vmExit - COSTS.trap);
    }
    this.te.handle(vm, trap);
  }

  /**
   * A page fault under nested paging: the guest's own (delivered in guest
   * mode, as on bare metal), or a nested fault: a device page (an I/O
   * exit, the access emulated), a guest-physical page not yet in the
   * nested table (an EPT violation: mapped from the pmap, the access
   * retried), or an address outside the VM (a fault the guest sees).
   */
  private nestedFault(vm: Vm, trap: GuestTrap, nested: NestedPaging): void {
    vm.stats.traps++;
    const gpa = nested.walker.violation;
    if (gpa < 0) return this.te.reflect(vm, trap.cause, trap.badva);
    this.ctx.charge(COSTS.vmExit - COSTS.trap);
    if (gpa >= MMIO_BASE) {
      this.exit(vm, EXIT_REASON.IO_INSTRUCTION, trap.epc, gpa);
      return this.te.deviceAccess(vm, gpa, trap.badva);
    }
    this.exit(vm, EXIT_REASON.EPT_VIOLATION, trap.epc, gpa);
    if (vm.remote?.isAbsent(gpa)) {
      // Post-copy (src/memory/remote-pages.ts): the page is still at the source. The VCPU stops
      // before the access and waits for it; the access is retried once it has come.
      vm.remote.fault(gpa);
      return this.ctx.deschedule("yield");
    }
    const write = nested.walker.violationWrite;
    if (!nested.table(vm).map(gpa, write)) return this.te.reflect(vm, trap.cause, trap.badva);
    if (write) vm.dirtyLog?.mark(gpa); // dirty logging: this store made the page writable again
    // A read-only entry the nested TLB cached (dirty logging, now or before) goes with it.
    if (nested.walker.ntlb.probe(gpa >>> 12, 0) >= 0) nested.walker.ntlb.invalidate(gpa >>> 12);
  }

  /** The host's timer ended the VM's slice: an external-interrupt exit. */
  sliceEnded(vm: Vm): void {
    if (!this.controlsOf(vm).externalInterrupts || vm.ended) return;
    this.exit(vm, EXIT_REASON.EXTERNAL_INTERRUPT, vm.vcpu.pc, CAUSE.TIMER);
    this.ctx.charge(COSTS.vmExit);
  }

  /** Records a triple fault's exit. */
  tripleFault(vm: Vm): void {
    this.exit(vm, EXIT_REASON.TRIPLE_FAULT, vm.vcpu.pc, 0);
  }

  private exit(vm: Vm, reason: number, pc: number, qualification: number): void {
    const name = exitReasonName(reason);
    const counts = vm.stats.exits as Record<string, number>;
    counts[name] = (counts[name] ?? 0) + 1;
    let log = this.logs.get(vm);
    if (!log) { log = []; this.logs.set(vm, log); }
    if (log.length >= EXIT_LOG_LIMIT) log.shift();
    log.push({ reason, name, pc: pc >>> 0, qualification: qualification >>> 0 });
  }

  /**
   * Done by the hardware in guest mode: a privileged instruction costs what
   * it costs on bare toy32 (the interception's trap cycles are given back);
   * a trap for the guest kernel keeps the trap's cost, as on bare metal; a
   * translation the shadow (our EPT) lacked keeps it too, as the extra
   * references of a two-dimensional walk (Bhargava et al. 2008), which also
   * means every event costs some cycles.
   */
  private inGuestMode(vm: Vm, trap: GuestTrap): void {
    const vcpu = vm.vcpu;
    const privileged = trap.cause === CAUSE.PRIVILEGED_INSTRUCTION && (vcpu.kernelMode || this.te.userModeSensitive(trap.badva));
    if (privileged) this.cpu.cycles += nativeExtra(trap.badva) - COSTS.trap;
  }

  private exitReason(vm: Vm, trap: GuestTrap): number | undefined {
    const c = this.controlsOf(vm);
    const vcpu = vm.vcpu;
    const cause = trap.cause;
    if (cause === CAUSE.HYPERCALL) return EXIT_REASON.VMCALL;
    if (cause >= 16) return c.externalInterrupts ? EXIT_REASON.EXTERNAL_INTERRUPT : undefined;
    if (cause === CAUSE.PRIVILEGED_INSTRUCTION && this.te.userModeSensitive(trap.badva)) return undefined;
    if (cause === CAUSE.PRIVILEGED_INSTRUCTION && vcpu.kernelMode) {
      const op = opOf(trap.badva);
      if ((op === O.HALT || op === O.WFI) && c.hltExiting) return EXIT_REASON.HLT;
      if (op === O.CSRW && uimm16Of(trap.badva) === CSR.PTBR && c.crAccessExiting) return EXIT_REASON.CR_ACCESS;
      return undefined;
    }
    const access = PAGE_FAULTS.get(cause);
    if (access !== undefined) {
      // First generation: the shadows are software, so every #PF exits.
      const t = translateGuest(this.memory, vm.addressSpace, trap.badva, access, !vcpu.kernelMode);
      if (t.ok && t.mapping.gpa >= MMIO_BASE) return EXIT_REASON.IO_INSTRUCTION;
      return EXIT_REASON.EXCEPTION_NMI;
    }
    return (c.exceptionBitmap & (1 << cause)) !== 0 ? EXIT_REASON.EXCEPTION_NMI : undefined;
  }
}

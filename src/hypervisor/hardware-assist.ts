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
 * one is charged a full VM exit and logged with its reason. EPT is modelled
 * by the shadow page tables, whose fills are free after a guest-physical
 * page's first EPT violation.
 */
import { COSTS } from "../machine/costs";
import { CAUSE, CSR, MMIO_BASE, opOf, uimm16Of } from "../machine/isa";
import * as O from "../machine/opcodes";
import type { Cpu } from "../machine/cpu";
import type { PhysicalMemory } from "../machine/memory";
import { EXIT_REASON, defaultExitControls, exitReasonName, type ExitControls, type VmExit } from "./exits";
import { translateGuest, type Access } from "../memory/guest-walk";
import { nativeExtra, type GuestTrap, type TrapAndEmulate, type VmmContext } from "./trap-and-emulate";
import type { Vm } from "./vm";

/** In guest mode the hypervisor's software steps cost nothing: hardware does them. */
export const HARDWARE_ASSIST_COSTS = { emulateInstruction: 0, reflectTrap: 0, shadowFill: 0, hideTraps: false } as const;

/** The most recent exits kept per VM (the statistics count them all). */
export const EXIT_LOG_LIMIT = 1000;

const PAGE_FAULTS = new Map<number, Access>([
  [CAUSE.PAGE_FAULT_LOAD, "load"], [CAUSE.PAGE_FAULT_STORE, "store"], [CAUSE.PAGE_FAULT_FETCH, "fetch"],
]);


export class HardwareAssist {
  private readonly controls = new Map<Vm, ExitControls>();
  private readonly eptFilled = new Map<Vm, Set<number>>();
  readonly logs = new Map<Vm, VmExit[]>();

  constructor(
    private readonly te: TrapAndEmulate,
    private readonly ctx: VmmContext,
    private readonly memory: PhysicalMemory,
    private readonly cpu: Cpu,
  ) {}

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
    this.eptFilled.delete(vm);
    this.logs.delete(vm);
  }

  /** A guest event the CPU reported: a VM exit, or done in guest mode. */
  handle(vm: Vm, trap: GuestTrap): void {
    const reason = this.exitReason(vm, trap);
    if (reason === undefined) this.inGuestMode(vm, trap);
    else {
      this.exit(vm, reason, trap.epc, trap.cause === CAUSE.PRIVILEGED_INSTRUCTION ? trap.badva : trap.cause);
      this.ctx.charge(COSTS.vmExit - COSTS.trap);
    }
    this.te.handle(vm, trap);
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
      const t = translateGuest(this.memory, vm.addressSpace, trap.badva, access, !vcpu.kernelMode);
      if (t.ok && t.mapping.gpa >= MMIO_BASE) return c.ioExiting ? EXIT_REASON.IO_INSTRUCTION : undefined;
      if (t.ok && vm.contains(t.mapping.gpa)) return this.firstTouch(vm, t.mapping.gpa) ? EXIT_REASON.EPT_VIOLATION : undefined;
    }
    return (c.exceptionBitmap & (1 << cause)) !== 0 ? EXIT_REASON.EXCEPTION_NMI : undefined;
  }

  /** True the first time a guest-physical page is touched: EPT has no entry for it yet. */
  private firstTouch(vm: Vm, gpa: number): boolean {
    let set = this.eptFilled.get(vm);
    if (!set) { set = new Set(); this.eptFilled.set(vm, set); }
    const page = gpa >>> 12;
    if (set.has(page)) return false;
    set.add(page);
    return true;
  }
}

/**
 * Trap-and-emulate (Popek and Goldberg 1974; Silberschatz ch. 16.5.1;
 * OSTEP appendix B). The guest kernel runs deprivileged: the physical CPU
 * is in user mode whenever a guest runs, so every privileged instruction
 * the guest kernel executes traps to the hypervisor, which emulates it on
 * the VCPU. Everything else the guest does runs directly on the hardware.
 *
 * What each trap from a running guest becomes:
 *
 *   trap                        guest in virtual kernel   guest in virtual user
 *   --------------------------  ------------------------  ---------------------
 *   PRIVILEGED_INSTRUCTION      emulate on the VCPU       reflect to guest TVEC
 *   page fault, shadow empty    fill shadow (hidden)      fill shadow (hidden)
 *   store to a traced page      emulate the store, drop the shadow entries
 *     (a guest page table)      derived from the entry it changed
 *   page fault, guest says no   reflect                   reflect
 *   page fault on a device page emulate the device access (the guest's MMIO)
 *   HYPERCALL                   a paravirtual guest's kernel: hypercall;
 *                               otherwise reflect ILLEGAL_INSTRUCTION (what
 *                               bare hardware does)
 *   pushf/popf/sptb trapping in user mode on a virtualizable host while the
 *   guest's machine is not: emulated (the guest sees its own machine)
 *   anything else (SYSCALL,     reflect: virtual trap entry on the VCPU,
 *   BREAKPOINT, MISALIGNED ...) pc = the guest's TVEC (OSTEP fig. B.3 step 2)
 *   reflect with guest TVEC 0   the guest triple-faulted: terminate this VM
 *
 * On a software-tlb machine (MIPS, Disco) there are no page tables for the
 * MMU and no shadows: a real TLB_MISS goes to src/memory/software-tlb.ts,
 * which refills the real TLB itself (the guest's kseg0, its TLB's entries,
 * the L2 TLB) or has the guest's miss handler called (reflect TLB_MISS);
 * the guest's tlbw, tlbinv and tlbflush are emulated there; a real page
 * fault is the guest's own entry forbidding the access: reflected.
 *
 * This file is the policy; it sees the world through VmmContext, which the
 * hypervisor implements over the physical machine.
 */
import { BY_MNEMONIC, BY_OPCODE, CAUSE, CSR, STATUS, opOf, rdOf, sbRs2Of } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import { COSTS } from "../machine/costs";
import { emulate, type Monitor } from "./emulate";
import { translateGuest, type Access } from "../memory/guest-walk";
import type { ShadowPageTables } from "../memory/shadow-paging";
import { ShadowMmu, type Resolution, type ShadowHost } from "../memory/shadow-mmu";
import { dispatchHypercall } from "./hypercalls";
import { STEP, type Tracer } from "./trace";
import * as O from "../machine/opcodes";
import type { Vm } from "./vm";
import type { GuestTlb, SoftwareTlbMmu } from "../memory/software-tlb";
import { ASID_MASK } from "../machine/tlb";
import { ParavirtualGuest } from "./paravirtual";

/** A trap as the machine reports it (src/machine/trap.ts). */
export interface GuestTrap {
  readonly cause: number;
  readonly badva: number;
  readonly epc: number;
}

/** What the hypervisor gives the trap handler (the shadow MMU's host, and more). */
export interface VmmContext extends ShadowHost {
  readonly memory: PhysicalMemory;
  readonly tracer: Tracer;
  shadow(vm: Vm): ShadowPageTables;
  /** The VM's shadows were dropped or changed: drop real TLB entries (va, or all). */
  flushRealTlb(va?: number): void;
  /** Cycles the hypervisor spends (charged to the machine and the VM). */
  charge(cycles: number): void;
  /**
   * Machine cycles already spent that the guest's clock must not see: the
   * trap of an instruction bare toy32 would not have trapped.
   */
  hideFromGuest(cycles: number): void;
  /** Stop running this VM now (it ended, blocked or yielded). */
  deschedule(why: "ended" | "yield" | "block"): void;
  /** The guest changed PTBR, paging or its virtual mode: re-point the real MMU. */
  remap(vm: Vm): void;
  /** True if the real MMU walks the guest's own tables (nested paging): no shadows to keep. */
  nestedPaging?: boolean;
  /** Binary translation: the machine page holds translated code (map it read-only). */
  writeProtected?(machinePage: number): boolean;
  /** Binary translation: the guest is about to write this machine page. */
  codeWritten?(machinePage: number): void;
  /** A software-tlb machine: the VMM's software TLB (Disco)... */
  readonly softwareTlb?: SoftwareTlbMmu;
  /** ... and each VM's state of it. */
  guestTlb?(vm: Vm): GuestTlb;
}

export type { Resolution } from "../memory/shadow-mmu";

/** The hypervisor's software steps and their cycle costs. */
export interface SoftwareCosts {
  readonly emulateInstruction: number;
  readonly reflectTrap: number;
  readonly shadowFill: number;
  /**
   * Keep the guest's clock at bare metal's pace: the trap that brought an
   * emulated instruction or a hidden fault to the hypervisor is not the
   * guest's time (hardware assist gives those cycles back itself).
   */
  readonly hideTraps: boolean;
}

export const TRAP_AND_EMULATE_COSTS: SoftwareCosts = {
  emulateInstruction: COSTS.emulateInstruction,
  reflectTrap: COSTS.reflectTrap,
  shadowFill: COSTS.shadowFill,
  hideTraps: true,
};

/** Extra cycles bare toy32 charges beyond one per instruction for a privileged one. */
export function nativeExtra(word: number): number {
  const op = opOf(word);
  if (op === O.RETT) return COSTS.rett - COSTS.instruction;
  if (op === O.TLBINV || op === O.TLBFLUSH || op === O.TLBW) return COSTS.tlbOp - COSTS.instruction;
  return 0;
}

const LOADS = new Map<number, { width: 1 | 4; signed: boolean }>([
  [op("lw"), { width: 4, signed: true }],
  [op("lb"), { width: 1, signed: true }],
  [op("lbu"), { width: 1, signed: false }],
]);
const STORES = new Map<number, 1 | 4>([[op("sw"), 4], [op("sb"), 1]]);

function op(mnemonic: string): number {
  const spec = BY_MNEMONIC.get(mnemonic);
  if (!spec) throw new Error(`no instruction ${mnemonic}`);
  return spec.opcode;
}

const ACCESS_OF = new Map<number, Access>([
  [CAUSE.PAGE_FAULT_LOAD, "load"],
  [CAUSE.PAGE_FAULT_STORE, "store"],
  [CAUSE.PAGE_FAULT_FETCH, "fetch"],
]);

export class TrapAndEmulate {
  private readonly monitors = new WeakMap<Vm, Monitor>();
  /** Shadow paging's hidden faults, tracing and contexts (src/memory), which translated code asks too. */
  readonly shadowMmu: ShadowMmu;
  constructor(
    private readonly ctx: VmmContext,
    /** What each software step costs; hardware assist does them "in silicon" for nothing. */
    readonly costs: SoftwareCosts = TRAP_AND_EMULATE_COSTS,
    /**
     * Whether the machine the guest believes it runs on traps pushf, popf
     * and sptb in user mode. If not, but they trapped anyway (the host was
     * built virtualizable to model a guest mode), they are emulated, not
     * reflected: the guest must see its own machine's behaviour.
     */
    readonly guestVirtualizable = true,
  ) {
    this.shadowMmu = new ShadowMmu(ctx, costs);
  }

  /** A sensitive instruction the guest's machine would have executed in user mode without trapping. */
  userModeSensitive(word: number): boolean {
    return !this.guestVirtualizable && BY_OPCODE[opOf(word)]?.privilege === "sensitive";
  }

  /** Handles one trap of `vm`, whose registers are in vm.vcpu (pc = trap.epc). */
  handle(vm: Vm, trap: GuestTrap): void {
    vm.stats.traps++;
    const vcpu = vm.vcpu;
    const access = ACCESS_OF.get(trap.cause);
    if (access !== undefined) return this.pageFault(vm, trap, access);
    switch (trap.cause) {
      case CAUSE.PRIVILEGED_INSTRUCTION:
        if (vcpu.kernelMode || this.userModeSensitive(trap.badva)) return this.emulatePrivileged(vm, trap.badva);
        return this.reflect(vm, trap.cause, trap.badva);
      case CAUSE.HYPERCALL:
        // Only a paravirtual guest's kernel may call the hypervisor; from
        // user mode hcall is what it is on bare toy32, an illegal instruction.
        if (vm.config.paravirtual && vcpu.kernelMode) return this.hypercall(vm);
        return this.reflect(vm, CAUSE.ILLEGAL_INSTRUCTION, this.fetchWord(vm) ?? 0);
      case CAUSE.TIMER: case CAUSE.DISK: case CAUSE.NET: case CAUSE.CONSOLE:
        return; // the host's own interrupts: nothing for the guest
      case CAUSE.TLB_MISS:
        if (this.ctx.softwareTlb) return this.tlbMiss(vm, trap, this.ctx.softwareTlb);
        return this.reflect(vm, trap.cause, trap.badva);
      default:
        if (trap.cause === CAUSE.SYSCALL) this.ctx.tracer.record(vm.name, "Process", STEP.syscallTrap, trap.epc);
        return this.reflect(vm, trap.cause, trap.badva);
    }
  }

  /** OSTEP fig. B.3 step 2: call the OS trap handler, at reduced privilege. */
  reflect(vm: Vm, cause: number, badva: number, step: string = STEP.reflect): void {
    const vcpu = vm.vcpu;
    if (vm.config.paravirtual) return this.reflectParavirtual(vm, cause, badva);
    if (vcpu.deliverTrap(cause, badva, vcpu.pc) === "triple-fault") {
      return this.terminate(vm, `triple fault: cause ${cause} at pc 0x${vcpu.pc.toString(16)} (TVEC 0x${vcpu.csr[CSR.TVEC].toString(16)})`);
    }
    vm.stats.reflected++;
    this.ctx.charge(this.costs.reflectTrap);
    this.ctx.tracer.record(vm.name, "VMM", step, vcpu.pc);
    this.ctx.remap(vm);
  }

  terminate(vm: Vm, reason: string): void {
    vm.terminate(reason);
    this.ctx.tracer.record(vm.name, "VMM", STEP.illegal, vm.vcpu.pc);
    this.ctx.deschedule("ended");
  }

  private emulatePrivileged(vm: Vm, word: number): void {
    const vcpu = vm.vcpu;
    const pc = vcpu.pc;
    const wasKernel = vcpu.kernelMode;
    this.ctx.charge(this.costs.emulateInstruction);
    const outcome = emulate(vcpu, word, this.monitor(vm));
    if (outcome === "illegal") return this.reflect(vm, CAUSE.ILLEGAL_INSTRUCTION, word);
    vm.stats.emulated++;
    if (this.costs.hideTraps) this.ctx.hideFromGuest(COSTS.trap - nativeExtra(word));
    if (opOf(word) === op("rett")) this.traceReturn(vm, pc, wasKernel);
  }

  /**
   * A return from trap, in the trace: the end of a TLB miss the VMM sent
   * to the guest (OSTEP's TLB miss flow, steps 5-7), or of a system call
   * (the syscall flow, steps 3-5).
   */
  private traceReturn(vm: Vm, pc: number, wasKernel: boolean): void {
    const tracer = this.ctx.tracer;
    const vcpu = vm.vcpu;
    const g = this.ctx.softwareTlb ? this.guestTlbOf(vm) : undefined;
    if (g?.missPending) {
      g.missPending = false;
      tracer.record(vm.name, "Operating System", STEP.missReturn, pc);
      tracer.record(vm.name, "VMM", STEP.realReturn, pc);
      const retried = g.lastWriteInstalled ? STEP.missRetried : STEP.missRetriedNoEntry;
      tracer.record(vm.name, vcpu.kernelMode ? "Operating System" : "Process", retried, vcpu.pc);
    } else if (wasKernel && !vcpu.kernelMode) {
      tracer.record(vm.name, "Operating System", STEP.osHandler, pc);
      tracer.record(vm.name, "VMM", STEP.realReturn, pc);
      tracer.record(vm.name, "Process", STEP.resume, vcpu.pc);
    }
  }

  /**
   * A real TLB miss on a software-tlb machine (OSTEP's "TLB miss flow with
   * virtualization"; src/memory/software-tlb.ts): refilled by the VMM where
   * it can (the L2 TLB's hit is traced), a device page emulated, a fault
   * reflected as bare metal would take it; otherwise steps 1-2: TLBHI
   * preset as the hardware would (VPN | the guest's ASID) and the guest's
   * miss handler called.
   */
  private tlbMiss(vm: Vm, trap: GuestTrap, stlb: SoftwareTlbMmu): void {
    const g = this.guestTlbOf(vm);
    const vcpu = vm.vcpu;
    const tracer = this.ctx.tracer;
    const access = stlb.accessOf(g, vcpu, trap.epc, (word) => STORES.has(opOf(word)));
    const r = stlb.miss(g, vcpu, trap.badva, access);
    const who = vcpu.kernelMode ? "Operating System" : "Process";
    if (r.kind === "filled") {
      if (r.how !== "l2") return;
      tracer.record(vm.name, who, STEP.tlbMiss, trap.epc);
      tracer.record(vm.name, "VMM", STEP.l2Hit, trap.epc);
      tracer.record(vm.name, who, STEP.missRetried, trap.epc);
      return;
    }
    if (r.kind === "device") return this.deviceAccess(vm, r.gpa, trap.badva);
    if (r.kind === "fault") return this.reflect(vm, r.cause, trap.badva);
    tracer.record(vm.name, who, STEP.tlbMiss, trap.epc);
    vcpu.csr[CSR.TLBHI] = ((trap.badva & ~0xfff) | (vcpu.csr[CSR.ASID] & ASID_MASK)) >>> 0;
    g.stats.reflectedMisses++;
    g.missPending = true;
    this.reflect(vm, CAUSE.TLB_MISS, trap.badva, STEP.callMissHandler);
  }

  private guestTlbOf(vm: Vm): GuestTlb {
    const g = this.ctx.guestTlb?.(vm);
    if (!g) throw new Error(`VM ${vm.name}: a software-TLB operation on a machine without one`);
    return g;
  }

  /** The guest's tlbw (OSTEP step 3 is the guest's; step 4 the VMM's): VPN->MPN goes in instead. */
  private tlbWrite(vm: Vm, tlbhi: number, tlblo: number): void {
    const stlb = this.ctx.softwareTlb;
    if (!stlb) return; // a hardware-walked MMU: tlbw has nothing to do
    const g = this.guestTlbOf(vm);
    const pc = vm.vcpu.pc;
    if (g.missPending) this.ctx.tracer.record(vm.name, "Operating System", STEP.missHandler, pc);
    stlb.write(g, vm.vcpu, tlbhi, tlblo);
    if (g.missPending) this.ctx.tracer.record(vm.name, "VMM", STEP.installMpn, pc);
  }

  /** The Monitor the emulators use, bound to one VM (made once per VM). */
  monitor(vm: Vm): Monitor {
    let m = this.monitors.get(vm);
    if (!m) { m = this.makeMonitor(vm); this.monitors.set(vm, m); }
    return m;
  }

  private makeMonitor(vm: Vm): Monitor {
    const ctx = this.ctx;
    return {
      csrChanged: (csr, before) => {
        const now = vm.vcpu.csr[csr];
        const pagingToggled = csr === CSR.STATUS && ((now ^ before) & STATUS.PG) !== 0;
        if (csr === CSR.PTBR || pagingToggled) this.addressSpaceChanged(vm, pagingToggled);
        if (csr === CSR.TIMER) vm.vcpu.armTimer();
        if (csr === CSR.STATUS || csr === CSR.PTBR || csr === CSR.ASID) ctx.remap(vm);
      },
      // Traced page tables keep the shadows true without the guest's help:
      // its TLB instructions only drop what the real TLB cached. On a
      // software-tlb machine they act on the guest's TLB and the L2 TLB too.
      tlbInvalidate: (va) => {
        if (ctx.softwareTlb) ctx.softwareTlb.invalidate(this.guestTlbOf(vm), va);
        else ctx.flushRealTlb(va);
      },
      tlbFlush: () => {
        if (ctx.softwareTlb) ctx.softwareTlb.flush(this.guestTlbOf(vm));
        else ctx.flushRealTlb();
      },
      halt: (code) => { vm.halt(code); ctx.deschedule("ended"); },
      waitForInterrupt: () => {
        // ISA.md wfi: continue if an interrupt is pending, else skip to the
        // next timer or device event; with none nothing can ever wake it (deadlock).
        const v = vm.vcpu;
        if (v.pendingInterrupts !== 0) return;
        const wake = vm.nextWakeup;
        if (wake === Infinity) return this.terminate(vm, `deadlock: wfi at pc 0x${(v.pc - 4 >>> 0).toString(16)} with no timer armed and no device at work`);
        if (v.cycles < wake) idleUntil(vm, wake);
      },
      tlbWrite: (tlbhi, tlblo) => this.tlbWrite(vm, tlbhi, tlblo),
    };
  }

  /**
   * The guest's PTBR or paging changed: its shadow context switches (from
   * the cache, or built anew at COSTS.shadowRebuild) and the real TLB,
   * whose view ASIDs every context shares, is flushed. Under nested paging
   * the MMU walks the guest's tables itself: nothing to do on a PTBR write,
   * as on bare toy32 (the TLB is tagged with the guest's ASID); turning
   * paging on or off drops the TLB's translations made the other way.
   */
  addressSpaceChanged(vm: Vm, pagingToggled = false): void {
    // A software-tlb machine: PTBR is read only by the guest's own miss
    // handler, and each paging state has real ASIDs of its own (remap).
    if (this.ctx.softwareTlb) return;
    if (this.ctx.nestedPaging) {
      if (pagingToggled) this.ctx.flushRealTlb();
      return;
    }
    this.shadowMmu.switchAddressSpace(this.ctx.shadow(vm), vm.addressSpace);
  }

  /**
   * A real page fault: the shadow lacked the entry, the guest's own table
   * forbids the access, the page is a device's, or the guest stored to one
   * of its own (traced) page tables.
   */
  private pageFault(vm: Vm, trap: GuestTrap, access: Access): void {
    // Software TLB: every real entry carries the guest's own permissions.
    if (this.ctx.softwareTlb) return this.reflect(vm, trap.cause, trap.badva);
    const r = this.resolve(vm, trap.badva, access, !vm.vcpu.kernelMode);
    if (r.kind === "fault") return this.reflect(vm, r.cause, trap.badva);
    if (r.kind === "device") return this.deviceAccess(vm, r.gpa, trap.badva);
    if (r.kind === "traced") return this.tracedStore(vm, r.gpa, trap.badva);
  }

  /**
   * A write-protect trap (Adams and Agesen 2006, 2.4 "tracing"): the
   * guest's store to its page table is decoded and done on its behalf,
   * then the shadow entries derived from the entry it changed are dropped.
   * The trap is the hypervisor's (bare metal would not have taken it).
   */
  private tracedStore(vm: Vm, gpa: number, va: number): void {
    const vcpu = vm.vcpu;
    const word = this.fetchWord(vm);
    const width = word === undefined ? undefined : STORES.get(opOf(word));
    if (word === undefined || width === undefined) return this.reflect(vm, CAUSE.PAGE_FAULT_STORE, va);
    const value = vcpu.regs[sbRs2Of(word)] >>> 0;
    const ma = vm.pmap.machine(gpa);
    if (width === 4) this.ctx.memory.writeWord(ma, value);
    else this.ctx.memory.writeByte(ma, value & 0xff);
    vm.dirtyLog?.mark(gpa);
    vcpu.pc = (vcpu.pc + 4) >>> 0;
    vm.stats.writeProtectTraps++;
    if (this.costs.hideTraps) this.ctx.hideFromGuest(COSTS.trap);
    this.ctx.charge(this.costs.emulateInstruction);
    this.pageTableWritten(vm, gpa, true);
  }

  /** The guest's page-table word at `gpa` changed (a traced store, or MMU_UPDATE): the shadows follow. */
  pageTableWritten(vm: Vm, gpa: number, trapped: boolean): void {
    this.shadowMmu.pageTableWritten(this.ctx.shadow(vm), gpa, trapped);
  }

  /** Where a guest-virtual access goes (src/memory/shadow-mmu.ts); a hidden fault fills the shadow. */
  resolve(vm: Vm, va: number, access: Access, user: boolean): Resolution {
    return this.shadowMmu.resolve(vm, this.ctx.shadow(vm), va, access, user);
  }

  /** The guest touched a device page: decode the load or store and do it on the VM's device. */
  deviceAccess(vm: Vm, gpa: number, va: number): void {
    const vcpu = vm.vcpu;
    const word = this.fetchWord(vm);
    if (word === undefined) return this.reflect(vm, CAUSE.PAGE_FAULT_FETCH, vcpu.pc);
    const load = LOADS.get(opOf(word));
    const storeWidth = STORES.get(opOf(word));
    const device = vm.devices.deviceAt(gpa);
    if (!device || (!load && !storeWidth)) return this.reflect(vm, load ? CAUSE.PAGE_FAULT_LOAD : CAUSE.PAGE_FAULT_STORE, va);
    const offset = (gpa - device.base) >>> 0;
    if (load) {
      let value = device.read(offset, load.width);
      if (load.width === 1 && load.signed) value = (value << 24) >> 24;
      const rd = rdOf(word);
      if (rd !== 0) vcpu.regs[rd] = value | 0;
    } else if (storeWidth) {
      device.write(offset, vcpu.regs[sbRs2Of(word)] >>> 0, storeWidth);
    }
    vcpu.pc = (vcpu.pc + 4) >>> 0;
    vm.stats.deviceAccesses++;
    this.ctx.charge(COSTS.deviceAccess + this.costs.emulateInstruction);
  }

  /** The instruction word at the guest's pc, through the guest's own mapping (page tables, or its TLB). */
  fetchWord(vm: Vm): number | undefined {
    const vcpu = vm.vcpu;
    const stlb = this.ctx.softwareTlb;
    let gpa = -1;
    if (stlb) gpa = stlb.guestAddress(this.guestTlbOf(vm), vcpu, vcpu.pc, "fetch");
    else {
      const t = translateGuest(this.ctx.memory, vm.addressSpace, vcpu.pc, "fetch", !vcpu.kernelMode);
      if (t.ok) gpa = t.mapping.gpa;
    }
    if (gpa < 0 || !vm.contains(gpa, 4) || (gpa & 3) !== 0) return undefined;
    return this.ctx.memory.readWord(vm.pmap.machine(gpa));
  }

  /** Barham et al. 2003 section 2.1: a synchronous trap into the hypervisor. */
  private hypercall(vm: Vm): void {
    const v = vm.vcpu;
    vm.stats.hypercalls++;
    this.ctx.charge(COSTS.hypercall);
    v.pc = (v.pc + 4) >>> 0;
    const guest = new ParavirtualGuest(vm, this.ctx.memory, this.ctx.shadow(vm));
    const r = dispatchHypercall(guest, v.regs[1], v.regs[2], v.regs[3], v.regs[4]);
    if (r.extraCycles !== undefined) this.ctx.charge(r.extraCycles);
    for (const gpa of guest.pageTableWrites) this.pageTableWritten(vm, gpa, false);
    this.ctx.charge(COSTS.mmuUpdateEntry * guest.pageTableWrites.length);
    if (guest.pageTableSwitched) this.addressSpaceChanged(vm);
    if (r.effect === "iret") return this.paravirtualReturn(vm);
    v.regs[1] = r.result | 0;
    if (r.effect === "shutdown") { vm.halt(r.result); this.ctx.deschedule("ended"); }
    else if (r.effect === "yield") this.ctx.deschedule("yield");
    else if (r.effect === "block") this.block(vm);
  }

  /**
   * BLOCK: idle until the next event (the timer, a disk request finishing):
   * the guest's clock jumps there and the CPU goes to another VM (with
   * nothing to wait for, nothing can wake it). Returns the events pending
   * then, bit (cause - 16), and consumes them, as a Xen guest reads and
   * clears evtchn_pending after SCHEDOP_block, and as bare metal's idle
   * loop takes its interrupt in kernel mode (platform-native.s plat_idle).
   */
  private block(vm: Vm): void {
    const v = vm.vcpu;
    if (v.pendingInterrupts === 0) {
      const wake = vm.nextWakeup;
      if (wake === Infinity) return this.ctx.deschedule("block");
      if (v.cycles < wake) idleUntil(vm, wake);
      vm.collectDue();
    }
    v.regs[1] = v.pendingInterrupts;
    v.pendingInterrupts = 0;
    this.ctx.deschedule("yield");
  }

  /**
   * Paravirtual trap delivery (Xen's trap table, Barham et al. 2003
   * section 3.1): to the handler the guest registered for this cause, in
   * virtual kernel mode; the guest returns with the IRET hypercall.
   */
  private reflectParavirtual(vm: Vm, cause: number, badva: number): void {
    const vcpu = vm.vcpu;
    const handler = vm.trapTable.get(cause) ?? vm.trapTable.get(0);
    if (handler === undefined || vm.trapFrame < 0 || (vcpu.kernelMode && cause < 16)) {
      return this.terminate(vm, `paravirtual guest: cannot deliver cause ${cause} at pc 0x${vcpu.pc.toString(16)}`);
    }
    // The frame: cause, epc, badva, a0 (Xen pushes a bounce frame on the guest's stack).
    const frame = [cause, vcpu.pc, badva, vcpu.regs[1]];
    frame.forEach((word, i) => this.ctx.memory.writeWord(vm.pmap.machine(vm.trapFrame + 4 * i), word >>> 0));
    vcpu.csr[CSR.TVEC] = handler;
    vcpu.deliverTrap(cause, badva, vcpu.pc);
    vm.stats.reflected++;
    this.ctx.charge(this.costs.reflectTrap);
    this.ctx.remap(vm);
  }

  /** IRET: to user mode at the frame's epc with events on, a0 from the frame. */
  private paravirtualReturn(vm: Vm): void {
    const vcpu = vm.vcpu;
    if (vm.trapFrame < 0) return this.terminate(vm, "paravirtual guest: IRET without a trap frame");
    const word = (i: number) => this.ctx.memory.readWord(vm.pmap.machine(vm.trapFrame + 4 * i));
    vcpu.pc = word(1);
    vcpu.regs[1] = word(3) | 0;
    vcpu.csr[CSR.STATUS] = ((vcpu.csr[CSR.STATUS] & ~STATUS.KM) | STATUS.IE) >>> 0;
    this.ctx.remap(vm);
  }
}

/** The VM's clock jumps to `wake` (an idle wait), counted in its idleCycles. */
function idleUntil(vm: Vm, wake: number): void {
  vm.stats.idleCycles += wake - vm.vcpu.cycles;
  vm.vcpu.cycles = wake;
}

/**
 * The hypervisor: one physical toy32 machine shared by several VMs (a type
 * 1 hypervisor, Silberschatz ch. 16.4.2). Design, and why:
 *
 * - Memory: every VM's guest-physical memory is one contiguous region of
 *   machine memory (allocator.ts). The guest's own page tables hold
 *   guest-physical addresses, so the real MMU never walks them: the real
 *   PTBR always points at a shadow page table the hypervisor builds from
 *   them (shadow-paging.ts), mapping guest-virtual straight to machine
 *   addresses and never mapping anything outside the VM. That, and real
 *   paging staying on while any guest runs (with paging off in the guest,
 *   the shadow maps guest-physical 1:1 onto the region), is the whole
 *   isolation argument: a guest can name no machine address but its own.
 *   The alternative, one Machine per VM, would make "a machine switch saves
 *   one VCPU and restores another" a fiction; this way it is real.
 *   Built `mmu: "software-tlb"` (MIPS, as Disco's machine), there are no
 *   page tables for the MMU and so no shadows: the real TLB holds only
 *   what src/memory/software-tlb.ts installed from the guest's tlbw
 *   entries and kseg0 through the pmap, and the same argument holds.
 * - CPU: one physical CPU, time-sliced round robin. While a VM runs, its
 *   registers are in the CPU and the CPU is in *user* mode, whatever the
 *   guest believes (the VCPU's virtual STATUS.KM). A world switch saves the
 *   registers into the outgoing VCPU, loads the incoming one's, points
 *   PTBR/ASID at its shadow, flushes the TLB (ASIDs 0 and 1 name the
 *   kernel and user views within a VM) and costs COSTS.worldSwitch cycles.
 * - Traps: the machine's trap interceptor sends every trap of a running
 *   guest here first; the technique decides: trap-and-emulate.ts, or
 *   binary-translation.ts (the guest kernel runs as translated code, never
 *   on the CPU), or hardware-assist.ts (a model of VT-x's guest mode).
 * - Time: each VCPU has a virtual clock (the cycles its VM ran, less the
 *   hypervisor's own work) and a virtual timer; a slice ends at the guest's
 *   next timer deadline, where the hypervisor injects TIMER if the guest's
 *   IE allows.
 *
 *   one slice of VM k:
 *   [deliver due virtual interrupts] -> [world switch if k changed] ->
 *   [cpu.execute until slice end, a halt, a block or a yield; traps go to
 *    the interceptor; under BT a trap into the guest kernel runs its
 *    translation there] -> [save registers, advance the virtual clock]
 */
import { COSTS } from "../machine/costs";
import { DEFAULT_MAX_CYCLES } from "../machine/machine";
import { CAUSE, CSR, PAGE_SIZE, STATUS } from "../machine/isa";
import type { Trap } from "../machine/trap";
import type { PhysicalMemory } from "../machine/memory";
import { UserError } from "../errors";
import { RegionAllocator, type Region } from "../memory/allocator";
import { ShadowPageTables, type View } from "../memory/shadow-paging";
import { Tracer, STEP } from "./trace";
import { TRAP_AND_EMULATE_COSTS, TrapAndEmulate, type VmmContext } from "./trap-and-emulate";
import { FIRST_GENERATION_COSTS, HARDWARE_ASSIST_COSTS, HardwareAssist, type HardwarePaging } from "./hardware-assist";
import { NestedPageTable } from "../memory/nested-paging";
import { DirtyLog } from "../memory/dirty-log";
import { NestedWalker } from "../machine/nested-walk";
import { Vm, type VmConfig } from "./vm";
import { GuestTlb, L2_TLB_ENTRIES, SoftwareTlbMmu } from "../memory/software-tlb";
import type { Tlb } from "../machine/tlb";
import { createHost, type Host, type HostOptions } from "./host";
import { BinaryTranslator } from "./binary-translation";
import { tlbFromGuest, tlbToGuest, type DerivedState } from "./derived-state";

/**
 * How guest kernels are virtualized: trapping and emulating their
 * privileged instructions, translating their code, or running them in a
 * VT-x-like guest mode that exits only on selected events (user code runs
 * natively under all three).
 */
export type Technique = "trap-and-emulate" | "binary-translation" | "hardware-assist";

export interface HypervisorOptions extends HostOptions {
  /** Default "trap-and-emulate". */
  readonly technique?: Technique;
  /** Machine cycles a VM runs before the next one gets the CPU (default 20,000). */
  readonly sliceCycles?: number;
  /** Record OSTEP-style flow traces (default off). */
  readonly trace?: boolean;
  /**
   * Shadow paging: keep each guest address space's shadows across context
   * switches (default true), or rebuild them at every PTBR write.
   */
  readonly shadowCache?: boolean;
  /**
   * Hardware assist's memory: "nested" (EPT, default) or "shadow" (the
   * first generation of VT-x, shadow tables kept in software).
   */
  readonly paging?: HardwarePaging;
  /** Entries of the MMU's nested TLB under nested paging (default NESTED_TLB_ENTRIES). */
  readonly nestedTlbEntries?: number;
  /**
   * A software-tlb machine (`mmu: "software-tlb"`): entries of the VMM's
   * second-level TLB per VM (Disco's; default L2_TLB_ENTRIES, 0 = none).
   */
  readonly l2TlbEntries?: number;
}

/** Machine memory the hypervisor keeps for itself below every VM. */
export const HYPERVISOR_RESERVED = 64 * 1024;
/** Frames in each VM's shadow pool: two directories and 30 tables. */
export const SHADOW_FRAMES = 32;

export interface RunReport {
  /** Machine cycles the run took, world switches included. */
  readonly cycles: number;
  readonly worldSwitches: number;
  /** True if every VM ended (halted, terminated, out of budget, destroyed). */
  readonly allEnded: boolean;
}

export class Hypervisor implements VmmContext {
  readonly host: Host;
  readonly vms: Vm[] = [];
  readonly tracer: Tracer;
  readonly sliceCycles: number;
  readonly techniqueName: Technique;
  private readonly shadowCache: boolean;
  /** Nested paging: the MMU's two-dimensional walker (hardware assist with paging "nested"). */
  readonly nestedWalker: NestedWalker | undefined;
  readonly nestedPaging: boolean;
  private readonly nestedTables = new Map<Vm, NestedPageTable>();
  worldSwitches = 0;
  /** Called at each world switch with the VM switched to and the machine cycle it starts at. */
  onWorldSwitch: ((vm: Vm, cycle: number) => void) | undefined;
  private readonly allocator: RegionAllocator;
  private readonly shadows = new Map<Vm, ShadowPageTables>();
  /** A software-tlb machine: the VMM's software TLB (Disco), and each VM's state of it. */
  readonly softwareTlb: SoftwareTlbMmu | undefined;
  private readonly guestTlbs = new Map<Vm, GuestTlb>();
  private readonly l2TlbEntries: number;
  private readonly regions = new Map<Vm, Region[]>();
  private readonly technique: TrapAndEmulate;
  /** Present when the technique is binary translation. */
  readonly translator: BinaryTranslator | undefined;
  private enterTranslated = false;
  /** Machine cycle at which the current slice ends. */
  private sliceEnd = 0;
  /** Present when the technique is hardware assist. */
  readonly hardware: HardwareAssist | undefined;
  private current: Vm | undefined;
  private stopWhy: "ended" | "yield" | "block" | undefined;
  private sliceStartMachine = 0;
  private sliceStartInstructions = 0;
  /** Hypervisor cycles charged since the last syncTime: not the guest's time. */
  private overhead = 0;
  private nextId = 0;
  private nextToRun = 0;

  constructor(options: HypervisorOptions = {}) {
    // Hardware assist's guest mode runs pushf/popf/sptb on the guest's own
    // state; the model does that by letting them trap (hardware-assist.ts).
    const guestMode = options.technique === "hardware-assist";
    this.host = createHost({ ...options, virtualizable: (options.virtualizable ?? false) || guestMode });
    this.sliceCycles = options.sliceCycles ?? 20_000;
    if (!Number.isInteger(this.sliceCycles) || this.sliceCycles < 1) {
      throw new UserError(`sliceCycles must be a whole number of cycles >= 1, not ${this.sliceCycles}`);
    }
    this.tracer = new Tracer(options.trace ?? false);
    const top = this.host.memory.size - (this.host.memory.size % PAGE_SIZE);
    this.allocator = new RegionAllocator(HYPERVISOR_RESERVED, top);
    this.techniqueName = options.technique ?? "trap-and-emulate";
    this.shadowCache = options.shadowCache ?? true;
    const hw = this.techniqueName === "hardware-assist";
    if (options.paging !== undefined && !hw) {
      throw new UserError(`paging "${options.paging}" is a choice of hardware assist, not of ${this.techniqueName} (which always shadows)`);
    }
    if (options.paging !== undefined && options.paging !== "nested" && options.paging !== "shadow") {
      throw new UserError(`paging must be "nested" or "shadow", not "${String(options.paging)}"`);
    }
    this.nestedPaging = hw && (options.paging ?? "nested") === "nested";
    if (options.mmu === "software-tlb" && this.techniqueName !== "trap-and-emulate") {
      throw new UserError(`a software-tlb machine is virtualized by trap-and-emulate (Disco), not by ${this.techniqueName}`);
    }
    this.softwareTlb = options.mmu === "software-tlb" ? new SoftwareTlbMmu(this) : undefined;
    this.l2TlbEntries = options.l2TlbEntries ?? L2_TLB_ENTRIES;
    if (!Number.isInteger(this.l2TlbEntries) || this.l2TlbEntries < 0) {
      throw new UserError(`l2TlbEntries must be a whole number >= 0, not ${options.l2TlbEntries}`);
    }
    this.nestedWalker = this.nestedPaging ? new NestedWalker(this.host.memory, options.nestedTlbEntries) : undefined;
    const costs = !hw ? TRAP_AND_EMULATE_COSTS : this.nestedPaging ? HARDWARE_ASSIST_COSTS : FIRST_GENERATION_COSTS;
    this.technique = new TrapAndEmulate(this, costs, options.virtualizable ?? false);
    const walker = this.nestedWalker;
    this.hardware = hw
      ? new HardwareAssist(this.technique, this, this.host.memory, this.host.cpu,
        walker ? { walker, table: (vm) => this.nestedTable(vm) } : undefined)
      : undefined;
    this.translator = this.techniqueName === "binary-translation"
      ? new BinaryTranslator(this.host.memory, this.host.cpu, this.technique, this, (vm) => this.deliverInterrupts(vm))
      : undefined;
    this.host.cpu.interceptor = (trap) => this.intercept(trap);
  }

  get memory(): PhysicalMemory {
    return this.host.memory;
  }

  /** Machine memory not yet given to a VM, in bytes. */
  get allocatorAvailable(): number {
    return this.allocator.available;
  }

  /** Creates a VM: allocates its memory and shadow pool, loads its image. */
  createVm(config: VmConfig): Vm {
    const size = config.memorySize;
    if (!Number.isInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new UserError(`VM ${config.name}: memory size ${size} must be a positive multiple of ${PAGE_SIZE}`);
    }
    if (config.image.length > size) throw new UserError(`VM ${config.name}: image of ${config.image.length} bytes does not fit in ${size}`);
    if (this.softwareTlb && config.paravirtual) {
      throw new UserError(`VM ${config.name}: a paravirtual guest needs the hardware MMU's page tables, not a software-tlb machine`);
    }
    // A software-tlb machine has no page tables for the MMU: no shadow pool.
    const pool = this.softwareTlb ? undefined : this.allocator.allocate(SHADOW_FRAMES * PAGE_SIZE);
    const nested = pool && this.nestedPaging ? this.allocator.allocate(NestedPageTable.poolBytes(size)) : undefined;
    const ram = (pool || this.softwareTlb) && (nested || !this.nestedPaging) ? this.allocator.allocate(size) : undefined;
    if (!ram) {
      if (pool) this.allocator.release(pool);
      if (nested) this.allocator.release(nested);
      throw new UserError(`VM ${config.name}: not enough machine memory for ${size} bytes (${this.allocator.available} free)`);
    }
    const vm = new Vm(this.nextId++, config, ram.base, this.memory);
    this.memory.bytes.fill(0, ram.base, ram.base + ram.size);
    this.memory.writeBytes(ram.base, config.image);
    if (pool) {
      this.shadows.set(vm, new ShadowPageTables(this.memory, pool.base, SHADOW_FRAMES, vm.pmap, {
        cache: this.shadowCache,
        flushTlb: (va) => { if (this.current === vm) this.flushRealTlb(va); },
      }));
    } else {
      this.guestTlbs.set(vm, new GuestTlb(vm.pmap, vm.stats.softwareTlb, this.host.tlb.size, this.l2TlbEntries));
    }
    this.regions.set(vm, [pool, nested, ram].filter((r): r is Region => r !== undefined));
    if (nested) this.nestedTables.set(vm, new NestedPageTable(this.memory, nested.base, vm.pmap));
    this.vms.push(vm);
    return vm;
  }

  /**
   * The VM's VCPU was set from outside (a resumed snapshot, a migrated
   * VM): the technique's view of its address space follows the restored
   * PTBR and paging bit (a shadow context, or the nested walker's TLB).
   */
  vcpuRestored(vm: Vm): void {
    this.technique.addressSpaceChanged(vm, true);
    this.host.tlb.flush();
  }

  /** The technique and how it translates memory: derived state is only reused under the same. */
  private get derivedMode(): string {
    return `${this.techniqueName}/${this.nestedPaging ? "nested" : this.softwareTlb ? "software-tlb" : "shadow"}`;
  }

  /** What this hypervisor derived from `vm` (derived-state.ts), in guest terms, between two runs. */
  saveDerived(vm: Vm): DerivedState {
    const onCpu = this.current === vm;
    return {
      mode: this.derivedMode,
      realTlb: onCpu ? tlbToGuest(this.host.tlb.saveState(), vm.pmap) : null,
      nestedTlb: onCpu && this.nestedWalker ? tlbToGuest(this.nestedWalker.ntlb.saveState(), vm.pmap) : null,
      shadow: this.shadows.get(vm)?.saveState() ?? null,
      nested: this.nestedTables.get(vm)?.saveState() ?? null,
      softwareTlb: this.guestTlbs.get(vm)?.saveState() ?? null,
      code: this.translator ? this.translator.savedBlocks(vm) : null,
    };
  }

  /**
   * Starts `vm` (just restored, vcpuRestored done) with derived state saved
   * by saveDerived; the TLBs are loaded when the VM is switched in. A part
   * this hypervisor does not keep (another technique's) is left out: the
   * VM then starts it cold. Throws on a state that does not fit.
   */
  restoreDerived(vm: Vm, state: DerivedState): void {
    if (state.mode !== this.derivedMode) return;
    const shadow = this.shadows.get(vm);
    if (shadow && state.shadow) shadow.restoreState(state.shadow);
    const nested = this.nestedTables.get(vm);
    if (nested && state.nested) nested.restoreState(state.nested);
    const guestTlb = this.guestTlbs.get(vm);
    if (guestTlb && state.softwareTlb) guestTlb.restoreState(state.softwareTlb);
    if (this.translator && state.code) this.translator.restoreBlocks(vm, state.code);
    const real = state.realTlb ? tlbFromGuest(state.realTlb, vm.pmap, this.host.tlb.size) : undefined;
    const ntlb = this.nestedWalker && state.nestedTlb ? tlbFromGuest(state.nestedTlb, vm.pmap, this.nestedWalker.ntlb.size) : undefined;
    vm.resumeTlbs = { real, nested: ntlb };
  }

  /**
   * Dirty logging for pre-copy migration (src/memory/dirty-log.ts): every
   * page is write-protected in the VM's shadow or nested tables, and from
   * now on each page the VM writes is logged.
   */
  startDirtyLog(vm: Vm): DirtyLog {
    vm.dirtyLog = new DirtyLog(vm.memorySize / PAGE_SIZE);
    this.writeProtect(vm);
    return vm.dirtyLog;
  }

  /** The pages the VM wrote since the last harvest, in order; every page is write-protected again. */
  harvestDirty(vm: Vm): number[] {
    if (vm.dirtyLog === undefined) throw new Error(`VM ${vm.name} has no dirty log: startDirtyLog first`);
    const pages = vm.dirtyLog.harvest();
    this.writeProtect(vm);
    return pages;
  }

  /** Ends dirty logging; pages become writable again as the VM stores to them. */
  stopDirtyLog(vm: Vm): void {
    vm.dirtyLog = undefined;
    const nested = this.nestedTables.get(vm);
    if (nested) nested.logging = false;
  }

  private writeProtect(vm: Vm): void {
    const nested = this.nestedTables.get(vm);
    if (nested) {
      nested.logging = true;
      nested.writeProtectAll();
      this.nestedWalker?.flush();
    } else {
      this.shadow(vm).writeProtectAll();
    }
    this.host.tlb.flush();
  }

  start(vm: Vm): void {
    this.transition(vm, "created", "running");
  }

  pause(vm: Vm): void {
    this.transition(vm, "running", "paused");
  }

  resume(vm: Vm): void {
    this.transition(vm, "paused", "running");
  }

  /** Ends the VM if it still runs and returns its memory (scrubbed) to the allocator. */
  destroy(vm: Vm): void {
    if (vm.state === "destroyed") return;
    vm.state = "destroyed";
    for (const r of this.regions.get(vm) ?? []) {
      this.memory.bytes.fill(0, r.base, r.base + r.size);
      this.allocator.release(r);
    }
    this.regions.delete(vm);
    this.shadows.delete(vm);
    this.guestTlbs.delete(vm);
    this.nestedTables.delete(vm);
    this.translator?.forget(vm);
    this.hardware?.forget(vm);
    if (this.current === vm) this.current = undefined;
    this.host.tlb.flush();
  }

  private transition(vm: Vm, from: Vm["state"], to: Vm["state"]): void {
    if (vm.state !== from) throw new UserError(`VM ${vm.name} is ${vm.state}, not ${from}: cannot make it ${to}`);
    vm.state = to;
  }

  /**
   * Runs the running VMs round robin until all have ended or `maxCycles`
   * machine cycles pass (default DEFAULT_MAX_CYCLES, as Machine.run, so a
   * guest that loops forever cannot hang a notebook).
   */
  run(options: { maxCycles?: number } = {}): RunReport {
    const cpu = this.host.cpu;
    const start = cpu.cycles;
    const end = start + (options.maxCycles ?? DEFAULT_MAX_CYCLES);
    const switchesBefore = this.worldSwitches;
    while (cpu.cycles < end) {
      const vm = this.pickNext();
      if (!vm) break;
      this.runSlice(vm, end - cpu.cycles);
    }
    return {
      cycles: cpu.cycles - start,
      worldSwitches: this.worldSwitches - switchesBefore,
      allEnded: this.vms.every((v) => v.ended),
    };
  }

  /** Next runnable VM after the last one (round robin); blocked VMs with no timer, and a VM waiting for a post-copy page, are skipped. */
  private pickNext(): Vm | undefined {
    const n = this.vms.length;
    for (let i = 0; i < n; i++) {
      const vm = this.vms[(this.nextToRun + i) % n];
      if (vm.state !== "running" || vm.remote?.awaiting !== undefined) continue;
      this.nextToRun = (this.nextToRun + i + 1) % n;
      return vm;
    }
    return undefined;
  }

  private runSlice(vm: Vm, limit: number): void {
    const cpu = this.host.cpu;
    const vcpu = vm.vcpu;
    const machineStart = cpu.cycles;
    this.deliverInterrupts(vm);
    if (vm.ended) return;
    if (this.current !== vm) this.worldSwitch(vm);
    const wake = Math.min(vcpu.timerDeadline, vm.devices.nextEvent);
    let budget = Math.min(this.sliceCycles, limit, Math.max(1, wake - vcpu.cycles));
    if (vm.config.cycleBudget !== undefined) budget = Math.min(budget, Math.max(1, vm.config.cycleBudget - vm.stats.cycles));
    const end = cpu.cycles + budget;
    this.sliceEnd = end;
    this.stopWhy = undefined;
    while (cpu.cycles < end && !vm.ended && this.stopWhy === undefined) {
      if (this.translator && vcpu.kernelMode) this.translator.run(vm, end, this);
      else if (!this.runNative(vm, end)) break;
    }
    if (this.hardware && cpu.cycles >= end && this.stopWhy === undefined) this.hardware.sliceEnded(vm);
    vm.stats.cycles += cpu.cycles - machineStart;
    if (this.stopWhy === "block") this.idle(vm);
    if (!vm.ended && vm.config.cycleBudget !== undefined && vm.stats.cycles >= vm.config.cycleBudget) vm.state = "out-of-budget";
  }

  /**
   * Runs the VCPU on the physical CPU (real user mode) until `end`; false
   * when the run is over for this slice, true when binary translation must
   * take over the guest kernel (a trap entered virtual kernel mode).
   */
  private runNative(vm: Vm, end: number): boolean {
    const cpu = this.host.cpu;
    const vcpu = vm.vcpu;
    cpu.regs.set(vcpu.regs);
    cpu.pc = vcpu.pc;
    this.remap(vm);
    this.sliceStartMachine = cpu.cycles;
    this.sliceStartInstructions = cpu.instructions;
    this.overhead = 0;
    this.enterTranslated = false;
    this.host.execute(end);
    this.syncTime(vm);
    if (!vm.ended && this.stopWhy !== "ended") {
      vcpu.regs.set(cpu.regs);
      vcpu.pc = cpu.pc;
    }
    if (cpu.stopReason === "triple-fault" && !vm.ended) vm.terminate(`machine stopped: ${cpu.stopMessage ?? "triple fault"}`);
    return this.enterTranslated;
  }

  /** A VCPU that waits with no timer armed and no device at work can never wake: it is idle for good. */
  private idle(vm: Vm): void {
    if (vm.vcpu.timerDeadline === Infinity && vm.devices.nextEvent === Infinity && vm.vcpu.pendingInterrupts === 0) vm.state = "out-of-budget";
  }

  /**
   * The outgoing VCPU was saved at the end of its slice; the incoming one's
   * registers are loaded by runSlice. What a switch adds: the other VM's
   * TLB entries go, and the cost.
   */
  private worldSwitch(vm: Vm): void {
    const cpu = this.host.cpu;
    this.onWorldSwitch?.(vm, cpu.cycles);
    this.tracer.record(vm.name, "VMM", STEP.worldSwitch, vm.vcpu.pc);
    this.current = vm;
    // Views use ASIDs 0 and 1 within a VM; another VM's entries must go.
    this.host.tlb.flush();
    this.nestedWalker?.flush();
    // A resumed VM's first switch-in loads the TLBs it had when it was saved.
    if (vm.resumeTlbs) {
      if (vm.resumeTlbs.real) this.host.tlb.restoreState(vm.resumeTlbs.real);
      if (vm.resumeTlbs.nested) this.nestedWalker?.ntlb.restoreState(vm.resumeTlbs.nested);
      vm.resumeTlbs = undefined;
    }
    cpu.cycles += COSTS.worldSwitch;
    this.worldSwitches++;
    vm.stats.worldSwitches++;
  }

  /**
   * Before a slice and after each trap: a due timer and finished device
   * requests become pending; the first pending one goes in if IE.
   */
  private deliverInterrupts(vm: Vm): void {
    const vcpu = vm.vcpu;
    vm.collectDue();
    if (vcpu.pendingInterrupts !== 0 && vcpu.interruptsEnabled) {
      const cause = vcpu.takeInterrupt();
      this.tracer.record(vm.name, "VMM", STEP.interrupt, vcpu.pc);
      this.technique.reflect(vm, cause, 0);
    }
  }

  /** The machine's trap interceptor: every trap of a running guest comes here. */
  private intercept(trap: Trap): boolean {
    const vm = this.current;
    const cpu = this.host.cpu;
    // Stops are requested, not taken here: the CPU honours a request
    // before its next instruction, with the pc and cycles set below.
    if (!vm || vm.ended) {
      cpu.stopRequest = "no VM to run";
      return true;
    }
    this.syncTime(vm);
    vm.vcpu.regs.set(cpu.regs);
    vm.vcpu.pc = trap.epc;
    if (this.hardware) this.hardware.handle(vm, trap);
    else this.technique.handle(vm, trap);
    if (!vm.ended && this.stopWhy === undefined) this.deliverInterrupts(vm);
    if (this.translator && vm.vcpu.kernelMode && this.stopWhy === undefined && !vm.ended) this.runTranslated(vm);
    cpu.regs.set(vm.vcpu.regs);
    cpu.pc = vm.vcpu.pc;
    if (this.stopWhy !== undefined) cpu.stopRequest = this.stopWhy;
    else if (this.translator && vm.vcpu.kernelMode) {
      // The slice ended inside the guest kernel: runSlice goes on translating.
      this.enterTranslated = true;
      cpu.stopRequest = "enter translated code";
    } else {
      this.remap(vm);
      // The guest armed its timer for sooner than this slice ends (its slice
      // was cut for the old deadline): end the slice, so that runSlice cuts
      // the next one at the new deadline instead of running past it.
      const v = vm.vcpu;
      if (v.timerDeadline - v.cycles < this.sliceEnd - cpu.cycles) cpu.stopRequest = "timer armed";
    }
    return true;
  }

  /**
   * Binary translation: the guest kernel never runs on the CPU. A trap that
   * entered it runs its translation right here, inside the interception,
   * until it returns to user mode, so the CPU goes on with the user code
   * without stopping (the cheap user/kernel round trip BT is known for).
   */
  private runTranslated(vm: Vm): void {
    const cpu = this.host.cpu;
    (this.translator as BinaryTranslator).run(vm, this.sliceEnd, this);
    this.sliceStartMachine = cpu.cycles;
    this.sliceStartInstructions = cpu.instructions;
    this.overhead = 0;
  }

  /**
   * The VCPU's clock advances by the machine cycles its VM ran, less what the
   * hypervisor spent for it (emulation, shadow fills, world switches): a
   * guest's timer measures the guest's own execution, as on bare metal, or
   * a kernel with a short timer period would see nothing but its own
   * interrupts. (What the hypervisor took is "stolen time", chapter 06.)
   */
  private syncTime(vm: Vm): void {
    const cpu = this.host.cpu;
    vm.vcpu.cycles += cpu.cycles - this.sliceStartMachine - this.overhead;
    this.overhead = 0;
    vm.vcpu.instructions += cpu.instructions - this.sliceStartInstructions;
    this.sliceStartMachine = cpu.cycles;
    this.sliceStartInstructions = cpu.instructions;
  }

  // VmmContext: what the technique may do to the machine.

  shadow(vm: Vm): ShadowPageTables {
    const s = this.shadows.get(vm);
    if (!s) throw new Error(`VM ${vm.name} has no shadow page tables (destroyed, or on a software-tlb machine?)`);
    return s;
  }

  /** The VM's software-TLB state: its TLB, its L2 TLB (a software-tlb machine). */
  guestTlb(vm: Vm): GuestTlb {
    const g = this.guestTlbs.get(vm);
    if (!g) throw new Error(`VM ${vm.name} has no software TLB (destroyed, or not on a software-tlb machine?)`);
    return g;
  }

  /** The machine's TLB (the software TLB's host). */
  get realTlb(): Tlb {
    return this.host.tlb;
  }

  /** The VM's nested table (hardware assist with nested paging). */
  nestedTable(vm: Vm): NestedPageTable {
    const t = this.nestedTables.get(vm);
    if (!t) throw new Error(`VM ${vm.name} has no nested page table (destroyed, or not under nested paging?)`);
    return t;
  }

  flushRealTlb(va?: number): void {
    if (va === undefined) this.host.tlb.flush();
    else this.host.tlb.invalidate(va >>> 12);
  }

  writeProtected(machinePage: number): boolean {
    return this.translator !== undefined && this.current !== undefined && this.translator.isCode(this.current, machinePage);
  }

  codeWritten(machinePage: number): void {
    if (this.translator && this.current) this.translator.codeWritten(this.current, machinePage);
  }

  hideFromGuest(cycles: number): void {
    this.overhead += cycles;
  }

  charge(cycles: number): void {
    this.host.cpu.cycles += cycles;
    this.overhead += cycles;
  }

  deschedule(why: "ended" | "yield" | "block"): void {
    this.stopWhy = why;
  }

  /** True once the running VM asked to stop (it ended, yielded or blocked). */
  get descheduled(): boolean {
    return this.stopWhy !== undefined;
  }

  /**
   * Real STATUS = user mode + paging; PTBR/ASID = the shadow of the VCPU's
   * current view (on a software-tlb machine: no PTBR, the real ASID of the
   * view, src/memory/software-tlb.ts). Under nested paging the MMU gets the guest's own PTBR,
   * ASID, paging bit and privilege, and the VM's nested root.
   */
  remap(vm: Vm): void {
    const csr = this.host.cpu.csr;
    const walker = this.nestedWalker;
    if (walker) {
      const vcpu = vm.vcpu;
      const r = walker.registers;
      r.nestedRoot = this.nestedTable(vm).root;
      r.guestPtbr = vcpu.csr[CSR.PTBR];
      r.guestPaging = vcpu.pagingEnabled;
      r.guestUser = !vcpu.kernelMode;
      csr[CSR.STATUS] = STATUS.PG;
      csr[CSR.PTBR] = r.guestPtbr;
      csr[CSR.ASID] = vcpu.csr[CSR.ASID];
      csr[CSR.TIMER] = 0;
      this.host.mmu.nested = walker;
      return;
    }
    if (this.softwareTlb) {
      // The real TLB holds the VM's translations, tagged with the real ASID of its view.
      csr[CSR.STATUS] = STATUS.PG;
      csr[CSR.PTBR] = 0;
      csr[CSR.ASID] = this.softwareTlb.realAsid(this.guestTlb(vm), vm.vcpu);
      csr[CSR.TIMER] = 0;
      return;
    }
    const view: View = vm.vcpu.kernelMode ? "kernel" : "user";
    csr[CSR.STATUS] = STATUS.PG;
    csr[CSR.PTBR] = this.shadow(vm).root(view);
    csr[CSR.ASID] = view === "user" ? 1 : 0;
    csr[CSR.TIMER] = 0;
  }
}


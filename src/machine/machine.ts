/**
 * A whole toy32 (ISA.md): memory, MMU + TLB, CPU, console, disk and NIC,
 * composed. No globals: a notebook can make as many machines as it likes.
 *
 *   const m = new Machine();
 *   m.load(assemble(source));
 *   const result = m.run();          // { reason: "halted", exitCode, cycles, ... }
 *   m.console.output;                // what the guest printed
 *
 * Hooks for hypervisors: `interceptTrap` sees every trap before the
 * guest's TVEC; `saveState`/`restoreState` move a whole CPU state; host
 * access to physical memory; `translate` (side-effect free); `stop()`.
 */
import { UserError } from "../errors";
import { CAUSE, CSR, CSR_NAMES, STATUS, type CsrName } from "./isa";
import { Cpu, type StopReason } from "./cpu";
import { EventQueue, type DeviceBus } from "./events";
import { PhysicalMemory, DEFAULT_MEMORY_BYTES } from "./memory";
import { ACCESS_BY_NAME, Mmu, type AccessName, type MmuKind } from "./mmu";
import { Statistics, diffStats, type StatsSnapshot } from "./stats";
import { Tlb, type TlbEntry } from "./tlb";
import { LazyTraceEntry, Trace, changesBetween, snapshotCpu, type TraceEntry } from "./trace";
import type { TrapInterceptor } from "./trap";
import { writeCsr } from "./system";
import { Console } from "./devices/console";
import { Disk } from "./devices/disk";
import type { BlockDevice } from "./devices/block";
import { Nic } from "./devices/nic";

export interface MachineOptions {
  /** RAM size in bytes, a multiple of 4096 (default 16 MiB). */
  readonly memoryBytes?: number;
  /** pushf/popf/sptb trap in user mode (Popek and Goldberg's condition). */
  readonly virtualizable?: boolean;
  /** A hypervisor is present: hcall traps HYPERCALL instead of ILLEGAL_INSTRUCTION. */
  readonly hypercalls?: boolean;
  /** Hardware page walker (default) or a software-managed TLB (MIPS). */
  readonly mmu?: MmuKind;
  /** TLB entries (default 64). */
  readonly tlbEntries?: number;
  /** The disk: initial contents (copied, rounded up to whole 512-byte sectors), or a block device used in place (a qcow2 image). */
  readonly disk?: Uint8Array | BlockDevice;
  /** Record every instruction (slow path) in `machine.trace`. */
  readonly trace?: boolean;
  /** Streams console output as the guest prints it. */
  readonly onConsole?: (text: string) => void;
}

export interface RunOptions {
  /** Stop after this many more cycles (default 100,000,000). */
  readonly maxCycles?: number;
  /** Called with every instruction's trace entry (runs on the slow path). */
  readonly onTrace?: (entry: TraceEntry) => void;
}

export interface RunResult {
  readonly reason: StopReason;
  /** a0 at `halt` (a signed 32-bit value). */
  readonly exitCode?: number;
  /** Cycles and instructions of this run. */
  readonly cycles: number;
  readonly instructions: number;
  readonly message?: string;
  /** Statistics of this run alone. */
  readonly stats: StatsSnapshot;
}

/** A complete CPU state as plain data (a VCPU's saved registers). */
export interface CpuState {
  regs: number[];
  pc: number;
  /** Every CSR by name; CYCLE is informational and not restored. */
  csr: Record<CsrName, number>;
  /** Pending interrupts, bit (cause - 16). */
  pending: number;
  /** Cycles until the timer fires, 0 when TIMER is off. */
  timerRemaining: number;
  /** TLB contents, when saved with { tlb: true }. */
  tlb?: TlbEntry[];
}

export const DEFAULT_MAX_CYCLES = 100_000_000;

export class Machine {
  readonly memory: PhysicalMemory;
  readonly tlb: Tlb;
  readonly mmu: Mmu;
  readonly cpu: Cpu;
  readonly events = new EventQueue();
  readonly stats: Statistics;
  readonly console: Console;
  readonly disk: Disk;
  readonly nic: Nic;
  /** Every instruction's entry, when built with { trace: true }. */
  readonly trace: Trace | undefined;
  /** Labels for the trace's disassembly (set by load()). */
  symbols: ReadonlyMap<string, number> | undefined;

  constructor(readonly options: MachineOptions = {}) {
    this.memory = new PhysicalMemory(options.memoryBytes ?? DEFAULT_MEMORY_BYTES);
    this.tlb = new Tlb(options.tlbEntries ?? 64);
    this.mmu = new Mmu(options.mmu ?? "hardware", this.memory, this.tlb);
    this.stats = new Statistics({
      tlb: this.tlb,
      mmu: this.mmu,
      cycles: () => this.cpu.cycles,
      instructions: () => this.cpu.instructions,
      accrue: () => this.cpu.accrue(),
    });
    this.cpu = new Cpu({
      memory: this.memory,
      mmu: this.mmu,
      events: this.events,
      stats: this.stats,
      virtualizable: options.virtualizable ?? false,
      hypercalls: options.hypercalls ?? false,
    });
    const bus: DeviceBus = {
      memory: this.memory,
      stats: this.stats.devices,
      now: () => this.cpu.cycles,
      schedule: (delay, fire) => this.events.schedule(this.cpu.cycles + delay, fire),
      raise: (cause) => this.cpu.raiseInterrupt(cause),
    };
    this.console = new Console(bus);
    this.console.onOutput = options.onConsole;
    this.disk = new Disk(bus, options.disk);
    this.nic = new Nic(bus);
    for (const d of [this.console, this.disk, this.nic]) this.memory.attach(d);
    this.trace = options.trace ? new Trace() : undefined;
  }

  /** Loads an image (an assembled Program, or bytes at `origin`) and sets pc to its entry. */
  load(program: { image: Uint8Array; origin: number; entry: number; symbols?: ReadonlyMap<string, number> } | Uint8Array, origin = 0): void {
    if (program instanceof Uint8Array) {
      this.place(origin, program);
      this.cpu.pc = origin >>> 0;
      return;
    }
    this.place(program.origin, program.image);
    this.cpu.pc = program.entry >>> 0;
    this.symbols = program.symbols;
  }

  /** Runs until halt, a stop, a triple fault, a deadlock or the cycle limit. */
  run(options: RunOptions = {}): RunResult {
    const cpu = this.cpu;
    const before = this.statistics();
    const maxCycles = options.maxCycles ?? DEFAULT_MAX_CYCLES;
    const end = cpu.cycles + maxCycles;
    cpu.stopReason = undefined;
    cpu.stopMessage = undefined;
    const onTrace = options.onTrace;
    if (this.trace !== undefined || onTrace !== undefined) {
      while (cpu.stopReason === undefined) {
        const entry = this.stepUntil(end);
        onTrace?.(entry);
      }
    } else {
      cpu.execute(end, Infinity);
    }
    // (execute() sets these; the casts undo TypeScript's narrowing above.)
    const reason = (cpu.stopReason as StopReason | undefined) ?? "stopped";
    const stats = diffStats(this.statistics(), before);
    let message = cpu.stopMessage as string | undefined;
    if (reason === "max-cycles") message = `the guest ran ${maxCycles} cycles without halting (the cycle limit) at pc 0x${cpu.pc.toString(16)}`;
    return {
      reason,
      exitCode: reason === "halted" ? cpu.regs[1] : undefined,
      cycles: stats.cycles,
      instructions: stats.instructions,
      message,
      stats,
    };
  }

  /** Executes one instruction, or takes one trap or interrupt, and returns the trace entry. */
  step(): TraceEntry {
    this.cpu.stopReason = undefined;
    return this.stepUntil(Infinity);
  }

  /** Asks a running machine to stop before its next instruction (from a hook or device). */
  stop(message = "stopped by the host"): void {
    this.cpu.stopRequest = message;
  }

  /** A hypervisor's trap hook (see trap.ts); undefined removes it. */
  set interceptTrap(interceptor: TrapInterceptor | undefined) {
    this.cpu.interceptor = interceptor;
  }

  get interceptTrap(): TrapInterceptor | undefined {
    return this.cpu.interceptor;
  }

  /** A plain, JSON-able snapshot of every counter. */
  statistics(): StatsSnapshot {
    return this.stats.snapshot();
  }

  get regs(): Int32Array {
    return this.cpu.regs;
  }

  get pc(): number {
    return this.cpu.pc;
  }

  set pc(value: number) {
    this.cpu.pc = value >>> 0;
  }

  csr(name: CsrName): number {
    return name === "CYCLE" ? this.cpu.cycles >>> 0 : this.cpu.csr[CSR[name]];
  }

  setCsr(name: CsrName, value: number): void {
    writeCsr(this.cpu, CSR[name], value);
  }

  get cycles(): number {
    return this.cpu.cycles;
  }

  get mode(): "user" | "kernel" {
    return this.cpu.kernelMode ? "kernel" : "user";
  }

  /** Makes an interrupt pending (TIMER, DISK, NET or CONSOLE), as a device would. */
  interrupt(cause: number): void {
    if (cause < CAUSE.TIMER || cause > CAUSE.CONSOLE) throw new RangeError(`cause ${cause} is not an interrupt (16..19)`);
    this.cpu.raiseInterrupt(cause);
  }

  saveState(options: { tlb?: boolean } = {}): CpuState {
    const cpu = this.cpu;
    const csr = {} as Record<CsrName, number>;
    for (const name of CSR_NAMES) csr[name] = this.csr(name);
    return {
      regs: Array.from(cpu.regs),
      pc: cpu.pc,
      csr,
      pending: cpu.pending,
      timerRemaining: cpu.timerNext === Infinity ? 0 : cpu.timerNext - cpu.cycles,
      tlb: options.tlb ? this.tlb.entries() : undefined,
    };
  }

  restoreState(state: CpuState): void {
    const cpu = this.cpu;
    cpu.accrue();
    for (let i = 0; i < 16; i++) cpu.regs[i] = i === 0 ? 0 : state.regs[i];
    cpu.pc = state.pc >>> 0;
    for (const name of CSR_NAMES) if (name !== "CYCLE" && name !== "TIMER") cpu.csr[CSR[name]] = state.csr[name];
    cpu.csr[CSR.TIMER] = state.csr.TIMER;
    cpu.timerNext = state.csr.TIMER === 0 ? Infinity : cpu.cycles + Math.max(1, state.timerRemaining);
    cpu.pending = state.pending;
    cpu.deliveredAt = -Infinity;
    if (state.tlb) this.tlb.load(state.tlb);
  }

  /**
   * Where `va` leads in the current address space, without side effects
   * (no TLB fill, no A/D bits, no statistics): the physical address, or
   * undefined if the access would fault.
   */
  translate(va: number, access: AccessName = "load", mode: "user" | "kernel" = this.mode): number | undefined {
    const csr = this.cpu.csr;
    const a = va >>> 0;
    const pa = (csr[CSR.STATUS] & STATUS.PG) === 0
      ? this.mmu.unpaged(a, mode === "user")
      : this.mmu.probe(a, ACCESS_BY_NAME[access], mode === "user", csr[CSR.ASID], csr[CSR.PTBR]);
    return pa !== undefined && this.memory.exists(pa, 1) ? pa : undefined;
  }

  // Host access to physical memory (RAM): no cycles, no faults.
  readWord(pa: number): number { return this.memory.readWord(pa); }
  writeWord(pa: number, value: number): void { this.memory.writeWord(pa, value); }
  readBytes(pa: number, length: number): Uint8Array { return this.memory.readBytes(pa, length); }
  writeBytes(pa: number, data: Uint8Array): void { this.memory.writeBytes(pa, data); }

  /** Reset (ISA.md): registers and CSRs cleared, kernel mode, paging off, pc 0; RAM and disk kept. */
  reset(): void {
    this.cpu.reset();
    this.tlb.load([]);
    this.events.clear();
  }

  private place(origin: number, image: Uint8Array): void {
    if (!this.memory.inRam(origin, image.length)) {
      const end = (origin + image.length).toString(16);
      throw new UserError(
        `the program (0x${origin.toString(16)}..0x${end}) does not fit in the machine's RAM (0x0..0x${this.memory.size.toString(16)})`,
        "move its .org lower or build the machine with more memoryBytes",
      );
    }
    this.memory.writeBytes(origin, image);
  }

  /** One instruction on the slow path, recorded in the trace if enabled. */
  private stepUntil(end: number): TraceEntry {
    const cpu = this.cpu;
    const before = snapshotCpu(cpu.regs, cpu.csr);
    const cycle = cpu.cycles, pc = cpu.pc, mode = this.mode, lastTrap = cpu.lastTrap, decoded = cpu.instructions;
    const fetched = this.translate(pc, "fetch");
    const fetchable = fetched !== undefined && fetched < this.memory.size && (pc & 3) === 0;
    const next = fetchable ? this.memory.readWord(fetched) : undefined;
    cpu.execute(end, cpu.instructions + 1);
    const word = cpu.instructions > decoded ? next : undefined;
    const trap = cpu.lastTrap !== lastTrap ? cpu.lastTrap : undefined;
    const entry = new LazyTraceEntry(cycle, pc, mode, word, changesBetween(before, cpu.regs, cpu.csr), trap, this.symbols);
    this.trace?.record(entry);
    return entry;
  }
}

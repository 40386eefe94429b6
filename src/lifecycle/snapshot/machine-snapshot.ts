/**
 * Suspending and resuming a bare toy32 (src/machine/machine.ts): every
 * register and CSR, the clock and the timer's next deadline, pending
 * interrupts, the TLB slot by slot, the console, the disk's registers and
 * request in flight, the NIC, and memory (Silberschatz 16.5: "suspend ...
 * the VMM saves the entire state of the guest; resume restores it").
 * Device requests in flight are data, not callbacks (disk.ts, nic.ts), so
 * the resumed machine finishes them at the cycle the original would have,
 * and its console continues exactly as an uninterrupted run's.
 */
import { Machine, type MachineOptions } from "../../machine/machine";
import { RawBlockDevice, type BlockDevice } from "../../machine/devices/block";
import { DISK_COMMAND, SECTOR_SIZE, type DiskState } from "../../machine/devices/disk";
import type { MmuKind } from "../../machine/mmu";
import type { Cpu } from "../../machine/cpu";
import { SnapshotError } from "./format";
import type { CpuRegisters, DiskImageRef, MachineState, Snapshot } from "./state";

const MAX_MEMORY = 0x4000_0000;
const MMU_KINDS: readonly MmuKind[] = ["hardware", "software-tlb"];

/** The machine's state now. A disk held in memory goes into the snapshot; one on a file is named by `diskImage`. */
export function captureMachine(machine: Machine, diskImage: DiskImageRef = { kind: "memory" }): Snapshot {
  const o = machine.options;
  const state: MachineState = {
    kind: "machine",
    machine: {
      memoryBytes: machine.memory.size, virtualizable: o.virtualizable ?? false, hypercalls: o.hypercalls ?? false,
      mmu: machine.mmu.kind, tlbEntries: machine.tlb.size,
    },
    cpu: cpuRegisters(machine.cpu),
    tlb: machine.tlb.saveState(),
    console: machine.console.saveState(),
    disk: machine.disk.saveState(),
    nic: machine.nic.saveState(),
    diskImage,
  };
  return { state, memory: machine.memory.bytes.slice(), disk: diskImage.kind === "memory" ? machine.disk.data : undefined };
}

function cpuRegisters(cpu: Cpu): CpuRegisters {
  cpu.accrue();
  return {
    regs: Array.from(cpu.regs), pc: cpu.pc, csr: Array.from(cpu.csr), cycles: cpu.cycles, instructions: cpu.instructions,
    pending: cpu.pending, timerNext: cpu.timerNext === Infinity ? null : cpu.timerNext,
    deliveredAt: cpu.deliveredAt === -Infinity ? null : cpu.deliveredAt,
  };
}

export interface ResumeOptions {
  /** The disk for a snapshot whose disk is on a file (diskImage "qcow2"), opened writable by the caller. */
  readonly disk?: BlockDevice;
  /** Streams console output printed after the resume. */
  readonly onConsole?: (text: string) => void;
  /** The snapshot file's name, for messages. */
  readonly file?: string;
}

/** A new machine in the snapshot's state, ready to run on. */
export function restoreMachine(snapshot: Snapshot, options: ResumeOptions = {}): Machine {
  const s = snapshot.state;
  const file = options.file ?? "the snapshot";
  if (s.kind !== "machine") throw new SnapshotError(file, 0, `it holds a VM of a hypervisor (${s.technique}), not a bare machine: resume it under a Hypervisor`);
  const m = s.machine;
  const refuse = (what: string): never => { throw new SnapshotError(file, 0, what, "the snapshot file is damaged or was not written by vmlab"); };
  if (m.memoryBytes % 4096 !== 0 || m.memoryBytes < 4096 || m.memoryBytes > MAX_MEMORY) refuse(`memory of ${m.memoryBytes} bytes is not a whole number of pages up to ${MAX_MEMORY}`);
  const mmu = MMU_KINDS.find((k) => k === m.mmu) ?? refuse(`MMU "${m.mmu}" is neither ${MMU_KINDS.join(" nor ")}`);
  if (m.tlbEntries < 1 || m.tlbEntries > 4096 || s.tlb.valid.length !== m.tlbEntries) refuse(`a TLB of ${s.tlb.valid.length} saved entries for ${m.tlbEntries}`);
  for (const field of ["vpn", "asid", "pfn", "flags"] as const) if (s.tlb[field].length !== m.tlbEntries) refuse(`tlb.${field} has ${s.tlb[field].length} entries, not ${m.tlbEntries}`);
  const disk = diskFor(snapshot, options.disk, file);
  checkDiskRequest(s.disk, disk.size, m.memoryBytes, file);
  const machineOptions: MachineOptions = {
    memoryBytes: m.memoryBytes, virtualizable: m.virtualizable, hypercalls: m.hypercalls, mmu, tlbEntries: m.tlbEntries,
    disk, onConsole: options.onConsole,
  };
  const machine = new Machine(machineOptions);
  machine.memory.bytes.set(snapshot.memory);
  restoreCpu(machine.cpu, s.cpu);
  machine.tlb.restoreState(s.tlb);
  machine.console.restoreState(s.console);
  machine.disk.restoreState(s.disk);
  machine.nic.restoreState(s.nic);
  return machine;
}

function restoreCpu(cpu: Cpu, r: CpuRegisters): void {
  cpu.regs.set(r.regs.map((v) => v | 0));
  cpu.regs[0] = 0;
  cpu.pc = r.pc >>> 0;
  cpu.csr.set(r.csr);
  cpu.restoreClock(r.cycles, r.instructions);
  cpu.pending = r.pending & 0xf;
  cpu.timerNext = r.timerNext ?? Infinity;
  cpu.deliveredAt = r.deliveredAt ?? -Infinity;
}

/** The disk the snapshot's machine resumes with: its saved sectors, or the caller's file. */
export function diskFor(snapshot: Snapshot, given: BlockDevice | undefined, file: string): BlockDevice {
  if (snapshot.state.diskImage.kind === "memory") return new RawBlockDevice(snapshot.disk ?? new Uint8Array(0));
  if (given === undefined) throw new SnapshotError(file, 0, `its disk is the qcow2 image ${snapshot.state.diskImage.file}: open it and pass it as the disk`);
  return given;
}

/** A request in flight must fit the disk and the memory it resumes with (its DMA would otherwise reach outside). */
export function checkDiskRequest(disk: DiskState, diskBytes: number, memoryBytes: number, file: string): void {
  const r = disk.request;
  if (r === null) return;
  const fits = (r.kind === DISK_COMMAND.READ || r.kind === DISK_COMMAND.WRITE) &&
    (r.sector + r.count) * SECTOR_SIZE <= diskBytes && r.address + r.count * SECTOR_SIZE <= memoryBytes;
  if (!fits) {
    throw new SnapshotError(file, 0, `the disk request in flight (command ${r.kind}, sectors ${r.sector}+${r.count}, buffer 0x${r.address.toString(16)}) does not fit a disk of ${diskBytes} bytes and memory of ${memoryBytes}`);
  }
}

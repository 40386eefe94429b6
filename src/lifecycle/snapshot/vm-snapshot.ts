/**
 * Suspending and resuming a VM of the hypervisor (src/hypervisor): what
 * the guest can see is saved, what the hypervisor derives from it is not.
 * Saved: the VCPU (registers, the virtual CSRs, the virtual clock, the
 * virtual timer's deadline, pending virtual interrupts), the VM's
 * lifecycle state and paravirtual registrations (trap table, trap frame),
 * its console and disk (the request in flight on the VM's clock), and its
 * guest-physical memory. Saved beside it, in guest terms, what the
 * hypervisor derived (src/hypervisor/derived-state.ts: the real and nested
 * TLBs, shadow page tables, the nested table), because the guest's clock
 * sees their misses: a VM resumed under the same technique runs on to the
 * cycle, its timer landing where it would have. Under another technique
 * (or from a snapshot without it) the VM starts those cold and its
 * hypervisor rebuilds them on demand (Silberschatz 16.5); the guest then
 * runs on correctly, its clock a few hundred cycles apart. Translated code
 * is never saved: it is rebuilt, and its cost is the hypervisor's.
 */
import type { Hypervisor } from "../../hypervisor/hypervisor";
import type { Vm, VmState, VmStats } from "../../hypervisor/vm";
import type { BlockDevice } from "../../machine/devices/block";
import { SnapshotError } from "./format";
import { checkDiskRequest, diskFor } from "./machine-snapshot";
import type { DiskImageRef, Snapshot, VmSavedState } from "./state";

const RESUMABLE: readonly VmState[] = ["created", "running", "paused", "halted", "terminated", "out-of-budget"];

/**
 * The VM's state now (between two runs of its hypervisor). `derived` false
 * leaves out what the hypervisor derived (post-copy migration: the target
 * has none of the memory it was derived from yet).
 */
export function captureVm(hv: Hypervisor, vm: Vm, diskImage: DiskImageRef = { kind: "memory" }, derived = true): Snapshot {
  if (vm.state === "destroyed") throw new Error(`VM ${vm.name} is destroyed: nothing to save`);
  const v = vm.vcpu;
  const { exits, softwareTlb: _swtlb, ...counters } = vm.stats;
  const controls = hv.hardware?.controlsOf(vm);
  const state: VmSavedState = {
    kind: "vm",
    technique: hv.techniqueName,
    vm: {
      name: vm.name, memorySize: vm.memorySize, paravirtual: vm.config.paravirtual ?? false,
      cycleBudget: vm.config.cycleBudget ?? null, state: vm.state, exitCode: vm.exitCode ?? null, reason: vm.reason,
      trapTable: [...vm.trapTable.entries()], trapFrame: vm.trapFrame,
      stats: { ...counters }, exits: { ...exits } as Record<string, number>,
      exitControls: controls ? { ...controls } : null,
    },
    derived: derived ? hv.saveDerived(vm) : undefined,
    vcpu: {
      regs: Array.from(v.regs), pc: v.pc, csr: Array.from(v.csr), cycles: v.cycles, instructions: v.instructions,
      pending: v.pendingInterrupts, timerNext: v.timerDeadline === Infinity ? null : v.timerDeadline,
      deliveredAt: v.deliveredAt === -Infinity ? null : v.deliveredAt,
    },
    console: vm.devices.console.saveState(),
    disk: vm.devices.disk.saveState(),
    diskImage,
  };
  const memory = hv.memory.bytes.slice(vm.base, vm.base + vm.memorySize);
  return { state, memory, disk: diskImage.kind === "memory" ? vm.devices.disk.data : undefined };
}

export interface VmResumeOptions {
  /** The disk for a snapshot whose disk is on a file, opened writable by the caller. */
  readonly disk?: BlockDevice;
  readonly file?: string;
}

/** A new VM of `hv` in the snapshot's state; it runs on when its state is "running" and hv runs. */
export function restoreVm(hv: Hypervisor, snapshot: Snapshot, options: VmResumeOptions = {}): Vm {
  const s = snapshot.state;
  const file = options.file ?? "the snapshot";
  if (s.kind !== "vm") throw new SnapshotError(file, 0, "it holds a bare machine, not a VM: resume it with restoreMachine (vmlab resume)");
  const saved = s.vm;
  const state = RESUMABLE.find((r) => r === saved.state);
  if (state === undefined) throw new SnapshotError(file, 0, `VM state "${saved.state}" is not one a VM resumes in (${RESUMABLE.join(", ")})`);
  if (saved.trapFrame !== -1 && !(Number.isInteger(saved.trapFrame) && saved.trapFrame >= 0 && saved.trapFrame + 16 <= saved.memorySize)) {
    throw new SnapshotError(file, 0, `the trap frame at ${saved.trapFrame} is outside the VM's ${saved.memorySize} bytes`);
  }
  const disk = diskFor(snapshot, options.disk, file);
  checkDiskRequest(s.disk, disk.size, saved.memorySize, file);
  const vm = hv.createVm({
    name: saved.name, memorySize: saved.memorySize, image: snapshot.memory, paravirtual: saved.paravirtual,
    cycleBudget: saved.cycleBudget ?? undefined, disk,
  });
  const v = vm.vcpu, r = s.vcpu;
  v.regs.set(r.regs.map((x) => x | 0));
  v.regs[0] = 0;
  v.pc = r.pc >>> 0;
  v.csr.set(r.csr);
  v.cycles = r.cycles;
  v.instructions = r.instructions;
  v.pendingInterrupts = r.pending & 0xf;
  v.timerDeadline = r.timerNext ?? Infinity;
  v.deliveredAt = r.deliveredAt ?? -Infinity;
  vm.state = state;
  vm.exitCode = saved.exitCode ?? undefined;
  vm.reason = saved.reason;
  for (const [cause, handler] of saved.trapTable) vm.trapTable.set(cause, handler);
  vm.trapFrame = saved.trapFrame;
  restoreStats(vm.stats, saved.stats, saved.exits);
  vm.devices.console.restoreState(s.console);
  vm.devices.disk.restoreState(s.disk);
  if (hv.hardware && saved.exitControls) restoreControls(hv.hardware.controlsOf(vm), saved.exitControls);
  hv.vcpuRestored(vm);
  if (s.derived) {
    try {
      hv.restoreDerived(vm, s.derived);
    } catch (e) {
      hv.destroy(vm);
      throw new SnapshotError(file, 0, `the hypervisor's saved state does not fit the VM: ${(e as Error).message}`);
    }
  }
  return vm;
}

function restoreStats(stats: VmStats, saved: Record<string, number>, exits: Record<string, number>): void {
  const counters = stats as unknown as Record<string, number>;
  for (const name of Object.keys(counters)) if (name !== "exits" && typeof saved[name] === "number") counters[name] = saved[name];
  Object.assign(stats.exits, exits);
}

/** Only the fields the control block has, each of its own type. */
function restoreControls(controls: object, saved: Record<string, number | boolean>): void {
  const target = controls as Record<string, number | boolean>;
  for (const [name, value] of Object.entries(saved)) if (name in target && typeof target[name] === typeof value) target[name] = value;
}

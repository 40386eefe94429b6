/**
 * Suspend and resume: a machine or VM saved to the snapshot format and
 * resumed elsewhere prints on as the uninterrupted run prints.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { loadKernelImage } from "../../src/guests/boot";
import { buildKernelImage, type KernelImage, type KernelImageOptions, type KernelPlatform } from "../../src/guests/loader";
import { Machine, type MachineOptions } from "../../src/machine/machine";
import { mkfs } from "../../src/guests/fs";
import { DISK_STATUS } from "../../src/machine/devices/disk";
import { Hypervisor, type HypervisorOptions } from "../../src/hypervisor/hypervisor";
import type { Vm } from "../../src/hypervisor/vm";
import {
  SnapshotError, captureMachine, captureVm, crc32, decodeSnapshot, encodeSnapshot, restoreMachine, restoreVm, type Snapshot,
} from "../../src/lifecycle";
import type { VmSavedState } from "../../src/lifecycle/snapshot/state";
import { withKernelLib } from "../guests/kernel-lib";

const PROGRAMS = path.join(__dirname, "..", "guests", "kernel-programs");
const FILES = withKernelLib("files.s", fs.readFileSync(path.join(PROGRAMS, "files.s"), "utf8"));
const DISK = mkfs(path.join(PROGRAMS, "disk"), { size: 512 * 1024 });
/** Where the suspends happen (files.s runs about 360,000 cycles). */
const SUSPEND_AT = [3_000, 20_011, 120_007];

/** Kernel images, each assembled once. */
const images = new Map<string, KernelImage>();
function kernel(options: KernelImageOptions): KernelImage {
  const key = JSON.stringify(options);
  let image = images.get(key);
  if (image === undefined) images.set(key, (image = buildKernelImage(options)));
  return image;
}

/** A bare toy32 at reset with the kernel loaded, as bootKernel makes it. */
function bootKernel(options: KernelImageOptions & { machine?: MachineOptions }): Machine {
  const image = kernel(options);
  const machine = new Machine({ ...options.machine, memoryBytes: image.memoryBytes });
  loadKernelImage(machine, image);
  return machine;
}

/** Runs `step` (1,000 cycles, less than any disk request takes) until the disk is busy with a request: a suspend then catches it in flight. */
function untilDiskBusy(step: () => void, busy: () => boolean): void {
  for (let i = 0; i < 1_000 && !busy(); i++) step();
  expect(busy()).toBe(true);
}

/** Through the file format and back, as a resume in another process reads it. */
const roundTrip = (s: Snapshot): Snapshot => decodeSnapshot(encodeSnapshot(s), "test.vmsnap");

describe("suspend and resume a bare toy32", () => {
  it("resumes to the same console, clock and disk as an uninterrupted run, with the timer preempting four programs", () => {
    const programs = ["hello", "compute", "ticker", "pingpong"];
    const whole = bootKernel({ programs, timerInterval: 2_000 });
    whole.run();
    for (const at of SUSPEND_AT.slice(0, 3)) {
      const first = bootKernel({ programs, timerInterval: 2_000 });
      first.run({ maxCycles: at });
      const resumed = restoreMachine(roundTrip(captureMachine(first)));
      resumed.run();
      expect(resumed.console.output).toBe(whole.console.output);
      expect(resumed.cycles).toBe(whole.cycles);
    }
  });

  it("finishes a disk request in flight and a pending timer after the resume", () => {
    const run = (m: ReturnType<typeof bootKernel>) => m.run({ maxCycles: 50_000_000 });
    const boot = () => bootKernel({ programs: [FILES], timerInterval: 2_000, machine: { disk: DISK } });
    const whole = boot();
    expect(run(whole).reason).toBe("halted");
    let inFlight = 0;
    for (const at of SUSPEND_AT.slice(1)) {
      const first = boot();
      first.run({ maxCycles: at });
      untilDiskBusy(() => first.run({ maxCycles: 1_000 }), () => first.disk.status === DISK_STATUS.BUSY);
      const saved = roundTrip(captureMachine(first));
      if (saved.state.kind === "machine" && saved.state.disk.request !== null && saved.state.cpu.timerNext !== null) inFlight++;
      const resumed = restoreMachine(saved);
      run(resumed);
      expect(resumed.console.output).toBe(whole.console.output);
      expect(resumed.cycles).toBe(whole.cycles);
      expect(resumed.disk.data).toEqual(whole.disk.data);
    }
    expect(inFlight).toBe(2);
  });
});

const TECHNIQUES: readonly { label: string; options: HypervisorOptions; platform: KernelPlatform }[] = [
  { label: "trap-and-emulate", options: { technique: "trap-and-emulate" }, platform: "native" },
  { label: "binary-translation", options: { technique: "binary-translation" }, platform: "native" },
  { label: "hardware-assist (nested paging)", options: { technique: "hardware-assist" }, platform: "native" },
  { label: "hardware-assist (shadow paging)", options: { technique: "hardware-assist", paging: "shadow" }, platform: "native" },
  { label: "paravirtual", options: { technique: "trap-and-emulate" }, platform: "paravirtual" },
  { label: "trap-and-emulate on a software-TLB machine (Disco)", options: { technique: "trap-and-emulate", mmu: "software-tlb" }, platform: "software-tlb" },
];

/**
 * A VM under a hypervisor: the snapshot holds what the hypervisor derived
 * (TLBs, shadow or nested tables, translated blocks) in guest terms, so the
 * resumed guest's clock runs on to the cycle and a timer-driven workload
 * prints the same interleaving. The disk runs keep the timer off: what they
 * print depends only on the guest's own state, whatever the technique.
 */
describe("suspend and resume a VM", () => {
  for (const { label, options, platform } of TECHNIQUES) {
    it(`under ${label}: the resumed VM prints what the uninterrupted one prints, its disk the same`, () => {
      const image = kernel({ programs: [FILES], timerInterval: 0, platform });
      const start = (): { hv: Hypervisor; vm: Vm } => {
        const hv = new Hypervisor(options);
        const vm = hv.createVm({ name: "bigfile", memorySize: image.memoryBytes, image: image.image, paravirtual: platform === "paravirtual", disk: DISK });
        hv.start(vm);
        return { hv, vm };
      };
      const whole = start();
      whole.hv.run({ maxCycles: 100_000_000 });
      expect(whole.vm.state).toBe("halted");
      let inFlight = 0;
      for (const at of SUSPEND_AT.slice(2)) {
        const first = start();
        first.hv.run({ maxCycles: at });
        untilDiskBusy(() => first.hv.run({ maxCycles: 1_000 }), () => first.vm.devices.disk.status === DISK_STATUS.BUSY);
        const saved = roundTrip(captureVm(first.hv, first.vm));
        if (saved.state.disk.request !== null) inFlight++;
        const target = new Hypervisor(options);
        const vm = restoreVm(target, saved);
        target.run({ maxCycles: 100_000_000 });
        expect(vm.console).toBe(whole.vm.console);
        expect(`${vm.state} ${vm.exitCode}`).toBe(`halted ${whole.vm.exitCode}`);
        expect(vm.devices.disk.data).toEqual(whole.vm.devices.disk.data);
      }
      expect(inFlight).toBe(1);
    });
  }
});

/** Four programs preempted by a 2,000-cycle timer: their interleaving on the console shows where each tick landed. */
const TIMED = { programs: ["hello", "compute", "ticker", "pingpong"], timerInterval: 2_000 };

function startVm(options: HypervisorOptions, platform: KernelPlatform): { hv: Hypervisor; vm: Vm } {
  const image = kernel({ ...TIMED, platform });
  const hv = new Hypervisor(options);
  const vm = hv.createVm({ name: "timed", memorySize: image.memoryBytes, image: image.image, paravirtual: platform === "paravirtual" });
  hv.start(vm);
  return { hv, vm };
}

describe("a resumed VM with the timer on runs on to the cycle", () => {
  for (const { label, options, platform } of TECHNIQUES) {
    it(`under ${label}: suspended at 3,000, 50,000 and 200,000 cycles, the same console and the same clock`, () => {
      const whole = startVm(options, platform);
      whole.hv.run({ maxCycles: 100_000_000 });
      expect(whole.vm.state).toBe("halted");
      for (const at of [3_000, 50_000, 200_000]) {
        const first = startVm(options, platform);
        first.hv.run({ maxCycles: at });
        expect(first.vm.state).toBe("running");
        const target = new Hypervisor(options);
        const vm = restoreVm(target, roundTrip(captureVm(first.hv, first.vm)));
        target.run({ maxCycles: 100_000_000 });
        expect({ at, console: vm.console, cycles: vm.vcpu.cycles, instructions: vm.vcpu.instructions }).toEqual({
          at, console: whole.vm.console, cycles: whole.vm.vcpu.cycles, instructions: whole.vm.vcpu.instructions,
        });
      }
    });
  }

  it("under another technique, or from a file without the hypervisor's state, it starts cold and still ends right", () => {
    const first = startVm({ technique: "trap-and-emulate" }, "native");
    first.hv.run({ maxCycles: 50_000 });
    const saved = roundTrip(captureVm(first.hv, first.vm));
    const { derived: _derived, ...older } = saved.state as VmSavedState;
    for (const [options, snapshot] of [
      [{ technique: "hardware-assist" }, saved],
      [{ technique: "binary-translation" }, saved],
      [{ technique: "trap-and-emulate" }, roundTrip({ ...saved, state: older })],
    ] as const) {
      const target = new Hypervisor(options);
      const vm = restoreVm(target, snapshot);
      target.run({ maxCycles: 100_000_000 });
      expect(`${vm.state} ${vm.exitCode}`).toBe("halted 0");
      expect(vm.console).toContain("hello, world");
    }
  });

  it("refuses saved hypervisor state that names memory outside the VM, and leaves no VM behind", () => {
    const first = startVm({ technique: "trap-and-emulate" }, "native");
    first.hv.run({ maxCycles: 50_000 });
    const saved = roundTrip(captureVm(first.hv, first.vm));
    const lie = (change: (d: { realTlb: { pfn: number[]; valid: number[] }; shadow: { contexts: { key: number; leaves: number[][] }[] } }) => void): Snapshot => {
      const state = JSON.parse(JSON.stringify(saved.state)) as VmSavedState;
      change(state.derived as never);
      return decodeSnapshot(encodeSnapshot({ ...saved, state }), "lie.vmsnap");
    };
    const lies: [string, Snapshot][] = [
      ["a TLB entry", lie((d) => { d.realTlb.valid[0] = 1; d.realTlb.pfn[0] = 1 << 20; })],
      ["a shadow entry", lie((d) => { d.shadow.contexts[0].leaves[0][2] = 1 << 20; })],
      ["a shadow context", lie((d) => { d.shadow.contexts[0].key = 0x7fff_f000; })],
    ];
    for (const [what, snapshot] of lies) {
      const target = new Hypervisor({ technique: "trap-and-emulate" });
      expect(() => restoreVm(target, snapshot, { file: "lie.vmsnap" }), what).toThrow(/lie\.vmsnap: offset 0: the hypervisor's saved state does not fit the VM: .*not a page of the VM/);
      expect(target.vms.filter((vm) => vm.state !== "destroyed")).toHaveLength(0);
    }
    const malformed = JSON.parse(JSON.stringify(saved.state)) as { derived: { shadow: { current: unknown } } };
    malformed.derived.shadow.current = "the first";
    expect(() => decodeSnapshot(encodeSnapshot({ ...saved, state: malformed as unknown as VmSavedState }), "s")).toThrow(/state\.derived\.shadow\.current is "the first"/);
  });
});

describe("snapshot files refused", () => {
  const good = (): Uint8Array => {
    const m = bootKernel({ programs: ["hello"] });
    m.run({ maxCycles: 5_000 });
    return encodeSnapshot(captureMachine(m));
  };
  /** Recomputes the checksum after a change, so only the later checks can refuse. */
  const resealed = (bytes: Uint8Array): Uint8Array => {
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
    return bytes;
  };

  it("a truncated file, a flipped byte, another version, another file, naming the offset", () => {
    const bytes = good();
    expect(() => decodeSnapshot(bytes.subarray(0, 10), "s")).toThrow("s: offset 10: the file ends after 10 bytes");
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 100), "s")).toThrow(new RegExp(`s: offset ${bytes.length - 104}: checksum 0x[0-9a-f]+ does not match`));
    const flipped = bytes.slice();
    flipped[200] ^= 1;
    expect(() => decodeSnapshot(flipped, "s")).toThrow(SnapshotError);
    const version = bytes.slice();
    version[8] = 2;
    expect(() => decodeSnapshot(resealed(version), "s")).toThrow("s: offset 8: format version 2; this vmlab reads version 1");
    expect(() => decodeSnapshot(new TextEncoder().encode("not a snapshot at all, just text"), "s")).toThrow(/s: offset 0: magic "not a sn" is not "VMLABSNP"/);
  });

  it("a sealed file whose sections or state lie", () => {
    const bytes = good();
    const long = bytes.slice();
    new DataView(long.buffer).setUint32(20, 0x7fffffff, true); // the first section's length
    expect(() => decodeSnapshot(resealed(long), "s")).toThrow(/s: offset 20: section "STAT" of 2147483647 bytes runs past the end/);
    const snap = decodeSnapshot(bytes, "s");
    const lying = (change: (state: Record<string, unknown>) => void): Uint8Array => {
      const state = JSON.parse(JSON.stringify(snap.state)) as Record<string, unknown>;
      change(state);
      return encodeSnapshot({ ...snap, state: state as unknown as Snapshot["state"] });
    };
    expect(() => decodeSnapshot(lying((s) => { (s.cpu as { regs: unknown }).regs = "r0"; }), "s")).toThrow(/s: offset 24: section "STAT": state\.cpu\.regs is "r0", not a list/);
    expect(() => decodeSnapshot(lying((s) => { (s.cpu as { pc: unknown }).pc = -4; }), "s")).toThrow(/state\.cpu\.pc is -4, not an unsigned 32-bit integer/);
    expect(() => decodeSnapshot(lying((s) => { (s.machine as { memoryBytes: number }).memoryBytes = 8192; }), "s")).toThrow(/section "MEM " holds \d+ bytes; the state says 8192/);
    const wild = decodeSnapshot(lying((s) => { (s.disk as { request: unknown }).request = { kind: 1, sector: 0, count: 4, address: 0xfffff000, at: 9 }; }), "s");
    expect(() => restoreMachine(wild, { file: "s" })).toThrow(/s: offset 0: the disk request in flight .* does not fit/);
  });
});

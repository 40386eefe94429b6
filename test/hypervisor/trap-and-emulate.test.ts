import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage, type KernelImageOptions } from "../../src/guests/loader";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { STEP, formatTrace } from "../../src/hypervisor/trace";
import { assemble } from "../../src/machine/assembler";

const ALL_PROGRAMS = ["hello", "syscalls", "compute", "pingpong", "ticker", "heap", "fault"];

function bare(options: KernelImageOptions): { output: string; exitCode: number | undefined } {
  const m = bootKernel(options);
  const r = m.run();
  expect(r.reason).toBe("halted");
  return { output: m.console.output, exitCode: r.exitCode };
}

function kernelVm(hv: Hypervisor, name: string, options: KernelImageOptions) {
  const k = buildKernelImage(options);
  const vm = hv.createVm({ name, memorySize: k.memoryBytes, image: k.image });
  hv.start(vm);
  return vm;
}

describe("trap-and-emulate runs the unmodified kernel", () => {
  it("in two VMs at once, each printing exactly what it prints on bare metal", () => {
    const options = { programs: ALL_PROGRAMS, timerInterval: 0 };
    const expected = bare(options);
    const hv = new Hypervisor({ sliceCycles: 5_000 });
    const a = kernelVm(hv, "a", options);
    const b = kernelVm(hv, "b", { programs: ["hello", "compute"], timerInterval: 0 });
    const report = hv.run({ maxCycles: 50_000_000 });
    expect(report.allEnded).toBe(true);
    expect(report.worldSwitches).toBeGreaterThan(10);
    expect(a.state).toBe("halted");
    expect(a.console).toBe(expected.output);
    expect(a.exitCode).toBe(expected.exitCode);
    expect(b.console).toBe(bare({ programs: ["hello", "compute"], timerInterval: 0 }).output);
    expect(a.stats.emulated).toBeGreaterThan(0);
    expect(a.stats.hiddenFaults).toBeGreaterThan(0);
    expect(a.stats.deviceAccesses).toBe(a.console.length); // sbrk asks the disk only when memory is short (swap.s)
  });

  it("with timer preemption: every process finishes and the kernel halts as on bare metal", () => {
    const options = { programs: ["ticker", "compute", "pingpong"], timerInterval: 2_000 };
    const expected = bare(options);
    const hv = new Hypervisor();
    const vms = [kernelVm(hv, "a", options), kernelVm(hv, "b", options), kernelVm(hv, "c", options)];
    hv.run({ maxCycles: 100_000_000 });
    for (const vm of vms) {
      expect(vm.state).toBe("halted");
      expect(vm.exitCode).toBe(expected.exitCode);
      // Where a timer interrupt lands depends on cycles, which differ under
      // a hypervisor (traps cost more), so lines may interleave differently;
      // each process's own lines, in order, must be the same.
      for (const pid of ["pid 1", "pid 3"]) {
        const lines = (s: string) => s.split("\n").filter((l) => l.startsWith(pid));
        expect(lines(vm.console)).toEqual(lines(expected.output));
      }
      expect(vm.console).toContain("compute: fib(30000) mod 2^32 = 0xfc660640");
      expect(vm.vcpu.cycles).toBeGreaterThan(0);
    }
  });
});

describe("VM lifecycle", () => {
  it("create, start, pause, resume, destroy; destroy returns the memory", () => {
    const hv = new Hypervisor();
    const k = buildKernelImage({ programs: ["compute"], timerInterval: 0 });
    const a = hv.createVm({ name: "a", memorySize: k.memoryBytes, image: k.image });
    const b = hv.createVm({ name: "b", memorySize: k.memoryBytes, image: k.image });
    expect(a.state).toBe("created");
    hv.start(a);
    hv.start(b);
    hv.run({ maxCycles: 200_000 });
    hv.pause(a);
    const frozen = a.vcpu.snapshot();
    hv.run({ maxCycles: 200_000 });
    expect(a.vcpu.snapshot()).toEqual(frozen);
    expect(b.vcpu.cycles).toBeGreaterThan(a.vcpu.cycles);
    hv.resume(a);
    hv.run({ maxCycles: 50_000_000 });
    expect(a.state).toBe("halted");
    expect(a.console).toBe(b.console);
    expect(() => hv.resume(a)).toThrow(/halted, not paused/);
    const before = hv.allocatorAvailable;
    hv.destroy(a);
    expect(a.state).toBe("destroyed");
    expect(hv.allocatorAvailable).toBeGreaterThan(before + k.memoryBytes - 1);
    const c = hv.createVm({ name: "c", memorySize: k.memoryBytes, image: k.image });
    expect(c.base).toBe(a.base); // the freed region is reused, scrubbed
  });
});

describe("flows through the VMM", () => {
  it("a system call follows OSTEP figure B.3 step by step", () => {
    const hv = new Hypervisor({ trace: true });
    kernelVm(hv, "g", { programs: ["hello"], timerInterval: 0 });
    hv.run({ maxCycles: 10_000_000 });
    const steps = hv.tracer.steps.map((s) => s.text);
    const i = steps.indexOf(STEP.syscallTrap);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(steps.slice(i, i + 2)).toEqual([STEP.syscallTrap, STEP.reflect]);
    const j = steps.indexOf(STEP.osHandler, i);
    expect(steps.slice(j, j + 3)).toEqual([STEP.osHandler, STEP.realReturn, STEP.resume]);
    expect(hv.tracer.steps[i].actor).toBe("Process");
    expect(hv.tracer.steps[i + 1].actor).toBe("VMM");
    expect(hv.tracer.steps[j].actor).toBe("Operating System");
  });

  it("a guest that triple-faults is terminated; the VM beside it goes on", () => {
    const hv = new Hypervisor();
    const bad = assemble("li t0, 0x1000\nsw t0, 0(t0)\nlw t1, 0(t0)\nsys\n", { file: "bad.s" });
    const b = hv.createVm({ name: "bad", memorySize: 64 * 1024, image: bad.image });
    hv.start(b);
    const good = kernelVm(hv, "good", { programs: ["hello"], timerInterval: 0 });
    hv.run({ maxCycles: 10_000_000 });
    expect(b.state).toBe("terminated");
    expect(b.reason).toMatch(/triple fault/);
    expect(good.state).toBe("halted");
    expect(good.console).toBe("hello, world\n");
  });
});

describe("world switches", () => {
  it("each costs COSTS.worldSwitch and is reported to onWorldSwitch, alternating between the VMs", () => {
    const hv = new Hypervisor({ sliceCycles: 5_000, trace: true });
    const a = kernelVm(hv, "a", { programs: ["compute"], timerInterval: 0 });
    const b = kernelVm(hv, "b", { programs: ["compute"], timerInterval: 0 });
    const seen: string[] = [];
    hv.onWorldSwitch = (vm) => seen.push(vm.name);
    const report = hv.run({ maxCycles: 50_000_000 });
    expect(report.worldSwitches).toBe(seen.length);
    expect(seen.slice(0, 4)).toEqual(["a", "b", "a", "b"]);
    expect(a.stats.worldSwitches + b.stats.worldSwitches).toBe(report.worldSwitches);
    expect(a.console).toBe(b.console);
    const table = formatTrace(hv.tracer.steps.slice(0, 3));
    expect(table.split("\n")[0]).toMatch(/^Process\s+Operating System\s+VMM$/);
    expect(table).toContain(STEP.worldSwitch);
  });
});

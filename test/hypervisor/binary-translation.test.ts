import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage } from "../../src/guests/loader";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { assemble } from "../../src/machine/assembler";
import { Machine } from "../../src/machine/machine";
import { SENSITIVE_DEMO_SOURCE } from "../../src/hypervisor/sensitive-demo";

const PROGRAMS = ["hello", "syscalls", "compute", "pingpong", "ticker", "heap", "fault"];

describe("binary translation", () => {
  it("runs the unmodified kernel in two VMs with bare metal's output; kernel code is translated, user code is not", () => {
    const options = { programs: PROGRAMS, timerInterval: 0 };
    const m = bootKernel(options);
    const bare = m.run();
    const k = buildKernelImage(options);
    const hv = new Hypervisor({ technique: "binary-translation" });
    const vms = ["a", "b"].map((name) => hv.createVm({ name, memorySize: k.memoryBytes, image: k.image }));
    vms.forEach((vm) => hv.start(vm));
    hv.run({ maxCycles: 100_000_000 });
    for (const vm of vms) {
      expect(`${vm.state} ${vm.reason}`).toBe("halted ");
      expect(vm.console).toBe(m.console.output);
      expect(vm.exitCode).toBe(bare.exitCode);
      const stats = hv.translator!.cache(vm).stats;
      expect(stats.translations).toBeGreaterThan(10);
      expect(stats.hits).toBeGreaterThan(stats.misses);
      expect(stats.callouts).toBeGreaterThan(0);
      // Only kernel blocks are translated: every block lies below the user base.
      for (const b of hv.translator!.cache(vm).list()) expect(b.va).toBeLessThan(0x4000_0000);
    }
    // User code ran natively on the CPU: it executed instructions in real user mode.
    expect(hv.host.statistics().byMode.user.instructions).toBeGreaterThan(100_000);
  });

  it("translates pushf/popf to callouts, so the sensitive-instruction demo matches bare metal on the default machine", () => {
    const program = assemble(SENSITIVE_DEMO_SOURCE, { file: "demo.s" });
    const machine = new Machine({ memoryBytes: 64 * 1024 });
    machine.load(program.image, 0);
    machine.run({ maxCycles: 1_000_000 });
    const hv = new Hypervisor({ technique: "binary-translation" });
    const vm = hv.createVm({ name: "demo", memorySize: 64 * 1024, image: program.image });
    hv.start(vm);
    hv.run({ maxCycles: 5_000_000 });
    expect(vm.console).toBe(machine.console.output);
    expect(vm.console).toContain("kernel mode");
    expect(vm.console).toContain("the timer fired");
  });

  it("keeps emitted code printable: a block shows each guest instruction and its JavaScript", () => {
    const k = buildKernelImage({ programs: ["hello"], timerInterval: 0 });
    const hv = new Hypervisor({ technique: "binary-translation" });
    const vm = hv.createVm({ name: "a", memorySize: k.memoryBytes, image: k.image });
    hv.start(vm);
    hv.run({ maxCycles: 10_000_000 });
    const blocks = hv.translator!.cache(vm).list();
    const withCallout = blocks.find((b) => b.source.includes("h.priv("));
    expect(withCallout?.source).toMatch(/\/\/ 0x[0-9a-f]{8} {2}csr[rw] /);
    expect(blocks[0].source).toMatch(/^\/\/ block at 0x/);
  });

  it("invalidates translations when the guest kernel overwrites code it ran", () => {
    // A guest patches the immediate of an instruction it already ran, then runs it again.
    const src = `
_start:
        li   s0, 0
again:
        la   t0, patched
        jalr ra, t0, 0
        add  s0, s0, a0
        bnez s1, done
        li   s1, 1
        la   t0, patched
        lw   t1, 0(t0)
        addi t1, t1, 1          # addi a0, zero, 5 -> 6
        sw   t1, 0(t0)
        j    again
done:
        mv   a0, s0
        halt
patched:
        addi a0, zero, 5
        ret
`;
    const p = assemble(src, { file: "smc.s" });
    const m = new Machine({ memoryBytes: 64 * 1024 });
    m.load(p.image, 0);
    const bare = m.run({ maxCycles: 100_000 });
    expect(bare.exitCode).toBe(11);
    const hv = new Hypervisor({ technique: "binary-translation" });
    const vm = hv.createVm({ name: "smc", memorySize: 64 * 1024, image: p.image });
    hv.start(vm);
    hv.run({ maxCycles: 1_000_000 });
    expect(vm.exitCode).toBe(11);
    expect(hv.translator!.cache(vm).stats.invalidations).toBeGreaterThan(0);
  });
});

describe("translation cache granularity", () => {
  it("stores to data beside code on the same page drop no translation", () => {
    const src = `
_start:
        li   t0, 1000
        la   t1, counter
loop:
        lw   t2, 0(t1)
        addi t2, t2, 1
        sw   t2, 0(t1)
        addi t0, t0, -1
        bnez t0, loop
        lw   a0, 0(t1)
        halt
        .align 16
counter: .word 0
`;
    const p = assemble(src, { file: "data-beside-code.s" });
    const hv = new Hypervisor({ technique: "binary-translation" });
    const vm = hv.createVm({ name: "d", memorySize: 64 * 1024, image: p.image });
    hv.start(vm);
    hv.run({ maxCycles: 1_000_000 });
    expect(vm.exitCode).toBe(1000);
    const stats = hv.translator!.cache(vm).stats;
    expect(stats.invalidations).toBe(0);
    expect(stats.translations).toBeLessThan(6);
  });
});

import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { buildParavirtualKernelImage } from "../../src/hypervisor/paravirtual-kernel";
import { HYPERCALLS } from "../../src/hypervisor/hypercalls";

describe("paravirtualization", () => {
  it("the hypercall table is numbered densely, each entry named", () => {
    HYPERCALLS.forEach((h, i) => expect(h.number).toBe(i));
    expect(HYPERCALLS.map((h) => h.name)).toEqual(expect.arrayContaining([
      "SET_TRAP_TABLE", "MMU_UPDATE", "YIELD", "BLOCK", "CONSOLE_WRITE", "EVENT_MASK", "EVENT_UNMASK",
    ]));
  });

  it("kernel-pv runs programs with bare metal's output using hypercalls, never a privileged instruction", () => {
    const options = { programs: ["hello", "compute"], timerInterval: 2_000 };
    const m = bootKernel({ ...options, timerInterval: 0 });
    m.run();
    const k = buildParavirtualKernelImage(options);
    const hv = new Hypervisor();
    const a = hv.createVm({ name: "pv-a", memorySize: k.memoryBytes, image: k.image, paravirtual: true });
    const b = hv.createVm({ name: "pv-b", memorySize: k.memoryBytes, image: k.image, paravirtual: true });
    hv.start(a);
    hv.start(b);
    hv.run({ maxCycles: 50_000_000 });
    for (const vm of [a, b]) {
      expect(`${vm.state} ${vm.reason}`).toBe("halted ");
      expect(vm.exitCode).toBe(0);
      expect(vm.console).toBe(m.console.output);
      expect(vm.stats.emulated).toBe(0);
      expect(vm.stats.hypercalls).toBeGreaterThan(10);
    }
  });

  it("kernel-pv's uptime, sleep (BLOCK) and checked write pointers: syscalls and sleeper print what they print on bare metal", () => {
    for (const program of ["syscalls", "sleeper"]) {
      const options = { programs: [program], timerInterval: 2_000 };
      const m = bootKernel(options);
      m.run();
      const k = buildParavirtualKernelImage(options);
      const hv = new Hypervisor();
      const vm = hv.createVm({ name: program, memorySize: k.memoryBytes, image: k.image, paravirtual: true });
      hv.start(vm);
      hv.run({ maxCycles: 50_000_000 });
      expect(`${vm.state} ${vm.reason}`).toBe("halted ");
      expect(vm.console).toBe(m.console.output);
    }
  });
});

/**
 * Every memory technique is invisible to the guest: the kernel's programs
 * and its fork loop print exactly what bare metal prints under shadow
 * paging (cached and rebuilt), binary translation's shadows, first-
 * generation and nested hardware assist, the paravirtual kernel, and the
 * software-tlb kernel under trap-and-emulate (Disco's software TLB, with
 * and without its second-level TLB).
 */
import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage, type ProgramSpec } from "../../src/guests/loader";
import { Hypervisor, type HypervisorOptions } from "../../src/hypervisor/hypervisor";
import { buildParavirtualKernelImage } from "../../src/hypervisor/paravirtual-kernel";
import { forkLoopProgram } from "../../src/hypervisor/workloads";

const PROGRAMS: ProgramSpec[] = ["hello", "syscalls", "compute", "pingpong", "ticker", "heap", "fault", forkLoopProgram(6)];

const MEMORY_TECHNIQUES: [string, HypervisorOptions][] = [
  ["shadow paging, cached contexts", { technique: "trap-and-emulate" }],
  ["shadow paging, rebuilt at each switch", { technique: "trap-and-emulate", shadowCache: false }],
  ["binary translation's shadows", { technique: "binary-translation" }],
  ["first-generation hardware assist", { technique: "hardware-assist", paging: "shadow" }],
  ["nested paging", { technique: "hardware-assist", paging: "nested" }],
];

describe("each memory technique prints what bare metal prints", () => {
  const options = { programs: PROGRAMS, timerInterval: 0 };
  const bare = (() => {
    const m = bootKernel(options);
    m.run();
    return m.console.output;
  })();
  const image = buildKernelImage(options);

  for (const [label, hvOptions] of MEMORY_TECHNIQUES) {
    it(label, () => {
      const hv = new Hypervisor({ sliceCycles: 50_000, ...hvOptions });
      const vm = hv.createVm({ name: label, memorySize: image.memoryBytes, image: image.image });
      hv.start(vm);
      hv.run({ maxCycles: 2_000_000_000 });
      expect(vm.state).toBe("halted");
      expect(vm.console).toBe(bare);
    });
  }

  it("the paravirtual kernel, page-table updates batched", () => {
    const pv = buildParavirtualKernelImage(options);
    const hv = new Hypervisor({ sliceCycles: 50_000 });
    const vm = hv.createVm({ name: "pv", memorySize: pv.memoryBytes, image: pv.image, paravirtual: true });
    hv.start(vm);
    hv.run({ maxCycles: 2_000_000_000 });
    expect(vm.state).toBe("halted");
    expect(vm.console).toBe(bare);
  });

  for (const l2TlbEntries of [1024, 0]) {
    it(`Disco's software TLB, ${l2TlbEntries > 0 ? "with" : "without"} the second-level TLB`, () => {
      const swtlb = buildKernelImage({ ...options, platform: "software-tlb" });
      const hv = new Hypervisor({ sliceCycles: 50_000, mmu: "software-tlb", l2TlbEntries });
      const vm = hv.createVm({ name: "disco", memorySize: swtlb.memoryBytes, image: swtlb.image });
      hv.start(vm);
      hv.run({ maxCycles: 2_000_000_000 });
      expect(vm.state).toBe("halted");
      expect(vm.console).toBe(bare);
      expect(vm.stats.softwareTlb.reflectedMisses).toBeGreaterThan(0);
    });
  }

  it("refuses nested paging for a technique that cannot have it, in one line", () => {
    expect(() => new Hypervisor({ technique: "trap-and-emulate", paging: "nested" })).toThrow(/paging "nested" is a choice of hardware assist/);
  });
});

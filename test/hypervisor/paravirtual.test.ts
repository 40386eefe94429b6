import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage, kernelFiles } from "../../src/guests/loader";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { buildParavirtualKernelImage } from "../../src/hypervisor/paravirtual-kernel";
import { EFAULT, EINVAL, HYPERCALL, HYPERCALLS, dispatchHypercall } from "../../src/hypervisor/hypercalls";
import { ParavirtualGuest } from "../../src/hypervisor/paravirtual";

describe("paravirtualization", () => {
  it("the hypercall table is numbered densely, each entry named", () => {
    HYPERCALLS.forEach((h, i) => expect(h.number).toBe(i));
    expect(HYPERCALLS.map((h) => h.name)).toEqual(expect.arrayContaining([
      "SET_TRAP_TABLE", "MMU_UPDATE", "YIELD", "BLOCK", "CONSOLE_WRITE", "EVENT_MASK", "EVENT_UNMASK",
    ]));
  });

  it("the paravirtual kernel runs programs with bare metal's output using hypercalls, never a privileged instruction", () => {
    // A slice long enough for hello to fault in its pages (pager.s) and print first.
    const options = { programs: ["hello", "compute"], timerInterval: 5_000 };
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

  it("the paravirtual kernel's uptime, sleep (BLOCK) and checked write pointers: syscalls and sleeper print what they print on bare metal", () => {
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

/** Boots `programs` on bare metal and paravirtualized; returns both consoles and the VM. */
function bareAndParavirtual(programs: string[], timerInterval: number) {
  const m = bootKernel({ programs, timerInterval });
  const bare = m.run({ maxCycles: 50_000_000 });
  const k = buildKernelImage({ programs, timerInterval, platform: "paravirtual" });
  const hv = new Hypervisor();
  const vm = hv.createVm({ name: "pv", memorySize: k.memoryBytes, image: k.image, paravirtual: true });
  hv.start(vm);
  hv.run({ maxCycles: 50_000_000 });
  return { bare: m.console.output, bareExit: bare.exitCode, vm };
}

describe("one kernel, two platforms (pv_ops)", () => {
  it("the paravirtual build preempts: two tickers interleave tick by tick as on bare metal", () => {
    const { bare, vm } = bareAndParavirtual(["ticker", "ticker"], 11000);
    expect(bare).toContain("pid 1 tick 0\npid 2 tick 0\n");
    expect(vm.console).toBe(bare);
    expect(vm.stats.emulated).toBe(0);
  });

  it("the paravirtual build has sbrk and kills a faulting process with the native kernel's message", () => {
    const { bare, bareExit, vm } = bareAndParavirtual(["heap", "fault"], 2000);
    expect(bare).toContain("[kernel] pid 2 killed: PAGE_FAULT_STORE at 0x00000000");
    expect(vm.console).toBe(bare);
    expect(`${vm.state} ${vm.exitCode}`).toBe(`halted ${bareExit}`);
    expect(vm.stats.emulated).toBe(0);
  });

  it("both platforms assemble from the same files but their platform layer", () => {
    const native = kernelFiles("native");
    const pv = kernelFiles("paravirtual");
    expect(native.filter((f) => !pv.includes(f))).toEqual(["kernel/platform-native.s"]);
    expect(pv.filter((f) => !native.includes(f))).toEqual(["kernel/platform-pv.s"]);
    expect(() => kernelFiles("mips" as never)).toThrow(/no kernel platform named "mips"/);
    expect(() => bootKernel({ programs: ["hello"], platform: "paravirtual" })).toThrow(/paravirtual: true/);
  });
});

describe("hypercall validation (Barham et al. 2003, 3.3.1)", () => {
  it("MMU_UPDATE applies updates naming the VM's own frames and refuses the rest; console writes are bounded", () => {
    const hv = new Hypervisor();
    const vm = hv.createVm({ name: "pv", memorySize: 64 * 1024, image: new Uint8Array(4), paravirtual: true });
    const guest = new ParavirtualGuest(vm, hv.memory, hv.shadow(vm));
    const write = (gpa: number, words: number[]) => words.forEach((w, i) => guest.writeWord(gpa + 4 * i, w));
    // Two requests: a PTE at 0x2000 -> frame 3 (the VM's), then one -> frame 0x100 (beyond its 16 pages).
    write(0x1000, [0x2000, (3 << 12) | 1, 0x2004, (0x100 << 12) | 1]);
    const r = dispatchHypercall(guest, HYPERCALL.MMU_UPDATE, 0x1000, 2, 0);
    expect(r.result).toBe(1); // the first applied, the second refused
    expect(guest.readWord(0x2000)).toBe((3 << 12) | 1);
    expect(guest.readWord(0x2004)).toBe(0);
    expect(dispatchHypercall(guest, HYPERCALL.MMU_UPDATE, 0x1000 + 8, 1, 0).result).toBe(EINVAL);
    expect(dispatchHypercall(guest, HYPERCALL.MMU_UPDATE, 0xfff0_0000, 1, 0).result).toBe(EFAULT);
    expect(dispatchHypercall(guest, HYPERCALL.CONSOLE_WRITE, 0, 1 << 20, 0).result).toBe(EINVAL);
    expect(dispatchHypercall(guest, 999, 0, 0, 0).result).toBe(EINVAL);
    expect(dispatchHypercall(guest, HYPERCALL.SET_PAGE_TABLE, 0x10_0000, 0, 0).result).toBe(EINVAL);
  });
});

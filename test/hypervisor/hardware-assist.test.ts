import { describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { buildKernelImage } from "../../src/guests/loader";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { EXIT_REASON } from "../../src/hypervisor/exits";
import { COSTS } from "../../src/machine/costs";
import { assemble } from "../../src/machine/assembler";
import { Machine } from "../../src/machine/machine";
import { SENSITIVE_DEMO_SOURCE } from "../../src/hypervisor/sensitive-demo";

const options = { programs: ["hello", "syscalls", "compute", "heap", "fault"], timerInterval: 0 };

function run(technique: "hardware-assist" | "trap-and-emulate") {
  const k = buildKernelImage(options);
  const hv = new Hypervisor({ technique });
  const vm = hv.createVm({ name: "g", memorySize: k.memoryBytes, image: k.image });
  hv.start(vm);
  hv.run({ maxCycles: 100_000_000 });
  return { hv, vm };
}

describe("hardware assist (VT-x model)", () => {
  it("runs the unmodified kernel in guest kernel mode with bare metal's output, exiting only on selected events", () => {
    const m = bootKernel(options);
    const bare = m.run();
    const { hv, vm } = run("hardware-assist");
    expect(vm.state).toBe("halted");
    expect(vm.console).toBe(m.console.output);
    expect(vm.exitCode).toBe(bare.exitCode);
    const exits = vm.stats.exits;
    expect(exits.HLT).toBe(1); // the kernel's final halt
    expect(exits.CR_ACCESS).toBeGreaterThan(0); // csrw PTBR at boot and on process switches
    expect(exits.IO_INSTRUCTION).toBe(vm.console.length); // one per console byte: sbrk asks the disk only when memory is short
    expect(exits.EPT_VIOLATION).toBeGreaterThan(0);
    expect(exits.EXCEPTION_NMI).toBeUndefined(); // syscalls and page faults stay in the guest
    const log = hv.hardware!.exitLog(vm);
    expect(log[log.length - 1].reason).toBe(EXIT_REASON.HLT);
    expect(log.every((e) => e.name.length > 0)).toBe(true);
  });

  it("exits less often than trap-and-emulate traps, each exit charged COSTS.vmExit", () => {
    const hw = run("hardware-assist");
    const te = run("trap-and-emulate");
    expect(hw.vm.console).toBe(te.vm.console);
    const exits = Object.values(hw.vm.stats.exits).reduce((a, b) => a + (b ?? 0), 0);
    expect(exits).toBeLessThan(te.vm.stats.traps);
    // Privileged instructions done in guest mode, without an exit:
    const privilegedExits = (hw.vm.stats.exits.HLT ?? 0) + (hw.vm.stats.exits.CR_ACCESS ?? 0);
    expect(hw.vm.stats.emulated - privilegedExits).toBeGreaterThan(100);
    // Every exit costs a VMX round trip (Adams and Agesen 2006: ~1,500 cycles on early VT-x parts),
    // which is why per-byte console output makes this kernel slower here than under trap-and-emulate.
    expect(hw.vm.stats.cycles).toBeGreaterThan(exits * COSTS.vmExit);
  });

  it("the control block decides: with syscalls in the exception bitmap, each one exits", () => {
    const k = buildKernelImage({ programs: ["hello"], timerInterval: 0 });
    const hv = new Hypervisor({ technique: "hardware-assist" });
    const vm = hv.createVm({ name: "g", memorySize: k.memoryBytes, image: k.image });
    hv.hardware!.controlsOf(vm).exceptionBitmap = 1 << 1; // SYSCALL
    hv.start(vm);
    hv.run({ maxCycles: 10_000_000 });
    expect(vm.console).toBe("hello, world\n");
    expect(vm.stats.exits.EXCEPTION_NMI).toBe(2); // write and exit
  });
});

describe("guest mode and sensitive instructions", () => {
  it("pushf and popf act on the guest's own state, even on the default machine", () => {
    const program = assemble(SENSITIVE_DEMO_SOURCE, { file: "demo.s" });
    const machine = new Machine({ memoryBytes: 64 * 1024 });
    machine.load(program.image, 0);
    machine.run({ maxCycles: 1_000_000 });
    const hv = new Hypervisor({ technique: "hardware-assist" });
    const vm = hv.createVm({ name: "demo", memorySize: 64 * 1024, image: program.image });
    hv.start(vm);
    hv.run({ maxCycles: 5_000_000 });
    expect(vm.console).toBe(machine.console.output);
    expect(vm.stats.exits.EXCEPTION_NMI).toBeUndefined(); // no exit for them: done in guest mode
  });

  it("a user-mode pushf does not trap on the guest's (default) machine, so it is not reflected either", () => {
    const src = `
_start:
        la   t0, handler
        csrw TVEC, t0
        la   t0, user
        csrw EPC, t0
        li   t0, 2
        csrw STATUS, t0         # KM, PKM = 0: rett goes to user mode
        rett
user:
        pushf a1
        sys
handler:
        csrr t2, CAUSE
        addi t2, t2, '0'
        andi a1, a1, 2
        addi a1, a1, '0'
        li   t1, 0xFFFF0000
        sb   t2, 0(t1)
        sb   a1, 0(t1)
        li   a0, 0
        halt
`;
    const program = assemble(src, { file: "user-pushf.s" });
    for (const virtualizable of [false, true]) {
      const machine = new Machine({ memoryBytes: 64 * 1024, virtualizable });
      machine.load(program.image, 0);
      machine.run({ maxCycles: 100_000 });
      expect(machine.console.output).toBe(virtualizable ? "40" : "10");
      const hv = new Hypervisor({ technique: "hardware-assist", virtualizable });
      const vm = hv.createVm({ name: "u", memorySize: 64 * 1024, image: program.image });
      hv.start(vm);
      hv.run({ maxCycles: 1_000_000 });
      expect(vm.console).toBe(machine.console.output);
    }
  });
});

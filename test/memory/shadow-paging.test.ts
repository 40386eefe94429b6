/**
 * Shadow paging as a mechanism with its consistency costs: a guest that
 * remaps a page without tlbinv (legal once the TLB has evicted it) sees
 * the new frame, as on bare metal, because its page-table stores trap;
 * fork's page-table work is counted (write-protect traps, hidden faults,
 * rebuilds); the shadow cache across context switches beats rebuilding.
 */
import { describe, expect, it } from "vitest";
import { assemble } from "../../src/machine/assembler";
import { Machine } from "../../src/machine/machine";
import { COSTS } from "../../src/machine/costs";
import { Hypervisor, type HypervisorOptions } from "../../src/hypervisor/hypervisor";
import { forkLoopProgram, runBare, workloadImage } from "../../src/hypervisor/workloads";
import type { ExitControls } from "../../src/hypervisor/exits";

/**
 * Paging on with the first 128 pages identity mapped (and the console), va
 * 0x100000 -> frame 0x20000 ('A'); loads it, touches 79 other pages (the
 * 64-entry TLB forgets the first), remaps va 0x100000 -> 0x21000 ('B')
 * with a plain store and no tlbinv, loads it again.
 */
const REMAP = `
        .equ DIR, 0x10000
        .equ TABLE, 0x11000
        .equ IOTABLE, 0x12000
_start:
        li   t0, DIR
        li   t1, TABLE | 1
        sw   t1, 0(t0)
        li   t1, IOTABLE | 1
        li   t2, 0xFFC
        add  t2, t0, t2
        sw   t1, 0(t2)              # dir[1023]: the device pages
        li   t1, 0xFFFF0003
        li   t2, IOTABLE + 4 * 0x3F0
        sw   t1, 0(t2)              # 0xFFFF0000 -> itself, V W
        li   t2, 0
fill:
        shli t3, t2, 12
        ori  t3, t3, 0xB            # V W X
        shli t4, t2, 2
        li   t1, TABLE
        add  t4, t4, t1
        sw   t3, 0(t4)
        addi t2, t2, 1
        li   t1, 128
        blt  t2, t1, fill
        li   t1, 0x20003
        li   t4, TABLE + 4 * 0x100
        sw   t1, 0(t4)              # va 0x100000 -> frame 0x20000
        li   t1, 'A'
        li   t2, 0x20000
        sb   t1, 0(t2)
        li   t1, 'B'
        li   t2, 0x21000
        sb   t1, 0(t2)
        csrw PTBR, t0
        li   t1, 0x12               # KM | PG
        csrw STATUS, t1
        li   s0, 0x100000
        lbu  a0, 0(s0)
        call out
        li   t2, 0x30000            # 79 other pages
touch:
        lw   t1, 0(t2)
        li   t1, 0x1000
        add  t2, t2, t1
        li   t1, 0x7F000
        blt  t2, t1, touch
        li   t1, 0x21003
        li   t4, TABLE + 4 * 0x100
        sw   t1, 0(t4)              # remapped, no tlbinv
        lbu  a0, 0(s0)
        call out
        li   a0, 0
        halt
out:
        li   t1, 0xFFFF0000
        sb   a0, 0(t1)
        ret
`;

const IMAGE = assemble(REMAP, { file: "remap.s" });

function bare(): string {
  const m = new Machine({ memoryBytes: 1024 * 1024 });
  m.load(IMAGE);
  m.run();
  return m.console.output;
}

function virtual(options: HypervisorOptions): string {
  const hv = new Hypervisor({ ...options, memoryBytes: 4 * 1024 * 1024 });
  const image = new Uint8Array(1024 * 1024);
  image.set(IMAGE.image, IMAGE.origin);
  const vm = hv.createVm({ name: "remap", memorySize: image.length, image });
  hv.start(vm);
  hv.run({ maxCycles: 50_000_000 });
  expect(vm.state).toBe("halted");
  return vm.console;
}

describe("shadow page tables stay true to the guest's page tables", () => {
  it("a page remapped without tlbinv after the TLB evicted it reads the new frame, as on bare metal, under every technique", () => {
    expect(bare()).toBe("AB");
    expect(virtual({ technique: "trap-and-emulate" })).toBe("AB");
    expect(virtual({ technique: "trap-and-emulate", shadowCache: false })).toBe("AB");
    expect(virtual({ technique: "binary-translation" })).toBe("AB");
    expect(virtual({ technique: "hardware-assist", paging: "shadow" })).toBe("AB");
    expect(virtual({ technique: "hardware-assist", paging: "nested" })).toBe("AB");
  });
});

const FORKS = workloadImage(forkLoopProgram(12));
const BARE = runBare(FORKS);

function forks(options: HypervisorOptions, controls: Partial<ExitControls> = {}) {
  const hv = new Hypervisor({ sliceCycles: 1_000_000, ...options });
  const vm = hv.createVm({ name: "forks", memorySize: FORKS.memoryBytes, image: FORKS.image });
  if (hv.hardware) Object.assign(hv.hardware.controlsOf(vm), controls);
  hv.start(vm);
  const report = hv.run({ maxCycles: 2_000_000_000 });
  expect(vm.state).toBe("halted");
  expect(vm.console).toBe(BARE.console);
  return { hv, vm, cycles: report.cycles, shadow: hv.shadow(vm) };
}

describe("the costs of shadow paging on a fork loop", () => {
  it("traps the guest's page-table stores, fills hidden faults, and counts both per VM", () => {
    const { vm, shadow } = forks({ technique: "trap-and-emulate" });
    expect(vm.stats.writeProtectTraps).toBeGreaterThan(12); // at least one per fork's copy-on-write downgrade
    expect(shadow.stats.writeProtectTraps).toBe(vm.stats.writeProtectTraps);
    expect(vm.stats.hiddenFaults).toBeGreaterThan(0);
    expect(shadow.stats.invalidations).toBeGreaterThan(0);
    expect(shadow.shadowPages).toBeGreaterThan(2);
  });
  it("keeps a context per guest PTBR: cache hits instead of rebuilds, fewer hidden faults and cycles than rebuilding at each switch", () => {
    const cached = forks({ technique: "trap-and-emulate" });
    const rebuilt = forks({ technique: "trap-and-emulate", shadowCache: false });
    expect(cached.shadow.stats.cacheHits).toBeGreaterThan(0);
    expect(rebuilt.shadow.stats.cacheHits).toBe(0);
    expect(rebuilt.shadow.stats.rebuilds).toBeGreaterThan(cached.shadow.stats.rebuilds);
    expect(rebuilt.vm.stats.hiddenFaults).toBeGreaterThan(cached.vm.stats.hiddenFaults);
    expect(rebuilt.cycles - cached.cycles).toBeGreaterThan((rebuilt.shadow.stats.rebuilds - cached.shadow.stats.rebuilds) * COSTS.shadowRebuild);
  });
  it("first-generation hardware assist exits on every page fault; nested paging on none of them, and wins", () => {
    const first = forks({ technique: "hardware-assist", paging: "shadow" });
    const nested = forks({ technique: "hardware-assist", paging: "nested" }, { crAccessExiting: false });
    const bt = forks({ technique: "binary-translation" });
    expect(first.vm.stats.exits.EXCEPTION_NMI).toBeGreaterThanOrEqual(first.vm.stats.hiddenFaults + first.vm.stats.writeProtectTraps);
    expect(nested.vm.stats.exits.EXCEPTION_NMI).toBeUndefined();
    expect(nested.vm.stats.hiddenFaults).toBe(0);
    expect(nested.vm.stats.exits.EPT_VIOLATION).toBeGreaterThan(0);
    // Adams and Agesen 2006: without nested paging, hardware assist loses to BT on page-table-heavy work.
    expect(first.cycles).toBeGreaterThan(bt.cycles);
    expect(nested.cycles).toBeLessThan(bt.cycles);
  });
});

/**
 * Disco's software TLB (src/memory/software-tlb.ts): what a user relies on.
 * The mechanism alone: tlbw installs VPN->MPN through the pmap and nothing
 * outside the VM; kseg0 is mapped by the VMM; tlbinv reaches every level;
 * the L2 TLB refills what the guest's TLB dropped. Then the whole flow on
 * the kernel: OSTEP's seven steps in order, and an L2 TLB that hits on a
 * loop revisiting more pages than the TLB holds.
 */
import { describe, expect, it } from "vitest";
import { PhysicalMemory } from "../../src/machine/memory";
import { Tlb } from "../../src/machine/tlb";
import { CAUSE, CSR, KSEG0_BASE, MMIO_BASE, PTE, STATUS } from "../../src/machine/isa";
import { Pmap } from "../../src/memory/pmap";
import { GuestTlb, SoftwareTlbMmu, emptySoftwareTlbStats, l2HitRate, type GuestCpu } from "../../src/memory/software-tlb";
import { STEP, traceRows } from "../../src/hypervisor/trace";
import { Hypervisor } from "../../src/hypervisor/hypervisor";
import { runBare, runVirtualized, tlbSweepProgram, workloadImage } from "../../src/hypervisor/workloads";
import { buildKernelImage } from "../../src/guests/loader";

const BASE = 0x40000; // machine address of guest-physical 0
const SIZE = 0x20000; // 32 guest pages

function setup(l2Entries = 1024) {
  const memory = new PhysicalMemory(0x100000);
  const realTlb = new Tlb(64);
  const spent = { charged: 0, hidden: 0 };
  const mmu = new SoftwareTlbMmu({
    memory,
    realTlb,
    charge: (c) => { spent.charged += c; },
    hideFromGuest: (c) => { spent.hidden += c; },
  });
  const g = new GuestTlb(new Pmap(BASE, SIZE), emptySoftwareTlbStats(), 64, l2Entries);
  return { memory, realTlb, mmu, g, spent };
}

/** A guest CPU: user or kernel mode, paging on, ASID 5; PKM as after a trap from `from`. */
function cpu(mode: "user" | "kernel", from: "user" | "kernel" = mode): GuestCpu {
  const csr = new Uint32Array(12);
  csr[CSR.STATUS] = STATUS.PG | (mode === "kernel" ? STATUS.KM : 0) | (from === "kernel" ? STATUS.PKM : 0);
  csr[CSR.ASID] = 5;
  return { kernelMode: mode === "kernel", pagingEnabled: true, csr };
}

const hi = (va: number, asid = 5) => ((va & ~0xfff) | asid) >>> 0;

describe("the software TLB's mechanism", () => {
  it("tlbw of VPN->PPN puts VPN->MPN in the real TLB, for the view the handler returns to", () => {
    const { mmu, g, realTlb } = setup();
    const handler = cpu("kernel", "user");
    const mpn = mmu.write(g, handler, hi(0x7000), 0x3000 | PTE.V | PTE.W | PTE.U);
    expect(mpn).toBe((BASE + 0x3000) >>> 12);
    const i = realTlb.probe(0x7, mmu.realAsid(g, cpu("user")));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(realTlb.pfn[i]).toBe(mpn);
    expect(realTlb.flags[i] & (PTE.W | PTE.U)).toBe(PTE.W | PTE.U);
    // The kernel view of the same ASID has a real ASID of its own: no entry there yet.
    expect(mmu.realAsid(g, cpu("kernel"))).not.toBe(mmu.realAsid(g, cpu("user")));
  });

  it("a kernel-only entry is kept from the guest's user mode, in the real TLB and on a miss", () => {
    const { mmu, g, realTlb } = setup();
    mmu.write(g, cpu("kernel", "user"), hi(0x8000), 0x4000 | PTE.V | PTE.W);
    const i = realTlb.probe(0x8, mmu.realAsid(g, cpu("user")));
    expect(realTlb.flags[i] & PTE.U).toBe(0);
    realTlb.flush();
    expect(mmu.miss(g, cpu("user"), 0x8010, "load")).toEqual({ kind: "fault", cause: CAUSE.PAGE_FAULT_LOAD });
    // In the guest's kernel mode the real entry carries U (the real CPU runs it in user mode).
    expect(mmu.miss(g, cpu("kernel"), 0x8010, "store")).toEqual({ kind: "filled", how: "guest-tlb" });
    const k = realTlb.probe(0x8, mmu.realAsid(g, cpu("kernel")));
    expect(realTlb.flags[k] & PTE.U).toBe(PTE.U);
  });

  it("no real entry ever names a frame outside the VM: a foreign frame faults, a device page is emulated", () => {
    const { mmu, g, realTlb } = setup();
    for (const frame of [SIZE, 0x100000, BASE, 0x3fff0000]) {
      expect(mmu.write(g, cpu("kernel", "user"), hi(0x9000), frame | PTE.V | PTE.W | PTE.U)).toBe(-1);
      expect(mmu.miss(g, cpu("user"), 0x9004, "store")).toEqual({ kind: "fault", cause: CAUSE.PAGE_FAULT_STORE });
    }
    mmu.write(g, cpu("kernel", "kernel"), hi(0xa000), MMIO_BASE | PTE.V | PTE.W);
    expect(mmu.miss(g, cpu("kernel"), 0xa008, "load")).toEqual({ kind: "device", gpa: MMIO_BASE + 8 });
    for (const e of realTlb.entries()) expect(e.pfn >= BASE >>> 12 && e.pfn < (BASE + SIZE) >>> 12).toBe(true);
  });

  it("maps the guest kernel's kseg0 from the pmap, invisibly, and only inside the VM", () => {
    const { mmu, g, realTlb, spent } = setup();
    expect(mmu.miss(g, cpu("kernel"), KSEG0_BASE + 0x2345, "fetch")).toEqual({ kind: "filled", how: "direct" });
    const i = realTlb.probe((KSEG0_BASE + 0x2000) >>> 12, mmu.realAsid(g, cpu("kernel")));
    expect(realTlb.pfn[i]).toBe((BASE + 0x2000) >>> 12);
    expect(spent.hidden).toBeGreaterThan(0);
    expect(mmu.miss(g, cpu("kernel"), KSEG0_BASE + SIZE, "load")).toEqual({ kind: "fault", cause: CAUSE.PAGE_FAULT_LOAD });
    // In user mode kseg0 is an ordinary address: the guest's own TLB decides.
    expect(mmu.miss(g, cpu("user"), KSEG0_BASE + 0x2345, "load")).toEqual({ kind: "miss" });
    expect(g.stats.directFills).toBe(2);
  });

  it("tlbinv drops the page from the guest's TLB, the L2 TLB and the real TLB", () => {
    const { mmu, g, realTlb } = setup();
    mmu.write(g, cpu("kernel", "user"), hi(0xb000), 0x5000 | PTE.V | PTE.U);
    mmu.invalidate(g, 0xb123);
    expect(realTlb.entries()).toEqual([]);
    expect(mmu.miss(g, cpu("user"), 0xb000, "load")).toEqual({ kind: "miss" });
    expect(g.stats.l2Misses).toBe(1);
  });

  it("the L2 TLB refills an entry the guest's TLB dropped; without it the guest is asked again", () => {
    for (const l2 of [1024, 0]) {
      const { mmu, g } = setup(l2);
      for (let p = 0; p < 65; p++) mmu.write(g, cpu("kernel", "user"), hi(0x100000 + p * 0x1000), (p % 32) << 12 | PTE.V | PTE.U);
      // 65 entries in a 64-entry TLB: the first is gone from the guest's TLB.
      const r = mmu.miss(g, cpu("user"), 0x100000, "load");
      if (l2 > 0) {
        expect(r).toEqual({ kind: "filled", how: "l2" });
        expect(l2HitRate(g.stats)).toBe(1);
      } else {
        expect(r).toEqual({ kind: "miss" });
      }
    }
  });
});

describe("the software TLB under trap-and-emulate", () => {
  it("traces one miss in OSTEP's seven steps, in order", () => {
    const k = buildKernelImage({ programs: ["hello"], timerInterval: 0, platform: "software-tlb" });
    const hv = new Hypervisor({ mmu: "software-tlb", trace: true });
    const vm = hv.createVm({ name: "disco", memorySize: k.memoryBytes, image: k.image });
    hv.start(vm);
    hv.run();
    expect(vm.console).toBe("hello, world\n");
    const steps = hv.tracer.steps;
    // The first miss whose handler wrote a valid entry (the first ones find pages not yet in memory).
    const first = steps.findIndex((s, i) => s.text === STEP.tlbMiss && s.actor === "Process" && steps[i + 6]?.text === STEP.missRetried);
    expect(first).toBeGreaterThanOrEqual(0);
    const seven = steps.slice(first, first + 7).map((s) => [s.actor, s.text]);
    expect(seven).toEqual([
      ["Process", STEP.tlbMiss],
      ["VMM", STEP.callMissHandler],
      ["Operating System", STEP.missHandler],
      ["VMM", STEP.installMpn],
      ["Operating System", STEP.missReturn],
      ["VMM", STEP.realReturn],
      ["Process", STEP.missRetried],
    ]);
    // The process resumes at the instruction that missed.
    expect(steps[first + 6].pc).toBe(steps[first].pc);
    // A miss whose handler wrote an invalid entry says that its retry traps again; and before the
    // first valid entry the process takes one such miss at least (its first touch of a page).
    const invalid = steps.findIndex((s) => s.text === STEP.missRetriedNoEntry);
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThan(first);
    expect(vm.stats.softwareTlb.reflectedMisses).toBe(vm.stats.softwareTlb.tlbWrites);
    // As a table: each step in its actor's column, numbered.
    const rows = traceRows(steps.slice(first, first + 7));
    expect(rows[3].VMM).toBe(`4. ${STEP.installMpn}`);
    expect(rows[3]["Operating System"]).toBe("");
    expect(rows[2]["Operating System"]).toBe(`3. ${STEP.missHandler}`);
  });

  it("the L2 TLB hits on a loop that revisits more pages than the TLB holds, and saves cycles", () => {
    const image = workloadImage(tlbSweepProgram(96, 4), 0, "software-tlb");
    const bare = runBare(image);
    const withL2 = runVirtualized(image, "trap-and-emulate");
    const without = runVirtualized(image, "trap-and-emulate", { l2TlbEntries: 0 });
    for (const r of [withL2, without]) expect(r.console).toBe(bare.console);
    const s = withL2.stats?.softwareTlb;
    const t = without.stats?.softwareTlb;
    if (!s || !t) throw new Error("no VM statistics");
    expect(l2HitRate(s)).toBeGreaterThan(0.5);
    expect(s.reflectedMisses).toBeLessThan(t.reflectedMisses);
    expect(withL2.cycles).toBeLessThan(without.cycles);
    expect(t.l2Hits + t.l2Misses).toBe(0); // no L2 TLB, no lookups
  });

  it("refuses what it cannot virtualize, in one line", () => {
    expect(() => new Hypervisor({ mmu: "software-tlb", technique: "binary-translation" })).toThrow(/software-tlb machine is virtualized by trap-and-emulate/);
    const hv = new Hypervisor({ mmu: "software-tlb" });
    expect(() => hv.createVm({ name: "pv", memorySize: 4096, image: new Uint8Array(4), paravirtual: true })).toThrow(/paravirtual guest needs the hardware MMU/);
    expect(() => new Hypervisor({ mmu: "software-tlb", l2TlbEntries: -1 })).toThrow(/l2TlbEntries must be a whole number/);
  });
});

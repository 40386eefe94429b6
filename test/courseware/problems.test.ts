import { execFileSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors";
import { CAUSE, PTE } from "../../src/machine/isa";
import { PhysicalMemory } from "../../src/machine/memory";
import { ACCESS_BY_NAME, Mmu } from "../../src/machine/mmu";
import { Tlb } from "../../src/machine/tlb";
import { creditProblem, generateProblem, pagingProblem, Prng, simulateTlb, tlbProblem, trapProblem, walkTwoLevel, type PagingData } from "../../src/courseware/problems";

const VMLAB = path.join(__dirname, "..", "..", "bin", "vmlab.js");

describe("the generators' PRNG", () => {
  it("is mulberry32: seed 1 gives its published first output 0.6270739405881613", () => {
    expect(new Prng(1).next()).toBe(0.6270739405881613);
  });
  it("draws integers within bounds and shuffles to a permutation", () => {
    const rng = new Prng(9);
    for (let i = 0; i < 1000; i++) expect(rng.int(3, 5)).toBeGreaterThanOrEqual(3);
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("same seed, same problem, on every machine", () => {
  it("fixes seed 42's numbers (a change here changes every student's variant)", () => {
    const paging = pagingProblem(42);
    expect(paging.data.ptbr).toBe(0x00bf2000);
    expect(paging.data.accesses[0]).toEqual({ va: 2149371608, access: "store" });
    expect(paging.answers.map((t) => t.pa)).toEqual([8867544, null, null, null, null, 8867496]);
    const tlb = tlbProblem(42);
    expect([tlb.data.entries, tlb.data.policy, tlb.answers.hits]).toEqual([3, "FIFO", 8]);
    expect(trapProblem(42).answers.order.join("")).toBe("CGAKBFJIEDH");
  });
  it("is the same in a fresh process through the command, and differs between seeds", () => {
    const run = (seed: string): string => execFileSync(process.execPath, [VMLAB, "problem", "paging", "--seed", seed, "--answers", "--json"], { encoding: "utf8" });
    const first = JSON.parse(run("7"));
    expect(first).toEqual(JSON.parse(JSON.stringify({ kind: "paging", seed: 7, title: pagingProblem(7).title, data: pagingProblem(7).data, answers: pagingProblem(7).answers })));
    expect(run("8")).not.toBe(run("7"));
  });
  it("prints no answers without --answers", () => {
    const text = execFileSync(process.execPath, [VMLAB, "problem", "tlb", "--seed", "3"], { encoding: "utf8" });
    expect(text).toContain("-> ?");
    expect(text).not.toMatch(/VPN 0x|Hits \d/);
    const json = JSON.parse(execFileSync(process.execPath, [VMLAB, "problem", "trap", "--seed", "3", "--json"], { encoding: "utf8" }));
    expect(json.answers).toBeUndefined();
  });
});

describe("two-level translation", () => {
  const data: PagingData = {
    ptbr: 0x10000,
    directory: [{ index: 1, address: 0x10004, value: 0x20000 | PTE.V }],
    tables: [{ frame: 0x20, entries: [
      { index: 0, address: 0x20000, value: 0x30000 | PTE.V | PTE.U | PTE.W },
      { index: 2, address: 0x20008, value: 0x40000 | PTE.V | PTE.U },
      { index: 3, address: 0x2000c, value: 0x50000 | PTE.V },
    ] }],
    accesses: [],
  };
  it("walks directory then table: 0x00400abc -> frame 0x30", () => {
    expect(walkTwoLevel(data, 0x00400abc, "store")).toMatchObject({ dirIndex: 1, tableIndex: 0, offset: 0xabc, pa: 0x30abc, fault: null });
  });
  it("faults on a missing directory entry, a missing PTE, U = 0 and W = 0", () => {
    expect(walkTwoLevel(data, 0x00800000, "load").fault).toMatchObject({ cause: CAUSE.PAGE_FAULT_LOAD, reason: "the directory entry is not valid" });
    expect(walkTwoLevel(data, 0x00401000, "load").fault?.reason).toBe("the page-table entry is not valid");
    expect(walkTwoLevel(data, 0x00403000, "load").fault?.reason).toBe("the page is not user-accessible (U = 0)");
    expect(walkTwoLevel(data, 0x00402000, "store").fault).toMatchObject({ cause: CAUSE.PAGE_FAULT_STORE, reason: "the page is not writable (W = 0)" });
  });
  it("agrees with toy32's own MMU on every address of 50 seeds", () => {
    for (let seed = 0; seed < 50; seed++) {
      const p = pagingProblem(seed);
      const memory = new PhysicalMemory();
      for (const e of [...p.data.directory, ...p.data.tables.flatMap((t) => t.entries)]) memory.words[e.address >>> 2] = e.value;
      const mmu = new Mmu("hardware", memory, new Tlb());
      p.answers.forEach((t) => {
        const machine = mmu.probe(t.va, ACCESS_BY_NAME[t.access], true, 0, p.data.ptbr);
        expect(machine ?? null, `seed ${seed} ${t.access} 0x${t.va.toString(16)}`).toBe(t.pa);
      });
    }
  });

  it("mixes translations and faults in a generated problem", () => {
    for (let seed = 0; seed < 20; seed++) {
      const p = pagingProblem(seed);
      expect(p.answers.filter((t) => t.fault?.reason === "the directory entry is not valid").length).toBeGreaterThan(0);
      expect(p.answers.filter((t) => (t.pde & PTE.V) !== 0).length).toBeGreaterThanOrEqual(3);
      expect(p.question).not.toContain("PA 0x");
      for (const t of p.answers) expect(p.solution).toContain(t.pa === null ? (t.fault?.causeName as string) : `PA 0x${t.pa.toString(16).padStart(8, "0")}`);
    }
  });
});

describe("TLB", () => {
  // Belady's example string, pages 1..5, 3 frames: FIFO 9 faults, LRU 10, OPT 7.
  const belady = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
  const misses = (policy: "LRU" | "FIFO" | "OPT", size: number): number => simulateTlb(belady, size, policy).filter((s) => !s.hit).length;
  it("counts misses as the textbooks do", () => {
    expect([misses("FIFO", 3), misses("LRU", 3), misses("OPT", 3)]).toEqual([9, 10, 7]);
    expect(misses("FIFO", 4)).toBe(10); // Belady's anomaly
  });
  it("refuses a policy it does not know", () => {
    expect(() => tlbProblem(1, { policy: "MRU" as never })).toThrow(UserError);
  });
});

describe("a syscall under trap-and-emulate", () => {
  it("orders sys, trap, reflection, the guest's handler, rett's trap, the emulated return", () => {
    const p = trapProblem(5);
    const texts = p.answers.events.map((e) => e.text);
    const at = (needle: string): number => texts.findIndex((t) => t.includes(needle));
    expect(at("executes `sys`")).toBe(0);
    expect(at("CPU traps (CAUSE = SYSCALL")).toBe(1);
    expect(at("reflects the trap")).toBe(2);
    expect(at("resumes the guest at its kernel's vector")).toBe(3);
    expect(at("executes `rett`")).toBeLessThan(at("emulates rett"));
    expect(at("continues at")).toBe(texts.length - 1);
    expect(p.answers.vmmEntries).toBe(p.answers.events.filter((e) => e.entersVmm).length);
    expect(p.answers.order.map((l) => p.data.shuffled[l.charCodeAt(0) - 65])).toEqual(texts);
  });
  it("refuses a seed that is not a 32-bit integer", () => {
    expect(() => generateProblem("trap", -1)).toThrow(UserError);
    expect(() => generateProblem("nope", 1)).toThrow(/no problem kind "nope"/);
  });
});

describe("credit: what weights and caps entitle each VM to", () => {
  it("shares out every PCPU a VM can use, each VM at its ceiling or at the common level of its claim", () => {
    for (let seed = 0; seed < 200; seed++) {
      const { data, answers } = creditProblem(seed);
      const ceiling = data.vms.map((vm) => Math.min(vm.vcpus, vm.cap > 0 ? vm.cap / 100 : Infinity));
      const total = answers.shares.reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(Math.min(data.pcpus, ceiling.reduce((a, b) => a + b, 0)), 9);
      // Every VM below its ceiling gets the same share per unit of claim, and no less than any VM at its ceiling does.
      const level = data.vms.map((vm, i) => answers.shares[i] / (vm.weight * vm.vcpus));
      const free = level.filter((_, i) => answers.shares[i] < ceiling[i] - 1e-9);
      for (const l of free) expect(l).toBeCloseTo(free[0], 12);
      data.vms.forEach((_, i) => {
        expect(answers.shares[i]).toBeLessThanOrEqual(ceiling[i] + 1e-12);
        if (free.length > 0) expect(level[i]).toBeLessThanOrEqual(free[0] + 1e-12);
      });
    }
  });
  it("works seed 0 by hand: one PCPU, weights 256, 256 and 512, two VMs capped at 25%", () => {
    const { data, answers } = creditProblem(0);
    expect(data.vms.map((vm) => [vm.weight, vm.cap])).toEqual([[256, 0], [256, 25], [512, 25]]);
    expect(answers.shares).toEqual([0.5, 0.25, 0.25]);
    expect(creditProblem(0).question).toContain("vm3       512      1  25%    ?");
  });
});

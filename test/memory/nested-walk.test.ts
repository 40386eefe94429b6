/**
 * Nested paging's two-dimensional walk: the reference count of the model
 * for any depth, the MMU's real 2 x 2 walk (8 references cold, fewer with
 * the nested TLB warm), and the seeded problem, which must agree with the
 * MMU on every address.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { nestedProblem, walkNested, type NestedData } from "../../src/courseware/problems";
import { PTE } from "../../src/machine/isa";
import { PhysicalMemory } from "../../src/machine/memory";
import { NestedWalker } from "../../src/machine/nested-walk";
import { Tlb } from "../../src/machine/tlb";
import { NestedPageTable } from "../../src/memory/nested-paging";
import { Pmap } from "../../src/memory/pmap";
import { twoDimensionalReferences, twoDimensionalWalk, oneDimensionalReferences } from "../../src/memory/walk-model";
import { UserError } from "../../src/errors";

const VMLAB = path.join(__dirname, "..", "..", "bin", "vmlab.js");

describe("the walk model", () => {
  it("counts (n+1)(m+1)-1 references: 8 for 2x2, 15 for 3x3, 24 for 4x4, against n for one dimension", () => {
    expect(twoDimensionalReferences(2, 2)).toBe(8);
    expect(twoDimensionalReferences(3, 3)).toBe(15);
    expect(twoDimensionalReferences(4, 4)).toBe(24);
    for (let n = 1; n <= 5; n++) for (let m = 1; m <= 5; m++) expect(twoDimensionalReferences(n, m)).toBe((n + 1) * (m + 1) - 1);
    expect(oneDimensionalReferences(4)).toBe(4);
  });
  it("orders them: m nested references before each guest entry and before the data", () => {
    const w = twoDimensionalWalk(2, 2).map((r) => (r.dimension === "guest" ? `g${r.guestLevel}` : `n${r.guestLevel}.${r.nestedLevel}`));
    expect(w).toEqual(["n1.1", "n1.2", "g1", "n2.1", "n2.2", "g2", "n3.1", "n3.2"]);
  });
  it("refuses a depth it cannot model, in one line", () => {
    expect(() => twoDimensionalWalk(0, 2)).toThrow(UserError);
    expect(() => twoDimensionalWalk(2, 9)).toThrow(/nested levels must be a whole number of levels from 1 to 8, not 9/);
  });
});

/** A VM of 1 MiB at machine 0x100000 with a guest table mapping va 0x00400000.. to gpa 0x50000.. */
function guest() {
  const mem = new PhysicalMemory(4 * 1024 * 1024);
  const pmap = new Pmap(0x100000, 0x100000);
  const nested = new NestedPageTable(mem, 0x300000, pmap);
  const dir = 0x10000, table = 0x11000;
  mem.writeWord(pmap.machine(dir + 4 * 1), table | PTE.V);
  for (let i = 0; i < 4; i++) mem.writeWord(pmap.machine(table + 4 * i), ((0x50000 + 0x1000 * i) | PTE.V | PTE.W) >>> 0);
  const walker = new NestedWalker(mem);
  Object.assign(walker.registers, { nestedRoot: nested.root, guestPtbr: dir, guestPaging: true, guestUser: false });
  return { mem, pmap, nested, walker, tlb: new Tlb(64) };
}

describe("the MMU's two-dimensional walk", () => {
  it("makes 8 references on a cold miss, reaches the pmap's machine address and sets the guest's A and D", () => {
    const { mem, pmap, nested, walker, tlb } = guest();
    for (const gpa of [0x10000, 0x11000, 0x50000]) nested.map(gpa);
    const ma = walker.walk(0x00400123, 1, 0, tlb);
    expect(ma).toBe(pmap.machine(0x50123));
    expect(walker.references).toBe(twoDimensionalReferences(2, 2));
    expect(walker.cycles).toBe(8 * 10);
    expect(mem.readWord(pmap.machine(0x11000)) & (PTE.A | PTE.D)).toBe(PTE.A | PTE.D);
    expect(tlb.probe(0x400, 0)).toBeGreaterThanOrEqual(0);
  });
  it("with the nested TLB warm, the next page's walk makes 4 references: 2 guest entries, 2 for the new data page", () => {
    const { nested, walker, tlb } = guest();
    for (const gpa of [0x10000, 0x11000, 0x50000, 0x51000]) nested.map(gpa);
    walker.walk(0x00400000, 0, 0, tlb);
    const before = walker.references;
    walker.walk(0x00401000, 0, 0, tlb);
    expect(walker.references - before).toBe(4);
    expect(walker.ntlb.hits).toBe(2);
  });
  it("tells a nested fault (the guest-physical address) from the guest's own fault (-1)", () => {
    const { nested, walker, tlb } = guest();
    for (const gpa of [0x10000, 0x11000]) nested.map(gpa);
    expect(walker.walk(0x00400000, 0, 0, tlb)).toBe(-1);
    expect(walker.violation).toBe(0x50000);
    expect(walker.walk(0x00800000, 0, 0, tlb)).toBe(-1); // directory entry 2 is empty: the guest's fault
    expect(walker.violation).toBe(-1);
  });
  it("never maps outside the pmap: a nested fill beyond the VM is refused", () => {
    const { nested } = guest();
    expect(nested.map(0x100000)).toBe(false);
    expect(nested.map(0xffff0000)).toBe(false);
    expect(nested.mappings()).toEqual([]);
  });
});

const MACHINE = new PhysicalMemory(16 * 1024 * 1024);

/** Lays a problem's tables out in machine memory and walks them with the MMU. */
function onHardware(data: NestedData, va: number): { machine: number | null; references: number; violation: number } {
  const mem = MACHINE;
  mem.bytes.fill(0);
  for (const e of data.nestedDirectory) mem.writeWord(e.address, e.value);
  const machineOf = new Map<number, number>();
  for (const t of data.nestedTables) for (const e of t.entries) { mem.writeWord(e.address, e.value); machineOf.set(e.index, e.value & ~0xfff); }
  const put = (gpa: number, value: number) => { const f = machineOf.get(gpa >>> 12); if (f !== undefined) mem.writeWord(f + (gpa & 0xfff), value); };
  for (const e of data.guestDirectory) put(e.address, e.value);
  for (const t of data.guestTables) for (const e of t.entries) put(e.address, e.value);
  const walker = new NestedWalker(mem);
  Object.assign(walker.registers, { nestedRoot: data.nestedRoot, guestPtbr: data.guestPtbr, guestPaging: true, guestUser: false });
  const ma = walker.walk(va, 0, 0, new Tlb(64));
  return { machine: ma < 0 ? null : ma, references: walker.references, violation: walker.violation };
}

describe("vmlab problem nested", () => {
  it("agrees with the MMU on every address of 50 seeds: the machine address, the fault, the number of references", () => {
    let faults = 0, complete = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const p = nestedProblem(seed, { count: 3 });
      for (const a of p.answers) {
        const hw = onHardware(p.data, a.va);
        expect(a.machine).toBe(hw.machine);
        expect(a.steps.length).toBe(hw.references);
        expect(a.fault?.kind === "nested fault" ? a.fault.gpa : -1).toBe(hw.violation);
        if (a.fault) faults++;
        if (!a.fault) { complete++; expect(a.steps.length).toBe(8); }
      }
    }
    expect(faults).toBeGreaterThan(5);
    expect(complete).toBeGreaterThan(50);
  });
  it("recomputes the same answers from its own data (walkNested) and prints no answers without --answers", () => {
    const p = nestedProblem(12);
    expect(p.data.addresses.map((va) => walkNested(p.data, va))).toEqual(p.answers);
    expect(p.question).not.toMatch(/references\)/);
    expect(p.solution).toMatch(/nested directory +for gpa/);
  });
  it("is the same through the command, seed for seed", () => {
    const run = (seed: string): string => execFileSync(process.execPath, [VMLAB, "problem", "nested", "--seed", seed, "--answers", "--json"], { encoding: "utf8" });
    const out = JSON.parse(run("5"));
    expect(out.answers).toEqual(JSON.parse(JSON.stringify(nestedProblem(5).answers)));
    expect(run("6")).not.toBe(run("5"));
  });
});

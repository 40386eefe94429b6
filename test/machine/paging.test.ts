import { describe, expect, it } from "vitest";
import { CAUSE, PTE, STATUS } from "../../src/machine/isa";
import type { Machine } from "../../src/machine/machine";
import { TLB_LOCKED } from "../../src/machine/tlb";
import { HANDLER, SETUP, TO_USER, load } from "./helpers";

const ROOT = 0x80000;
const V = PTE.V, W = PTE.W, U = PTE.U, X = PTE.X;

/** Host-built two-level tables at ROOT (ISA.md, Memory management); returns map(). */
function pageTables(m: Machine): (va: number, pa: number, flags: number) => number {
  let nextTable = ROOT + 0x1000;
  return (va, pa, flags) => {
    const pdeAddress = ROOT + (va >>> 22) * 4;
    let pde = m.readWord(pdeAddress);
    if ((pde & V) === 0) {
      pde = nextTable | V;
      nextTable += 0x1000;
      m.writeWord(pdeAddress, pde);
    }
    const pteAddress = (pde & ~0xfff) + ((va >>> 12) & 0x3ff) * 4;
    m.writeWord(pteAddress, ((pa & ~0xfff) | flags) >>> 0);
    return pteAddress;
  };
}

/** A machine running `source` with paging on; code pages 0-1 identity-mapped with `codeFlags`. */
function paged(source: string, codeFlags = V | W | X, options = {}) {
  const m = load(`${SETUP}\n${source}\n${HANDLER}`, options);
  const map = pageTables(m);
  map(0, 0, codeFlags);
  map(0x1000, 0x1000, codeFlags);
  m.setCsr("PTBR", ROOT);
  m.setCsr("STATUS", STATUS.KM | STATUS.PG);
  return { m, map, run: () => m.run({ maxCycles: 100_000 }), reg: (i: number) => m.regs[i] };
}
const S0 = 10, S1 = 11, S2 = 12, A0 = 1, A1 = 2;

describe("paging with the hardware walker", () => {
  it("translates through the two-level table", () => {
    const p = paged(`
        li   t0, 0x00400010
        li   t1, 0x1234
        sw   t1, 0(t0)
        lw   a1, 0(t0)
        li   a0, 0
        halt`);
    p.map(0x400000, 0x20000, V | W);
    expect(p.run().reason).toBe("halted");
    expect(p.m.readWord(0x20010)).toBe(0x1234);
    expect(p.reg(A1)).toBe(0x1234);
    expect(p.m.translate(0x400010)).toBe(0x20010);
  });

  it("the walker sets A on any access and D on a store", () => {
    const p = paged(`
        li   t0, 0x00400000
        lw   a1, 0(t0)
        li   t0, 0x00401000
        sw   a1, 0(t0)
        halt`);
    const readPte = p.map(0x400000, 0x20000, V | W);
    const writePte = p.map(0x401000, 0x21000, V | W);
    const untouched = p.map(0x402000, 0x22000, V | W);
    p.run();
    expect(p.m.readWord(readPte) & (PTE.A | PTE.D)).toBe(PTE.A);
    expect(p.m.readWord(writePte) & (PTE.A | PTE.D)).toBe(PTE.A | PTE.D);
    expect(p.m.readWord(untouched) & (PTE.A | PTE.D)).toBe(0);
    expect(p.m.statistics().pageWalks).toBeGreaterThanOrEqual(3);
  });

  it("a store to a page first only read sets D (the walker runs again)", () => {
    const p = paged(`
        li   t0, 0x00400000
        lw   a1, 0(t0)
        sw   a1, 4(t0)
        halt`);
    const pte = p.map(0x400000, 0x20000, V | W);
    p.run();
    expect(p.m.readWord(pte) & PTE.D).toBe(PTE.D);
  });

  it("W: a store to a read-only page faults, in kernel mode too", () => {
    const p = paged("li t0, 0x00400000\nlw a1, 0(t0)\nhere: sw a1, 8(t0)\nhalt");
    p.map(0x400000, 0x20000, V);
    p.run();
    expect([p.reg(S0), p.reg(S1), p.reg(S2)]).toEqual([CAUSE.PAGE_FAULT_STORE, p.m.symbols?.get("here"), 0x400008]);
  });

  it("X: fetching from a page without X faults", () => {
    const p = paged("li t0, 0x00400000\njalr zero, t0, 0");
    p.map(0x400000, 0x20000, V | W);
    p.run();
    expect([p.reg(S0), p.reg(S1), p.reg(S2)]).toEqual([CAUSE.PAGE_FAULT_FETCH, 0x400000, 0x400000]);
  });

  it("U: user mode may touch only U pages; kernel mode touches any", () => {
    const p = paged(`
        li   t0, 0x00400000
        lw   a1, 0(t0)          # kernel: fine without U
${TO_USER}
user:   lw   a1, 0(t0)`, V | W | X | U);
    p.map(0x400000, 0x20000, V | W);
    p.run();
    expect(p.reg(S0)).toBe(CAUSE.PAGE_FAULT_LOAD);
    expect(p.reg(S1)).toBe(p.m.symbols?.get("user"));
    expect(p.reg(S2)).toBe(0x400000);
  });

  it("user code needs U on its code page", () => {
    const p = paged(`${TO_USER}\nuser: nop`, V | W | X);
    p.run();
    expect([p.reg(S0), p.reg(S2)]).toEqual([CAUSE.PAGE_FAULT_FETCH, p.m.symbols?.get("user")]);
  });

  it("a directory entry without V faults", () => {
    const p = paged("li t0, 0x40000000\nhere: lw a1, 0(t0)");
    p.run();
    expect([p.reg(S0), p.reg(S2)]).toEqual([CAUSE.PAGE_FAULT_LOAD, 0x40000000]);
  });

  it("reaches MMIO through a mapping of the device page", () => {
    const p = paged("li t0, 0x00500000\nli t1, 'K'\nsb t1, 0(t0)\nhalt");
    p.map(0x500000, 0xffff0000, V | W);
    expect(p.run().reason).toBe("halted");
    expect(p.m.console.output).toBe("K");
  });

  it("translate() has no side effects: no A bit, no TLB fill, no counts", () => {
    const p = paged("halt");
    const pte = p.map(0x400000, 0x20000, V);
    const before = p.m.statistics();
    expect(p.m.translate(0x400abc)).toBe(0x20abc);
    expect(p.m.translate(0x400abc, "store")).toBeUndefined();
    expect(p.m.translate(0x400abc, "load", "user")).toBeUndefined();
    expect(p.m.translate(0x999000)).toBeUndefined();
    expect(p.m.readWord(pte) & PTE.A).toBe(0);
    expect(p.m.tlb.entries()).toEqual([]);
    expect(p.m.statistics()).toEqual(before);
  });
});

describe("the ASID-tagged TLB", () => {
  const program = `
        li   t0, 0x00400000
        li   t1, 1
        csrw ASID, t1
        lw   a0, 0(t0)          # ASID 1 caches 0x400000 -> frame 0x20
        li   t3, 0x21000 | 1
        sw   t3, 0(s2)          # s2 = the PTE's address, set by the host
        lw   a1, 0(t0)          # stale: the TLB still says frame 0x20
        li   t1, 2
        csrw ASID, t1
        lw   a2, 0(t0)          # ASID 2 misses and walks: frame 0x21
        li   t1, 1
        csrw ASID, t1
        lw   a3, 0(t0)          # ASID 1's entry survived the switch: frame 0x20
        tlbinv t0
        lw   s0, 0(t0)          # after tlbinv: frame 0x21
        li   t1, 2
        csrw ASID, t1
        tlbflush
        lw   s1, 0(t0)
        halt`;

  it("caches by (ASID, page); software must tlbinv after changing a PTE; tlbflush drops all", () => {
    const p = paged(program);
    const pte = p.map(0x400000, 0x20000, V | W);
    p.m.writeWord(0x20000, 0xaaaa);
    p.m.writeWord(0x21000, 0xbbbb);
    p.map(pte & ~0xfff, pte & ~0xfff, V | W); // the kernel edits the PTE through a mapping
    p.m.regs[12] = pte; // s2
    const r = p.run();
    expect(r.reason).toBe("halted");
    expect([p.reg(1), p.reg(2), p.reg(3), p.reg(4), p.reg(10), p.reg(11)].map((v) => v.toString(16))).toEqual(
      ["aaaa", "aaaa", "bbbb", "aaaa", "bbbb", "bbbb"],
    );
    const tlb = r.stats.tlb;
    expect(tlb.invalidations).toBe(1);
    expect(tlb.flushes).toBe(1);
    expect(tlb.misses).toBeGreaterThanOrEqual(5);
    expect(tlb.hits).toBeGreaterThan(0);
  });

  it("replaces entries round-robin when full", () => {
    const p = paged(`
        li   t0, 0x00400000
        li   t1, 0x00401000
        li   t2, 0x00402000
        lw   a0, 0(t0)
        lw   a0, 0(t1)
        lw   a0, 0(t2)
        halt`, V | W | X, { tlbEntries: 2 });
    p.map(0x400000, 0x20000, V);
    p.map(0x401000, 0x21000, V);
    p.map(0x402000, 0x22000, V);
    p.run();
    expect(p.m.tlb.entries().length).toBe(2);
    expect(p.m.tlb.entries().map((e) => e.vpn)).toContain(0x402);
  });
});

describe("the software-managed TLB (mmu: software-tlb, as MIPS and Disco)", () => {
  it("traps TLB_MISS with BADVA and TLBHI; a handler refills with tlbw and the program runs on", () => {
    const m = load(`
        la   k0, refill
        csrw TVEC, k0
        li   k0, 0x0000101b     # lock the handler's page 1 in the TLB: V W X L
        csrw TLBLO, k0
        li   k0, 0x00001000
        csrw TLBHI, k0
        tlbw
        csrr t0, STATUS
        ori  t0, t0, 16         # PG = 1: every access now goes through the TLB
        csrw STATUS, t0
        li   t0, 0x00002000
        li   t1, 77
        sw   t1, 0(t0)
        lw   a0, 0(t0)
        halt
        .org 0x1000
refill: csrr k0, CAUSE
        li   s2, 10             # TLB_MISS
        bne  k0, s2, fail
        addi s0, s0, 1          # count the misses
        csrr k0, BADVA          # identity map: TLBLO = page | V W X
        shri k0, k0, 12
        shli k0, k0, 12
        ori  k0, k0, 0xb
        csrw TLBLO, k0          # TLBHI was loaded by the miss
        tlbw
        rett
fail:   li   a0, -1
        halt
`, { mmu: "software-tlb" });
    const r = m.run({ maxCycles: 100_000 });
    expect(r).toMatchObject({ reason: "halted", exitCode: 77 });
    // Misses: code page 0 after PG=1, then data page 2.
    expect(m.regs[10]).toBe(2);
    expect(r.stats.traps).toEqual({ TLB_MISS: 2 });
    expect(r.stats.tlb.writes).toBe(3);
    expect(r.stats.pageWalks).toBe(0);
    expect(m.tlb.entries().map((e) => e.vpn).sort()).toEqual([0, 1, 2]);
  });

  it("locked entries are never replaced", () => {
    const m = load("halt", { mmu: "software-tlb", tlbEntries: 2 });
    m.tlb.write(0x1000, 0x1000 | PTE.V | TLB_LOCKED);
    for (const page of [2, 3, 4, 5]) m.tlb.write(page << 12, (page << 12) | PTE.V);
    expect(m.tlb.entries().map((e) => e.vpn)).toEqual([1, 5]);
  });

  it("a TLB entry without W makes a store fault PAGE_FAULT_STORE, not TLB_MISS", () => {
    const m = load(`
        li   k0, 0x0000000b     # page 0: V W X
        csrw TLBLO, k0
        csrw TLBHI, zero
        tlbw
        li   k0, 0x00003001     # page 3: V only
        csrw TLBLO, k0
        li   k0, 0x00003000
        csrw TLBHI, k0
        tlbw
        la   k0, handler
        csrw TVEC, k0
        csrr t0, STATUS
        ori  t0, t0, 16
        csrw STATUS, t0
        li   t0, 0x3000
        lw   a1, 0(t0)
        sw   a1, 0(t0)
        halt
${HANDLER}`, { mmu: "software-tlb" });
    m.run({ maxCycles: 10_000 });
    expect([m.regs[S0], m.regs[S2]]).toEqual([CAUSE.PAGE_FAULT_STORE, 0x3000]);
  });
});

describe("kseg0 on the software-TLB machine (ISA.md; MIPS R4000's unmapped kernel segment)", () => {
  /** Sets TVEC to the handler's kseg0 alias and jumps to `high`'s kseg0 alias. */
  const INTO_KSEG0 = `
        li   t0, 0x80000000
        la   k0, handler
        or   k0, k0, t0
        csrw TVEC, k0
        la   t1, high
        or   t1, t1, t0
        jalr zero, t1, 0
high:`;
  const PAGING_ON = `
        csrr t2, STATUS
        ori  t2, t2, 16         # PG = 1, and not one TLB entry written
        csrw STATUS, t2`;

  it("kernel-mode fetches, loads and stores in kseg0 reach physical va - 0x80000000 with no TLB entry and no TLB_MISS", () => {
    const m = load(`${INTO_KSEG0}${PAGING_ON}
        li   t3, 0x80020010
        li   t4, 0x1234
        sw   t4, 0(t3)
        sb   t4, 4(t3)
        lw   a1, 0(t3)
        lbu  a2, 4(t3)
        li   a0, 0
        halt
${HANDLER}`, { mmu: "software-tlb" });
    const r = m.run({ maxCycles: 100_000 });
    expect(r).toMatchObject({ reason: "halted", exitCode: 0 });
    expect(m.readWord(0x20010)).toBe(0x1234);
    expect([m.regs[A1], m.regs[2 + 1]]).toEqual([0x1234, 0x34]);
    expect(r.stats.traps).toEqual({});
    expect(m.tlb.entries()).toEqual([]);
    expect(m.pc >>> 0).toBeGreaterThanOrEqual(0x80000000);
  });

  it("the TLB statistics count no kseg0 access, and no page walk happens", () => {
    const m = load(`${INTO_KSEG0}${PAGING_ON}
        li   t3, 0x80020000
        li   s1, 50
loop:   lw   a1, 0(t3)
        sw   a1, 4(t3)
        addi s1, s1, -1
        bne  s1, zero, loop
        li   a0, 0
        halt
${HANDLER}`, { mmu: "software-tlb" });
    const r = m.run({ maxCycles: 100_000 });
    expect(r.reason).toBe("halted");
    expect(r.stats.tlb).toMatchObject({ hits: 0, misses: 0, writes: 0 });
    expect(r.stats.pageWalks).toBe(0);
  });

  it("kseg0 needs no paging: with PG = 0 a kernel-mode kseg0 load is the physical word", () => {
    const m = load(`${INTO_KSEG0}
        li   t3, 0x80020000
        lw   a1, 0(t3)
        li   a0, 0
        halt
${HANDLER}`, { mmu: "software-tlb" });
    m.writeWord(0x20000, 0xcafe);
    expect(m.run({ maxCycles: 100_000 }).reason).toBe("halted");
    expect(m.regs[A1]).toBe(0xcafe);
    expect(m.translate(0x80020000, "load", "kernel")).toBe(0x20000);
  });

  it("in user mode kseg0 goes through the TLB: a load there traps TLB_MISS with BADVA", () => {
    const m = load(`${INTO_KSEG0}
        li   k0, 0x00000000     # user code page 0: V X U
        csrw TLBHI, k0
        li   k0, 0x0000000d
        csrw TLBLO, k0
        tlbw
        ${PAGING_ON}
        la   k0, user
        csrw EPC, k0
        rett
user:   li   t3, 0x80020000
        lw   a1, 0(t3)
        halt
${HANDLER}`, { mmu: "software-tlb" });
    const r = m.run({ maxCycles: 100_000 });
    expect([m.regs[S0], m.regs[S2] >>> 0]).toEqual([CAUSE.TLB_MISS, 0x80020000]);
    expect(r.stats.traps).toEqual({ TLB_MISS: 1 });
    expect(m.translate(0x80020000, "load", "user")).toBeUndefined();
    expect(m.translate(0x80020000, "load", "kernel")).toBe(0x20000);
  });

  it("a user-mode TLB entry for a kseg0 page is used in user mode only", () => {
    const m = load("halt", { mmu: "software-tlb" });
    m.tlb.write(0x80020000, 0x30000 | PTE.V | PTE.U);
    m.setCsr("STATUS", STATUS.KM | STATUS.PG);
    expect(m.translate(0x80020004, "load", "user")).toBe(0x30004);
    expect(m.translate(0x80020004, "load", "kernel")).toBe(0x20004);
  });

  it("the hardware-walker machine has no kseg0: the same kernel-mode load faults", () => {
    const m = load(`${SETUP}
        li   t3, 0x80020000
        lw   a1, 0(t3)
        halt
${HANDLER}`);
    m.run({ maxCycles: 100_000 });
    expect([m.regs[S0], m.regs[S2] >>> 0]).toEqual([CAUSE.PAGE_FAULT_LOAD, 0x80020000]);
    expect(m.translate(0x80020000, "load", "kernel")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { COSTS } from "../../src/machine/costs";
import { CAUSE, STATUS } from "../../src/machine/isa";
import { diffStats } from "../../src/machine/stats";
import { formatTraceEntry } from "../../src/machine/trace";
import { HANDLER, SETUP, identityMap, load, run } from "./helpers";

describe("statistics", () => {
  it("counts instructions, cycles, the mix by mnemonic and category, and traps by cause", () => {
    const r = run(`
        li   t0, 3
        li   t1, 7
        mul  a0, t0, t1
        div  a1, a0, t0
        la   t2, word
        lw   a2, 0(t2)
        sw   a2, 4(t2)
        beq  t0, t0, next
next:   halt
        .align 4
word:   .word 5, 0`);
    const s = r.result.stats;
    expect(s.mix).toMatchObject({ mul: 1, div: 1, lw: 1, sw: 1, beq: 1, halt: 1 });
    expect(s.byCategory.memory).toBe(2);
    expect(s.byCategory.control).toBe(1);
    expect(s.byCategory.system).toBe(1);
    expect(s.instructions).toBe(Object.values(s.mix).reduce((a, b) => a + b, 0));
    expect(s.cycles).toBe(s.instructions * COSTS.instruction + COSTS.multiply + COSTS.divide);
    expect(s.byMode.kernel).toEqual({ instructions: s.instructions, cycles: s.cycles });
    expect(s.byMode.user).toEqual({ instructions: 0, cycles: 0 });
    expect(s.traps).toEqual({});
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("counts traps by cause name and charges the trap cost", () => {
    const r = run(`${SETUP}\n sys\n${HANDLER}`);
    expect(r.result.stats.traps).toEqual({ SYSCALL: 1 });
    expect(r.result.cycles).toBe(r.result.instructions * COSTS.instruction + COSTS.trap);
  });

  it("snapshots diff: one run's statistics, and diffStats of two snapshots", () => {
    const m = load("li t0, 3\nloop: addi t0, t0, -1\nbnez t0, loop\nbrk");
    m.interceptTrap = (trap) => {
      m.pc = trap.epc + 4;
      return trap.cause === CAUSE.BREAKPOINT;
    };
    const before = m.statistics();
    const first = m.run({ maxCycles: 20 });
    const middle = m.statistics();
    m.pc = 0;
    const second = m.run({ maxCycles: 1000 });
    expect(diffStats(middle, before)).toEqual(first.stats);
    expect(second.stats.mix.addi).toBeGreaterThan(0);
    expect(diffStats(m.statistics(), before).instructions).toBe(first.instructions + second.instructions);
    expect(m.statistics().cycles).toBe(first.cycles + second.cycles);
  });

  it("a snapshot taken by a hook mid-run is consistent", () => {
    const m = load("li t0, 9\nloop: addi t0, t0, -1\nbnez t0, loop\nsys\nhalt");
    let mid: ReturnType<typeof m.statistics> | undefined;
    m.interceptTrap = (trap) => {
      mid = m.statistics();
      m.pc = trap.epc + 4;
      return true;
    };
    expect(m.run().reason).toBe("halted");
    expect(mid?.instructions).toBe(20); // li, 9 x (addi, bnez), sys
    expect(mid!.byMode.kernel.instructions + mid!.byMode.user.instructions).toBe(mid!.instructions);
    expect(mid!.byMode.kernel.cycles + mid!.byMode.user.cycles).toBe(mid!.cycles);
  });

  it("TLB hits and misses and page walks are counted with paging on", () => {
    const m = load("li t0, 100\nloop: addi t0, t0, -1\nbnez t0, loop\nhalt");
    m.writeWord(0x10000, 0x11000 | 1);
    m.writeWord(0x11000, 0 | 0xb);
    m.setCsr("PTBR", 0x10000);
    m.setCsr("STATUS", STATUS.KM | STATUS.PG);
    m.pc = 0;
    const r = m.run();
    expect(r.reason).toBe("halted");
    expect(r.stats.tlb.misses).toBe(1);
    expect(r.stats.pageWalks).toBe(1);
    expect(r.stats.walkReferences).toBe(2);
    expect(r.stats.tlb.hits).toBe(r.instructions - 1);
    expect(r.cycles).toBe(r.instructions * COSTS.instruction + 2 * COSTS.pageWalkReference);
  });
});

describe("trace", () => {
  it("step() returns the instruction's entry with its changes, disassembled", () => {
    const m = load("li a0, 5\naddi a0, a0, 2\nhalt");
    const first = m.step();
    expect(first).toMatchObject({ cycle: 0, pc: 0, mode: "kernel", changes: [{ name: "a0", before: 0, after: 5 }] });
    expect(first.text).toBe("addi a0, zero, 5");
    const second = m.step();
    expect(second.changes).toEqual([{ name: "a0", before: 5, after: 7 }]);
    expect(second.text).toBe("addi a0, a0, 2");
    expect(m.pc).toBe(8);
  });

  it("one step is one instruction or one trap: an interrupt is a step of its own", () => {
    const m = load("la t0, h\ncsrw TVEC, t0\nli t0, 1\npopf t0\nloop: j loop\nh: halt");
    for (let i = 0; i < 5; i++) m.step();
    m.interrupt(CAUSE.TIMER);
    const taken = m.step();
    expect(taken.word).toBeUndefined();
    expect(taken.text).toBe("(interrupt TIMER)");
    expect(taken.trap).toMatchObject({ name: "TIMER", epc: m.symbols?.get("loop") });
    expect(m.pc).toBe(m.symbols?.get("h"));
    expect(m.step().text).toBe("halt");
    expect(m.cpu.stopReason).toBe("halted");
    expect(m.pc).toBe(m.symbols?.get("h")); // halt leaves pc on itself
    expect(m.run().reason).toBe("halted");
  });

  it("records every instruction of a run, traps included, when built with trace: true", () => {
    const r = run(`${SETUP}\nhere: sys\n${HANDLER}`, { trace: true });
    const entries = r.machine.trace?.entries ?? [];
    expect(entries).toHaveLength(r.result.instructions);
    const sys = entries.find((e) => e.text === "sys");
    expect(sys?.trap).toMatchObject({ cause: CAUSE.SYSCALL, name: "SYSCALL", epc: r.machine.symbols?.get("here") });
    expect(sys?.changes.map((c) => c.name)).toEqual(expect.arrayContaining(["STATUS", "EPC", "CAUSE"]));
    expect(formatTraceEntry(sys!)).toMatch(/sys .*!SYSCALL/);
    expect(r.result.reason).toBe("halted");
  });

  it("a traced run and a fast run count the same with paging on", () => {
    const source = `${identityMap(16, 0xb)}
        csrr t0, STATUS
        ori  t0, t0, 16
        csrw STATUS, t0
        li   t0, 40
        li   t1, 0x3000
loop:   sw   t0, 0(t1)
        lw   a0, 0(t1)
        addi t1, t1, 0x404
        addi t0, t0, -1
        bnez t0, loop
        halt`;
    const fast = run(source);
    const traced = run(source, { trace: true });
    expect(fast.result.reason).toBe("halted");
    expect(traced.result.stats).toEqual(fast.result.stats);
    expect(fast.result.stats.tlb.misses).toBeGreaterThan(5);
  });

  it("a traced run and a fast run end in the same state", () => {
    const source = `${SETUP}\n li t0, 50\n li t1, 1000\n csrw TIMER, t1\n li t1, 1\n popf t1\nloop: mul a1, t0, t0\n addi t0, t0, -1\n bnez t0, loop\n sys\n${HANDLER}`;
    const fast = run(source);
    const traced = run(source, { trace: true });
    expect(Array.from(traced.machine.regs)).toEqual(Array.from(fast.machine.regs));
    expect(traced.result.stats).toEqual(fast.result.stats);
  });
});

import { describe, expect, it } from "vitest";
import { CAUSE, STATUS } from "../../src/machine/isa";
import { load, run } from "./helpers";

/** Handler: counts interrupts in s0, records EPC in s1 and CYCLE in s2, halts at a2 ticks. */
const TICKS = `
tick:   addi s0, s0, 1
        csrr s1, EPC
        csrr s2, CYCLE
        csrr a3, CAUSE
        beq  s0, a2, stop
        rett
stop:   mv   a0, s0
        halt
`;

describe("the timer and interrupts (ISA.md, Traps and interrupts)", () => {
  it("TIMER = N interrupts every N cycles while IE = 1", () => {
    const r = run(`
        la   t0, tick
        csrw TVEC, t0
        li   a2, 5
        li   t0, 1000
        csrw TIMER, t0
        li   t0, 1
        popf t0                 # IE = 1
spin:   addi t1, t1, 1
        j    spin
${TICKS}`);
    expect(r.result).toMatchObject({ reason: "halted", exitCode: 5 });
    expect(r.reg("a3")).toBe(CAUSE.TIMER);
    // The fifth tick: about 5000 cycles after the timer was set.
    expect(r.reg("s2")).toBeGreaterThanOrEqual(5000);
    expect(r.reg("s2")).toBeLessThan(5000 + 200);
    expect(r.result.stats.traps).toEqual({ TIMER: 5 });
    // EPC is the instruction not yet executed: inside the spin loop.
    const spin = r.machine.symbols?.get("spin") as number;
    expect([spin, spin + 4]).toContain(r.reg("s1"));
  });

  it("an interrupt waits while IE = 0 and is delivered as soon as IE = 1", () => {
    const r = run(`
        la   t0, tick
        csrw TVEC, t0
        li   a2, 1
        li   t0, 50
        csrw TIMER, t0
        li   t1, 0
        li   t2, 200
wait:   addi t1, t1, 1          # 400 cycles with IE = 0: no interrupt
        blt  t1, t2, wait
        li   t0, 0
        csrw TIMER, t0          # timer off; one tick stays pending
        li   t0, 1
        popf t0
enabled: nop
        halt
${TICKS}`);
    expect(r.result).toMatchObject({ reason: "halted", exitCode: 1 });
    expect(r.reg("a3")).toBe(CAUSE.TIMER);
    expect(r.reg("s1")).toBe(r.machine.symbols?.get("enabled"));
    expect(r.machine.regs[6]).toBe(200); // the loop ran to the end
  });

  it("a pending interrupt is delivered after rett restores IE = 1", () => {
    const m = load(`
        la   t0, tick
        csrw TVEC, t0
        li   a2, 2
        li   t0, ${STATUS.KM | STATUS.PIE}
        csrw STATUS, t0         # PIE = 1: user mode runs with IE = 1
        la   t0, user
        csrw EPC, t0
        rett
user:   j    user
${TICKS}`);
    m.interrupt(CAUSE.NET);
    const r = m.run({ maxCycles: 10_000 });
    expect(r.reason).toBe("max-cycles");
    expect(m.regs[4]).toBe(CAUSE.NET);
    expect(r.stats.traps).toEqual({ NET: 1 });
  });

  it("wfi skips to the next timer interrupt and counts the idle cycles", () => {
    const r = run(`
        la   t0, tick
        csrw TVEC, t0
        li   a2, 1
        li   t0, 100000
        csrw TIMER, t0
        li   t0, 1
        popf t0
        wfi
after:  halt
${TICKS}`);
    expect(r.result.reason).toBe("halted");
    expect(r.reg("s1")).toBe(r.machine.symbols?.get("after"));
    expect(r.result.stats.idleCycles).toBeGreaterThan(99_900);
    expect(r.result.instructions).toBeLessThan(20);
  });

  it("wfi with IE = 0 wakes when the interrupt becomes pending, without taking it", () => {
    const r = run(`
        li   t0, 300
        csrw TIMER, t0
        wfi
        csrr a0, CYCLE
        halt`);
    expect(r.result.reason).toBe("halted");
    expect(r.result.exitCode).toBeGreaterThanOrEqual(300);
    expect(r.machine.cpu.pending).toBe(1 << (CAUSE.TIMER - 16));
    expect(r.result.stats.traps).toEqual({});
  });

  it("wfi with nothing that could ever interrupt stops with a deadlock", () => {
    const r = run("li t0, 1\npopf t0\nhere: wfi\nhalt");
    expect(r.result.reason).toBe("deadlock");
    expect(r.result.message).toMatch(/deadlock: wfi at pc 0x8 waits for an interrupt that can never come/);
  });

  it("a guest that never halts stops at maxCycles", () => {
    const r = run("loop: j loop", {}, { maxCycles: 12_345 });
    expect(r.result.reason).toBe("max-cycles");
    expect(r.result.cycles).toBe(12_345);
    expect(r.result.message).toContain("12345 cycles without halting");
  });

  it("wfi waiting past maxCycles stops at the limit and resumes waiting on the next run", () => {
    const m = load("li t0, 50000\ncsrw TIMER, t0\nwfi\nli a0, 9\nhalt");
    expect(m.run({ maxCycles: 1000 })).toMatchObject({ reason: "max-cycles", cycles: 1000 });
    const r = m.run({ maxCycles: 100_000 });
    expect(r).toMatchObject({ reason: "halted", exitCode: 9 });
    expect(m.cycles).toBeGreaterThanOrEqual(50_000);
  });

  it("timer cycles run in kernel and user mode are counted separately", () => {
    const r = run(`
        la   t0, tick
        csrw TVEC, t0
        li   a2, 3
        li   t0, 500
        csrw TIMER, t0
        li   t0, ${STATUS.KM | STATUS.PIE}
        csrw STATUS, t0
        la   t0, user
        csrw EPC, t0
        rett
user:   j    user
${TICKS}`);
    expect(r.result.exitCode).toBe(3);
    const { user, kernel } = r.result.stats.byMode;
    expect(user.cycles).toBeGreaterThan(1000);
    expect(kernel.cycles).toBeGreaterThan(3 * 20); // three trap entries at least
    expect(user.cycles + kernel.cycles).toBe(r.result.cycles);
    expect(user.instructions + kernel.instructions).toBe(r.result.instructions);
  });
});

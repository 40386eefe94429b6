import { describe, expect, it } from "vitest";
import { COSTS } from "../../src/machine/costs";
import { UserError } from "../../src/errors";
import { CAUSE, CSR, STATUS } from "../../src/machine/isa";
import { HANDLER, SETUP, load, run } from "./helpers";

describe("the CPU's arithmetic (ISA.md, Words, memory, registers)", () => {
  it("keeps r0 at zero whatever is written to it", () => {
    const r = run(`
        li   zero, 1234
        addi zero, zero, 5
        add  a0, zero, zero
        halt`);
    expect(r.result.reason).toBe("halted");
    expect(r.result.exitCode).toBe(0);
    expect(r.machine.regs[0]).toBe(0);
  });

  it("wraps modulo 2^32", () => {
    const r = run(`
        li   t0, 0x7fffffff
        addi a0, t0, 1
        li   t1, 0xffffffff
        addi a1, t1, 1
        li   t2, 0x10000
        mul  a2, t2, t2
        li   t3, 0x12345678
        li   t4, 0x9abcdef0
        mul  a3, t3, t4
        halt`);
    expect(r.reg("a0")).toBe(-0x80000000);
    expect(r.reg("a1")).toBe(0);
    expect(r.reg("a2")).toBe(0);
    expect(r.reg("a3") >>> 0).toBe(Number((0x12345678n * 0x9abcdef0n) & 0xffffffffn));
  });

  it("divides signed toward zero, as C does, and INT_MIN / -1 = INT_MIN", () => {
    const r = run(`
        li   t0, -7
        li   t1, 2
        div  a0, t0, t1
        rem  a1, t0, t1
        li   t2, 0x80000000
        li   t3, -1
        div  a2, t2, t3
        rem  a3, t2, t3
        li   t1, -2
        div  s0, t0, t1
        rem  s1, t0, t1
        halt`);
    expect([r.reg("a0"), r.reg("a1"), r.reg("a2"), r.reg("a3"), r.reg("s0"), r.reg("s1")]).toEqual([-3, -1, -0x80000000, 0, 3, -1]);
  });

  it("shifts, compares signed and unsigned, and zero-extends andi/ori/xori/lui", () => {
    const r = run(`
        li   t0, -16
        srai a0, t0, 2
        shri a1, t0, 28
        li   t1, 33
        shl  a2, t1, t1          # shift amount is rs2 & 31 = 1
        slt  a3, t0, t1
        sltu s0, t0, t1
        ori  s1, zero, 0xffff
        lui  s2, 0xffff
        slti t2, t0, -15
        xori t3, t0, 0x8000
        andi t4, t0, 0xff
        halt`);
    expect(r.reg("a0")).toBe(-4);
    expect(r.reg("a1")).toBe(15);
    expect(r.reg("a2")).toBe(66);
    expect(r.reg("a3")).toBe(1);
    expect(r.reg("s0")).toBe(0);
    expect(r.reg("s1")).toBe(0xffff);
    expect(r.reg("s2")).toBe(0xffff0000 | 0);
    expect(r.machine.regs[7]).toBe(1);
    expect(r.machine.regs[8]).toBe((-16 ^ 0x8000) | 0);
    expect(r.machine.regs[9]).toBe(0xf0);
  });

  it("loads and stores words and bytes little-endian, lb sign-extends, lbu does not", () => {
    const r = run(`
        la   t0, data
        li   t1, 0x8877fe01
        sw   t1, 0(t0)
        lbu  a0, 0(t0)
        lb   a1, 1(t0)
        lbu  a2, 1(t0)
        li   t2, 0x55
        sb   t2, 3(t0)
        lw   a3, 0(t0)
        halt
        .align 4
data:   .word 0`);
    expect(r.reg("a0")).toBe(1);
    expect(r.reg("a1")).toBe(-2);
    expect(r.reg("a2")).toBe(0xfe);
    expect(r.reg("a3") >>> 0).toBe(0x5577fe01);
  });

  it("branches, jal and jalr link pc + 4 and jump", () => {
    const r = run(`
        li   a0, 0
        call f
        addi a0, a0, 100
        li   t0, 5
        li   t1, -1
        bltu t0, t1, u_ok          # 5 < 0xffffffff unsigned
        halt
u_ok:   bge  t0, t1, s_ok          # 5 >= -1 signed
        halt
s_ok:   addi a0, a0, 1000
        halt
f:      addi a0, a0, 1
        ret`);
    expect(r.reg("a0")).toBe(1101);
  });

  it("halt stops with a0 as the exit code", () => {
    const r = run(`li a0, -3\nhalt`);
    expect(r.result).toMatchObject({ reason: "halted", exitCode: -3 });
  });
});

describe("the CPU's state", () => {
  it("saves the TLB with the state when asked, and the timer's phase", () => {
    const m = load("li t0, 1000\ncsrw TIMER, t0\nnop\nnop\nhalt");
    m.run();
    m.tlb.write(0x5000 | 3, 0x9000 | 1);
    const saved = m.saveState({ tlb: true });
    expect(saved.tlb).toEqual([{ vpn: 5, asid: 3, pfn: 9, flags: 1 }]);
    expect(saved.timerRemaining).toBe(1000 - 3);
    expect(m.saveState().tlb).toBeUndefined();
    m.tlb.flush();
    m.setCsr("TIMER", 0);
    m.restoreState(saved);
    expect(m.tlb.entries()).toEqual(saved.tlb);
    expect(m.cpu.timerNext - m.cycles).toBe(997);
  });

  it("refuses a program that does not fit in RAM with a UserError", () => {
    expect(() => load(".org 0x100000\nhalt")).toThrow(UserError);
    expect(() => load(".org 0x100000\nhalt")).toThrow(/does not fit in the machine's RAM/);
  });

  it("resets to pc 0, kernel mode, IE 0, paging off", () => {
    const m = load("halt");
    expect(m.pc).toBe(0);
    expect(m.csr("STATUS")).toBe(STATUS.KM);
    expect(m.mode).toBe("kernel");
  });

  it("counts cycles from the cost table and CYCLE reads them (the reading instruction included)", () => {
    const r = run(`
        nop
        nop
        csrr a0, CYCLE
        halt`);
    expect(r.reg("a0")).toBe(3 * COSTS.instruction);
    expect(r.machine.cycles).toBe(4 * COSTS.instruction);
  });

  it("CYCLE is read-only: writing it is an illegal instruction", () => {
    const r = run(`${SETUP}
        csrw CYCLE, zero
        halt
${HANDLER}`);
    expect(r.reg("s0")).toBe(CAUSE.ILLEGAL_INSTRUCTION);
  });

  it("saves and restores the complete CPU state as plain data", () => {
    const m = load(`
        li   a0, 42
        li   t0, 0x1234
        csrw SCRATCH, t0
        csrw TIMER, t0
        halt`);
    m.run();
    const saved = JSON.parse(JSON.stringify(m.saveState({ tlb: true })));
    expect(saved.regs[1]).toBe(42);
    expect(saved.csr.SCRATCH).toBe(0x1234);
    m.reset();
    expect(m.regs[1]).toBe(0);
    m.restoreState(saved);
    expect(m.regs[1]).toBe(42);
    expect(m.csr("SCRATCH")).toBe(0x1234);
    expect(m.csr("TIMER")).toBe(0x1234);
    expect(m.pc).toBe(saved.pc);
    expect(m.cpu.csr[CSR.STATUS]).toBe(saved.csr.STATUS);
  });
});

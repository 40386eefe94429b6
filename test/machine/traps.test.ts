import { describe, expect, it } from "vitest";
import { CAUSE, STATUS } from "../../src/machine/isa";
import { HANDLER, SETUP, TO_USER, identityMap, load, run } from "./helpers";

/** Runs `body` after SETUP with HANDLER last; returns what the handler saw. */
function trapOf(body: string, options = {}) {
  const r = run(`${SETUP}\n${body}\n        halt\n${HANDLER}`, options);
  expect(r.result.reason).toBe("halted");
  const at = (label: string) => r.machine.symbols?.get(label);
  return { cause: r.reg("s0"), epc: r.reg("s1") >>> 0, badva: r.reg("s2") >>> 0, status: r.reg("t4"), at, r };
}

describe("every trap cause, with CAUSE, EPC and BADVA (ISA.md, Traps and interrupts)", () => {
  it("SYSCALL: sys", () => {
    const t = trapOf("here: sys");
    expect([t.cause, t.epc, t.badva]).toEqual([CAUSE.SYSCALL, t.at("here"), 0]);
  });

  it("BREAKPOINT: brk", () => {
    const t = trapOf("nop\nhere: brk");
    expect([t.cause, t.epc]).toEqual([CAUSE.BREAKPOINT, t.at("here")]);
  });

  it.each([
    ["an all-zeros word", 0x00000000],
    ["an all-ones word", 0xffffffff],
    ["an unassigned opcode", 0x7f000000],
  ])("ILLEGAL_INSTRUCTION: %s, with the word in BADVA", (_, word) => {
    const t = trapOf(`here: .word ${word}`);
    expect([t.cause, t.epc, t.badva]).toEqual([CAUSE.ILLEGAL_INSTRUCTION, t.at("here"), word]);
  });

  it("ILLEGAL_INSTRUCTION: hcall on bare hardware", () => {
    expect(trapOf("hcall").cause).toBe(CAUSE.ILLEGAL_INSTRUCTION);
  });

  it("HYPERCALL: hcall when a hypervisor is present", () => {
    const t = trapOf("here: hcall", { hypercalls: true });
    expect([t.cause, t.epc]).toEqual([CAUSE.HYPERCALL, t.at("here")]);
  });

  it.each(["csrr a0, STATUS", "csrw SCRATCH, a0", "rett", "halt", "wfi", "tlbw", "tlbinv a0", "tlbflush"])(
    "PRIVILEGED_INSTRUCTION: %s in user mode",
    (instruction) => {
      const t = trapOf(`${TO_USER}\nuser: ${instruction}`);
      expect([t.cause, t.epc]).toEqual([CAUSE.PRIVILEGED_INSTRUCTION, t.at("user")]);
      expect(t.badva).toBe(t.r.machine.readWord(t.at("user") as number));
      expect(t.status & STATUS.PKM).toBe(0); // it came from user mode
      expect(t.status & STATUS.KM).toBe(STATUS.KM);
    },
  );

  it("MISALIGNED: lw and sw off a 4-byte boundary, with the address in BADVA", () => {
    const load = trapOf("li t0, 0x1002\nhere: lw a1, 0(t0)");
    expect([load.cause, load.epc, load.badva]).toEqual([CAUSE.MISALIGNED, load.at("here"), 0x1002]);
    const store = trapOf("li t0, 0x1000\nhere: sw a1, 1(t0)");
    expect([store.cause, store.epc, store.badva]).toEqual([CAUSE.MISALIGNED, store.at("here"), 0x1001]);
  });

  it("lb, lbu and sb work at any address", () => {
    const r = run("li t0, 0x1001\nli t1, 9\nsb t1, 0(t0)\nlbu a0, 0(t0)\nlb a1, 0(t0)\nhalt");
    expect([r.reg("a0"), r.reg("a1")]).toEqual([9, 9]);
  });

  it("DIVIDE_BY_ZERO: div and rem by zero", () => {
    expect(trapOf("li t0, 5\nhere: div a1, t0, zero").cause).toBe(CAUSE.DIVIDE_BY_ZERO);
    const t = trapOf("li t0, 5\nhere: rem a1, t0, zero");
    expect([t.cause, t.epc]).toEqual([CAUSE.DIVIDE_BY_ZERO, t.at("here")]);
  });

  it("PAGE_FAULT_LOAD/STORE/FETCH: physical memory that does not exist", () => {
    const ld = trapOf("li t0, 0x200000\nhere: lw a1, 4(t0)");
    expect([ld.cause, ld.epc, ld.badva]).toEqual([CAUSE.PAGE_FAULT_LOAD, ld.at("here"), 0x200004]);
    const st = trapOf("li t0, 0x300000\nhere: sb a1, 0(t0)");
    expect([st.cause, st.badva]).toEqual([CAUSE.PAGE_FAULT_STORE, 0x300000]);
    const fe = trapOf("li t0, 0x400000\njalr zero, t0, 0");
    expect([fe.cause, fe.epc, fe.badva]).toEqual([CAUSE.PAGE_FAULT_FETCH, 0x400000, 0x400000]);
    const mmioHole = trapOf("li t0, 0xffff8000\nhere: lw a1, 0(t0)");
    expect([mmioHole.cause, mmioHole.badva]).toEqual([CAUSE.PAGE_FAULT_LOAD, 0xffff8000]);
  });

  it("PAGE_FAULT_LOAD/STORE/FETCH: unmapped pages with paging on", () => {
    const on = `${identityMap(8, 0xb)}\n csrr t0, STATUS\n ori t0, t0, 16\n csrw STATUS, t0\n`;
    const ld = trapOf(`${on}\n li t0, 0x40000\nhere: lw a1, 8(t0)`);
    expect([ld.cause, ld.epc, ld.badva]).toEqual([CAUSE.PAGE_FAULT_LOAD, ld.at("here"), 0x40008]);
    const st = trapOf(`${on}\n li t0, 0x7000000\nhere: sw a1, 0(t0)`);
    expect([st.cause, st.badva]).toEqual([CAUSE.PAGE_FAULT_STORE, 0x7000000]);
    const fe = trapOf(`${on}\n li t0, 0x9000\n jalr zero, t0, 0`);
    expect([fe.cause, fe.epc, fe.badva]).toEqual([CAUSE.PAGE_FAULT_FETCH, 0x9000, 0x9000]);
  });

  it("TLB_MISS: a software-managed TLB traps on a miss and loads TLBHI", () => {
    const r = run(`${SETUP}
        li   t0, 7
        csrw ASID, t0
        csrr t0, STATUS
        ori  t0, t0, 16
        csrw STATUS, t0
here:   nop
        halt
${HANDLER}`, { mmu: "software-tlb" });
    // The fetch of the first instruction after PG=1 misses; the handler's own
    // fetch misses again before it completes an instruction: a triple fault.
    expect(r.result.reason).toBe("triple-fault");
    expect(r.result.message).toContain("TLB_MISS");
    expect(r.machine.csr("CAUSE")).toBe(CAUSE.TLB_MISS);
    expect(r.machine.csr("BADVA")).toBe(r.machine.symbols?.get("here"));
    expect(r.machine.csr("EPC")).toBe(r.machine.symbols?.get("here"));
    expect(r.machine.csr("TLBHI")).toBe(((r.machine.symbols?.get("here") as number) & ~0xfff) | 7);
  });
});

describe("trap entry and rett", () => {
  it("enters with PIE = IE, PKM = KM, IE = 0, KM = 1 and rett restores them", () => {
    const r = run(`${SETUP.replace("handler", "count")}
        csrr t0, STATUS
        ori  t0, t0, 4          # PIE = 1: IE = 1 after rett
        csrw STATUS, t0
${TO_USER}
user:   sys
        pushf a1                # STATUS as user mode sees it
        sys
        mv   a0, a1
        li   t0, 0xffff0000
        sw   a0, 0(t0)          # user mode: a store to the console is fine
        brk
count:  addi a2, a2, 1
        csrr k0, CAUSE
        li   t3, 2
        beq  k0, t3, done
        csrr k0, EPC
        addi k0, k0, 4          # skip the sys
        csrw EPC, k0
        rett
done:   csrr t4, STATUS
        halt
`);
    expect(r.result.reason).toBe("halted");
    expect(r.reg("a2")).toBe(3); // sys, sys, brk
    expect(r.reg("a1") & (STATUS.KM | STATUS.IE)).toBe(STATUS.IE); // back in user mode with IE = PIE = 1
    expect(r.reg("t4") & (STATUS.KM | STATUS.PKM | STATUS.IE | STATUS.PIE)).toBe(STATUS.KM | STATUS.PIE);
  });

  it("TVEC = 0 stops the machine with a triple-fault report", () => {
    const r = run("li a0, 1\nhere: sys\nhalt");
    expect(r.result.reason).toBe("triple-fault");
    expect(r.result.message).toMatch(/triple fault: SYSCALL \(cause 1\) at pc 0x00000004 in kernel mode/);
    expect(r.result.message).toContain("TVEC is 0");
  });

  it("a handler whose first instruction traps is a triple fault, not an endless loop", () => {
    const r = run(`${SETUP}\n sys\n halt\nhandler: .word 0`);
    expect(r.result.reason).toBe("triple-fault");
    expect(r.result.message).toContain("ILLEGAL_INSTRUCTION");
    expect(r.result.message).toContain("trapped before completing an instruction");
  });

  it("a hypervisor's interceptor sees the trap first and may handle it", () => {
    const m = load("li a0, 5\nhere: sys\naddi a0, a0, 1\nbrk\nhalt");
    const seen: number[] = [];
    m.interceptTrap = (trap) => {
      seen.push(trap.cause);
      if (trap.cause !== CAUSE.SYSCALL) return false;
      m.regs[1] += 10;
      m.pc = trap.epc + 4;
      return true;
    };
    const r = m.run();
    expect(seen).toEqual([CAUSE.SYSCALL, CAUSE.BREAKPOINT]);
    expect(m.regs[1]).toBe(16);
    expect(r.reason).toBe("triple-fault"); // brk was not handled and TVEC is 0
  });

  it("a hook can stop a run", () => {
    const m = load("loop: sys\nj loop");
    let traps = 0;
    m.interceptTrap = (trap) => {
      if (++traps === 3) m.stop("enough");
      m.pc = trap.epc + 4;
      return true;
    };
    const r = m.run();
    expect(r).toMatchObject({ reason: "stopped", message: "enough" });
    expect(traps).toBe(3);
  });
});

describe("sensitive instructions and the virtualizable switch (Popek and Goldberg)", () => {
  const program = `${SETUP}
        li   t0, 0x5000
        csrw PTBR, t0
        csrr t0, STATUS
        ori  t0, t0, 4          # PIE: user mode will run with IE = 1
        csrw STATUS, t0
${TO_USER}
user:   pushf a1
        sptb a2
        popf zero               # try to clear IE from user mode
        pushf a3
        li   a0, 0
        sys
${HANDLER}`;

  it("without it, pushf/popf/sptb run in user mode: they see the true state and popf is ignored", () => {
    const r = run(program);
    expect(r.reg("s0")).toBe(CAUSE.SYSCALL);
    expect(r.reg("a1") & (STATUS.KM | STATUS.IE)).toBe(STATUS.IE);
    expect(r.reg("a2")).toBe(0x5000);
    expect(r.reg("a3") & STATUS.IE).toBe(STATUS.IE);
  });

  it.each(["pushf a1", "sptb a2", "popf zero"])("with virtualizable: true, %s traps PRIVILEGED_INSTRUCTION in user mode", (instruction) => {
    const r = run(program.replace("user:   pushf a1", `user:   ${instruction}`), { virtualizable: true });
    expect(r.reg("s0")).toBe(CAUSE.PRIVILEGED_INSTRUCTION);
    expect(r.reg("s1")).toBe(r.machine.symbols?.get("user"));
    expect(r.reg("s2")).toBe(r.machine.readWord(r.reg("s1")) | 0);
  });

  it("in kernel mode popf sets IE and pushf reads STATUS", () => {
    const r = run("li t0, 1\npopf t0\npushf a0\npopf zero\npushf a1\nhalt");
    expect(r.reg("a0")).toBe(STATUS.KM | STATUS.IE);
    expect(r.reg("a1")).toBe(STATUS.KM);
  });
});

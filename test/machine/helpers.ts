/** Small programs for the machine tests: assemble, load, run. */
import { assemble } from "../../src/machine/assembler";
import { Machine, type MachineOptions, type RunOptions, type RunResult } from "../../src/machine/machine";
import { REG } from "../../src/machine/isa";

export interface Ran {
  machine: Machine;
  result: RunResult;
  reg(name: keyof typeof REG): number;
}

export function load(source: string, options: MachineOptions = {}): Machine {
  const machine = new Machine({ memoryBytes: 1 << 20, ...options });
  machine.load(assemble(source, { file: "test.s" }));
  return machine;
}

export function run(source: string, options: MachineOptions = {}, runOptions: RunOptions = { maxCycles: 1_000_000 }): Ran {
  const machine = load(source, options);
  const result = machine.run(runOptions);
  return { machine, result, reg: (name) => machine.regs[REG[name]] };
}

/**
 * A trap handler that records the trap and halts: s0 = CAUSE, s1 = EPC,
 * s2 = BADVA, t4 = STATUS, a0 = CAUSE. Put SETUP first and HANDLER last.
 */
export const SETUP = `
        la   k0, handler
        csrw TVEC, k0
`;
export const HANDLER = `
handler:
        csrr s0, CAUSE
        csrr s1, EPC
        csrr s2, BADVA
        csrr t4, STATUS
        mv   a0, s0
        halt
`;

/** Drops to user mode at label `user` (rett with PKM = 0, as at reset). */
export const TO_USER = `
        la   k0, user
        csrw EPC, k0
        rett
`;

/** Identity-maps pages [0, count) with `flags` in a table built by the program itself at 0x80000. */
export function identityMap(count: number, flags: number): string {
  return `
        li   t0, 0x80000            # page directory
        li   t1, 0x81000            # its one page table
        ori  t2, t1, 1              # directory entry: frame | V
        sw   t2, 0(t0)
        li   t2, 0                  # frame
        li   t3, ${count}
map_loop:
        shli t4, t2, 12
        ori  t4, t4, ${flags}
        shli t0, t2, 2
        add  t0, t0, t1
        sw   t4, 0(t0)
        addi t2, t2, 1
        blt  t2, t3, map_loop
        li   t0, 0x80000
        csrw PTBR, t0
`;
}

/**
 * RV32I on toy32, the two engines side by side on the shipped programs
 * (sort, sieve, fib), in toy32 cycles (the "order of magnitude",
 * Silberschatz 16.5.5) and in wall-clock guest MIPS of the simulator:
 *
 *   interp_cycles_per_insn      toy32 cycles per RISC-V instruction, interpreter (goal ~10-30)
 *   translated_cycles_per_insn  the same, translated, translation included (goal <= 3)
 *   translated_over_native      the sieve translated, over the same sieve written in
 *                               toy32 assembly (goal <= 2)
 *   interp_guest_mips, translated_guest_mips   RISC-V instructions per wall-clock second
 */
import { Interpreter, Translator, assemble, shippedProgram, Machine } from "vmlab";
import { bestOf, type BenchSuite } from "vmlab/dist/benchmark";

const PROGRAMS = ["sort", "sieve", "fib"];

/** sieve.c's algorithm (the numbers below 20000, their count and sum) for toy32 itself. */
const NATIVE_SIEVE = `
        .equ LIMIT, 20000
        li   s0, 0              # count
        li   s1, 0              # sum
        la   s2, composite
        li   t0, 2
        li   t4, LIMIT
        li   a1, 1
outer:  bge  t0, t4, done
        add  t1, s2, t0
        lbu  t2, 0(t1)
        bnez t2, next
        addi s0, s0, 1
        add  s1, s1, t0
        mul  t3, t0, t0
inner:  bge  t3, t4, next
        add  t1, s2, t3
        sb   a1, 0(t1)
        add  t3, t3, t0
        j    inner
next:   addi t0, t0, 1
        j    outer
done:   mv   a0, s0
        halt
        .data
composite: .space LIMIT
`;

export const suite: BenchSuite = {
  name: "emulation",
  description: "RV32I programs interpreted (toy32 assembly) and translated, in toy32 cycles per instruction and guest MIPS",
  async run(report) {
    let instructions = 0, interpCycles = 0, translatedCycles = 0, sieveTranslated = 0;
    for (const name of PROGRAMS) {
      const i = new Interpreter(shippedProgram(name)).run({ maxCycles: 1e9 });
      const t = new Translator(shippedProgram(name)).run({ maxCycles: 1e9 });
      if (i.status !== t.status || i.guestInstructions !== t.guestInstructions) throw new Error(`${name}: the engines disagree`);
      instructions += i.guestInstructions;
      interpCycles += i.cycles;
      translatedCycles += t.cycles;
      if (name === "sieve") sieveTranslated = t.cycles;
      report(`  ${name}: ${i.guestInstructions} instructions, interpreted ${i.cyclesPerInstruction.toFixed(2)}, translated ${t.cyclesPerInstruction.toFixed(2)} cycles each`);
    }
    const native = new Machine();
    native.load(assemble(NATIVE_SIEVE, { file: "sieve-native.s" }));
    const n = native.run({ maxCycles: 1e9 });
    if (n.exitCode !== 2262) throw new Error(`the native sieve counted ${n.exitCode} primes, not 2262`);
    report(`  sieve: translated ${sieveTranslated} cycles, written for toy32 ${n.cycles}`);
    const interpSeconds = await bestOf(3, () => PROGRAMS.forEach((p) => new Interpreter(shippedProgram(p)).run({ maxCycles: 1e9 })));
    const translatedSeconds = await bestOf(3, () => PROGRAMS.forEach((p) => new Translator(shippedProgram(p)).run({ maxCycles: 1e9 })));
    return {
      interp_cycles_per_insn: interpCycles / instructions,
      translated_cycles_per_insn: translatedCycles / instructions,
      translated_over_native: sieveTranslated / n.cycles,
      interp_guest_mips: instructions / interpSeconds / 1e6,
      translated_guest_mips: instructions / translatedSeconds / 1e6,
    };
  },
};

/**
 * How fast the simulator runs toy32 code (STYLE.md 12: benchmark in
 * seconds, compare side by side). One compute loop (mul, add, xor, addi,
 * blt) runs four ways in the same process:
 *
 *   interp_mips     the real Machine, paging ON, kernel mode, code page
 *                   identity-mapped: every fetch goes through the MMU
 *   reference_mips  the same words through runReference, a predecoded
 *                   switch interpreter with no MMU, traps or statistics
 *   native_mops     the loop as plain JavaScript (loop iterations/s x 5)
 *   user_mips       the loop as a user process under the guest kernel,
 *                   timer on (instructions of kernel and process together)
 *
 * ratio_to_reference = interp_mips / reference_mips (goal: >= 0.5).
 */
import * as vmlab from "vmlab";
import { Machine, assemble, PTE, STATUS } from "vmlab";
import { bestOf, seconds, type BenchSuite } from "vmlab/dist/benchmark";
import { runReference } from "./reference-interpreter";

const ITERATIONS = 2_000_000;
const LOOP_LENGTH = 5;
const SEED = 0x9e3779b1;

/** The loop body, shared by the bare program and the user process. */
const LOOP = `
        li   t1, ${ITERATIONS}
        li   t2, ${SEED}
        li   a0, 1
        li   t0, 0
loop:   mul  t3, a0, t2
        add  a0, t3, t0
        xor  a0, a0, t1
        addi t0, t0, 1
        blt  t0, t1, loop
`;

function nativeLoop(): number {
  let a = 1;
  for (let i = 0; i < ITERATIONS; i++) {
    a = (Math.imul(a, SEED) + i) | 0;
    a ^= ITERATIONS;
  }
  return a;
}

const PAGE_DIRECTORY = 0x10000;
const PAGE_TABLE = 0x11000;

/** A machine at pc 0, kernel mode, paging on with page 0 identity-mapped. */
function pagedMachine(image: Uint8Array): Machine {
  const m = new Machine({ memoryBytes: 1 << 20 });
  m.load(image, 0);
  m.writeWord(PAGE_DIRECTORY, PAGE_TABLE | PTE.V);
  m.writeWord(PAGE_TABLE, 0 | PTE.V | PTE.W | PTE.X);
  m.setCsr("PTBR", PAGE_DIRECTORY);
  m.setCsr("STATUS", STATUS.KM | STATUS.PG);
  return m;
}

type Boot = (options: { programs: { name: string; source: string }[]; timerInterval?: number }) => Machine;

async function userMips(report: (line: string) => void): Promise<number | undefined> {
  const boot = (vmlab as unknown as { bootKernel?: Boot }).bootKernel;
  if (boot === undefined) {
    report("  user_mips: vmlab does not export bootKernel; skipped");
    return undefined;
  }
  const source = `        .text\nmain:\n${LOOP}\n        li   a0, 0\n        ret\n`;
  let instructions = 0;
  // The first runs reach kernel paths the compute loop never did; V8
  // re-optimizes the run loop for them. Warm up, then take the best.
  const time = await bestOf(6, () => {
    const m = boot({ programs: [{ name: "bench", source }], timerInterval: 10_000 });
    const r = m.run({ maxCycles: 1e9 });
    if (r.reason !== "halted") throw new Error(`user_mips: the kernel stopped with ${r.reason}: ${r.message ?? ""}`);
    instructions = r.instructions;
  });
  return instructions / time / 1e6;
}

export const suite: BenchSuite = {
  name: "machine",
  description: "toy32 interpreter speed against a reference interpreter and native JS",
  async run(report) {
    const program = assemble(`${LOOP}        halt\n`, { file: "bench.s" });
    const words = new Uint32Array(program.image.buffer.slice(0), 0, program.image.length / 4);
    const expected = runReference(words, 1e9);
    const instructions = expected.instructions;

    let a0 = 0;
    const runMachine = (): void => {
      const r = pagedMachine(program.image).run({ maxCycles: 1e9 });
      a0 = r.exitCode ?? NaN;
      if (r.instructions !== instructions) throw new Error(`machine ran ${r.instructions} instructions, reference ${instructions}`);
    };
    // The two interpreters alternate, so both see the same load on a busy
    // host; each side's best time counts (the first rounds warm the JIT).
    let interp = Infinity, reference = Infinity;
    for (let round = 0; round < 9; round++) {
      interp = Math.min(interp, await seconds(runMachine));
      reference = Math.min(reference, await seconds(() => runReference(words, 1e9)));
    }
    if (a0 !== expected.a0) throw new Error(`machine computed ${a0}, reference ${expected.a0}`);
    const native = await bestOf(5, nativeLoop);
    const user = await userMips(report);

    const interp_mips = instructions / interp / 1e6;
    const reference_mips = instructions / reference / 1e6;
    const native_mops = (ITERATIONS * LOOP_LENGTH) / native / 1e6;
    report(`  ${instructions} instructions: machine ${interp.toFixed(3)}s, reference ${reference.toFixed(3)}s, native ${native.toFixed(4)}s`);
    const result: Record<string, number> = {
      interp_mips,
      reference_mips,
      native_mops,
      ratio_to_reference: interp_mips / reference_mips,
    };
    if (user !== undefined) result.user_mips = user;
    return result;
  },
};


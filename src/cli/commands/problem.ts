/**
 * `vmlab problem KIND --seed N [--answers] [--json]`: a seeded exercise
 * variant, as OSTEP's homework simulators print them (`-s SEED`, `-c`).
 */
import type { Command } from "commander";
import { generateProblem, PROBLEM_KINDS, TLB_POLICIES, type TlbPolicy } from "../../courseware/problems";
import { parseNumber, parseOptionalNumber } from "../options";

interface Options {
  seed: string;
  answers?: boolean;
  json?: boolean;
  count?: string;
  entries?: string;
  policy?: string;
}

/** A problem is worked by hand: at most this many addresses or references. */
const MAX_COUNT = 100;
/** The largest TLB tlb.ts draws (its own check). */
const MAX_TLB_ENTRIES = 64;

export function register(program: Command): void {
  program
    .command("problem")
    .description("print a seeded exercise variant (same seed, same problem everywhere)")
    .argument("[kind]", `the kind of problem: ${Object.keys(PROBLEM_KINDS).join(", ")}`)
    .option("-s, --seed <n>", "the seed (an integer from 0 to 4294967295)", "0")
    .option("-c, --answers", "print the answers too")
    .option("--json", "print the problem and its answers as one JSON object")
    .option("--count <n>", "how many addresses or references")
    .option("--entries <n>", "tlb: the number of TLB entries")
    .option("--policy <p>", `tlb: the replacement policy (${TLB_POLICIES.join(", ")})`)
    .option("--list", "list the kinds of problems")
    .action((kind: string | undefined, opts: Options & { list?: boolean }) => {
      if (opts.list || kind === undefined) {
        const width = Math.max(...Object.keys(PROBLEM_KINDS).map((name) => name.length));
        for (const [name, g] of Object.entries(PROBLEM_KINDS)) process.stdout.write(`${name.padEnd(width)} ${g.description}\n`);
        return;
      }
      const seed = parseNumber("--seed", opts.seed, { min: 0, max: 0xffff_ffff, integer: true });
      const count = parseOptionalNumber("--count", opts.count, { min: 1, max: MAX_COUNT, integer: true });
      const entries = parseOptionalNumber("--entries", opts.entries, { min: 1, max: MAX_TLB_ENTRIES, integer: true });
      const policy = opts.policy?.toUpperCase() as TlbPolicy | undefined;
      const problem = generateProblem(kind, seed, { count, entries, policy });
      if (opts.json) {
        const { kind: k, seed: s, title, data, answers } = problem;
        process.stdout.write(JSON.stringify(opts.answers ? { kind: k, seed: s, title, data, answers } : { kind: k, seed: s, title, data }) + "\n");
        return;
      }
      process.stdout.write(`${problem.title}\nvmlab problem ${kind} --seed ${seed}\n\n${opts.answers ? problem.solution : problem.question}\n`);
    });
}

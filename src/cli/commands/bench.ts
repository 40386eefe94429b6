/**
 * `vmlab bench [SUITE] [--json]`: the simulator's own benchmarks. Suites
 * are test/bench/NAME.bench.ts, compiled to dist/bench by the build; each
 * exports `suite: BenchSuite`.
 */
import * as fs from "fs";
import * as path from "path";
import type { Command } from "commander";
import type { BenchSuite } from "../../benchmark";
import { UserError } from "../../errors";

const BENCH_DIR = path.join(__dirname, "..", "..", "bench");

function loadSuites(): BenchSuite[] {
  if (!fs.existsSync(BENCH_DIR)) throw new UserError(`no benchmarks built in ${BENCH_DIR}`, "run `npm run build` first");
  return fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(".bench.js"))
    .sort()
    .map((f) => (require(path.join(BENCH_DIR, f)) as { suite: BenchSuite }).suite);
}

export function register(program: Command): void {
  program
    .command("bench")
    .description("run the simulator's own benchmarks (all suites, or the one named)")
    .argument("[suite]", "the suite to run")
    .option("--json", 'print one JSON object {"suite": {"metric": number}}')
    .option("--list", "list the suites")
    .action(async (name: string | undefined, opts: { json?: boolean; list?: boolean }) => {
      const suites = loadSuites();
      if (opts.list) {
        for (const s of suites) process.stdout.write(`${s.name.padEnd(12)} ${s.description}\n`);
        return;
      }
      const chosen = name === undefined ? suites : suites.filter((s) => s.name === name);
      if (chosen.length === 0) {
        throw new UserError(`no benchmark suite named "${name}"`, `suites: ${suites.map((s) => s.name).join(", ")}`);
      }
      const results: Record<string, Record<string, number>> = {};
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      for (const s of chosen) {
        log(`bench ${s.name}: ${s.description}`);
        results[s.name] = await s.run(log);
        if (!opts.json) {
          for (const [metric, value] of Object.entries(results[s.name])) {
            process.stdout.write(`${s.name}.${metric}`.padEnd(36) + formatNumber(value) + "\n");
          }
        }
      }
      if (opts.json) process.stdout.write(JSON.stringify(results) + "\n");
    });
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

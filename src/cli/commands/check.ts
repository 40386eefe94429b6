/**
 * `vmlab check NB... [--timeout S]`: run a student's notebook headless and
 * report each exercise's result against its visible tests; the notebook
 * is not written. Exit status 1 if any exercise lost points.
 */
import type { Command } from "commander";
import { formatSelfCheck, selfCheck } from "../../courseware/self-check";
import { parseNumber, SECONDS } from "../options";

export function register(program: Command): void {
  program
    .command("check")
    .description("students: run your notebook and see each exercise's visible-test result (nothing is written)")
    .argument("<notebooks...>", "your .ipynb files (e.g. from vmlab fetch)")
    .option("--timeout <s>", "time limit per cell, seconds", "120")
    .action(async (files: string[], opts: { timeout: string }) => {
      const timeoutSeconds = parseNumber("--timeout", opts.timeout, SECONDS);
      const stop = (): never => process.exit(130); // kernel.ts kills live kernels on exit
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      let lost = false;
      for (const file of files) {
        const result = await selfCheck(file, { timeoutSeconds });
        process.stdout.write(formatSelfCheck(result));
        lost ||= result.score < result.max_score;
      }
      if (lost) process.exitCode = 1;
    });
}

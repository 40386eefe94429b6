/**
 * `vmlab run NB... [--out DIR] [--inplace] [--jobs N] [--timeout S]
 * [--allow-errors]`: execute notebooks headless in tslab kernels, as
 * JupyterLab's "Run All" would, and say which failed. Exit status 1 if any
 * notebook failed.
 */
import * as os from "os";
import type { Command } from "commander";
import { JOBS, OUTPUT_BYTES, parseNumber, SECONDS } from "../options";
import { DEFAULT_TIMEOUT_SECONDS } from "../../notebook/execute";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../notebook/outputs";
import { summarizeRuns } from "../../notebook/progress";
import { runNotebooks } from "../../notebook/run";
import { guardCopies } from "../../notebook/output-guard";

interface RunFlags {
  out?: string;
  inplace?: boolean;
  jobs: string;
  timeout: string;
  allowErrors?: boolean;
  maxOutput: string;
}

export function register(program: Command): void {
  program
    .command("run")
    .description("execute notebooks headless with tslab kernels; exit status 1 if any cell failed (without --out or --inplace nothing is written)")
    .argument("<notebooks...>", "the .ipynb files to run")
    .option("--out <dir>", "write the executed copies to DIR (same file names)")
    .option("--inplace", "write the executed copies over the sources")
    .option("--jobs <n>", "notebooks run at once (1: one kernel at a time)", String(Math.min(JOBS.max, os.cpus().length)))
    .option("--timeout <seconds>", "per cell: interrupt, then kill, a cell running longer", String(DEFAULT_TIMEOUT_SECONDS))
    .option("--allow-errors", "run on after a failing cell (the notebook still fails)")
    .option("--max-output <bytes>", "stream text kept per cell and stream; the rest is dropped with a note", String(DEFAULT_MAX_OUTPUT_BYTES))
    .action(async (notebooks: string[], flags: RunFlags) => {
      const options = {
        jobs: parseNumber("--jobs", flags.jobs, JOBS),
        timeoutSeconds: parseNumber("--timeout", flags.timeout, SECONDS),
        maxOutputBytes: parseNumber("--max-output", flags.maxOutput, OUTPUT_BYTES),
      };
      // kernel.ts kills live kernels and removes their folders on exit.
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      if (flags.out !== undefined) guardCopies(flags.out, notebooks, "choose another --out, or pass --inplace to overwrite the sources on purpose");
      const runs = await runNotebooks(notebooks, {
        ...options,
        outDir: flags.out,
        inplace: flags.inplace,
        allowErrors: flags.allowErrors,
        progress: true,
      });
      process.stdout.write(summarizeRuns(runs));
      if (runs.some((r) => !r.ok)) process.exitCode = 1;
    });
}

/**
 * Running many notebooks: what `vmlab run` and `vmlab build` do. Each
 * notebook gets its own kernel in its own folder; `jobs` of them run at a
 * time, taking notebooks from one queue, the longest expected first
 * (run-times.ts) so that the lanes end together. With more than one at a time, once
 * a worker's kernel is up the kernel of the next notebook in the queue is
 * started (kernels-ahead.ts), so a kernel's start-up overlaps with the work
 * of the notebooks before it.
 *
 * A worker does not wait for its finished kernel to die: it takes the next
 * notebook at once, and the run ends when every kernel is gone.
 *
 * A notebook that cannot be read or run (bad JSON, another kernel, a kernel
 * that will not start) is a failed notebook with a one-line problem; the
 * others run on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../errors";
import { writing } from "./output-guard";
import { checkKernelspec, executeNotebook } from "./execute";
import type { Failure } from "./failure";
import { Kernel } from "./kernel";
import { aheadFor, KernelsAhead } from "./kernels-ahead";
import type { Notebook } from "./nbformat";
import { longestFirst, recordRunTimes } from "./run-times";
import { readNotebook, writeNotebook } from "./read";
import { RunProgress, terminalProgress } from "./progress";

export interface RunOptions {
  /** Notebooks run at once; default the number of cores. */
  jobs?: number;
  /** Write the executed copies here (same file names). */
  outDir?: string;
  /** Write the executed copies over the sources. */
  inplace?: boolean;
  /** Per cell; default 120. */
  timeoutSeconds?: number;
  allowErrors?: boolean;
  /** Stream text kept per cell and stream; default 1 MiB. */
  maxOutputBytes?: number;
  /** true: a line per notebook on stderr; or your own reporter. */
  progress?: boolean | RunProgress;
}

export interface NotebookRun {
  path: string;
  /** Where the executed copy was written, if it was. */
  written?: string;
  ok: boolean;
  failures: Failure[];
  /** Why the notebook could not be run at all (then `failures` is empty). */
  problem?: string;
  /** The executed copy. */
  notebook?: Notebook;
  seconds: number;
}

interface Job {
  path: string;
  out?: string;
  notebook?: Notebook;
  problem?: string;
  kernel?: Promise<Kernel>;
}

/** Runs `paths`, `jobs` at a time; results in the order of `paths`. */
export async function runNotebooks(paths: string[], options: RunOptions = {}): Promise<NotebookRun[]> {
  const jobs = makeJobs(paths, options);
  const progress = options.progress === true ? terminalProgress(paths) : options.progress || undefined;
  const width = Math.max(1, Math.min(options.jobs ?? os.cpus().length, jobs.length));
  const results = new Array<NotebookRun>(jobs.length);
  const queue = longestFirst(jobs.map(prepare)).map((i) => ({ index: i, job: jobs[i] }));
  let next = 0;
  const stopping: Promise<unknown>[] = [];
  const ahead = new KernelsAhead<Job>((job) => startKernel(job.path, options), aheadFor(width));
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const { index, job } = queue[next++];
      if (!job.problem) {
        // Once this kernel is up (not before: it would compete with it), the next one starts.
        job.kernel = ahead.take(job);
        void job.kernel.then(() => ahead.startNext(nextRunnable(queue, next)), () => undefined);
      }
      results[index] = await runOne(job, options, progress, (stopped) => stopping.push(stopped));
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  await Promise.all(stopping);
  recordRunTimes(new Map(results.filter((r) => !r.problem).map((r) => [r.path, r.seconds])));
  progress?.done(results);
  return results;
}

/** The first notebook in the queue from `from` on that can run, if any. */
function nextRunnable(queue: { job: Job }[], from: number): Job[] {
  const runnable = queue.slice(from).find(({ job }) => !job.problem);
  return runnable ? [runnable.job] : [];
}

/** Output paths decided, and refused when they would clobber something. */
function makeJobs(paths: string[], options: RunOptions): Job[] {
  if (options.outDir && options.inplace) throw new UserError("give either --out DIR or --inplace, not both");
  const outDir = options.outDir;
  if (outDir) writing(outDir, () => fs.mkdirSync(outDir, { recursive: true })); // before any kernel starts
  const outs = new Map<string, string>();
  return paths.map((p) => {
    const out = options.inplace ? p : options.outDir ? path.join(options.outDir, path.basename(p)) : undefined;
    if (out && !options.inplace && path.resolve(out) === path.resolve(p)) {
      throw new UserError(`${p}: --out ${options.outDir} would overwrite the notebook itself; use --inplace for that`);
    }
    if (out && outs.has(path.resolve(out))) throw new UserError(`${p} and ${outs.get(path.resolve(out))} would both be written to ${out}`);
    if (out) outs.set(path.resolve(out), p);
    return { path: p, out };
  });
}

/** Reads the notebook once (problems recorded, not thrown). */
function prepare(job: Job): Job {
  if (job.notebook || job.problem) return job;
  try {
    job.notebook = readNotebook(job.path);
    checkKernelspec(job.notebook, job.path);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    job.problem = err.message;
  }
  return job;
}

function startKernel(file: string, options: RunOptions): Promise<Kernel> {
  const kernel = Kernel.start(path.dirname(path.resolve(file)), { maxOutputBytes: options.maxOutputBytes });
  kernel.catch(() => undefined); // reported when the job runs
  return kernel;
}

async function runOne(job: Job, options: RunOptions, progress: RunProgress | undefined, onShutdown: (stopped: Promise<unknown>) => void): Promise<NotebookRun> {
  const started = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const nb = job.notebook;
  if (!nb || job.problem) {
    const run: NotebookRun = { path: job.path, ok: false, failures: [], problem: job.problem, seconds: 0 };
    progress?.finished(run);
    return run;
  }
  progress?.started(job.path);
  let run: NotebookRun;
  try {
    const result = await executeNotebook(nb, {
      cwd: path.dirname(path.resolve(job.path)),
      timeoutSeconds: options.timeoutSeconds,
      allowErrors: options.allowErrors,
      maxOutputBytes: options.maxOutputBytes,
      kernel: job.kernel ?? startKernel(job.path, options),
      onCell: (i, total) => progress?.cell(job.path, i, total),
      onShutdown,
      keepUnrunOutputs: true,
    });
    run = { path: job.path, ok: result.ok, failures: result.failures, notebook: result.notebook, seconds: seconds() };
    const out = job.out;
    if (out) {
      writing(out, () => {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        writeNotebook(out, result.notebook);
      });
      run.written = out;
    }
  } catch (err) {
    run = { path: job.path, ok: false, failures: [], problem: `${job.path}: ${(err as Error).message}`, seconds: seconds() };
  }
  progress?.finished(run);
  return run;
}

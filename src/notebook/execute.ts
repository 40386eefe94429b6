/**
 * Executing one notebook in a fresh tslab kernel, as JupyterLab's "Restart
 * Kernel and Run All Cells" and nbclient's NotebookClient.execute() do:
 * code cells in order, each with the outputs its iopub messages make and the
 * execution count its execute_reply carries; stop at the first failure.
 *
 * Cell tags (nbclient's conventions):
 *   skip-execution     the cell is not run and keeps what it had
 *   raises-exception   the cell is expected to fail: its error is recorded
 *                      as an output but is not a failure and does not stop
 * Empty code cells are not run (nbclient skips them too).
 *
 * With keepUnrunOutputs (what `vmlab run` asks), a cell's outputs and
 * execution count are replaced only when it runs: the cells after a
 * failure, which never ran, keep what they had (so `run --inplace` loses
 * none of a notebook's saved outputs). Without it every cell to run starts
 * empty, so a cell that did not run has no outputs and no count (grading
 * relies on that: a submission's saved outputs are never taken as run).
 *
 * A cell that runs longer than the timeout is interrupted (SIGINT); if it
 * has not stopped after a grace period the kernel is killed. A kernel that
 * dies is noticed at once (its process's exit). Either way the cell gets
 * an `error` output saying what happened.
 */
import { UserError } from "../errors";
import { errorFromStderr, errorOutput, Failure, FailureReason } from "./failure";
import { ExecuteReply, Kernel, describeExit } from "./kernel";
import { CodeCell, joinSource, Notebook, NotebookMetadata } from "./nbformat";
import { CellOutputs, DEFAULT_MAX_OUTPUT_BYTES, DisplayRegistry } from "./outputs";
import { delay, setClampedTimeout } from "./timers";

export type { Failure, FailureReason } from "./failure";

export const DEFAULT_TIMEOUT_SECONDS = 120;
/** How long an interrupted cell may take to stop before its kernel is killed. */
export const INTERRUPT_GRACE_SECONDS = 3;
/** tslab refuses requests for 200 ms after a failed cell (its execQueue.reset(200)). */
const AFTER_ERROR_MS = 250;

export interface ExecuteOptions {
  /** The kernel's working directory: the notebook's folder. */
  cwd: string;
  /** Per cell; default 120. */
  timeoutSeconds?: number;
  /** Run on after a failing cell (it still counts as a failure). */
  allowErrors?: boolean;
  /** Cells that do not run keep their saved outputs and counts (default: they are cleared). */
  keepUnrunOutputs?: boolean;
  /** Called as each code cell starts: index counts the cells to run from 0. */
  onCell?: (index: number, total: number) => void;
  /** Stream text kept per cell and stream; default 1 MiB (outputs.ts). */
  maxOutputBytes?: number;
  /** A kernel already started in `cwd` (runNotebooks starts them early); it is shut down at the end. */
  kernel?: Promise<Kernel>;
  /**
   * Given, the result comes back as soon as the last cell has run and the
   * kernel's shutdown is handed here to await (runNotebooks awaits them all
   * at the end, so a lane goes on while its last kernel dies). Without it,
   * executeNotebook returns once the kernel is gone.
   */
  onShutdown?: (stopped: Promise<unknown>) => void;
}

export interface ExecutionResult {
  /** The executed copy; the notebook passed in is not changed. */
  notebook: Notebook;
  /** No failures (cells tagged raises-exception do not count). */
  ok: boolean;
  failures: Failure[];
}

/** Kernelspec names that mean "run me with tslab". */
const TSLAB_KERNELS = new Set(["tslab", "typescript"]);

/** Refuses a notebook written for another kernel (e.g. python3). */
export function checkKernelspec(nb: Notebook, file = "notebook"): void {
  const spec = nb.metadata.kernelspec;
  if (!spec || TSLAB_KERNELS.has(spec.name) || spec.language === "typescript") return;
  throw new UserError(`${file}: the notebook's kernel is "${spec.name}" (${spec.language ?? spec.display_name}); vmlab runs TypeScript notebooks with tslab only`);
}

type CellRun =
  | { kind: "done"; reply: ExecuteReply }
  | { kind: "timeout"; reply?: ExecuteReply }
  | { kind: "died" };

export async function executeNotebook(nb: Notebook, options: ExecuteOptions): Promise<ExecutionResult> {
  const notebook = structuredClone(nb);
  try {
    checkKernelspec(notebook);
  } catch (err) {
    void options.kernel?.then((k) => k.shutdown()).catch(() => undefined);
    throw err;
  }
  const cells = notebook.cells.filter((c): c is CodeCell => c.cell_type === "code" && !hasTag(c, "skip-execution"));
  const isEmpty = (c: CodeCell): boolean => joinSource(c.source).trim() === "";
  for (const cell of options.keepUnrunOutputs ? cells.filter(isEmpty) : cells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const toRun = cells.filter((c) => !isEmpty(c));
  const kernel = await (options.kernel ?? Kernel.start(options.cwd, { maxOutputBytes: options.maxOutputBytes }));
  recordKernel(notebook, kernel);
  const failures: Failure[] = [];
  try {
    const displays = new DisplayRegistry();
    for (let i = 0; i < toRun.length; i++) {
      options.onCell?.(i, toRun.length);
      const cell = toRun[i];
      const failure = await executeCell(kernel, cell, displays, options);
      if (!failure) continue;
      const expected = failure.reason === "error" && hasTag(cell, "raises-exception");
      if (!expected) {
        failures.push({ ...failure, cellIndex: notebook.cells.indexOf(cell) });
        if (!options.allowErrors || kernel.exit) break;
      }
      await delay(AFTER_ERROR_MS);
    }
  } finally {
    const stopped = kernel.shutdown();
    if (options.onShutdown) options.onShutdown(stopped);
    else await stopped;
  }
  return { notebook, ok: failures.length === 0, failures };
}

/** Runs one cell into `cell`; the failure, if it failed. */
async function executeCell(
  kernel: Kernel,
  cell: CodeCell,
  displays: DisplayRegistry,
  options: ExecuteOptions,
): Promise<Omit<Failure, "cellIndex"> | undefined> {
  const outputs = new CellOutputs(displays, options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const timeout = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  let run = await runWithTimeout(kernel, joinSource(cell.source), outputs, timeout);
  if (run.kind === "done" && run.reply.status === "abort") {
    await delay(AFTER_ERROR_MS); // tslab was still refusing work after an earlier error
    run = await runWithTimeout(kernel, joinSource(cell.source), outputs, timeout);
  }
  const failure = describeRun(run, outputs.stderr, timeout, kernel);
  cell.execution_count = run.kind !== "died" && run.reply ? run.reply.execution_count : null;
  if (run.kind === "done" && run.reply.endedBy === "silence") outputs.endedBySilence = true;
  if (failure) outputs.push(errorOutput(failure.ename, failure.evalue));
  cell.outputs = outputs.finish();
  return failure;
}

async function runWithTimeout(kernel: Kernel, code: string, outputs: CellOutputs, timeoutSeconds: number): Promise<CellRun> {
  const done = kernel.execute(code, (msg) => outputs.handle(msg));
  const first = await within(done, timeoutSeconds * 1000);
  if (first !== TIMED_OUT) return first ? { kind: "done", reply: first } : { kind: "died" };
  kernel.interrupt();
  const second = await within(done, INTERRUPT_GRACE_SECONDS * 1000);
  if (second !== TIMED_OUT && second) return { kind: "timeout", reply: second };
  kernel.kill();
  await kernel.exited;
  return { kind: "timeout" };
}

function describeRun(run: CellRun, stderr: string, timeout: number, kernel: Kernel): Omit<Failure, "cellIndex"> | undefined {
  const fail = (reason: FailureReason, ename: string, evalue: string) => ({ reason, ename, evalue });
  switch (run.kind) {
    case "done":
      return run.reply.status === "ok" ? undefined : fail("error", ...namePair(errorFromStderr(stderr)));
    case "timeout": {
      const after = run.reply ? "it was interrupted" : "the kernel was killed";
      return fail("timeout", "TimeoutError", `the cell timed out after ${timeout} s; ${after}`);
    }
    case "died":
      return fail("kernel-died", "KernelDied", `the kernel died while running the cell (${kernel.exit ? describeExit(kernel.exit) : "unknown cause"})`);
  }
}

function namePair(e: { ename: string; evalue: string }): [string, string] {
  return [e.ename, e.evalue];
}

/** As JupyterLab and nbclient do: the notebook records the kernel it ran with. */
function recordKernel(nb: Notebook, kernel: Kernel): void {
  nb.metadata.kernelspec ??= { display_name: "TypeScript", language: "typescript", name: "tslab" };
  const info = kernel.info.language_info;
  if (typeof info === "object" && info !== null && typeof (info as { name?: unknown }).name === "string") {
    nb.metadata.language_info = info as NotebookMetadata["language_info"];
  }
}

function hasTag(cell: CodeCell, tag: string): boolean {
  return cell.metadata.tags?.includes(tag) ?? false;
}

const TIMED_OUT = Symbol("timed out");

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setClampedTimeout(() => resolve(TIMED_OUT), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

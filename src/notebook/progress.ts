/**
 * What `vmlab run` shows while it works: on a terminal, one progress bar per
 * notebook (cells done of cells to run, then its verdict); elsewhere (CI,
 * a pipe) one line as each notebook starts and one as it ends. All on
 * stderr; the summary (summarizeRuns) is the command's stdout.
 */
import * as cliProgress from "cli-progress";
import { describeFailure } from "./failure";
import type { NotebookRun } from "./run";

export interface RunProgress {
  started(path: string): void;
  /** Cell `index` (counting cells to run from 0) of `total` is starting. */
  cell(path: string, index: number, total: number): void;
  finished(run: NotebookRun): void;
  done(runs: NotebookRun[]): void;
}

/** "ok" or the first failure of a run, in one line. */
export function verdict(run: NotebookRun): string {
  if (run.problem) return run.problem;
  if (run.ok) return "ok";
  return run.failures.map(describeFailure)[0] ?? "failed";
}

export function terminalProgress(paths: string[], stream: NodeJS.WriteStream = process.stderr): RunProgress {
  return stream.isTTY ? barProgress(paths, stream) : lineProgress(stream);
}

function lineProgress(stream: NodeJS.WriteStream): RunProgress {
  return {
    started: (p) => void stream.write(`run   ${p}\n`),
    cell: () => undefined,
    finished: (run) => void stream.write(`${run.ok ? "pass" : "FAIL"}  ${run.path} (${run.seconds.toFixed(1)} s)${run.ok ? "" : `: ${verdict(run)}`}\n`),
    done: () => undefined,
  };
}

function barProgress(paths: string[], stream: NodeJS.WriteStream): RunProgress {
  const width = Math.min(32, Math.max(...paths.map((p) => p.length)));
  const multi = new cliProgress.MultiBar(
    { stream, format: "{name} [{bar}] {value}/{total} cells {status}", barsize: 16, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const bar = (p: string): cliProgress.SingleBar => {
    let b = bars.get(p);
    if (!b) {
      b = multi.create(1, 0, { name: shorten(p, width), status: "" });
      bars.set(p, b);
    }
    return b;
  };
  return {
    started: (p) => bar(p).update(0, { status: "starting kernel" }),
    cell: (p, i, total) => {
      bar(p).setTotal(Math.max(1, total));
      bar(p).update(i, { status: "running" });
    },
    finished: (run) => {
      const b = bar(run.path);
      if (run.ok) b.update(b.getTotal(), { status: `ok (${run.seconds.toFixed(1)} s)` });
      else b.update({ status: `FAILED: ${verdict(run)}`.slice(0, 100) });
    },
    done: () => multi.stop(),
  };
}

function shorten(p: string, width: number): string {
  return p.length > width ? "…" + p.slice(p.length - width + 1) : p.padEnd(width);
}

/** The summary `vmlab run` prints: each failure, then the counts. */
export function summarizeRuns(runs: NotebookRun[]): string {
  const failed = runs.filter((r) => !r.ok);
  const lines: string[] = [];
  for (const run of failed) {
    if (run.problem) lines.push(`FAILED ${run.problem.startsWith(run.path) ? run.problem : `${run.path}: ${run.problem}`}`);
    for (const f of run.failures) lines.push(`FAILED ${run.path}: ${describeFailure(f)}`);
  }
  for (const run of runs) if (run.written) lines.push(`wrote ${run.written}`);
  lines.push(`${runs.length - failed.length} passed, ${failed.length} failed (of ${runs.length} notebook${runs.length === 1 ? "" : "s"})`);
  return lines.join("\n") + "\n";
}

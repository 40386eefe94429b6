/**
 * Scoring the grade cells of an executed notebook. nbgrader's rule
 * (`utils.determine_grade`) is: an error output means no credit; a number
 * the cell outputs is partial credit; anything else is full credit. Under
 * tslab the number travels in the `check` helper's verdict, a display_data
 * whose bundle holds the score under SCORE_MIME (or, from a check that
 * could not send a display, a `vmlab-score:` line on stdout; check.ts), so:
 *
 *   the cell...                                   earns
 *   --------------------------------------------  ---------------------------
 *   ran, no error                                 full points
 *   failed, its checks printed points p of max m  points * (sum p / sum m)
 *   failed otherwise (a throw, a compile error)   0, the error as the reason
 *   timed out / killed the kernel / was not run   0, saying which
 *   printed more than the output limit            0, saying how much
 */
import type { Failure } from "../notebook/failure";
import type { CodeCell, Notebook, Output } from "../notebook/nbformat";
import { joinSource } from "../notebook/nbformat";
import { SCORE_MIME, SCORE_PREFIX, type CheckScore } from "./check";

export type CellStatus = "passed" | "partial" | "failed" | "timeout" | "kernel-died" | "not-run" | "output-limit" | "not-graded";

/** One grade cell's result. */
export interface CellGrade {
  grade_id: string;
  points: number;
  max_points: number;
  status: CellStatus;
  message: string;
}

/** The runner's note when it drops stream text (notebook/outputs.ts). */
const TRUNCATED = /\[vmlab: output truncated: ([^\]]*?) were not kept/;

/** Rounds to hundredths, as gradebooks show points. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

function stdoutOf(outputs: readonly Output[]): string {
  return outputs
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => joinSource((o as { text: string | string[] }).text))
    .join("");
}

/** A score as `check` sent it, checked (anything else: undefined). */
function asScore(json: unknown): CheckScore | undefined {
  const s = (typeof json === "object" && json !== null ? json : {}) as Partial<CheckScore>;
  if (typeof s.points !== "number" || typeof s.max !== "number" || !(s.max > 0) || !Number.isFinite(s.points)) return undefined;
  return { name: String(s.name ?? ""), points: Math.max(0, Math.min(s.points, s.max)), max: s.max, message: String(s.message ?? "") };
}

/** The scores `check` reported in a cell: its verdicts' bundles, then any score lines on stdout. */
export function scoreLines(outputs: readonly Output[]): CheckScore[] {
  const found: CheckScore[] = [];
  for (const o of outputs) {
    if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
    const score = asScore(o.data[SCORE_MIME]);
    if (score) found.push(score);
  }
  for (const line of stdoutOf(outputs).split("\n")) {
    if (!line.startsWith(SCORE_PREFIX)) continue;
    try {
      const score = asScore(JSON.parse(line.slice(SCORE_PREFIX.length)));
      if (score) found.push(score);
    } catch {
      // not a score line after all
    }
  }
  return found;
}

/** How the execution ended, for cells it never reached. */
export interface RunEnd {
  failures: readonly Failure[];
  /** Set when the total time limit stopped the notebook. */
  totalTimeoutSeconds?: number;
}

/** The grade of the cell at `index`, worth `maxPoints`. */
export function gradeCell(nb: Notebook, index: number, gradeId: string, maxPoints: number, end: RunEnd): CellGrade {
  const cell = nb.cells[index] as CodeCell;
  const result = (status: CellStatus, points: number, message: string): CellGrade => ({
    grade_id: gradeId,
    points: round2(points),
    max_points: maxPoints,
    status,
    message,
  });
  const failure = end.failures.find((f) => f.cellIndex === index);
  const truncated = TRUNCATED.exec(stdoutOf(cell.outputs) + stderrOf(cell.outputs));
  if (truncated) return result("output-limit", 0, `the cell printed too much output: ${truncated[1]} were not kept`);
  if (failure) return failedCell(failure, cell, maxPoints, end, result);
  if (cell.execution_count === null) return result("not-run", 0, notRunReason(index, end));
  const checks = scoreLines(cell.outputs);
  if (checks.length === 0) return result("passed", maxPoints, "all tests passed");
  const fraction = sum(checks, "points") / sum(checks, "max");
  return result(fraction >= 1 ? "passed" : "partial", maxPoints * fraction, messageOf(checks));
}

type Make = (status: CellStatus, points: number, message: string) => CellGrade;

function failedCell(failure: Failure, cell: CodeCell, maxPoints: number, end: RunEnd, result: Make): CellGrade {
  switch (failure.reason) {
    case "timeout":
      return result("timeout", 0, `${failure.evalue} (an endless loop?)`);
    case "kernel-died":
      if (end.totalTimeoutSeconds !== undefined) return result("timeout", 0, `the notebook ran past its total time limit of ${end.totalTimeoutSeconds} s in this cell`);
      return result("kernel-died", 0, `${failure.evalue} (did the code call process.exit?)`);
    case "error": {
      const checks = scoreLines(cell.outputs);
      const fraction = checks.length ? sum(checks, "points") / sum(checks, "max") : 0;
      if (fraction > 0 && fraction < 1) return result("partial", maxPoints * fraction, messageOf(checks));
      const lost = checks.filter((c) => c.points < c.max);
      return result("failed", 0, lost.length ? messageOf(lost) : `${failure.ename}: ${firstLines(failure.evalue)}`);
    }
  }
}

function notRunReason(index: number, end: RunEnd): string {
  const stop = end.failures.find((f) => f.reason !== "error" && f.cellIndex < index);
  if (!stop) return "the cell was not run";
  const what = end.totalTimeoutSeconds !== undefined ? `the total time limit of ${end.totalTimeoutSeconds} s ran out` : stop.reason === "timeout" ? "an earlier cell timed out and the kernel was killed" : "the kernel died";
  return `not run: ${what} in cell ${stop.cellIndex + 1}`;
}

function stderrOf(outputs: readonly Output[]): string {
  return outputs
    .filter((o) => o.output_type === "stream" && o.name === "stderr")
    .map((o) => joinSource((o as { text: string | string[] }).text))
    .join("");
}

function sum(checks: readonly CheckScore[], field: "points" | "max"): number {
  return checks.reduce((s, c) => s + c[field], 0);
}

function messageOf(checks: readonly CheckScore[]): string {
  return checks.map((c) => (checks.length > 1 ? `${c.name}: ${c.message}` : c.message)).join("; ");
}

function firstLines(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const head = lines.slice(0, 3).join(" / ");
  return head.length > 300 ? head.slice(0, 297) + "..." : head || "(no message)";
}

/**
 * `vmlab check NB...`: a student runs their own notebook headless and sees
 * each exercise's result against the tests they can see, before handing
 * it in. It is grading without the instructor's part: no hidden tests are
 * put back and no cell is restored from the source, so the points are
 * those of the visible tests only (the hidden ones are graded later).
 * The notebook itself is never written.
 *
 *   01-machine.ipynb: 4 of 9 points from the visible tests
 *     ✓ translate-tests    3 / 3  all tests passed
 *     ✗ tlb-tests          0 / 4  3 tests threw Error: not implemented yet (...)
 *     ✗ fault-tests        1 / 2  fault at 0x1000: expected 14, got 13
 */
import * as path from "path";
import { executeNotebook } from "../notebook/execute";
import { readNotebook } from "../notebook/read";
import { clampSeconds } from "../notebook/timers";
import { exerciseCells, pointsOf } from "./metadata";
import { gradeCell, round2, type CellGrade } from "./score";

export interface SelfCheckResult {
  file: string;
  score: number;
  max_score: number;
  cells: CellGrade[];
}

export interface SelfCheckOptions {
  /** Per cell, seconds (default 120). */
  timeoutSeconds?: number;
}

/** Runs `file` in a fresh kernel (cwd: its folder) and scores its test cells. */
export async function selfCheck(file: string, options: SelfCheckOptions = {}): Promise<SelfCheckResult> {
  const nb = readNotebook(file);
  const tests = exerciseCells(nb, file).filter((e) => e.kind === "tests");
  const timeoutSeconds = clampSeconds(options.timeoutSeconds ?? 120);
  const run = await executeNotebook(nb, { cwd: path.dirname(path.resolve(file)), timeoutSeconds, allowErrors: true });
  const cells = tests.map((e) => gradeCell(run.notebook, e.index, e.meta.grade_id, pointsOf(e.meta), { failures: run.failures }));
  return { file, score: round2(cells.reduce((s, c) => s + c.points, 0)), max_score: round2(cells.reduce((s, c) => s + c.max_points, 0)), cells };
}

/** The result as the terminal shows it. */
export function formatSelfCheck(r: SelfCheckResult): string {
  const width = Math.max(0, ...r.cells.map((c) => c.grade_id.length));
  const lines = [`${path.basename(r.file)}: ${r.score} of ${r.max_score} points from the visible tests`];
  if (r.cells.length === 0) lines.push("  (no graded exercises in this notebook)");
  for (const c of r.cells) {
    lines.push(`  ${c.points >= c.max_points ? "✓" : "✗"} ${c.grade_id.padEnd(width)}  ${String(c.points).padStart(4)} / ${c.max_points}  ${c.message}`);
  }
  return lines.join("\n") + "\n";
}

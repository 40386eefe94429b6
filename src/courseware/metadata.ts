/**
 * nbgrader's cell metadata, schema version 3, read and validated.
 *
 * An exercise cell carries `metadata.nbgrader`:
 *
 *   { "grade": bool, "solution": bool, "locked": bool, "task": bool,
 *     "points": number, "grade_id": "name", "schema_version": 3 }
 *
 * and the kinds nbgrader's docs name follow from the flags:
 *
 *   solution  grade  locked  task   kind
 *   --------  -----  ------  ----   -----------------------------------
 *   true      false  false   false  autograded answer (student writes)
 *   false     true   true    false  autograder tests (points, locked)
 *   true      true   false   false  manually graded answer (points)
 *   false     false  true    false  read-only
 *   false     false  true    true   manually graded task (markdown)
 *
 * The rules below are nbgrader's (its `ValidateCells`/`CheckCellMetadata`
 * preprocessors): a grade cell has points >= 0, grade ids are unique and
 * made of [A-Za-z0-9_-], a markdown grade cell must also be a solution
 * cell, task cells are markdown and neither graded nor solutions. Every
 * problem is reported as `file: cell N (grade_id): what is wrong`.
 */
import { UserError } from "../errors";
import type { Cell, NbgraderMetadata, Notebook } from "../notebook/nbformat";

export type ExerciseKind = "answer" | "tests" | "manual-answer" | "read-only" | "task";

/** One cell that carries nbgrader metadata, with where it is. */
export interface ExerciseCell {
  /** 0-based position in the notebook's cells. */
  index: number;
  cell: Cell;
  meta: NbgraderMetadata;
  kind: ExerciseKind;
}

const GRADE_ID = /^[A-Za-z0-9_-]+$/;

/** `file: cell N (id): message`, cell numbers counted from 1 as Jupyter shows them. */
export function cellWhere(file: string, index: number, gradeId?: string): string {
  return `${file}: cell ${index + 1}${gradeId ? ` (${gradeId})` : ""}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The cell's nbgrader metadata if it has any (unvalidated). */
export function rawNbgrader(cell: Cell): Record<string, unknown> | undefined {
  const m = (cell.metadata as Record<string, unknown>).nbgrader;
  return isObject(m) ? m : undefined;
}

/**
 * The cell's validated metadata, or undefined for a plain cell. Throws
 * UserError naming the notebook, the cell and the problem.
 */
export function readNbgrader(cell: Cell, file: string, index: number): NbgraderMetadata | undefined {
  const raw = (cell.metadata as Record<string, unknown>).nbgrader;
  if (raw === undefined) return undefined;
  const id = isObject(raw) && typeof raw.grade_id === "string" ? raw.grade_id : undefined;
  const fail = (what: string): never => {
    throw new UserError(`${cellWhere(file, index, id)}: ${what}`);
  };
  if (!isObject(raw)) return fail("metadata.nbgrader is not an object");
  if (raw.schema_version !== 3) {
    fail(`metadata.nbgrader.schema_version is ${JSON.stringify(raw.schema_version)}; vmlab reads schema version 3`);
  }
  for (const flag of ["grade", "solution", "locked"] as const) {
    if (typeof raw[flag] !== "boolean") fail(`metadata.nbgrader.${flag} must be true or false, not ${JSON.stringify(raw[flag])}`);
  }
  if (raw.task !== undefined && typeof raw.task !== "boolean") fail(`metadata.nbgrader.task must be true or false`);
  if (typeof raw.grade_id !== "string" || raw.grade_id === "") fail("metadata.nbgrader.grade_id is missing");
  if (!GRADE_ID.test(raw.grade_id as string)) {
    fail(`grade_id ${JSON.stringify(raw.grade_id)} may hold only letters, digits, '_' and '-'`);
  }
  const meta = raw as unknown as NbgraderMetadata;
  const problem = flagProblem(meta, cell.cell_type);
  if (problem) fail(problem);
  return meta;
}

/** What is wrong with a combination of flags, points and cell type. */
function flagProblem(m: NbgraderMetadata, type: Cell["cell_type"]): string | undefined {
  if (m.grade || m.task) {
    if (typeof m.points !== "number" || !Number.isFinite(m.points)) return `a ${m.task ? "task" : "grade"} cell needs metadata.nbgrader.points (a number)`;
    if (m.points < 0) return `points must not be negative (${m.points})`;
  }
  if (m.task) {
    if (m.grade || m.solution) return "a task cell cannot also be a grade or solution cell";
    if (type !== "markdown") return "a task cell must be a markdown cell";
  }
  if (m.solution && m.locked) return "a solution cell cannot be locked (students must edit it)";
  if (m.grade && !m.solution && type === "markdown") return "a markdown grade cell must also be a solution cell (a manually graded answer)";
  if (type === "raw" && (m.grade || m.solution)) return "a raw cell cannot be a grade or solution cell";
  return undefined;
}

export function kindOf(m: NbgraderMetadata): ExerciseKind {
  if (m.task) return "task";
  if (m.solution && m.grade) return "manual-answer";
  if (m.solution) return "answer";
  if (m.grade) return "tests";
  return "read-only";
}

/**
 * nbgrader's `is_locked`: grade cells that are not solutions are locked
 * whatever their flag says; solution cells never are.
 */
export function isLocked(m: NbgraderMetadata): boolean {
  if (m.solution) return false;
  if (m.grade) return true;
  return m.locked;
}

/** Every exercise cell of a notebook, validated; grade ids checked unique. */
export function exerciseCells(nb: Notebook, file: string): ExerciseCell[] {
  const found: ExerciseCell[] = [];
  const seen = new Map<string, number>();
  nb.cells.forEach((cell, index) => {
    const meta = readNbgrader(cell, file, index);
    if (!meta) return;
    const earlier = seen.get(meta.grade_id);
    if (earlier !== undefined) {
      throw new UserError(`${cellWhere(file, index, meta.grade_id)}: grade_id "${meta.grade_id}" is already used by cell ${earlier + 1}`);
    }
    seen.set(meta.grade_id, index);
    found.push({ index, cell, meta, kind: kindOf(meta) });
  });
  return found;
}

/** The points a grade cell (or task) is worth; 0 for others. */
export function pointsOf(m: NbgraderMetadata): number {
  return m.grade || m.task ? m.points ?? 0 : 0;
}

/** The total points of a notebook's graded cells. */
export function maxScore(cells: readonly ExerciseCell[]): number {
  return cells.reduce((sum, c) => sum + pointsOf(c.meta), 0);
}

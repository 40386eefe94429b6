/**
 * The notebook that grading runs: the instructor's source in its order,
 * the student's answers put into it (nbgrader's OverwriteCells, made
 * robust to what students do to notebooks).
 *
 *   source cell            what is run                    noted when
 *   ---------------------  -----------------------------  -------------------------
 *   tests / read-only      the source cell, hidden tests  the student's copy differs
 *   (locked)               and all                        (tampered), is missing
 *                                                         (deleted) or repeated
 *   answer (solution)      every student cell with its    missing (the stub is run),
 *                          grade_id, in the student's     cell type changed (put
 *                          order (split or duplicated)    back, as nbgrader does)
 *   plain cell             the student's cell of that id, -
 *                          else the source's
 *   student's own cells    after the student cell they    -
 *                          followed
 *
 * Cells are matched by grade_id (exercise cells) or by nbformat cell id
 * (plain cells), never by position, so moved, split or duplicated cells do
 * not break grading; a locked cell is never taken from the student.
 */
import type { Cell, Notebook } from "../notebook/nbformat";
import { joinSource } from "../notebook/nbformat";
import { computeChecksum } from "./checksum";
import { exerciseCells, rawNbgrader, type ExerciseCell } from "./metadata";

/** Something grading noticed about a submission's cells. */
export interface CellNote {
  grade_id: string;
  kind: "tampered" | "deleted" | "duplicated" | "type-changed" | "read-only-failed";
  message: string;
}

export interface Assembled {
  notebook: Notebook;
  notes: CellNote[];
  /** grade_id of each graded (tests) cell -> its index in `notebook.cells`. */
  gradeCells: Map<string, number>;
  /** The same for read-only cells (setup code the tests rely on). */
  readOnlyCells: Map<string, number>;
}

const START = "\u0000start";

/** The key that matches a cell across versions: grade_id, else its id. */
function keyOf(cell: Cell): string {
  const nb = rawNbgrader(cell);
  if (nb && typeof nb.grade_id === "string" && nb.grade_id !== "") return nb.grade_id;
  return `id:${cell.id}`;
}

/** The student's cells grouped by key, and their own cells by the cell they follow. */
function groupStudentCells(student: Notebook, sourceKeys: ReadonlySet<string>) {
  const byKey = new Map<string, Cell[]>();
  const extrasAfter = new Map<string, Cell[]>();
  let anchor = START;
  for (const cell of student.cells) {
    const key = keyOf(cell);
    if (sourceKeys.has(key)) {
      byKey.set(key, [...(byKey.get(key) ?? []), cell]);
      anchor = key;
    } else {
      extrasAfter.set(anchor, [...(extrasAfter.get(anchor) ?? []), cell]);
    }
  }
  return { byKey, extrasAfter };
}

/**
 * Builds the notebook to grade from the source (`file` names it), the
 * released copy (the same cells as the student received them) and the
 * student's notebook.
 */
export function assemble(source: Notebook, released: Notebook, student: Notebook, file: string): Assembled {
  const exercises = new Map(exerciseCells(source, file).map((e) => [e.index, e]));
  const keys = source.cells.map((c, i) => exercises.get(i)?.meta.grade_id ?? `id:${c.id}`);
  const { byKey, extrasAfter } = groupStudentCells(student, new Set(keys));
  const cells: Cell[] = [...(extrasAfter.get(START) ?? []).map(clean)];
  const notes: CellNote[] = [];
  const gradeCells = new Map<string, number>();
  const readOnlyCells = new Map<string, number>();
  source.cells.forEach((sourceCell, i) => {
    const theirs = byKey.get(keys[i]) ?? [];
    const ex = exercises.get(i);
    if (!ex) cells.push(clean(theirs[0] ?? sourceCell));
    else if (ex.meta.solution) cells.push(...answerCells(ex, theirs, released.cells[i], notes));
    else {
      notes.push(...lockedCellNotes(ex, theirs, released.cells[i]));
      (ex.kind === "tests" ? gradeCells : readOnlyCells).set(ex.meta.grade_id, cells.length);
      cells.push(structuredClone(sourceCell));
    }
    cells.push(...(extrasAfter.get(keys[i]) ?? []).map(clean));
  });
  return { notebook: { ...structuredClone(source), cells: uniqueIds(cells) }, notes, gradeCells, readOnlyCells };
}

/** The student's answer cells, their type put back if they changed it. */
function answerCells(ex: ExerciseCell, theirs: Cell[], stub: Cell, notes: CellNote[]): Cell[] {
  const id = ex.meta.grade_id;
  if (theirs.length === 0) {
    notes.push({ grade_id: id, kind: "deleted", message: `the answer cell ${id} was deleted; its empty stub was run instead` });
    return [clean(stub)];
  }
  return theirs.map((cell) => {
    if (cell.cell_type === ex.cell.cell_type) return clean(cell);
    notes.push({ grade_id: id, kind: "type-changed", message: `the answer cell ${id} was changed from ${ex.cell.cell_type} to ${cell.cell_type}; it was run as ${ex.cell.cell_type}` });
    return retype(cell, ex.cell);
  });
}

/** What the student did to a cell they could not change. */
function lockedCellNotes(ex: ExerciseCell, theirs: Cell[], released: Cell): CellNote[] {
  const id = ex.meta.grade_id;
  const what = ex.kind === "tests" ? "test cell" : "read-only cell";
  if (theirs.length === 0) return [{ grade_id: id, kind: "deleted", message: `the ${what} ${id} was deleted; it was put back from the source` }];
  const notes: CellNote[] = [];
  const expected = computeChecksum(released, ex.meta);
  if (theirs.some((c) => computeChecksum(c, ex.meta) !== expected)) {
    notes.push({ grade_id: id, kind: "tampered", message: `the ${what} ${id} was changed; the change was ignored and the original was run` });
  }
  if (theirs.length > 1) {
    notes.push({ grade_id: id, kind: "duplicated", message: `the ${what} ${id} appears ${theirs.length} times; it was run once` });
  }
  return notes;
}

/** A student's cell ready to run: no stale outputs. */
function clean(cell: Cell): Cell {
  const copy = structuredClone(cell);
  if (copy.cell_type === "code") {
    copy.outputs = [];
    copy.execution_count = null;
  }
  return copy;
}

/** The student's text in a cell of the source's type. */
function retype(cell: Cell, like: Cell): Cell {
  const base = { id: cell.id, source: joinSource(cell.source), metadata: structuredClone(cell.metadata) };
  if (like.cell_type === "code") return { ...base, cell_type: "code", outputs: [], execution_count: null };
  return { ...base, cell_type: like.cell_type };
}

/** nbformat 4.5 wants unique ids: a repeated id gets a suffix. */
function uniqueIds(cells: Cell[]): Cell[] {
  const seen = new Set<string>();
  for (const cell of cells) {
    let id = cell.id;
    for (let n = 2; seen.has(id); n++) id = `${cell.id.slice(0, 56)}-dup${n}`;
    cell.id = id;
    seen.add(id);
  }
  return cells;
}

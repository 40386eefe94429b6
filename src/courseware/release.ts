/**
 * `vmlab release`: student copies of the exercise notebooks, the way
 * nbgrader's `generate_assignment` makes them (its preprocessors in order:
 * ClearSolutions, ClearHiddenTests, LockCells, ComputeChecksums,
 * ClearOutput):
 *
 *   source cell                      student's copy
 *   -------------------------------  ---------------------------------------
 *   answer   (solution)              regions -> `// YOUR CODE HERE` + throw
 *                                    (no region: the whole cell is the stub)
 *   tests    (grade, locked)         hidden regions removed; read-only
 *   read-only (locked)               read-only
 *   any code cell                    outputs and execution counts cleared
 *
 * Read-only means Jupyter's `editable: false, deletable: false`; solution
 * cells are undeletable too (nbgrader's `lock_solution_cells`). The
 * checksum of every exercise cell is stored in its metadata (as nbgrader
 * does) and in release/manifest.json, which grading can compare against.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import type { Cell, Notebook } from "../notebook/nbformat";
import { joinSource } from "../notebook/nbformat";
import { guardOutputs, writing } from "../notebook/output-guard";
import { serializeNotebook } from "../notebook/read";
import type { Assignment, ExerciseCourse } from "./assignments";
import { exerciseSources, loadSource } from "./assignments";
import { computeChecksum } from "./checksum";
import { hasRegion, removeHiddenTests, stubSolutions, findRegions } from "./markers";
import { MANIFEST_FILE, readManifest, sha256, writeReleaseFiles, type PlannedFile, type ReleaseAction } from "./release-files";
import { cellWhere, exerciseCells, isLocked, maxScore, pointsOf, type ExerciseKind } from "./metadata";

/** One exercise cell as the release manifest records it. */
export interface ManifestCell {
  grade_id: string;
  kind: ExerciseKind;
  cell_type: Cell["cell_type"];
  /** 0-based position in the released notebook. */
  index: number;
  points: number;
  /** nbgrader's checksum of the released cell. */
  checksum: string;
}

export interface ManifestNotebook {
  assignment: string;
  file: string;
  max_score: number;
  cells: ManifestCell[];
  /** sha256 of the released file as written: a later release tells a hand edit by it. */
  sha256?: string;
}

export interface ReleaseManifest {
  generator: "vmlab release";
  course: string;
  notebooks: ManifestNotebook[];
  /** Chapters course.json lists whose notebook does not exist yet. */
  missing: string[];
  /** What this release did to each file it wrote (not read back from an older manifest). */
  actions?: ReleaseAction[];
}

/** The student's copy of one validated source notebook, and its manifest entry. */
export function releaseNotebook(source: Notebook, file: string, assignment: string): { notebook: Notebook; manifest: ManifestNotebook } {
  const exercises = exerciseCells(source, file);
  const byIndex = new Map(exercises.map((e) => [e.index, e]));
  const cells: ManifestCell[] = [];
  const released = source.cells.map((original, index): Cell => {
    const cell = structuredClone(original);
    const ex = byIndex.get(index);
    const where = cellWhere(file, index, ex?.meta.grade_id);
    checkMarkersBelong(cell, where, ex?.kind);
    if (ex) {
      if (ex.meta.solution) cell.source = stubSolutions(joinSource(cell.source), where, cell.cell_type !== "code");
      if (ex.kind === "tests") cell.source = removeHiddenTests(joinSource(cell.source), where);
      lockCell(cell, ex.meta.solution, isLocked(ex.meta));
      const checksum = computeChecksum(cell, ex.meta);
      cell.metadata.nbgrader = { ...ex.meta, checksum };
      cells.push({ grade_id: ex.meta.grade_id, kind: ex.kind, cell_type: cell.cell_type, index, points: pointsOf(ex.meta), checksum });
    }
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    return cell;
  });
  const notebook: Notebook = { ...structuredClone(source), cells: released };
  return { notebook, manifest: { assignment, file: path.basename(file), max_score: maxScore(exercises), cells } };
}

/**
 * nbgrader refuses a solution region outside a solution cell and a hidden
 * test region outside a grade cell: either would leak or lose code.
 */
function checkMarkersBelong(cell: Cell, where: string, kind: ExerciseKind | undefined): void {
  const source = joinSource(cell.source);
  findRegions(source, where);
  const solutionCell = kind === "answer" || kind === "manual-answer";
  if (!solutionCell && hasRegion(source, "solution", where)) {
    throw new UserError(`${where}: a SOLUTION region in a cell that is not a solution cell (set metadata.nbgrader.solution)`);
  }
  if (kind !== "tests" && hasRegion(source, "hidden", where)) {
    throw new UserError(`${where}: a HIDDEN TESTS region in a cell that is not a test (grade, non-solution) cell`);
  }
}

/** Jupyter's cell flags: read-only cells cannot be edited or deleted. */
function lockCell(cell: Cell, solution: boolean, locked: boolean): void {
  if (locked) {
    cell.metadata.editable = false;
    cell.metadata.deletable = false;
  } else if (solution) {
    cell.metadata.deletable = false;
  }
}

export interface ReleaseOptions {
  /** Replace released files edited by hand (each kept as a backup first). */
  force?: boolean;
}

/**
 * Releases every assignment of a course into `outDir`; returns the
 * manifest, which says what each file's release did (release-files.ts).
 * Refuses an `outDir` that is, or resolves to, the course's sources, and
 * a release over hand-edited copies unless `force`.
 */
export function releaseCourse(course: ExerciseCourse, outDir: string, options: ReleaseOptions = {}): ReleaseManifest {
  guardOutputs([{ path: outDir, kind: "folder" }, { path: path.join(outDir, MANIFEST_FILE), kind: "file" }], exerciseSources(course), "choose another --out (the default is COURSE/release)");
  const manifest: ReleaseManifest = { generator: "vmlab release", course: course.title, notebooks: [], missing: [] };
  const planned: PlannedFile[] = [];
  for (const assignment of course.assignments) {
    if (!fs.existsSync(assignment.file)) {
      manifest.missing.push(assignment.name);
      continue;
    }
    const { notebook, manifest: entry } = releaseAssignment(assignment);
    const text = serializeNotebook(notebook);
    entry.sha256 = sha256(text);
    planned.push({ file: path.join(outDir, entry.file), text });
    manifest.notebooks.push(entry);
  }
  guardOutputs(planned.map((f) => ({ path: f.file, kind: "file" })), exerciseSources(course));
  manifest.actions = writeReleaseFiles(outDir, planned, readManifest(outDir), options.force ?? false);
  writing(outDir, () => fs.writeFileSync(path.join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n"));
  return manifest;
}

export function releaseAssignment(assignment: Assignment): { notebook: Notebook; manifest: ManifestNotebook } {
  return releaseNotebook(loadSource(assignment), assignment.file, assignment.name);
}

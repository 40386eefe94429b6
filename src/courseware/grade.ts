/**
 * `vmlab grade SUBMISSIONS`: autograding every student's notebooks, the
 * way nbgrader's `autograde` does, in parallel and hardened against what
 * submissions do.
 *
 *   SUBMISSIONS/STUDENT/NN-name.ipynb           (+ optional timestamp.txt)
 *   or nbgrader's SUBMISSIONS/STUDENT/NN-name/NN-name.ipynb
 *        │ read; not JSON / not a notebook -> 0 with the reason
 *        ▼
 *   assemble (assemble.ts): the source's locked and test cells, hidden
 *   tests included, with the student's answers matched by grade_id
 *        │
 *        ▼
 *   execute in a fresh tslab kernel (notebook/execute.ts), cwd
 *   COURSE/autograded/STUDENT/, per-cell and total time limits, output cap
 *        │
 *        ▼
 *   score each test cell (score.ts) -> grades.json, gradebook.csv,
 *   the executed notebook for feedback
 *
 * Student code runs unsandboxed with the grader's rights, as under
 * nbgrader: docs/grading.md says how to isolate it. Any failure of one
 * submission (including the grader's own) is recorded and the batch goes on.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import { executeNotebook } from "../notebook/execute";
import { DEFAULT_MAX_OUTPUT_BYTES, formatBytes } from "../notebook/outputs";
import { Kernel } from "../notebook/kernel";
import { aheadFor, KernelsAhead } from "../notebook/kernels-ahead";
import { guardOutputs, writing } from "../notebook/output-guard";
import { clampSeconds, setClampedTimeout } from "../notebook/timers";
import { ensureLibraryResolves } from "../notebook/library-link";
import type { Notebook, Output } from "../notebook/nbformat";
import { parseNotebook, writeNotebook } from "../notebook/read";
import { assemble } from "./assemble";
import { type Assignment, type ExerciseCourse, exerciseSources, loadSource } from "./assignments";
import { noSubmissionsFound } from "./submissions";
import { gradebookRows, gradedStudentIds, readGradebook, readStudentGrades, writeGradebook, writeStudentGrades, type NotebookGrade, type StudentGrades } from "./gradebook";
import { exerciseCells, maxScore, pointsOf, type ExerciseCell } from "./metadata";
import { releaseNotebook } from "./release";
import { gradeCell, round2, type CellGrade, type RunEnd } from "./score";

export interface GradeOptions {
  /** Submissions run at once (default 2). */
  jobs?: number;
  /** Per cell, seconds (default 60). */
  timeoutSeconds?: number;
  /** Per notebook, seconds (default 10 x the per-cell limit). */
  totalTimeoutSeconds?: number;
  /** Grade again what is already graded. */
  force?: boolean;
  /** Stream text kept per cell (the runner's default: 1 MiB). */
  maxOutputBytes?: number;
  /**
   * Write the gradebook from this run's students only (and course.json's);
   * by default it keeps every student graded before, from autograded/ and
   * the gradebook itself.
   */
  replaceGradebook?: boolean;
  /** Called when the work is known and after each submission. */
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface GradeSummary {
  graded: number;
  skipped: number;
  /** Files that are not graded, and why (an unknown notebook name, ...). */
  ignored: string[];
  /** This folder's students and course.json's (the gradebook also keeps everyone graded before). */
  students: StudentGrades[];
  gradebook: string;
}

/** An assignment's source, its release and its exercise cells, prepared once. */
interface Prepared {
  assignment: Assignment;
  source: Notebook;
  released: Notebook;
  exercises: ExerciseCell[];
  maxScore: number;
  sha256: string;
}

interface Job {
  student: string;
  prepared: Prepared;
  /** Path relative to the submissions folder. */
  file: string;
  absolute: string;
}

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

function prepare(assignment: Assignment): Prepared {
  const source = loadSource(assignment);
  const exercises = exerciseCells(source, assignment.file);
  const released = releaseNotebook(source, assignment.file, assignment.name).notebook;
  return { assignment, source, released, exercises, maxScore: maxScore(exercises), sha256: sha256(fs.readFileSync(assignment.file)) };
}

/** Every STUDENT/NAME.ipynb under `dir` that names an assignment of the course. */
function findJobs(course: ExerciseCourse, dir: string, ignored: string[]): Job[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`${dir}: no such folder of submissions (expected SUBMISSIONS/STUDENT/NN-name.ipynb)`);
  const prepared = new Map<string, Prepared>();
  const jobs: Job[] = [];
  for (const student of fs.readdirSync(dir).sort()) {
    const studentDir = path.join(dir, student);
    if (!isFolder(studentDir)) continue;
    if (!/^[A-Za-z0-9._@+-]+$/.test(student) || student.startsWith(".")) {
      ignored.push(`${path.join(dir, student)}: a student id may hold only letters, digits and . _ @ + -`);
      continue;
    }
    for (const name of notebooksOf(studentDir)) {
      const assignment = course.assignments.find((a) => a.name === path.basename(name, ".ipynb"));
      if (!assignment || !fs.existsSync(assignment.file)) {
        ignored.push(`${path.join(student, name)}: the course has no notebook of that name`);
        continue;
      }
      if (jobs.some((j) => j.student === student && j.prepared.assignment.name === assignment.name)) {
        ignored.push(`${path.join(student, name)}: a second copy of ${assignment.name} (the first is graded)`);
        continue;
      }
      if (!prepared.has(assignment.name)) prepared.set(assignment.name, prepare(assignment));
      jobs.push({ student, prepared: prepared.get(assignment.name) as Prepared, file: path.join(student, name), absolute: path.join(studentDir, name) });
    }
  }
  if (jobs.length === 0) throw noSubmissionsFound(course, dir, ignored);
  return jobs;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false; // a dangling link, or gone meanwhile
  }
}

/**
 * The notebooks in a student's folder: STUDENT/NN-name.ipynb, or in
 * nbgrader's layout STUDENT/NN-name/NN-name.ipynb (paths relative to it).
 */
function notebooksOf(studentDir: string): string[] {
  return fs.readdirSync(studentDir).sort().flatMap((name) => {
    if (name.endsWith(".ipynb")) return [name];
    const nested = path.join(name, `${name}.ipynb`);
    return fs.existsSync(path.join(studentDir, nested)) && isFolder(path.join(studentDir, name)) ? [nested] : [];
  });
}

/** Grades every submission under `submissionsDir`; writes grades and the gradebook. */
export async function gradeSubmissions(course: ExerciseCourse, submissionsDir: string, options: GradeOptions = {}): Promise<GradeSummary> {
  guardOutputs(
    [{ path: course.autogradedDir, kind: "folder" }, { path: course.gradebook, kind: "file" }],
    [...exerciseSources(course), submissionsDir],
    "the course's autograded/ and gradebook.csv must not be the sources or the submissions",
  );
  const ignored: string[] = [];
  const jobs = findJobs(course, submissionsDir, ignored);
  const earlier = options.replaceGradebook ? [] : readGradebook(course.gradebook);
  const students = new Map<string, StudentGrades>();
  const everyone = options.replaceGradebook ? [] : gradedStudentIds(course);
  for (const id of [...jobs.map((j) => j.student), ...course.students.map((s) => s.id), ...everyone]) {
    if (!students.has(id)) students.set(id, readStudentGrades(course, id));
  }
  writing(course.autogradedDir, () => fs.mkdirSync(course.autogradedDir, { recursive: true }));
  ensureLibraryResolves(course.autogradedDir); // one link for every student's folder below
  const todo = jobs.filter((job) => options.force || !upToDate(students.get(job.student) as StudentGrades, job));
  let done = 0;
  const width = options.jobs ?? 2;
  const ahead = new KernelsAhead<Job>((job) => startKernel(workDirOf(course, job), options.maxOutputBytes), aheadFor(width));
  options.onProgress?.(0, todo.length, "");
  await runPool(todo, width, async (job, queued) => {
    // Once this job's kernel is up, the next job's starts, with more than one at a time (notebook/kernels-ahead.ts).
    const grade = await gradeOne(course, job, options, { take: () => ahead.take(job), up: () => ahead.startNext(queued()) });
    ahead.discard(job);
    const mine = students.get(job.student) as StudentGrades;
    mine.notebooks[job.prepared.assignment.name] = grade;
    writeStudentGrades(course, mine);
    options.onProgress?.(++done, todo.length, job.file);
  });
  const all = [...students.values()];
  const maxScores = new Map(jobs.map((j) => [j.prepared.assignment.name, j.prepared.maxScore]));
  writeGradebook(course, gradebookRows(course, all, maxScores, earlier));
  const here = new Set([...jobs.map((j) => j.student), ...course.students.map((s) => s.id)]);
  return { graded: todo.length, skipped: jobs.length - todo.length, ignored, students: all.filter((s) => here.has(s.student_id)), gradebook: course.gradebook };
}

/** What a grade says when vmlab itself failed (no kernel, ...): never kept as final. */
const GRADING_FAILED = "grading failed: ";

/** Already graded: the same file against the same source, and not lost to vmlab's own failure. */
function upToDate(grades: StudentGrades, job: Job): boolean {
  const earlier = grades.notebooks[job.prepared.assignment.name];
  if (!earlier || earlier.source_sha256 !== job.prepared.sha256) return false;
  if (earlier.problem?.startsWith(GRADING_FAILED)) return false;
  try {
    return earlier.sha256 === sha256(fs.readFileSync(job.absolute));
  } catch {
    return false;
  }
}

/** Runs `work` over `items`, at most `jobs` at a time; `queued()` says what no worker has taken yet. */
async function runPool<T>(items: readonly T[], jobs: number, work: (item: T, queued: () => readonly T[]) => Promise<void>): Promise<void> {
  let next = 0;
  const queued = (): readonly T[] => items.slice(next);
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++], queued);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
}

/** One submission, start to end; never throws. */
/** Where a submission's kernel comes from, and what to do once it is up. */
interface KernelSource {
  take(): Promise<Kernel>;
  up(): void;
}

async function gradeOne(course: ExerciseCourse, job: Job, options: GradeOptions, kernel: KernelSource): Promise<NotebookGrade> {
  const p = job.prepared;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(job.absolute);
  } catch (err) {
    return zeroGrade(job, "", timestampOf(job), `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const base = { sha: sha256(bytes), timestamp: timestampOf(job) };
  let student: Notebook;
  try {
    student = parseNotebook(bytes.toString("utf8"), job.file);
  } catch (err) {
    return zeroGrade(job, base.sha, base.timestamp, `not a notebook: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const { notebook, notes, gradeCells, readOnlyCells } = assemble(p.source, p.released, student, p.assignment.file);
    const workDir = workDirOf(course, job);
    const { executed, end } = await execute(notebook, kernel.take(), workDir, options, kernel.up);
    writeNotebook(path.join(workDir, path.basename(job.file)), executed);
    const cells = p.exercises.filter((e) => pointsOf(e.meta) > 0 || e.kind === "tests").map((e) => cellGrade(executed, e, gradeCells, end));
    return finish(job, base.sha, base.timestamp, cells, [...notes, ...readOnlyFailures(readOnlyCells, end)]);
  } catch (err) {
    return zeroGrade(job, base.sha, base.timestamp, `${GRADING_FAILED}${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A submission's working folder: COURSE/autograded/STUDENT. */
function workDirOf(course: ExerciseCourse, job: Job): string {
  return path.join(course.autogradedDir, job.student);
}

/** A kernel in `cwd` (made if need be); a failure to start is reported by executeNotebook. */
function startKernel(cwd: string, maxOutputBytes: number | undefined): Promise<Kernel> {
  const kernel = (async () => {
    writing(cwd, () => fs.mkdirSync(cwd, { recursive: true }));
    return Kernel.start(cwd, { maxOutputBytes });
  })();
  kernel.catch(() => undefined);
  return kernel;
}

/**
 * A read-only cell is the instructor's code, yet it can fail (a student's
 * answer it calls, a broken install): the tests after it then fail for a
 * reason their messages do not show, so it is noted.
 */
export function readOnlyFailures(readOnly: ReadonlyMap<string, number>, end: RunEnd): NotebookGrade["notes"] {
  return [...readOnly].flatMap(([id, index]) => {
    const f = end.failures.find((x) => x.cellIndex === index);
    if (!f) return [];
    const first = f.evalue.split("\n")[0];
    return [{ grade_id: id, kind: "read-only-failed" as const, message: `the read-only cell ${id} failed: ${f.ename}${first ? `: ${first}` : ""}` }];
  });
}

function cellGrade(nb: Notebook, e: ExerciseCell, gradeCells: ReadonlyMap<string, number>, end: RunEnd): CellGrade {
  const max = pointsOf(e.meta);
  const index = gradeCells.get(e.meta.grade_id);
  if (e.kind !== "tests" || index === undefined) {
    return { grade_id: e.meta.grade_id, points: 0, max_points: max, status: "not-graded", message: "graded by hand (vmlab does not autograde this cell)" };
  }
  return gradeCell(nb, index, e.meta.grade_id, max, end);
}

/** Runs the notebook in a fresh kernel, killing it when the total limit passes. */
async function execute(nb: Notebook, kernel: Promise<Kernel>, cwd: string, options: GradeOptions, kernelUp: () => void): Promise<{ executed: Notebook; end: RunEnd }> {
  // Clamped: a longer delay makes Node fire the timer at once (timers.ts).
  const perCell = clampSeconds(options.timeoutSeconds ?? 60);
  const total = clampSeconds(options.totalTimeoutSeconds ?? perCell * 10);
  void kernel.then(kernelUp, () => undefined);
  let overran = false;
  const timer = setClampedTimeout(() => {
    overran = true;
    void kernel.then((k) => k.kill(), () => undefined);
  }, total * 1000);
  try {
    const run = await executeNotebook(nb, { cwd, timeoutSeconds: perCell, allowErrors: true, maxOutputBytes: options.maxOutputBytes, kernel });
    capRichOutputs(run.notebook, options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    return { executed: run.notebook, end: { failures: run.failures, totalTimeoutSeconds: overran ? total : undefined } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The runner caps stream text, not displays: a cell whose rich outputs
 * (HTML, images, figures) exceed the limit loses them, with the runner's
 * kind of note, which scoring reads as too much output.
 */
function capRichOutputs(nb: Notebook, limit: number): void {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const isRich = (o: Output): boolean => o.output_type === "display_data" || o.output_type === "execute_result";
    const size = cell.outputs.filter(isRich).reduce((n, o) => n + Buffer.byteLength(JSON.stringify(o)), 0);
    if (size <= limit) continue;
    cell.outputs = cell.outputs.filter((o) => !isRich(o));
    cell.outputs.push({ output_type: "stream", name: "stderr", text: `[vmlab: output truncated: ${formatBytes(size)} of displays were not kept; a cell keeps ${formatBytes(limit)}]\n` });
  }
}

function finish(job: Job, sha: string, timestamp: string, cells: CellGrade[], notes: NotebookGrade["notes"]): NotebookGrade {
  return {
    assignment: job.prepared.assignment.name,
    file: job.file,
    sha256: sha,
    source_sha256: job.prepared.sha256,
    timestamp,
    graded_at: new Date().toISOString(),
    score: round2(cells.reduce((s, c) => s + c.points, 0)),
    max_score: job.prepared.maxScore,
    cells,
    notes,
  };
}

/** Every graded cell at zero, for a submission that could not be run at all. */
function zeroGrade(job: Job, sha: string, timestamp: string, problem: string): NotebookGrade {
  const cells = job.prepared.exercises
    .filter((e) => pointsOf(e.meta) > 0 || e.kind === "tests")
    .map((e): CellGrade => ({ grade_id: e.meta.grade_id, points: 0, max_points: pointsOf(e.meta), status: "failed", message: problem }));
  return { ...finish(job, sha, timestamp, cells, []), problem };
}

/** nbgrader's timestamp.txt if the student's folder has one, else the file's time. */
function timestampOf(job: Job): string {
  const stamp = path.join(path.dirname(job.absolute), "timestamp.txt");
  try {
    const text = fs.readFileSync(stamp, "utf8").trim();
    if (text && !Number.isNaN(Date.parse(text))) return new Date(text).toISOString();
  } catch {
    // none
  }
  try {
    return fs.statSync(job.absolute).mtime.toISOString();
  } catch {
    return "";
  }
}

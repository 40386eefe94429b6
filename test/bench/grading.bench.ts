/**
 * How much parallel grading gains (issue: `vmlab bench grading --json`).
 * Forty submissions of chapter 01 are generated from its release (answers
 * right, stubbed, half right, right plus a scratch cell of the student's),
 * then graded twice in the same run into two fresh course folders:
 *
 *   parallel_s   vmlab grade --jobs 2
 *   serial_s     vmlab grade --jobs 1
 *   speedup      serial_s / parallel_s   (goal on a 2-core machine: >= 1.7)
 *
 * Both runs must agree on every score, or the suite fails.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seconds, type BenchSuite } from "vmlab/dist/benchmark";
import { loadExerciseCourse } from "vmlab/dist/courseware/assignments";
import { gradeSubmissions, type GradeSummary } from "vmlab/dist/courseware/grade";
import type { Cell, Notebook } from "vmlab/dist/notebook/nbformat";
import { readNotebook, serializeNotebook } from "vmlab/dist/notebook/read";
import { releaseNotebook } from "vmlab/dist/courseware/release";

/** 40 as the issue asks; VMLAB_GRADING_SUBMISSIONS=N for a quicker look. */
const SUBMISSIONS = Number(process.env.VMLAB_GRADING_SUBMISSIONS ?? 40);
const CHAPTER = "01-machine";
const ROOT = path.resolve(__dirname, "..", "..");

/** A course folder whose course.json lists chapter 01 of the project's notebooks. */
function courseFolder(dir: string): string {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, "course", "course.json"), "utf8")) as { chapters: { file: string }[] };
  const course = { ...project, notebooks: path.join(ROOT, "notebooks"), chapters: project.chapters.filter((c) => c.file === `${CHAPTER}.ipynb`) };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "course.json"), JSON.stringify(course, null, 2));
  return dir;
}

/** Student i's notebook: one of four kinds of work, in turn. */
function submission(i: number, source: Notebook, released: Notebook): Notebook {
  const nb = structuredClone(released);
  const answers = nb.cells.filter((c) => c.metadata.nbgrader?.solution);
  const solved = (c: Cell): Cell => structuredClone(source.cells.find((s) => s.metadata.nbgrader?.grade_id === c.metadata.nbgrader?.grade_id) as Cell);
  const kind = i % 4;
  nb.cells = nb.cells.map((c) => {
    const k = answers.indexOf(c);
    if (k < 0 || kind === 1) return c;
    return kind === 2 && k >= answers.length / 2 ? c : solved(c);
  });
  if (kind === 3) nb.cells.push({ cell_type: "code", id: `scratch-${i}`, metadata: {}, source: `const scratch${i} = ${i} * 2;`, outputs: [], execution_count: null });
  return nb;
}

function writeSubmissions(dir: string): void {
  const file = path.join(ROOT, "notebooks", `${CHAPTER}.ipynb`);
  const source = readNotebook(file);
  const released = releaseNotebook(source, file, CHAPTER).notebook;
  for (let i = 0; i < SUBMISSIONS; i++) {
    const student = path.join(dir, `student${String(i).padStart(2, "0")}`);
    fs.mkdirSync(student, { recursive: true });
    fs.writeFileSync(path.join(student, `${CHAPTER}.ipynb`), serializeNotebook(submission(i, source, released)));
  }
}

function scores(summary: GradeSummary): string[] {
  return summary.students.map((s) => `${s.student_id}:${s.notebooks[CHAPTER]?.score}`).sort();
}

export const suite: BenchSuite = {
  name: "grading",
  description: `vmlab grade on ${SUBMISSIONS} submissions of chapter ${CHAPTER}: --jobs 2 against --jobs 1`,
  async run(report) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-bench-grading-"));
    const submitted = path.join(work, "submitted");
    writeSubmissions(submitted);
    const grade = async (jobs: number): Promise<{ s: number; summary: GradeSummary }> => {
      const course = loadExerciseCourse(courseFolder(path.join(work, `course-jobs${jobs}`)));
      let summary: GradeSummary | undefined;
      const s = await seconds(async () => {
        summary = await gradeSubmissions(course, submitted, { jobs, timeoutSeconds: 300 });
      });
      report(`  --jobs ${jobs}: ${SUBMISSIONS} submissions in ${s.toFixed(1)} s`);
      return { s, summary: summary as GradeSummary };
    };
    const parallel = await grade(2);
    const serial = await grade(1);
    if (scores(parallel.summary).join() !== scores(serial.summary).join()) throw new Error("the serial and parallel runs disagree on some score");
    fs.rmSync(work, { recursive: true, force: true });
    return { parallel_s: parallel.s, serial_s: serial.s, speedup: serial.s / parallel.s, submissions: SUBMISSIONS };
  },
};

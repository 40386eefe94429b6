/**
 * `vmlab feedback`: one HTML page per student and notebook (nbgrader's
 * `generate_feedback`), rendered by the handout exporter from the graded
 * notebook:
 *
 *   COURSE/feedback/STUDENT/NN-name.html    COURSE/feedback/assets/ (shared)
 *
 *   +--------------------------------------------+
 *   | Feedback for STUDENT: 3 / 6                |  banner: every exercise's
 *   | sum-tests   2 / 2  all tests passed        |  points and message, and
 *   | mean-tests  1 / 3  mean([1, 2]): ...       |  what grading noticed
 *   +--------------------------------------------+
 *   | the notebook as it ran; each test cell's   |
 *   | outputs replaced by its score and message  |
 *   +--------------------------------------------+
 *
 * Hidden tests never reach a page: a test cell is shown as it was
 * released (hidden regions removed) and its outputs, which could quote
 * what hidden tests checked, are replaced by the score box. The student's
 * own text is escaped: their markdown's HTML is shown as text, their raw
 * cells and HTML or script outputs are left out.
 */
import * as fs from "fs";
import * as path from "path";
import type { Cell, Notebook, Output } from "../notebook/nbformat";
import { joinSource } from "../notebook/nbformat";
import { UserError } from "../errors";
import { guardOutputs, writing } from "../notebook/output-guard";
import { readNotebook } from "../notebook/read";
import { writeAssets } from "./handout/assets";
import { escapeHtml } from "./handout/html";
import { renderNotebookPage } from "./handout/page";
import { type Assignment, type ExerciseCourse, exerciseSources, loadSource } from "./assignments";
import { GRADES_FILE, gradedStudentIds, gradesPath, type NotebookGrade, type StudentGrades } from "./gradebook";
import { exerciseCells } from "./metadata";
import { releaseNotebook } from "./release";
import type { CellGrade } from "./score";

export interface FeedbackSummary {
  pages: string[];
  dir: string;
  /** Students or notebooks with no page, and why (a corrupt grades.json or graded notebook). */
  skipped: string[];
}

/** A student's grades.json, or why it cannot be used. */
function gradesOf(course: ExerciseCourse, student: string): StudentGrades | string {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(gradesPath(course, student), "utf8"));
  } catch (err) {
    return `${student}: ${GRADES_FILE} is unreadable (${err instanceof SyntaxError ? `not JSON: ${err.message}` : (err as NodeJS.ErrnoException).code ?? String(err)}); grade again with --force`;
  }
  const notebooks = (json as { notebooks?: unknown } | null)?.notebooks;
  if (typeof notebooks !== "object" || notebooks === null || Array.isArray(notebooks)) return `${student}: ${GRADES_FILE} has no "notebooks" object; grade again with --force`;
  return { student_id: student, notebooks: notebooks as Record<string, NotebookGrade> };
}

/**
 * Writes every graded student's feedback pages; returns their paths. A
 * student or notebook that cannot be shown is skipped with the reason
 * and the others are still written, as grading goes on past a bad
 * submission.
 */
export function writeFeedback(course: ExerciseCourse): FeedbackSummary {
  guardOutputs([{ path: course.feedbackDir, kind: "folder" }], [...exerciseSources(course), course.autogradedDir], "the course's feedback/ must not be the sources or autograded/");
  const pages: string[] = [];
  const skipped: string[] = [];
  const released = new Map<string, Notebook>();
  let plotly = false;
  for (const student of gradedStudentIds(course)) {
    const grades = gradesOf(course, student);
    if (typeof grades === "string") {
      skipped.push(grades);
      continue;
    }
    for (const [name, grade] of Object.entries(grades.notebooks)) {
      const assignment = course.assignments.find((a) => a.name === grade?.assignment);
      if (!assignment) {
        skipped.push(`${student}/${name}: not a notebook of the course (${GRADES_FILE} names ${JSON.stringify(grade?.assignment)})`);
        continue;
      }
      const file = path.join(course.feedbackDir, student, `${assignment.name}.html`);
      try {
        if (!released.has(assignment.name)) released.set(assignment.name, releaseNotebook(loadSource(assignment), assignment.file, assignment.name).notebook);
        const page = feedbackPage(course, student, assignment, grade, released.get(assignment.name) as Notebook);
        writing(file, () => {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, page.html);
        });
        plotly ||= page.usesPlotly;
        pages.push(file);
      } catch (err) {
        if (err instanceof UserError && err.message.startsWith("cannot write")) throw err; // the folder itself: every page would fail
        // Anything else comes from this student's files (a corrupt notebook, a grades.json with odd fields).
        skipped.push(`${student}/${assignment.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (pages.length) writing(course.feedbackDir, () => writeAssets(course.feedbackDir, plotly));
  return { pages, dir: course.feedbackDir, skipped };
}

/** One page: the banner, then the graded notebook made safe to show. */
export function feedbackPage(course: ExerciseCourse, student: string, assignment: Assignment, grade: NotebookGrade, released: Notebook) {
  const graded = path.join(course.autogradedDir, student, `${assignment.name}.ipynb`);
  const ran = !grade.problem && fs.existsSync(graded) ? readNotebook(graded) : undefined;
  const nb = ran ? showable(ran, released, grade, assignment.file) : { ...released, cells: [] };
  return renderNotebookPage(nb, {
    file: `${assignment.name}.ipynb`,
    title: `${assignment.name}: feedback for ${student}`,
    courseTitle: course.title,
    assetsHref: "../assets",
    withSolutions: true, // the answers shown are the student's own
    bannerHtml: banner(student, grade),
  });
}

/** The graded notebook with hidden tests gone and the student's text defused. */
function showable(ran: Notebook, released: Notebook, grade: NotebookGrade, file: string): Notebook {
  const exercises = exerciseCells(released, file);
  const releasedTests = new Map(exercises.filter((e) => e.kind === "tests").map((e) => [e.meta.grade_id, e.cell]));
  const asReleased = new Set(released.cells.map((c) => `${c.id}\u0000${joinSource(c.source)}`));
  const scores = new Map(grade.cells.map((c) => [c.grade_id, c]));
  const cells = ran.cells.flatMap((cell): Cell[] => {
    const id = cell.metadata.nbgrader?.grade_id;
    const test = id === undefined ? undefined : releasedTests.get(id);
    if (test && cell.cell_type === "code") {
      const score = scores.get(id as string);
      return [{ ...cell, source: joinSource(test.source), outputs: score ? [scoreOutput(score)] : [] }];
    }
    if (cell.cell_type === "code") return [{ ...cell, outputs: cell.outputs.map(inertOutput) }];
    // Text exactly as released is the instructor's; anything else the student's.
    if (asReleased.has(`${cell.id}\u0000${joinSource(cell.source)}`)) return [cell];
    return studentText(cell);
  });
  return { ...ran, cells };
}

/** A markdown or raw cell the student wrote: HTML escaped, raw cells left out. */
function studentText(cell: Cell): Cell[] {
  if (cell.cell_type !== "markdown") return [];
  return [{ ...cell, source: joinSource(cell.source).replace(/&/g, "&amp;").replace(/</g, "&lt;"), attachments: undefined }];
}

/**
 * Outputs that cannot run anything: code under grading is the student's,
 * so HTML, SVG, markdown and scripts it displayed are not rendered; text,
 * images and plotly figures (data, drawn by the page's own script) are.
 */
const INERT_MIME = new Set(["text/plain", "image/png", "image/jpeg", "image/gif", "application/json", "application/vnd.plotly.v1+json"]);

function inertOutput(out: Output): Output {
  if (out.output_type !== "display_data" && out.output_type !== "execute_result") return out;
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(out.data)) if (INERT_MIME.has(mime)) data[mime] = value;
  if (Object.keys(data).length === 0) data["text/plain"] = `[${Object.keys(out.data).join(", ")} output not shown in feedback]`;
  return { ...out, data, metadata: {} };
}

const STATUS_WORDS: Record<CellGrade["status"], string> = {
  passed: "passed",
  partial: "partly right",
  failed: "failed",
  timeout: "timed out",
  "kernel-died": "the kernel died",
  "not-run": "not run",
  "output-limit": "too much output",
  "not-graded": "graded by hand",
};

function scoreOutput(c: CellGrade): Output {
  const html = `<div class="feedback-score feedback-${c.status}"><strong>${c.points} / ${c.max_points}</strong> ${escapeHtml(STATUS_WORDS[c.status])}: ${escapeHtml(c.message)}</div>`;
  return { output_type: "display_data", data: { "text/html": html, "text/plain": `${c.points} / ${c.max_points} ${c.message}` }, metadata: {} };
}

function banner(student: string, g: NotebookGrade): string {
  const rows = g.cells
    .map((c) => `<tr><td><code>${escapeHtml(c.grade_id)}</code></td><td>${c.points} / ${c.max_points}</td><td>${escapeHtml(STATUS_WORDS[c.status])}: ${escapeHtml(c.message)}</td></tr>`)
    .join("\n");
  const notes = g.notes.map((n) => `<li>${escapeHtml(n.message)}</li>`).join("");
  return [
    `<p><strong>Feedback for ${escapeHtml(student)}: ${g.score} / ${g.max_score} points</strong> (graded ${escapeHtml(g.graded_at)})</p>`,
    g.problem ? `<p class="feedback-problem">Your notebook could not be graded: ${escapeHtml(g.problem)}</p>` : "",
    `<table class="feedback-table"><thead><tr><th>exercise</th><th>points</th><th>result</th></tr></thead><tbody>\n${rows}\n</tbody></table>`,
    notes ? `<p>Grading noticed:</p><ul class="feedback-notes">${notes}</ul>` : "",
  ].join("\n");
}

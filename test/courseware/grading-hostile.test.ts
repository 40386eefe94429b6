/**
 * Grading end to end against hostile submissions: every one is graded by
 * real tslab kernels (two at a time), every score and reason is asserted,
 * and the batch always finishes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Cell, Notebook } from "../../src/notebook/nbformat";
import { readNotebook, serializeNotebook } from "../../src/notebook/read";
import { loadExerciseCourse, type ExerciseCourse } from "../../src/courseware/assignments";
import { writeFeedback } from "../../src/courseware/feedback";
import { gradeSubmissions, type GradeSummary } from "../../src/courseware/grade";
import type { NotebookGrade } from "../../src/courseware/gradebook";
import { releaseNotebook } from "../../src/courseware/release";

const FIXTURE = path.join(__dirname, "fixtures", "course");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-grading-"));
const courseDir = path.join(work, "course");
const submissions = path.join(work, "submitted");
/**
 * Per-cell timeout: long enough that an honest cell finishes even when the
 * whole suite loads both cores, so only the endless loop times out.
 */
const GENEROUS_CELL_SECONDS = 40;
fs.cpSync(FIXTURE, courseDir, { recursive: true });

const source = readNotebook(path.join(courseDir, "01-sums.ipynb"));
const released = releaseNotebook(source, "01-sums.ipynb", "01-sums").notebook;
const gid = (c: Cell): string | undefined => c.metadata.nbgrader?.grade_id;

/** The released copy with the answers from the source: what a good student hands in. */
function solved(): Notebook {
  const nb = structuredClone(released);
  nb.cells = nb.cells.map((c) => (c.metadata.nbgrader?.solution ? structuredClone(source.cells.find((s) => gid(s) === gid(c)) as Cell) : c));
  return nb;
}

function answer(nb: Notebook, id: string, code: string): Notebook {
  (nb.cells.find((c) => gid(c) === id) as Cell).source = code;
  return nb;
}

function submit(student: string, nb: Notebook | string, name = "01-sums.ipynb"): void {
  fs.mkdirSync(path.join(submissions, student), { recursive: true });
  fs.writeFileSync(path.join(submissions, student, name), typeof nb === "string" ? nb : serializeNotebook(nb));
}

const MEAN_OWN = "function mean(xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length; }";

function makeSubmissions(): void {
  submit("correct", solved());
  submit("partial", answer(answer(solved(), "mean-answer", "function mean(xs: number[]): number { return Math.round(sum(xs) / xs.length); }"),
    "largest-answer", "function largest(xs: number[]): number { return Math.max(...xs.map(Math.abs)); }"));
  submit("wrong", released);
  submit("loop", answer(answer(solved(), "sum-answer", "function sum(xs: number[]): number { while (true) {} }"), "mean-answer", MEAN_OWN));
  submit("exits", answer(solved(), "mean-answer", "function mean(xs: number[]): number { process.exit(3); }"));
  submit("floods", answer(solved(), "largest-answer",
    'function largest(xs: number[]): number {\n  const line = "y".repeat(1 << 20);\n  for (let i = 0; i < 50; i++) console.log(line);\n  return Math.max(...xs);\n}'));
  submit("floods-html", answer(solved(), "largest-answer",
    'import * as tslab from "tslab";\nfunction largest(xs: number[]): number {\n  tslab.display.html("<p>" + "z".repeat(20 << 20) + "</p>");\n  return Math.max(...xs);\n}'));
  submit("tampered", answer(structuredClone(released), "sum-tests", 'check("sum", (t) => t.ok(true, "looks fine to me"));'));
  const deleted = solved();
  deleted.cells = deleted.cells.filter((c) => gid(c) !== "mean-tests");
  submit("deleted", deleted);
  const duplicated = solved();
  const at = duplicated.cells.findIndex((c) => gid(c) === "sum-tests");
  duplicated.cells.splice(at + 1, 0, { ...structuredClone(duplicated.cells[at]), id: "copy-of-sum-tests" });
  submit("duplicated", duplicated);
  const markdown = solved();
  const sumAnswer = markdown.cells.find((c) => gid(c) === "sum-answer") as Cell;
  markdown.cells[markdown.cells.indexOf(sumAnswer)] = { cell_type: "markdown", id: sumAnswer.id, metadata: sumAnswer.metadata, source: sumAnswer.source };
  submit("markdown", markdown);
  const moved = solved();
  const li = moved.cells.findIndex((c) => gid(c) === "largest-tests");
  const [largestTests] = moved.cells.splice(li, 1);
  moved.cells.splice(moved.cells.findIndex((c) => gid(c) === "largest-answer"), 0, largestTests);
  const si = moved.cells.findIndex((c) => gid(c) === "sum-answer");
  const split = moved.cells[si];
  moved.cells.splice(si, 1,
    { ...structuredClone(split), source: "function add(a: number, b: number): number { return a + b; }" },
    { ...structuredClone(split), id: "split-2", source: "function sum(xs: number[]): number { return xs.reduce(add, 0); }" });
  moved.cells.push({ cell_type: "markdown", id: "my-notes", metadata: {}, source: "My notes <script>alert(1)</script>" });
  submit("moved", moved);
  submit("malformed", serializeNotebook(solved()).slice(0, 300));
  submit("notnb", '{"hello": "world"}\n');
  submit("notnb", "{}", "99-unknown.ipynb");
}

let course: ExerciseCourse;
let summary: GradeSummary;
const grade = (student: string): NotebookGrade => {
  const s = summary.students.find((x) => x.student_id === student);
  return s?.notebooks["01-sums"] as NotebookGrade;
};
const cell = (student: string, id: string) => grade(student).cells.find((c) => c.grade_id === id);

beforeAll(async () => {
  makeSubmissions();
  course = loadExerciseCourse(courseDir);
  summary = await gradeSubmissions(course, submissions, { jobs: 2, timeoutSeconds: GENEROUS_CELL_SECONDS });
}, 400_000);

describe("grading hostile submissions", () => {
  it("grades every submission and ignores a notebook the course does not have", () => {
    expect(summary.graded).toBe(14);
    expect(summary.ignored).toEqual([`${path.join("notnb", "99-unknown.ipynb")}: the course has no notebook of that name`]);
  });

  it("correct: full marks", () => {
    expect(grade("correct")).toMatchObject({ score: 6, max_score: 6, notes: [] });
    expect(grade("correct").cells.map((c) => c.status)).toEqual(["passed", "passed", "passed"]);
  });

  it("partly correct: the check's partial credit and a plain test's zero, with messages", () => {
    expect(cell("partial", "sum-tests")).toMatchObject({ points: 2, status: "passed" });
    expect(cell("partial", "mean-tests")).toMatchObject({ points: 1, max_points: 3, status: "partial", message: "mean([1, 2]): expected 1.5, got 2" });
    expect(cell("partial", "largest-tests")).toMatchObject({ points: 0, status: "failed", message: "Error: largest([-5, -2]) should be -2" });
    expect(grade("partial").score).toBe(3);
  });

  it("wrong (the untouched release): zero, saying the stub threw", () => {
    expect(grade("wrong").score).toBe(0);
    expect(cell("wrong", "sum-tests")?.message).toBe("sum([1, 2, 3]): threw Error: not implemented yet; the sum of nothing: threw Error: not implemented yet");
    expect(cell("wrong", "largest-tests")?.message).toBe("Error: not implemented yet");
  });

  it("an endless loop: that cell times out, the rest is graded", () => {
    expect(cell("loop", "sum-tests")).toMatchObject({ points: 0, status: "timeout" });
    expect(cell("loop", "sum-tests")?.message).toMatch(new RegExp(`timed out after ${GENEROUS_CELL_SECONDS} s.*endless loop`));
    expect(grade("loop").score).toBe(4);
  });

  it("process.exit: zero where the kernel died, later cells not run", () => {
    expect(cell("exits", "sum-tests")).toMatchObject({ points: 2, status: "passed" });
    expect(cell("exits", "mean-tests")).toMatchObject({ points: 0, status: "kernel-died" });
    expect(cell("exits", "mean-tests")?.message).toMatch(/kernel died.*process\.exit/);
    expect(cell("exits", "largest-tests")).toMatchObject({ points: 0, status: "not-run" });
    expect(cell("exits", "largest-tests")?.message).toMatch(/^not run: the kernel died in cell \d+$/);
    expect(grade("exits").score).toBe(2);
  });

  it("50 MB of output: zero for the flooding cell, its output capped", () => {
    expect(cell("floods", "largest-tests")).toMatchObject({ points: 0, status: "output-limit" });
    expect(cell("floods", "largest-tests")?.message).toMatch(/^the cell printed too much output: [\d,]+ lines? \(\d+(\.\d)? MiB\) of stdout were not kept$/);
    expect(grade("floods").score).toBe(5);
    expect(fs.statSync(path.join(course.autogradedDir, "floods", "01-sums.ipynb")).size).toBeLessThan(4 << 20);
  });

  it("20 MB of HTML displayed: the same, for rich outputs", () => {
    expect(cell("floods-html", "largest-tests")).toMatchObject({ points: 0, status: "output-limit" });
    expect(cell("floods-html", "largest-tests")?.message).toMatch(/^the cell printed too much output: \d+(\.\d)? MiB of displays were not kept$/);
    expect(grade("floods-html").score).toBe(5);
    expect(fs.statSync(path.join(course.autogradedDir, "floods-html", "01-sums.ipynb")).size).toBeLessThan(4 << 20);
  });

  it("a test cell edited to pass: the original runs, the edit is reported", () => {
    expect(cell("tampered", "sum-tests")).toMatchObject({ points: 0, status: "failed" });
    expect(grade("tampered").notes).toEqual([{ grade_id: "sum-tests", kind: "tampered", message: "the test cell sum-tests was changed; the change was ignored and the original was run" }]);
  });

  it("a deleted test cell is put back and graded", () => {
    expect(grade("deleted")).toMatchObject({ score: 6 });
    expect(grade("deleted").notes.map((n) => `${n.kind}:${n.grade_id}`)).toEqual(["deleted:mean-tests"]);
  });

  it("a duplicated test cell runs once", () => {
    expect(grade("duplicated")).toMatchObject({ score: 6 });
    expect(grade("duplicated").notes.map((n) => n.message)).toEqual(["the test cell sum-tests appears 2 times; it was run once"]);
  });

  it("an answer turned into markdown is run as code again (nbgrader's rule)", () => {
    expect(grade("markdown")).toMatchObject({ score: 6 });
    expect(grade("markdown").notes.map((n) => n.message)).toEqual(["the answer cell sum-answer was changed from code to markdown; it was run as code"]);
  });

  it("moved and split cells are matched by grade_id", () => {
    expect(grade("moved")).toMatchObject({ score: 6, notes: [] });
  });

  it("malformed JSON and a JSON file that is no notebook: zero with the reason", () => {
    expect(grade("malformed")).toMatchObject({ score: 0 });
    expect(grade("malformed").problem).toMatch(/^not a notebook: malformed\/01-sums\.ipynb:\d+:\d+: not valid JSON/);
    expect(grade("notnb").problem).toBe("not a notebook: notnb/01-sums.ipynb: not a valid notebook: missing field 'nbformat'");
    expect(grade("notnb").cells.every((c) => c.points === 0 && c.message === grade("notnb").problem)).toBe(true);
  });

  it("writes nbgrader's gradebook columns, one row per student", () => {
    const lines = fs.readFileSync(course.gradebook, "utf8").trim().split("\n");
    expect(lines[0]).toBe("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_penalty,score,max_score");
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(rows.map((r) => `${r[3]}=${r[7]}/${r[10]}`)).toEqual([
      "alice=0/6", "correct=6/6", "deleted=6/6", "duplicated=6/6", "exits=2/6", "floods=5/6", "floods-html=5/6", "loop=4/6",
      "malformed=0/6", "markdown=6/6", "moved=6/6", "notnb=0/6", "partial=3/6", "tampered=0/6", "wrong=0/6",
    ]);
    expect(rows[0].slice(0, 2)).toEqual(["01-sums", "2026-12-01T23:59:00Z"]);
    expect(rows[0].slice(4, 7)).toEqual(["Liddell", "Alice", "alice@example.org"]);
  });

  it("writes a JSON per student with each cell's points and message", () => {
    const json = JSON.parse(fs.readFileSync(path.join(course.autogradedDir, "partial", "grades.json"), "utf8"));
    expect(json.notebooks["01-sums"].cells[1]).toEqual({ grade_id: "mean-tests", points: 1, max_points: 3, status: "partial", message: "mean([1, 2]): expected 1.5, got 2" });
  });

  it("writes a feedback page per student with scores and messages, never a hidden test", () => {
    const { pages } = writeFeedback(course);
    expect(pages.map((p) => path.relative(course.feedbackDir, p)).sort()).toEqual(
      summary.students.filter((s) => s.student_id !== "alice").map((s) => path.join(s.student_id, "01-sums.html")).sort(),
    );
    const page = (student: string): string => fs.readFileSync(path.join(course.feedbackDir, student, "01-sums.html"), "utf8");
    const hiddenCode = ["sum([])", "largest([-5, -2]) !==", "mean([1, 2]), 1.5", "HIDDEN TESTS"];
    const escaped = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    for (const p of pages) {
      const html = fs.readFileSync(p, "utf8");
      for (const code of hiddenCode) {
        expect(html).not.toContain(code);
        expect(html).not.toContain(escaped(code));
      }
    }
    expect(page("partial")).toContain("<strong>1 / 3</strong> partly right: mean([1, 2]): expected 1.5, got 2");
    expect(page("partial")).toContain("Feedback for partial: 3 / 6 points");
    expect(page("tampered")).toContain("the test cell sum-tests was changed; the change was ignored and the original was run");
    expect(page("malformed")).toContain("Your notebook could not be graded: not a notebook: malformed/01-sums.ipynb:");
    expect(page("moved")).not.toContain("<script>alert(1)");
    expect(page("moved")).toContain("&lt;script&gt;alert(1)");
    expect(fs.existsSync(path.join(course.feedbackDir, "assets", "handout.css"))).toBe(true);
  });

  it("skips what is graded unless forced, and regrades a changed submission", async () => {
    const again = await gradeSubmissions(course, submissions, { jobs: 2, timeoutSeconds: GENEROUS_CELL_SECONDS });
    expect([again.graded, again.skipped]).toEqual([0, 14]);
    submit("wrong", solved());
    const changed = await gradeSubmissions(course, submissions, { jobs: 2, timeoutSeconds: GENEROUS_CELL_SECONDS });
    expect([changed.graded, changed.skipped]).toEqual([1, 13]);
    expect(changed.students.find((s) => s.student_id === "wrong")?.notebooks["01-sums"].score).toBe(6);
  }, 120_000);

  it("stops a notebook at its total time limit", async () => {
    const slow = path.join(work, "slow");
    const nb = answer(answer(solved(), "sum-answer", "function sum(xs: number[]): number { while (true) {} }"), "mean-answer", MEAN_OWN);
    fs.mkdirSync(path.join(slow, "turtle"), { recursive: true });
    fs.writeFileSync(path.join(slow, "turtle", "01-sums.ipynb"), serializeNotebook(nb));
    const result = await gradeSubmissions(course, slow, { timeoutSeconds: 60, totalTimeoutSeconds: 20 });
    const g = result.students.find((s) => s.student_id === "turtle")?.notebooks["01-sums"] as NotebookGrade;
    expect(g.cells[0]).toMatchObject({ status: "timeout", message: "the notebook ran past its total time limit of 20 s in this cell" });
    expect(g.cells[1]).toMatchObject({ status: "not-run", message: expect.stringMatching(/^not run: the total time limit of 20 s ran out in cell \d+$/) });
  }, 120_000);
});

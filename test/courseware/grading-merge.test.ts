/**
 * Grading runs that follow one another: the gradebook keeps every student
 * graded before; a submissions folder with nothing to grade says what it
 * expected instead of writing an empty gradebook; a huge time limit does
 * not fire at once (Node's timers hold at most 2^31-1 ms).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { userErrorAsync as userError } from "./user-error";
import { describe, expect, it } from "vitest";
import type { Cell, Notebook } from "../../src/notebook/nbformat";
import { readNotebook, serializeNotebook } from "../../src/notebook/read";
import { loadExerciseCourse } from "../../src/courseware/assignments";
import { gradeSubmissions } from "../../src/courseware/grade";
import { releaseNotebook } from "../../src/courseware/release";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const FIXTURE = path.join(__dirname, "fixtures", "course");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-merge-"));
const courseDir = path.join(work, "course");
fs.cpSync(FIXTURE, courseDir, { recursive: true });
const course = loadExerciseCourse(courseDir);

const source = readNotebook(path.join(courseDir, "01-sums.ipynb"));
const released = releaseNotebook(source, "01-sums.ipynb", "01-sums").notebook;
const gid = (c: Cell): string | undefined => c.metadata.nbgrader?.grade_id;
const solved: Notebook = { ...released, cells: released.cells.map((c) => (c.metadata.nbgrader?.solution ? (source.cells.find((s) => gid(s) === gid(c)) as Cell) : c)) };

function submit(folder: string, student: string, nb: Notebook | string, rel = "01-sums.ipynb"): string {
  const file = path.join(work, folder, student, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof nb === "string" ? nb : serializeNotebook(nb));
  return path.join(work, folder);
}

const students = (): string[] => fs.readFileSync(course.gradebook, "utf8").trim().split("\n").slice(1).map((l) => `${l.split(",")[3]}=${l.split(",")[7]}`);


describe("grading one folder after another", () => {
  it("keeps every student graded before in the gradebook, unless told to replace it", async () => {
    await gradeSubmissions(course, submit("section-a", "ann", solved), { timeoutSeconds: 30 });
    expect(students()).toEqual(["alice=0", "ann=6"]);
    await gradeSubmissions(course, submit("section-b", "bob", released), { timeoutSeconds: 30 });
    expect(students()).toEqual(["alice=0", "ann=6", "bob=0"]);
    // A row only the gradebook knows (its autograded/ folder was archived) is kept too.
    fs.rmSync(path.join(course.autogradedDir, "ann"), { recursive: true });
    await gradeSubmissions(course, path.join(work, "section-b"), { timeoutSeconds: 30 });
    expect(students()).toEqual(["alice=0", "ann=6", "bob=0"]);
    await gradeSubmissions(course, path.join(work, "section-b"), { timeoutSeconds: 30, replaceGradebook: true });
    expect(students()).toEqual(["alice=0", "bob=0"]);
  }, 120_000);

  it("says what it expected of an empty or wrong-depth folder, and writes no gradebook", async () => {
    const before = fs.readFileSync(course.gradebook, "utf8");
    fs.mkdirSync(path.join(work, "empty"));
    expect(await userError(() => gradeSubmissions(course, path.join(work, "empty")))).toMatch(
      /empty: nothing graded: no submissions in it; grading expects SUBMISSIONS\/STUDENT\/NN-name\.ipynb, or nbgrader's SUBMISSIONS\/STUDENT\/NN-name\/NN-name\.ipynb$/,
    );
    fs.mkdirSync(path.join(work, "flat"));
    fs.writeFileSync(path.join(work, "flat", "01-sums.ipynb"), serializeNotebook(solved));
    expect(await userError(() => gradeSubmissions(course, path.join(work, "flat")))).toContain("flat: nothing graded: it holds notebooks itself (01-sums.ipynb), not a folder per student");
    submit("deep/2026", "cy", solved);
    expect(await userError(() => gradeSubmissions(course, path.join(work, "deep")))).toContain(`nothing graded: the notebooks are deeper than a folder per student (e.g. ${path.join("2026", "cy", "01-sums.ipynb")})`);
    submit("misnamed", "dee", solved, "sums.ipynb");
    expect(await userError(() => gradeSubmissions(course, path.join(work, "misnamed")))).toContain("nothing graded: no submission is one of the course's notebooks (dee/sums.ipynb: the course has no notebook of that name)");
    expect(fs.readFileSync(course.gradebook, "utf8")).toBe(before);
    const r = spawnSync(process.execPath, [VMLAB, "grade", path.join(work, "empty"), "--course", courseDir], { encoding: "utf8" });
    expect([r.status, r.stderr.split("\n")[0]]).toEqual([2, expect.stringMatching(/^vmlab: .*empty: nothing graded: no submissions in it/)]);
  });
});

describe("huge time limits", () => {
  it("gives a correct answer full marks under a --timeout whose total overflows Node's timers", async () => {
    // 300,000 s per cell: the default total (10 x) is 3e9 ms, past 2^31-1.
    const summary = await gradeSubmissions(course, submit("patient", "eve", solved), { timeoutSeconds: 300_000 });
    expect(summary.students.find((s) => s.student_id === "eve")?.notebooks["01-sums"].score).toBe(6);
    // The test cells showed a readable verdict; the score rode in its own MIME type, not as a printed line.
    const ran = readNotebook(path.join(course.autogradedDir, "eve", "01-sums.ipynb"));
    const verdicts = ran.cells.filter((c) => c.metadata.nbgrader?.grade && c.cell_type === "code").flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
    expect(JSON.stringify(verdicts)).not.toContain("vmlab-score");
    expect(verdicts.map((o) => (o.output_type === "display_data" ? [String(o.data["text/plain"]).split("\n")[0], Object.keys(o.data).sort()] : o.output_type))).toEqual([
      ["✓ sum: 2 of 2 points (all 2 tests passed)", ["application/vnd.vmlab.score+json", "text/plain"]],
      ["✓ mean: 3 of 3 points (all 2 tests passed)", ["application/vnd.vmlab.score+json", "text/plain"]],
    ]);
    const huge = await gradeSubmissions(course, submit("very-patient", "fay", solved), { timeoutSeconds: 1e12, totalTimeoutSeconds: 1e15 });
    expect(huge.students.find((s) => s.student_id === "fay")?.notebooks["01-sums"].score).toBe(6);
  }, 120_000);

  it("range-checks the flags, naming the flag and the accepted range", () => {
    for (const [flag, value] of [["--timeout", "1e9"], ["--total-timeout", "3000000"], ["--jobs", "0"], ["--jobs", "1.5"], ["--timeout", "10s"]]) {
      const r = spawnSync(process.execPath, [VMLAB, "grade", path.join(work, "patient"), "--course", courseDir, flag, value], { encoding: "utf8" });
      expect(r.status, `${flag} ${value}`).toBe(2);
      expect(r.stderr, `${flag} ${value}`).toMatch(new RegExp(`^vmlab: ${flag} "${value.replace(".", "\\.")}": expected a (whole )?number`));
    }
  });
});

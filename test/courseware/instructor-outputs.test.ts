/**
 * What instructor commands write, and what they never write over: a
 * release, a grading run, feedback or a handout into the sources (or
 * through a symlink to them) is refused with the sources byte-identical;
 * a path through a file is one clear line; a second release keeps hand
 * edits; feedback goes on past a student it cannot show. No kernel runs
 * here (grading-merge.test.ts grades).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { userError, userErrorAsync } from "./user-error";
import { describe, expect, it } from "vitest";
import { loadExerciseCourse } from "../../src/courseware/assignments";
import { writeFeedback } from "../../src/courseware/feedback";
import { gradeSubmissions } from "../../src/courseware/grade";
import { releaseCourse } from "../../src/courseware/release";
import { guardCopies } from "../../src/notebook/output-guard";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const FIXTURE = path.join(__dirname, "fixtures", "course");

/** A fresh copy of the fixture course (its notebooks live beside course.json) in a folder of its own. */
function freshCourse(): { work: string; dir: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-outputs-"));
  const dir = path.join(work, "course");
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return { work, dir };
}

/** Every file under `dir` with its bytes, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isFile()) files[name] = fs.readFileSync(p).toString("base64");
  }
  return files;
}



/** The CLI's stderr and status; it must never be an internal error. */
function vmlab(cwd: string, ...args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [VMLAB, ...args], { cwd, encoding: "utf8" });
  expect(r.stderr).not.toContain("internal error");
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe("no command writes over the sources", () => {
  it("refuses a release into the course's own notebooks folder, and the sources stay byte-identical", () => {
    const { dir } = freshCourse();
    const before = snapshot(dir);
    expect(userError(() => releaseCourse(loadExerciseCourse(dir), dir))).toMatch(/^refusing to write .*course: it is the source folder .*course, which would be overwritten$/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses a release through a symlink (or a chain of them) to the sources", () => {
    const { work, dir } = freshCourse();
    fs.symlinkSync(dir, path.join(work, "link"));
    fs.symlinkSync(path.join(work, "link"), path.join(work, "link2"));
    const before = snapshot(dir);
    for (const out of ["link", "link2", "link2/../course"]) {
      expect(userError(() => releaseCourse(loadExerciseCourse(dir), path.join(work, out)))).toContain("the source folder");
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it("vmlab release, run, export and build refuse the sources from the command line, through a symlink too", () => {
    const { work, dir } = freshCourse();
    fs.symlinkSync(dir, path.join(work, "link"));
    const before = snapshot(dir);
    const nb = path.join("course", "01-sums.ipynb");
    for (const args of [
      ["release", "--course", "course", "--out", "link"],
      ["run", nb, "--out", "link"],
      ["run", nb, "--out", "course"],
      ["export", nb, "--out", "link"],
      ["build", "--course", "course", "--out", "link"],
    ]) {
      const r = vmlab(work, ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^vmlab: refusing to write link|^vmlab: refusing to write course/);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses a copy that would land on its own source", () => {
    const { dir } = freshCourse();
    expect(userError(() => guardCopies(dir, [path.join(dir, "01-sums.ipynb")]))).toContain("the source folder");
  });

  it("refuses grading whose autograded/ resolves to the submissions, and feedback into autograded/", async () => {
    const { work, dir } = freshCourse();
    const submitted = path.join(work, "submitted");
    fs.mkdirSync(path.join(submitted, "bob"), { recursive: true });
    fs.copyFileSync(path.join(dir, "01-sums.ipynb"), path.join(submitted, "bob", "01-sums.ipynb"));
    fs.symlinkSync(submitted, path.join(dir, "autograded"));
    const before = snapshot(submitted);
    expect(await userErrorAsync(() => gradeSubmissions(loadExerciseCourse(dir), submitted))).toContain("the source folder");
    expect(snapshot(submitted)).toEqual(before);
    fs.unlinkSync(path.join(dir, "autograded"));
    fs.mkdirSync(path.join(dir, "autograded"));
    fs.symlinkSync(path.join(dir, "autograded"), path.join(dir, "feedback"));
    expect(userError(() => writeFeedback(loadExerciseCourse(dir)))).toMatch(/resolves \(through a symlink\) to .*autograded, the source folder/);
  });
});

describe("paths through a file, and files where folders go", () => {
  it("says which part is a file, for every writing command", async () => {
    const { work, dir } = freshCourse();
    fs.writeFileSync(path.join(work, "notes.txt"), "mine");
    expect(userError(() => releaseCourse(loadExerciseCourse(dir), path.join(work, "notes.txt", "sub")))).toMatch(/^cannot write .*notes\.txt\/sub: a part of the path is a file \(.*notes\.txt\)$/);
    expect(userError(() => releaseCourse(loadExerciseCourse(dir), path.join(work, "notes.txt")))).toMatch(/notes\.txt: it is a file, not a folder$/);
    fs.writeFileSync(path.join(dir, "feedback"), "a file");
    fs.mkdirSync(path.join(dir, "autograded", "ann"), { recursive: true });
    fs.writeFileSync(path.join(dir, "autograded", "ann", "grades.json"), JSON.stringify({ student_id: "ann", notebooks: {} }));
    expect(userError(() => writeFeedback(loadExerciseCourse(dir)))).toMatch(/feedback: it is a file, not a folder$/);
    fs.mkdirSync(path.join(dir, "gradebook.csv"));
    expect(await userErrorAsync(() => gradeSubmissions(loadExerciseCourse(dir), work))).toMatch(/gradebook\.csv: it is a folder, not a file$/);
    fs.rmSync(path.join(dir, "gradebook.csv"), { recursive: true });
    fs.rmSync(path.join(dir, "autograded"), { recursive: true });
    fs.writeFileSync(path.join(dir, "autograded"), "a file");
    expect(await userErrorAsync(() => gradeSubmissions(loadExerciseCourse(dir), work))).toMatch(/autograded: it is a file, not a folder$/);
    for (const args of [["release", "--course", "course", "--out", "notes.txt/sub"], ["export", "course/01-sums.ipynb", "--out", "notes.txt/sub"], ["feedback", "--course", "course"]]) {
      const r = vmlab(work, ...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0], args.join(" ")).toMatch(/^vmlab: cannot write /);
    }
  });
});

describe("releasing again", () => {
  const notebook = (out: string): string => path.join(out, "01-sums.ipynb");

  it("says what it replaced, and refuses to replace a hand edit without --force", () => {
    const { work, dir } = freshCourse();
    const out = path.join(work, "release");
    const course = loadExerciseCourse(dir);
    expect(releaseCourse(course, out).actions).toEqual([{ file: "01-sums.ipynb", action: "new" }]);
    expect(releaseCourse(course, out).actions).toEqual([{ file: "01-sums.ipynb", action: "unchanged" }]);
    // The source changed: the untouched copy is replaced.
    const src = JSON.parse(fs.readFileSync(path.join(dir, "01-sums.ipynb"), "utf8"));
    src.cells[0].source = ["# Sums, revised\n"];
    fs.writeFileSync(path.join(dir, "01-sums.ipynb"), JSON.stringify(src));
    expect(releaseCourse(course, out).actions).toEqual([{ file: "01-sums.ipynb", action: "replaced" }]);
    // An instructor fixes a typo in the released copy by hand.
    const edited = fs.readFileSync(notebook(out), "utf8").replace("Sums, revised", "Sums, fixed by hand");
    fs.writeFileSync(notebook(out), edited);
    const manifest = fs.readFileSync(path.join(out, "manifest.json"), "utf8");
    expect(userError(() => releaseCourse(course, out))).toMatch(/01-sums\.ipynb was changed since the last release wrote it .*nothing was written$/);
    expect(fs.readFileSync(notebook(out), "utf8")).toBe(edited);
    expect(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).toBe(manifest);
    // --force replaces it and keeps the edit as a numbered backup, never overwriting an older one.
    expect(releaseCourse(course, out, { force: true }).actions).toEqual([{ file: "01-sums.ipynb", action: "replaced-edited", backup: "01-sums.ipynb.~1~" }]);
    expect(fs.readFileSync(path.join(out, "01-sums.ipynb.~1~"), "utf8")).toBe(edited);
    fs.writeFileSync(notebook(out), edited + " ");
    expect(releaseCourse(course, out, { force: true }).actions?.[0].backup).toBe("01-sums.ipynb.~2~");
    expect(fs.readFileSync(path.join(out, "01-sums.ipynb.~1~"), "utf8")).toBe(edited);
  });

  it("treats a notebook in the folder that no release wrote as the instructor's", () => {
    const { work, dir } = freshCourse();
    const out = path.join(work, "release");
    fs.mkdirSync(out);
    fs.writeFileSync(notebook(out), "my own notes");
    expect(userError(() => releaseCourse(loadExerciseCourse(dir), out))).toContain("01-sums.ipynb was changed since the last release");
    expect(fs.readFileSync(notebook(out), "utf8")).toBe("my own notes");
    const printed = execFileSync(process.execPath, [VMLAB, "release", "--course", dir, "--out", out, "--force"], { encoding: "utf8" });
    expect(printed).toMatch(/01-sums\.ipynb .* replaced \(it had been edited by hand\) \(your edited copy is kept as 01-sums\.ipynb\.~1~\)/);
  });
});

describe("feedback past a student it cannot show", () => {
  it("writes the others' pages and says who was skipped and why", () => {
    const { work, dir } = freshCourse();
    const course = loadExerciseCourse(dir);
    const grade = (problem?: string) => ({
      assignment: "01-sums", file: "x/01-sums.ipynb", sha256: "", source_sha256: "", timestamp: "", graded_at: "2026-12-01T00:00:00Z",
      score: 0, max_score: 6, cells: [{ grade_id: "sum-tests", points: 0, max_points: 2, status: "failed", message: "no" }], notes: [], ...(problem ? { problem } : {}),
    });
    const put = (student: string, grades: string, notebook?: string): void => {
      fs.mkdirSync(path.join(course.autogradedDir, student), { recursive: true });
      fs.writeFileSync(path.join(course.autogradedDir, student, "grades.json"), grades);
      if (notebook !== undefined) fs.writeFileSync(path.join(course.autogradedDir, student, "01-sums.ipynb"), notebook);
    };
    put("ann", JSON.stringify({ student_id: "ann", notebooks: { "01-sums": grade("not a notebook: it was empty") } }));
    put("bob", "{ corrupt");
    put("cat", JSON.stringify({ student_id: "cat", notebooks: { "01-sums": grade() } }), "{ also corrupt");
    const summary = writeFeedback(course);
    expect(summary.pages.map((p) => path.relative(course.feedbackDir, p))).toEqual([path.join("ann", "01-sums.html")]);
    expect(summary.skipped).toEqual([
      expect.stringMatching(/^bob: grades\.json is unreadable \(not JSON: .*\); grade again with --force$/),
      expect.stringMatching(/^cat\/01-sums: .*01-sums\.ipynb:1:\d+: not valid JSON/),
    ]);
    const r = vmlab(work, "feedback", "--course", "course");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("vmlab feedback: skipped bob: grades.json is unreadable");
    expect(r.stdout).toContain("wrote 1 feedback pages");
  });
});

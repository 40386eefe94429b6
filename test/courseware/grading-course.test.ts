/**
 * The exercise workflow on the project's own course: every chapter's
 * exercise metadata is valid and releases; chapter 01 grades a solved
 * and an untouched submission end to end (through `--course DIR`).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import type { Cell, Notebook } from "../../src/notebook/nbformat";
import { readNotebook, serializeNotebook } from "../../src/notebook/read";
import { loadExerciseCourse } from "../../src/courseware/assignments";
import { gradeSubmissions } from "../../src/courseware/grade";
import { releaseCourse, releaseNotebook } from "../../src/courseware/release";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const CHAPTER = path.join(ROOT, "notebooks", "01-machine.ipynb");

describe("the project's course", () => {
  it("releases every chapter that exists, each with at least three graded exercises", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-release-project-"));
    const manifest = releaseCourse(loadExerciseCourse(), out);
    expect(manifest.notebooks.map((n) => n.assignment)).toContain("01-machine");
    for (const nb of manifest.notebooks) {
      expect(nb.cells.filter((c) => c.kind === "tests").length, nb.assignment).toBeGreaterThanOrEqual(3);
    }
    const text = fs.readFileSync(path.join(out, "01-machine.ipynb"), "utf8");
    // No marker line is left (prose may still name the markers).
    expect(text).not.toMatch(/^\s*"\s*(?:\/\/|#|;)?\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)/m);
  });

  it("vmlab release --out prints what it released", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-release-cli-"));
    const printed = execFileSync(process.execPath, [VMLAB, "release", "--out", out], { encoding: "utf8" });
    expect(printed).toMatch(/01-machine\.ipynb\s+\d+ graded cells, \d+ points/);
    expect(fs.existsSync(path.join(out, "manifest.json"))).toBe(true);
  });

  it("grades chapter 01: full marks when solved, zero for the untouched release", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-grade-ch01-"));
    const project = JSON.parse(fs.readFileSync(path.join(ROOT, "course", "course.json"), "utf8"));
    const courseDir = path.join(work, "course");
    fs.mkdirSync(courseDir);
    const chapters = project.chapters.filter((c: { file: string }) => c.file === "01-machine.ipynb");
    fs.writeFileSync(path.join(courseDir, "course.json"), JSON.stringify({ ...project, notebooks: path.join(ROOT, "notebooks"), chapters }));
    const source = readNotebook(CHAPTER);
    const released = releaseNotebook(source, CHAPTER, "01-machine").notebook;
    const solved: Notebook = structuredClone(released);
    const gid = (c: Cell): string | undefined => c.metadata.nbgrader?.grade_id;
    solved.cells = solved.cells.map((c) => (c.metadata.nbgrader?.solution ? (source.cells.find((s) => gid(s) === gid(c)) as Cell) : c));
    for (const [student, nb] of [["solved", solved], ["untouched", released]] as const) {
      fs.mkdirSync(path.join(work, "submitted", student), { recursive: true });
      fs.writeFileSync(path.join(work, "submitted", student, "01-machine.ipynb"), serializeNotebook(nb));
    }
    const summary = await gradeSubmissions(loadExerciseCourse(courseDir), path.join(work, "submitted"), { jobs: 2, timeoutSeconds: 120 });
    const grade = (id: string) => summary.students.find((s) => s.student_id === id)?.notebooks["01-machine"];
    expect(grade("solved")?.cells.filter((c) => c.status !== "passed")).toEqual([]);
    expect(grade("solved")?.score).toBe(grade("solved")?.max_score);
    expect(grade("solved")?.notes).toEqual([]);
    expect(grade("untouched")?.score).toBe(0);
    for (const c of grade("untouched")?.cells ?? []) expect(c.message).not.toBe("");
  }, 300_000);

  it("vmlab grade and vmlab feedback work from the command line on an instructor's folder", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-grade-cli-"));
    fs.cpSync(path.join(__dirname, "fixtures", "course"), path.join(work, "course"), { recursive: true });
    fs.mkdirSync(path.join(work, "submitted", "zoe"), { recursive: true });
    fs.writeFileSync(path.join(work, "submitted", "zoe", "01-sums.ipynb"), "{ not json");
    fs.mkdirSync(path.join(work, "submitted", "yves", "01-sums"), { recursive: true }); // nbgrader's layout
    fs.writeFileSync(path.join(work, "submitted", "yves", "01-sums", "01-sums.ipynb"), "[]");
    fs.writeFileSync(path.join(work, "submitted", "yves", "01-sums", "timestamp.txt"), "2026-11-30 12:00:00 UTC");
    const run = (...args: string[]): string => execFileSync(process.execPath, [VMLAB, ...args], { encoding: "utf8", cwd: work });
    const graded = run("grade", "submitted", "--course", "course", "--jobs", "1");
    expect(graded).toMatch(/^zoe\s+01-sums\s+0 \/ 6\s+\(not a notebook: zoe\/01-sums\.ipynb:1:3: not valid JSON/m);
    expect(graded).toMatch(/^yves\s+01-sums\s+0 \/ 6\s+\(not a notebook: yves\/01-sums\/01-sums\.ipynb: not a valid notebook: the top level is not a JSON object\)$/m);
    expect(graded).toContain("graded 2, skipped 0 already graded (--force to redo)");
    expect(run("grade", "submitted", "--course", "course")).toContain("graded 0, skipped 2");
    // A grade lost to vmlab's own failure (no kernel, ...) is graded again.
    const zoe = path.join(work, "course", "autograded", "zoe", "grades.json");
    const json = JSON.parse(fs.readFileSync(zoe, "utf8"));
    json.notebooks["01-sums"].problem = "grading failed: the kernel did not answer";
    fs.writeFileSync(zoe, JSON.stringify(json));
    expect(run("grade", "submitted", "--course", "course")).toContain("graded 1, skipped 1");
    const gradebook = fs.readFileSync(path.join(work, "course", "gradebook.csv"), "utf8");
    expect(gradebook).toContain(",zoe,,,,0,0,0,6");
    expect(gradebook).toContain("01-sums,2026-12-01T23:59:00Z,2026-11-30T12:00:00.000Z,yves,");
    expect(run("feedback", "--course", "course")).toContain("wrote 2 feedback pages");
    expect(fs.readFileSync(path.join(work, "course", "feedback", "zoe", "01-sums.html"), "utf8")).toContain("Your notebook could not be graded");
  });
});

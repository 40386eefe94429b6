import { describe, expect, it } from "vitest";
import type { ExerciseCourse } from "../../src/courseware/assignments";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gradebookRows, parseCsv, readGradebook, toCsv, type NotebookGrade } from "../../src/courseware/gradebook";

const course: ExerciseCourse = {
  dir: "/c", title: "t", releaseDir: "/c/release", autogradedDir: "/c/autograded", feedbackDir: "/c/feedback", gradebook: "/c/gradebook.csv",
  assignments: [
    { name: "01-a", file: "/n/01-a.ipynb", duedate: "2026-12-01T00:00:00Z" },
    { name: "02-b", file: "/n/02-b.ipynb", duedate: "" },
  ],
  students: [{ id: "ann", first_name: "Ann", last_name: "O'Neil, Jr.", email: "ann@example.org" }],
};

const graded = (score: number): NotebookGrade => ({
  assignment: "01-a", file: "bob/01-a.ipynb", sha256: "", source_sha256: "", timestamp: "2026-11-30T10:00:00.000Z",
  graded_at: "", score, max_score: 5, cells: [], notes: [],
});

describe("the gradebook", () => {
  const rows = gradebookRows(course, [{ student_id: "bob", notebooks: { "01-a": graded(3.5) } }, { student_id: "ann", notebooks: {} }], new Map([["01-a", 5]]));

  it("has a row per student for each submitted assignment; no submission scores 0", () => {
    expect(rows.map((r) => `${r.assignment}/${r.student_id}=${r.raw_score}/${r.max_score}`)).toEqual(["01-a/ann=0/5", "01-a/bob=3.5/5"]);
  });

  it("writes nbgrader's columns and quotes fields as RFC 4180 does", () => {
    expect(toCsv(rows).split("\n")).toEqual([
      "assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_penalty,score,max_score",
      `01-a,2026-12-01T00:00:00Z,,ann,"O'Neil, Jr.",Ann,ann@example.org,0,0,0,5`,
      "01-a,2026-12-01T00:00:00Z,2026-11-30T10:00:00.000Z,bob,,,,3.5,0,3.5,5",
      "",
    ]);
  });

  it("reads back what it wrote (quotes, commas and all) and keeps those rows when merging", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-gradebook-")), "gradebook.csv");
    fs.writeFileSync(file, toCsv(rows));
    expect(parseCsv(toCsv(rows))[1][4]).toBe("O'Neil, Jr.");
    const earlier = readGradebook(file);
    const merged = gradebookRows(course, [{ student_id: "cy", notebooks: { "01-a": graded(5) } }], new Map([["01-a", 5]]), earlier);
    expect(merged.map((r) => `${r.student_id}=${r.raw_score}`)).toEqual(["ann=0", "bob=3.5", "cy=5"]);
  });

  it("refuses to merge into a file that is not its gradebook, rather than lose it", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-gradebook-")), "gradebook.csv");
    fs.writeFileSync(file, "name,grade\nann,A\n");
    expect(() => readGradebook(file)).toThrow(/gradebook\.csv: not a gradebook vmlab wrote/);
  });
});

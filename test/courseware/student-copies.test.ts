/**
 * The student's path: `vmlab fetch` writes the released copies (no
 * solutions, no hidden tests) into a folder of the student's own and never
 * overwrites one they worked in; `vmlab check` runs a copy and reports
 * each exercise's visible-test result without writing it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import type { Cell } from "../../src/notebook/nbformat";
import { joinSource } from "../../src/notebook/nbformat";
import { readNotebook, serializeNotebook } from "../../src/notebook/read";
import { loadExerciseCourse } from "../../src/courseware/assignments";
import { fetchCopies } from "../../src/courseware/fetch";
import { selfCheck } from "../../src/courseware/self-check";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const FIXTURE = path.join(__dirname, "fixtures", "course");
const gid = (c: Cell): string | undefined => c.metadata.nbgrader?.grade_id;

describe("a student's own copies", () => {
  it("fetches the project's chapters without solutions or hidden tests, and never overwrites a copy", () => {
    const mine = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-fetch-")), "my-notebooks");
    const first = fetchCopies(loadExerciseCourse(), mine);
    expect(first.written.map((f) => path.basename(f))).toContain("01-machine.ipynb");
    for (const f of first.written) {
      const text = fs.readFileSync(f, "utf8");
      // No marker line is left (prose may still name the markers).
      expect(text, f).not.toMatch(/^\s*"\s*(?:\/\/|#|;)?\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)/m);
    }
    const source = readNotebook(path.join(ROOT, "notebooks", "01-machine.ipynb"));
    const copy = readNotebook(path.join(mine, "01-machine.ipynb"));
    const answer = source.cells.find((c) => c.metadata.nbgrader?.solution && c.cell_type === "code") as Cell;
    expect(joinSource((copy.cells.find((c) => gid(c) === gid(answer)) as Cell).source)).toContain("YOUR CODE HERE");
    // The student works in a copy, then fetches again: the work stays.
    const worked = path.join(mine, "01-machine.ipynb");
    fs.writeFileSync(worked, "my work");
    const again = fetchCopies(loadExerciseCourse(), mine);
    expect(again.written).toEqual([]);
    expect(again.kept).toContain(worked);
    expect(fs.readFileSync(worked, "utf8")).toBe("my work");
  });

  it("refuses to fetch into the instructor's sources", () => {
    const r = spawnSync(process.execPath, [VMLAB, "fetch", path.join(ROOT, "notebooks")], { encoding: "utf8" });
    expect([r.status, r.stderr.split("\n")[0]]).toEqual([2, expect.stringContaining("refusing to write")]);
  });

  it("checks a copy against its visible tests, exercise by exercise, without writing it", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-selfcheck-"));
    fs.cpSync(FIXTURE, path.join(work, "course"), { recursive: true });
    const mine = path.join(work, "mine");
    fetchCopies(loadExerciseCourse(path.join(work, "course")), mine);
    const file = path.join(mine, "01-sums.ipynb");
    const source = readNotebook(path.join(work, "course", "01-sums.ipynb"));
    const nb = readNotebook(file);
    // The student solved sum only.
    const sumAnswer = source.cells.find((c) => gid(c) === "sum-answer") as Cell;
    (nb.cells.find((c) => gid(c) === "sum-answer") as Cell).source = sumAnswer.source;
    fs.writeFileSync(file, serializeNotebook(nb));
    const before = fs.readFileSync(file, "utf8");
    const result = await selfCheck(file, { timeoutSeconds: 30 });
    expect(result.cells.map((c) => `${c.grade_id}=${c.points}/${c.max_points}`)).toEqual(["sum-tests=2/2", "mean-tests=0/3", "largest-tests=0/1"]);
    expect(result.cells[1].message).toContain("not implemented yet");
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  }, 60_000);
});

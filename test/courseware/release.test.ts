import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { userError } from "./user-error";
import { describe, expect, it } from "vitest";
import { joinSource, type Cell, type Notebook } from "../../src/notebook/nbformat";
import { readNotebook } from "../../src/notebook/read";
import { loadExerciseCourse } from "../../src/courseware/assignments";
import { computeChecksum, pyFloat } from "../../src/courseware/checksum";
import { findRegions, removeHiddenTests, stubSolutions } from "../../src/courseware/markers";
import { exerciseCells, readNbgrader } from "../../src/courseware/metadata";
import { releaseCourse, releaseNotebook } from "../../src/courseware/release";

const COURSE = path.join(__dirname, "fixtures", "course");
const SOURCE = path.join(COURSE, "01-sums.ipynb");


function codeCell(source: string, nbgrader?: Record<string, unknown>): Cell {
  return { cell_type: "code", id: "c1", source, metadata: nbgrader ? { nbgrader: nbgrader as never } : {}, outputs: [], execution_count: null };
}

const tests = (extra: Record<string, unknown> = {}) => ({ grade: true, solution: false, locked: true, points: 2, grade_id: "t1", schema_version: 3, ...extra });

describe("nbgrader metadata (schema 3)", () => {
  it("reads a valid test cell", () => {
    expect(readNbgrader(codeCell("x", tests()), "nb.ipynb", 0)).toMatchObject({ grade: true, points: 2, grade_id: "t1" });
  });

  it("names the notebook, the cell and the problem", () => {
    expect(userError(() => readNbgrader(codeCell("x", tests({ schema_version: 1 })), "ch.ipynb", 4))).toBe(
      "ch.ipynb: cell 5 (t1): metadata.nbgrader.schema_version is 1; vmlab reads schema version 3",
    );
    expect(userError(() => readNbgrader(codeCell("x", tests({ points: undefined })), "ch.ipynb", 0))).toContain("cell 1 (t1): a grade cell needs metadata.nbgrader.points");
    expect(userError(() => readNbgrader(codeCell("x", tests({ points: -1 })), "ch.ipynb", 0))).toContain("points must not be negative");
    expect(userError(() => readNbgrader(codeCell("x", tests({ grade_id: "a b" })), "ch.ipynb", 0))).toContain(`grade_id "a b" may hold only`);
    expect(userError(() => readNbgrader(codeCell("x", tests({ grade: "yes" })), "ch.ipynb", 0))).toContain("metadata.nbgrader.grade must be true or false");
    expect(userError(() => readNbgrader(codeCell("x", tests({ solution: true, grade: false, locked: true })), "ch.ipynb", 0))).toContain("a solution cell cannot be locked");
    const md: Cell = { cell_type: "markdown", id: "m", source: "", metadata: { nbgrader: tests() as never } };
    expect(userError(() => readNbgrader(md, "ch.ipynb", 2))).toContain("cell 3 (t1): a markdown grade cell must also be a solution cell");
  });

  it("refuses a grade_id used twice", () => {
    const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell("a", tests()), { ...codeCell("b", tests()), id: "c2" }] };
    expect(userError(() => exerciseCells(nb, "ch.ipynb"))).toBe(`ch.ipynb: cell 2 (t1): grade_id "t1" is already used by cell 1`);
  });
});

describe("solution and hidden-test markers", () => {
  const solution = ["function f() {", "  // BEGIN SOLUTION", "  return 42;", "  // END SOLUTION", "}"].join("\n");

  it("stubs a solution region with the marker's indentation", () => {
    expect(stubSolutions(solution, "w")).toBe(["function f() {", "  // YOUR CODE HERE", '  throw new Error("not implemented yet");', "}"].join("\n"));
  });

  it("stubs an assembly region (# markers inside a template string) with a comment only", () => {
    const asm = ["const code = `", "f:", "# BEGIN SOLUTION", "        li a0, 1", "# END SOLUTION", "        ret", "`;"].join("\n");
    expect(stubSolutions(asm, "w")).toBe(["const code = `", "f:", "# YOUR CODE HERE", "        ret", "`;"].join("\n"));
  });

  it("replaces a solution cell without markers whole, as nbgrader does", () => {
    expect(stubSolutions("const answer = 42;", "w")).toBe('// YOUR CODE HERE\nthrow new Error("not implemented yet");');
    expect(stubSolutions("The answer is 42.", "w", true)).toBe("YOUR ANSWER HERE");
  });

  it("removes hidden tests, markers and all", () => {
    const src = ["a();", "// BEGIN HIDDEN TESTS", "b();", "// END HIDDEN TESTS", "c();"].join("\n");
    expect(removeHiddenTests(src, "w")).toBe("a();\nc();");
  });

  it("reports unclosed, nested and stray markers with their line", () => {
    expect(userError(() => findRegions("// BEGIN SOLUTION\nx", "nb: cell 4 (f)"))).toBe("nb: cell 4 (f): line 1: BEGIN SOLUTION is never closed (add END SOLUTION)");
    expect(userError(() => findRegions("// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS\n// END SOLUTION", "w"))).toBe(
      "w: line 2: BEGIN HIDDEN TESTS inside the SOLUTION region opened on line 1 (regions do not nest)",
    );
    expect(userError(() => findRegions("x\n// END SOLUTION", "w"))).toBe("w: line 2: END SOLUTION without a BEGIN SOLUTION before it");
    expect(userError(() => findRegions("// BEGIN SOLUTION\n// END HIDDEN TESTS", "w"))).toContain("closes the SOLUTION region opened on line 1");
  });
});

describe("checksums", () => {
  it("prints points as Python's str(float(x))", () => {
    const xs = [3, 1.5, 0.1, 1e-5, 2.5e20, 1e16, 123456.789, 0.0001, -2];
    expect(xs.map(pyFloat)).toEqual(["3.0", "1.5", "0.1", "1e-05", "2.5e+20", "1e+16", "123456.789", "0.0001", "-2.0"]);
  });

  it("agree with nbgrader's compute_checksum run by Python", () => {
    const released = releaseNotebook(readNotebook(SOURCE), SOURCE, "01-sums").notebook;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-ck-")), "nb.json");
    fs.writeFileSync(file, JSON.stringify(released));
    // nbgrader/utils.py compute_checksum, line for line.
    const python = `
import hashlib, json, sys
nb = json.load(open(sys.argv[1]))
for cell in nb["cells"]:
    m = cell["metadata"].get("nbgrader")
    if not m: continue
    grade, solution = m.get("grade", False), m.get("solution", False)
    locked = False if solution else (True if grade else m.get("locked", False))
    h = hashlib.md5()
    for part in ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"], cell["cell_type"], str(grade), str(solution), str(locked), m["grade_id"]]:
        h.update(part.encode("utf-8"))
    if grade: h.update(str(float(m["points"])).encode("utf-8"))
    print(m["grade_id"], h.hexdigest())
`;
    const out = execFileSync("/usr/bin/python3", ["-c", python, file], { encoding: "utf8" });
    const expected = Object.fromEntries(out.trim().split("\n").map((l) => l.split(" ")));
    const ours = Object.fromEntries(
      released.cells.filter((c) => c.metadata.nbgrader).map((c) => [c.metadata.nbgrader?.grade_id, c.metadata.nbgrader?.checksum]),
    );
    expect(Object.keys(ours)).toHaveLength(7);
    expect(ours).toEqual(expected);
  });

  it("change when a locked cell's source changes", () => {
    const meta = tests();
    expect(computeChecksum(codeCell("check(1)"), meta as never)).not.toBe(computeChecksum(codeCell("check(2)"), meta as never));
  });
});

describe("release", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-release-"));
  const manifest = releaseCourse(loadExerciseCourse(COURSE), out);
  const student = readNotebook(path.join(out, "01-sums.ipynb"));
  const byId = (id: string): Cell => student.cells.find((c) => c.id === id) as Cell;

  it("replaces solutions by a stub that throws", () => {
    const src = joinSource(byId("sum-answer").source);
    expect(src).toContain("// YOUR CODE HERE");
    expect(src).toContain("throw new Error(");
    expect(src).not.toContain("reduce");
  });

  it("removes hidden tests and keeps the visible ones", () => {
    const src = joinSource(byId("sum-tests").source);
    expect(src).toContain("sum([1, 2, 3])");
    expect(src).not.toContain("the sum of nothing");
    expect(src).not.toContain("HIDDEN");
    expect(fs.readFileSync(path.join(out, "01-sums.ipynb"), "utf8")).not.toMatch(/BEGIN|END (SOLUTION|HIDDEN)|sum\(\[\]\)/);
  });

  it("makes graded and locked cells read-only and undeletable", () => {
    for (const id of ["setup", "sum-tests", "mean-tests", "largest-tests"]) {
      expect(byId(id).metadata).toMatchObject({ editable: false, deletable: false });
    }
    expect(byId("sum-answer").metadata.editable).toBeUndefined();
  });

  it("records every exercise cell's checksum in the manifest and the cell", () => {
    const entry = manifest.notebooks[0];
    expect(entry).toMatchObject({ assignment: "01-sums", file: "01-sums.ipynb", max_score: 6 });
    expect(entry.cells.map((c) => `${c.grade_id}:${c.kind}:${c.points}`)).toEqual([
      "setup:read-only:0", "sum-answer:answer:0", "sum-tests:tests:2", "mean-answer:answer:0", "mean-tests:tests:3", "largest-answer:answer:0", "largest-tests:tests:1",
    ]);
    for (const c of entry.cells) expect(student.cells[c.index].metadata.nbgrader?.checksum).toBe(c.checksum);
    expect(JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"))).toEqual(manifest);
  });

  it("clears outputs", () => {
    for (const c of student.cells) if (c.cell_type === "code") expect([c.outputs, c.execution_count]).toEqual([[], null]);
  });

  it("refuses a solution region outside a solution cell", () => {
    const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [codeCell("// BEGIN SOLUTION\nx\n// END SOLUTION")] };
    expect(userError(() => releaseNotebook(nb, "ch.ipynb", "ch"))).toBe("ch.ipynb: cell 1: a SOLUTION region in a cell that is not a solution cell (set metadata.nbgrader.solution)");
  });
});

/** Building the notebook grading runs, without running it. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import type { Cell, Notebook } from "../../src/notebook/nbformat";
import { joinSource } from "../../src/notebook/nbformat";
import { readNotebook } from "../../src/notebook/read";
import { assemble } from "../../src/courseware/assemble";
import { readOnlyFailures } from "../../src/courseware/grade";
import { releaseNotebook } from "../../src/courseware/release";

const FILE = path.join(__dirname, "fixtures", "course", "01-sums.ipynb");
const source = readNotebook(FILE);
const released = releaseNotebook(source, FILE, "01-sums").notebook;
const gid = (c: Cell): string => c.metadata.nbgrader?.grade_id ?? `id:${c.id}`;
const order = (nb: Notebook): string[] => nb.cells.map(gid);
const scratch = (id: string, text: string): Cell => ({ cell_type: "code", id, metadata: {}, source: text, outputs: [], execution_count: null });

describe("assembling a submission", () => {
  it("runs the source's test cells, hidden tests included, in the source's order", () => {
    const student = structuredClone(released);
    student.cells.reverse();
    const { notebook, notes, gradeCells } = assemble(source, released, student, FILE);
    expect(order(notebook)).toEqual(order(source));
    expect(joinSource(notebook.cells[gradeCells.get("sum-tests") as number].source)).toContain("the sum of nothing");
    expect(notes).toEqual([]);
  });

  it("keeps the student's own cells after the cell they followed", () => {
    const student = structuredClone(released);
    const at = student.cells.findIndex((c) => gid(c) === "sum-answer");
    student.cells.splice(at + 1, 0, scratch("mine", "const helper = 1;"));
    student.cells.unshift(scratch("first", "// notes"));
    const ids = order(assemble(source, released, student, FILE).notebook);
    expect(ids[0]).toBe("id:first");
    expect(ids.indexOf("id:mine")).toBe(ids.indexOf("sum-answer") + 1);
  });

  it("gives a duplicated cell's copy a fresh id, as nbformat requires", () => {
    const student = structuredClone(released);
    const answer = student.cells.find((c) => gid(c) === "sum-answer") as Cell;
    student.cells.push(structuredClone(answer));
    const { notebook } = assemble(source, released, student, FILE);
    const ids = notebook.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(notebook.cells.filter((c) => gid(c) === "sum-answer")).toHaveLength(2);
  });

  it("notices a locked cell whose metadata was stripped: the original is put back", () => {
    const student = structuredClone(released);
    const tests = student.cells.find((c) => gid(c) === "mean-tests") as Cell;
    delete tests.metadata.nbgrader;
    tests.source = 'check("mean", (t) => t.ok(true, "free points"));';
    const { notebook, notes } = assemble(source, released, student, FILE);
    expect(notes.map((n) => `${n.kind}:${n.grade_id}`)).toEqual(["deleted:mean-tests"]);
    expect(notebook.cells.filter((c) => gid(c) === "mean-tests").map((c) => joinSource(c.source))).toEqual([joinSource((source.cells.find((c) => gid(c) === "mean-tests") as Cell).source)]);
  });

  it("notes a read-only cell that failed, so the instructor sees why the tests after it fail", () => {
    const { readOnlyCells } = assemble(source, released, structuredClone(released), FILE);
    expect([...readOnlyCells.keys()]).toEqual(["setup"]);
    const setup = readOnlyCells.get("setup") as number;
    const failure = { cellIndex: setup, ename: "TypeError", evalue: "Cannot read properties of undefined (reading 'map')\n    at ...", reason: "error" as const };
    expect(readOnlyFailures(readOnlyCells, { failures: [failure] })).toEqual([
      { grade_id: "setup", kind: "read-only-failed", message: "the read-only cell setup failed: TypeError: Cannot read properties of undefined (reading 'map')" },
    ]);
    expect(readOnlyFailures(readOnlyCells, { failures: [] })).toEqual([]);
  });
});

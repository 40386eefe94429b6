/**
 * Claims (courseware/claim.ts): a cell tagged `claim` right after the prose
 * it backs asserts that sentence on the chapter's numbers. What a chapter's
 * authors rely on: a claim the numbers no longer bear out fails the run
 * with the claim's words and numbers; every chapter asserts its claims;
 * students, grading, handouts and feedback never see claim cells.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { claim, ClaimFailed, isClaimCell } from "../../src/courseware/claim";
import { loadExerciseCourse, loadSource } from "../../src/courseware/assignments";
import { releaseNotebook } from "../../src/courseware/release";
import { renderNotebookPage } from "../../src/courseware/handout/page";
import { joinSource, type Notebook } from "../../src/notebook/nbformat";
import { readNotebook } from "../../src/notebook/read";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const FIXTURE = path.join(ROOT, "test", "notebook", "fixtures", "claim.ipynb");
const STATEMENT = "a getpid loop takes more than three times the cycles in the VM";

describe("claim()", () => {
  it("is silent when the numbers bear the statement out", () => {
    expect(() => claim("two is more than one", 2 > 1, "2 and 1")).not.toThrow();
  });

  it("fails with the statement and the numbers", () => {
    let thrown: unknown;
    try {
      claim("the lines are parallel", false, "slopes 1.00 and 1.31");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ClaimFailed);
    expect((thrown as Error).name).toBe("ClaimFailed");
    expect((thrown as Error).message).toBe("the lines are parallel: slopes 1.00 and 1.31");
  });

  it("says how it was misused", () => {
    expect(() => claim("", true, "x")).toThrow(/non-empty string/);
    expect(() => claim("ratio above one", 1.3 as unknown as boolean, "1.3")).toThrow(/true or false \(a comparison\), not number/);
    expect(() => claim("ratio above one", true, 1.3 as unknown as string)).toThrow(/evidence, a string/);
  });
});

/**
 * A course folder holding the fixture chapter and its own copy of the
 * library in node_modules/vmlab, the cost table edited as `edit` says: the
 * kernel's `import ... from "vmlab"` finds that copy first.
 */
function courseWithCosts(edit: (costs: string) => string): string {
  fs.mkdirSync(path.join(ROOT, "test-artifacts"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, "test-artifacts", "claim-"));
  const lib = path.join(dir, "node_modules", "vmlab");
  fs.cpSync(path.join(ROOT, "dist"), path.join(lib, "dist"), { recursive: true });
  fs.cpSync(path.join(ROOT, "src", "guests"), path.join(lib, "src", "guests"), { recursive: true }); // the kernel's .s files
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(lib, "package.json"));
  const costs = path.join(lib, "dist", "machine", "costs.js");
  const before = fs.readFileSync(costs, "utf8");
  const after = edit(before);
  expect(after, "the edit changed the cost table").not.toBe(before);
  fs.writeFileSync(costs, after);
  fs.copyFileSync(FIXTURE, path.join(dir, "chapter.ipynb"));
  return dir;
}

function run(dir: string) {
  return spawnSync(process.execPath, [VMLAB, "run", path.join(dir, "chapter.ipynb")], { cwd: dir, encoding: "utf8", timeout: 120_000 });
}

describe("a chapter whose numbers change", () => {
  it("passes while its claim holds, and fails with the claim's words and numbers once the cost table falsifies it", () => {
    const intact = courseWithCosts((costs) => costs.replace(/emulateInstruction: \d+/, "emulateInstruction: 151"));
    const ok = run(intact);
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringContaining("1 passed, 0 failed")]);

    // The VMM's software costs zeroed: a trap into it costs what a bare trap does.
    const falsified = courseWithCosts((costs) => costs.replace(/(emulateInstruction|reflectTrap|worldSwitch|shadowFill): [\d_]+/g, "$1: 0"));
    const failed = run(falsified);
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(new RegExp(`FAILED .*chapter\\.ipynb: cell 4, claim: ${STATEMENT}: 1\\.\\d\\d times`));
    fs.rmSync(intact, { recursive: true, force: true });
    fs.rmSync(falsified, { recursive: true, force: true });
  }, 240_000);
});

describe("the chapters' claims", () => {
  const course = loadExerciseCourse();
  const chapters = course.assignments
    .filter((a) => fs.existsSync(a.file)) // course.json lists chapters not written yet
    .map((a) => ({ name: path.basename(a.file), source: readNotebook(a.file), assignment: a }));

  it("every chapter asserts at least three, each right after the prose it backs", () => {
    for (const { name, source } of chapters) {
      const claims = source.cells.map((c, i) => ({ c, i })).filter(({ c }) => isClaimCell(c));
      expect(claims.length, `${name}: claim cells`).toBeGreaterThanOrEqual(3);
      for (const { c, i } of claims) {
        const before = source.cells[i - 1];
        const where = `${name}, cell ${i + 1}`;
        expect(c.cell_type, where).toBe("code");
        expect(before !== undefined && (before.cell_type === "markdown" || isClaimCell(before)), `${where} follows prose`).toBe(true);
        expect(joinSource(c.source), where).toMatch(/\bclaim\(/);
      }
    }
  });

  it("are left out of student copies and of the notebook grading runs, and nothing else is", () => {
    for (const { name, source, assignment } of chapters) {
      const kept = source.cells.filter((c) => !isClaimCell(c)).map((c) => c.id);
      const graded = loadSource(assignment);
      expect(graded.cells.map((c) => c.id), name).toEqual(kept);
      const released = releaseNotebook(graded, assignment.file, assignment.name).notebook;
      expect(released.cells.map((c) => c.id), name).toEqual(kept);
    }
  });

  it("are left out of handouts and feedback pages", () => {
    for (const { name, source } of chapters) {
      const marked: Notebook = {
        ...source,
        cells: source.cells.map((c) => (isClaimCell(c) ? { ...c, source: `${joinSource(c.source)}\n// CLAIM-CELL-MARK` } : c)),
      };
      expect(renderNotebookPage(marked, { file: path.join(ROOT, "notebooks", name) }).html, name).not.toContain("CLAIM-CELL-MARK");
    }
  });
});

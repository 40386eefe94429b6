/**
 * The chapters' prose reads right in the student's copy: `vmlab release`
 * removes the solution and hidden-test markers, so no markdown cell may
 * tell students to look for them (issue 19: "write between
 * `// BEGIN SOLUTION` and `// END SOLUTION`", markers their copy lacks).
 * A markdown answer cell's own marker lines (a line holding only the
 * marker) are markers, not prose, and are allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const CHAPTERS = path.join(__dirname, "..", "..", "notebooks");
const MARKER_LINE = /^\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$/;
const NAMES_A_MARKER = /(BEGIN|END)[\s_-]*(SOLUTION|HIDDEN[\s_-]*TESTS?)/i;

describe("the chapters' markdown", () => {
  const chapters = fs.readdirSync(CHAPTERS).filter((f) => f.endsWith(".ipynb")).sort();

  it("there are chapters to read", () => expect(chapters.length).toBeGreaterThan(0));

  it.each(chapters)("%s names no solution or hidden-test marker", (chapter) => {
    const nb = JSON.parse(fs.readFileSync(path.join(CHAPTERS, chapter), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
    const found: string[] = [];
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "markdown") return;
      const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const line of text.split("\n")) {
        if (!MARKER_LINE.test(line) && NAMES_A_MARKER.test(line)) found.push(`cell ${i + 1}: ${line.trim().slice(0, 80)}`);
      }
    });
    expect(found).toEqual([]);
  });
});

/**
 * What a reader without the answers sees: nbgrader's ClearSolutions and
 * ClearHiddenTests preprocessors (nbgrader docs, "Autograder tests"), redone
 * for TypeScript cells:
 *
 *   // BEGIN SOLUTION            ->   // YOUR CODE HERE
 *   return fib(n - 1) + ...           (same indentation)
 *   // END SOLUTION
 *
 *   // BEGIN HIDDEN TESTS        ->   (removed, markers included)
 *   assert(...)
 *   // END HIDDEN TESTS
 *
 * A solution cell (metadata.nbgrader.solution) without markers is replaced
 * whole, as nbgrader does: `// YOUR CODE HERE` for code, `YOUR ANSWER HERE`
 * for markdown. Markers are honoured in every cell, graded or not.
 *
 * Outputs can give answers away too: a solution cell prints what the
 * answer computes, a test cell prints what the hidden tests checked. So a
 * cell whose source lost a solution or hidden tests also loses its outputs,
 * and the page says they were withheld.
 */
import { UserError } from "../../errors";
import type { Cell, Notebook } from "../../notebook/nbformat";
import { joinSource } from "../../notebook/nbformat";

export const CODE_STUB = "// YOUR CODE HERE";
export const MARKDOWN_STUB = "YOUR ANSWER HERE";

export interface StrippedNotebook {
  readonly notebook: Notebook;
  /** Ids of the cells whose outputs were withheld. */
  readonly withheld: ReadonlySet<string>;
}

interface Region {
  readonly begin: RegExp;
  readonly end: RegExp;
  readonly name: string;
}
const SOLUTION: Region = { begin: /BEGIN SOLUTION/, end: /END SOLUTION/, name: "SOLUTION" };
const HIDDEN: Region = { begin: /BEGIN HIDDEN TESTS/, end: /END HIDDEN TESTS/, name: "HIDDEN TESTS" };

/** A copy of `nb` without solutions and hidden tests; `file` names it in errors. */
export function stripSolutions(nb: Notebook, file: string): StrippedNotebook {
  const withheld = new Set<string>();
  const cells = nb.cells.map((cell, index) => {
    const where = `${file}: cell ${index + 1}${cell.id ? ` (${cell.id})` : ""}`;
    const before = joinSource(cell.source);
    const after = stripCellSource(cell, before, where);
    if (after === before) return cell;
    const copy = { ...cell, source: after } as Cell;
    if (copy.cell_type === "code") {
      copy.outputs = [];
      copy.execution_count = null;
      withheld.add(cell.id);
    }
    return copy;
  });
  return { notebook: { ...nb, cells }, withheld };
}

function stripCellSource(cell: Cell, source: string, where: string): string {
  const stub = cell.cell_type === "code" ? CODE_STUB : MARKDOWN_STUB;
  let text = replaceRegions(source, SOLUTION, where, (indent) => [indent + stub]);
  text = replaceRegions(text, HIDDEN, where, () => []);
  const isSolution = cell.metadata.nbgrader?.solution === true;
  if (isSolution && text === source && !SOLUTION.begin.test(source)) return stub;
  return text;
}

/** Replaces each BEGIN...END region (marker lines included) with `stub(indent)`. */
function replaceRegions(source: string, region: Region, where: string, stub: (indent: string) => string[]): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let openedAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (openedAt < 0 && region.begin.test(line)) {
      openedAt = i;
      out.push(...stub(line.match(/^\s*/)?.[0] ?? ""));
    } else if (openedAt >= 0 && region.begin.test(line)) {
      throw new UserError(`${where}: line ${i + 1}: BEGIN ${region.name} inside the region opened at line ${openedAt + 1}`);
    } else if (region.end.test(line)) {
      if (openedAt < 0) throw new UserError(`${where}: line ${i + 1}: END ${region.name} without BEGIN ${region.name}`);
      openedAt = -1;
    } else if (openedAt < 0) {
      out.push(line);
    }
  }
  if (openedAt >= 0) throw new UserError(`${where}: line ${openedAt + 1}: BEGIN ${region.name} has no END ${region.name}`);
  return out.join("\n");
}

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
 * for markdown. Markers are honoured in every cell, graded or not; a marker
 * is a line holding only the marker (../markers.ts, the rules `vmlab
 * release` follows), so prose that mentions one is left alone.
 *
 * Outputs can give answers away too: a solution cell prints what the
 * answer computes, a test cell prints what the hidden tests checked. So a
 * cell whose source lost a solution or hidden tests also loses its outputs,
 * and the page says they were withheld.
 */
import type { Cell, Notebook } from "../../notebook/nbformat";
import { joinSource } from "../../notebook/nbformat";
import { findRegions, removeHiddenTests, replaceRegions } from "../markers";

export const CODE_STUB = "// YOUR CODE HERE";
export const MARKDOWN_STUB = "YOUR ANSWER HERE";

export interface StrippedNotebook {
  readonly notebook: Notebook;
  /** Ids of the cells whose outputs were withheld. */
  readonly withheld: ReadonlySet<string>;
}

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

/** Markers are parsed by ../markers.ts, the same rules `vmlab release` follows. */
function stripCellSource(cell: Cell, source: string, where: string): string {
  const stub = cell.cell_type === "code" ? CODE_STUB : MARKDOWN_STUB;
  const regions = findRegions(source, where);
  const isSolution = cell.metadata.nbgrader?.solution === true;
  if (isSolution && !regions.some((r) => r.kind === "solution")) return stub;
  return removeHiddenTests(replaceRegions(source, "solution", [stub], where), where);
}

/**
 * Claims: a chapter's prose says what its numbers show ("each getpid costs
 * more than ten times as much in the VM"); a code cell tagged `claim`
 * right after that prose asserts it on the numbers the chapter has just
 * computed, so a change to a cost, a hypervisor or a kernel that makes the
 * sentence false fails the chapter instead of leaving it to say what the
 * numbers no longer show:
 *
 *   claim("each getpid costs more than ten times as much in the VM",
 *         vmCycles / bareCycles > 10,
 *         `${(vmCycles / bareCycles).toFixed(1)} times`);
 *
 * A claim that holds prints nothing. One that fails throws ClaimFailed,
 * "STATEMENT: EVIDENCE", and the runner reports the cell as
 * `cell 14, claim: STATEMENT: EVIDENCE`.
 *
 * Claims check the chapter for its authors; they are no part of an
 * exercise. Handouts and feedback pages leave claim cells out (as
 * `remove-cell`), and so do student copies and grading (withoutClaims).
 */
import type { Notebook } from "../notebook/nbformat";

export const CLAIM_TAG = "claim";

/** A claim of the prose that its numbers do not bear out. */
export class ClaimFailed extends Error {
  constructor(readonly statement: string, readonly evidence: string) {
    super(`${statement}: ${evidence}`);
    this.name = "ClaimFailed";
  }
}

/**
 * Asserts `statement` of the prose: `holds` is the test on the chapter's
 * numbers, `evidence` the numbers themselves, as the message quotes them.
 */
export function claim(statement: string, holds: boolean, evidence: string): void {
  if (typeof statement !== "string" || statement.trim() === "") throw new TypeError("claim: the first argument is the prose's statement, a non-empty string");
  if (typeof holds !== "boolean") throw new TypeError(`claim "${statement}": the second argument must be true or false (a comparison), not ${typeof holds}`);
  if (typeof evidence !== "string") throw new TypeError(`claim "${statement}": the third argument is the evidence, a string of the numbers`);
  if (!holds) throw new ClaimFailed(statement, evidence);
}

/** Whether a cell is tagged `claim`. */
export function isClaimCell(cell: { metadata: { tags?: readonly string[] } }): boolean {
  return cell.metadata.tags?.includes(CLAIM_TAG) ?? false;
}

/** The notebook without its claim cells (what students get and grading runs). */
export function withoutClaims(nb: Notebook): Notebook {
  return { ...nb, cells: nb.cells.filter((c) => !isClaimCell(c)) };
}

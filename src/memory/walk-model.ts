/**
 * The cost of a TLB miss, as a model any depth can be asked of (Bhargava
 * et al. 2008, section 2.2, figure 2): a one-dimensional walk of an n-level
 * table makes n references; a two-dimensional walk of an n-level guest
 * table over an m-level nested table translates each of the n guest
 * entries' guest-physical addresses and the final one through the nested
 * table (m references each) and reads the n guest entries:
 *
 *   n * (m + 1) + m  =  (n + 1)(m + 1) - 1
 *
 *   2 x 2 (toy32):           8      4 x 4 (x86-64):   24
 *
 *   guest level 1 entry:  nested 1 .. nested m, then the entry itself
 *   ...
 *   guest level n entry:  nested 1 .. nested m, then the entry itself
 *   the data's gpa:       nested 1 .. nested m   -> the machine address
 *
 * src/machine/nested-walk.ts does the 2 x 2 walk for real; this file is the
 * arithmetic a chapter plots and a problem checks against.
 */
import { UserError } from "../errors";

export interface ModelReference {
  /** 1-based position in the walk. */
  readonly step: number;
  /** "nested": an entry of the nested table; "guest": an entry of the guest's table. */
  readonly dimension: "nested" | "guest";
  /** The guest level whose entry (1..n) or data (n + 1) is being reached. */
  readonly guestLevel: number;
  /** The nested level read (1..m); 0 for a guest entry. */
  readonly nestedLevel: number;
}

/** Most levels the model takes (x86-64 with 5-level paging has 5). */
export const MAX_LEVELS = 8;

function checkLevels(name: string, levels: number): void {
  if (!Number.isInteger(levels) || levels < 1 || levels > MAX_LEVELS) {
    throw new UserError(`${name} must be a whole number of levels from 1 to ${MAX_LEVELS}, not ${levels}`);
  }
}

/** References of a cold one-dimensional walk of an n-level table: n. */
export function oneDimensionalReferences(levels: number): number {
  checkLevels("levels", levels);
  return levels;
}

/** References of a cold two-dimensional walk: (n + 1)(m + 1) - 1. */
export function twoDimensionalReferences(guestLevels: number, nestedLevels: number): number {
  return twoDimensionalWalk(guestLevels, nestedLevels).length;
}

/** Every reference of a cold two-dimensional walk, in order. */
export function twoDimensionalWalk(guestLevels: number, nestedLevels: number): ModelReference[] {
  checkLevels("guest levels", guestLevels);
  checkLevels("nested levels", nestedLevels);
  const out: ModelReference[] = [];
  const push = (dimension: "nested" | "guest", guestLevel: number, nestedLevel: number) =>
    out.push({ step: out.length + 1, dimension, guestLevel, nestedLevel });
  for (let g = 1; g <= guestLevels + 1; g++) {
    for (let n = 1; n <= nestedLevels; n++) push("nested", g, n);
    if (g <= guestLevels) push("guest", g, 0);
  }
  return out;
}

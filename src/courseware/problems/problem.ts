/**
 * The shape every seeded exercise variant shares, the way OSTEP's homework
 * simulators work (`paging-linear-translate.py -s SEED` prints a problem,
 * `-c` the same problem with its answers): the question a student reads,
 * the same text with the answers, and both as data for a notebook to use.
 */
import { UserError } from "../../errors";

export interface Problem<D = unknown, A = unknown> {
  kind: string;
  seed: number;
  title: string;
  /** The problem as a student reads it: every answer a "?". */
  question: string;
  /** The same problem with every answer worked out. */
  solution: string;
  /** The numbers of the problem, for a notebook or a grader. */
  data: D;
  answers: A;
}

/** Checks a seed: an integer that fits 32 bits unsigned. */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UserError(`seed ${seed} is not an integer from 0 to 4294967295`);
  }
  return seed;
}

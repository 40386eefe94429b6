/**
 * Predicting a pre-copy live migration (Clark et al. 2005): given a VM's
 * memory, the link's bandwidth and the guest's dirty rate and writable
 * working set, how many rounds of pre-copy, how many pages in
 * stop-and-copy, and what downtime and total time? The answers come from
 * the model the chapter then checks against a simulated migration
 * (src/lifecycle/migration/model.ts), with Xen's stop rules.
 */
import { predictPrecopy, type PrecopyInput, type PrecopyPrediction } from "../../lifecycle/migration/model";
import { Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface MigrationData extends PrecopyInput {
  readonly memoryMiB: number;
  readonly bandwidthMbit: number;
}

const MEMORY_MIB = [64, 128, 256, 512];
const BANDWIDTH_MBIT = [100, 200, 500, 1000];

export function migrationProblem(seed: number): Problem<MigrationData, PrecopyPrediction> {
  const rng = new Prng(checkSeed(seed));
  const memoryMiB = MEMORY_MIB[rng.int(0, MEMORY_MIB.length - 1)];
  const bandwidthMbit = BANDWIDTH_MBIT[rng.int(0, BANDWIDTH_MBIT.length - 1)];
  const bandwidth = (bandwidthMbit * 1e6) / 8;
  const linkPages = bandwidth / 4096;
  // Dirty rates from a tenth of the link's page rate to past it, so some seeds converge and some do not.
  const dirtyRate = Math.round(linkPages * [0.1, 0.25, 0.5, 0.8, 1.2][rng.int(0, 4)]);
  const memoryPages = memoryMiB * 256;
  const workingSet = Math.round(memoryPages * [0.05, 0.1, 0.25][rng.int(0, 2)]);
  const data: MigrationData = { memoryMiB, bandwidthMbit, memoryPages, bandwidth, dirtyRate, workingSet };
  const answers = predictPrecopy(data);
  return {
    kind: "migration",
    seed,
    title: "Pre-copy live migration: rounds, downtime and total time",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

/** Words joined by ", " in lines of at most 100 characters. */
function wrap(words: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const [i, w] of words.entries()) {
    const piece = w + (i < words.length - 1 ? "," : "");
    if (line.length + piece.length + 1 > 100 && line.trim() !== "") { lines.push(line.trimEnd()); line = indent; }
    line += piece + " ";
  }
  lines.push(line.trimEnd());
  return lines;
}

function render(d: MigrationData, a: PrecopyPrediction, withAnswers: boolean): string {
  const ans = (s: string): string => (withAnswers ? s : "?");
  const ms = (s: number): string => `${(s * 1000).toFixed(2)} ms`;
  return [
    `A VM of ${d.memoryMiB} MiB (${d.memoryPages} pages of 4 KiB) migrates over a link of ${d.bandwidthMbit} Mbit/s.`,
    `Its guest dirties ${d.dirtyRate} pages a second, within a writable working set of ${d.workingSet} pages.`,
    "Pre-copy sends every page, then in each round the pages dirtied during the last one",
    "(never more than the working set, rounded down to whole pages), and stops by Xen's rules:",
    "29 rounds, 3x the memory sent, fewer than 50 pages dirty, or as many pages dirtied as a",
    "round sent; then stop-and-copy.",
    "",
    `1. How many rounds of pre-copy? ${ans(String(a.rounds.length))}`,
    "   Pages sent in each round:",
    ...wrap(withAnswers ? a.rounds.map(String) : ["?"], "     "),
    `2. Which rule stops it? ${ans(a.stop)}`,
    `3. How many pages does stop-and-copy send? ${ans(String(a.finalPages))}`,
    `4. The downtime? ${ans(ms(a.downtimeSeconds))}  The total time? ${ans(ms(a.totalSeconds))}`,
  ].join("\n");
}

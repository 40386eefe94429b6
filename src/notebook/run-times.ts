/**
 * The order `vmlab run` starts notebooks in: longest first, so that the
 * lanes end together. With two lanes and one long chapter taken last, one
 * lane runs it alone while the other has nothing left; Graham's "longest
 * processing time first" rule (Bounds on Multiprocessing Timing Anomalies,
 * 1969) keeps the last lane within 4/3 - 1/(3m) of the best schedule.
 *
 * A notebook's length is what it took the last times it ran, as CTest
 * estimates a test's COST: "it computes a weighted average of the cost each
 * time a test is run and uses that as an improved estimate of the cost for
 * the next run" (CTest's COST property). A notebook never timed is
 * estimated from the length of its code, in seconds of the timed ones' rate
 * when there are any; with no timings at all, longer code goes first.
 *
 * The times live in vmlab's cache folder (cache-dir.ts), keyed by the
 * notebook's absolute path: one small JSON file that a lost or broken copy
 * only makes slower.
 */
import * as fs from "fs";
import * as path from "path";
import { cacheDir, writeCacheFile } from "./cache-dir";
import { joinSource, type Notebook } from "./nbformat";

type Times = Record<string, number>;

const FILE = "run-times.json";

export function readRunTimes(): Times {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(path.join(cacheDir(), FILE), "utf8"));
    const times: Times = {};
    if (data && typeof data === "object") {
      for (const [key, value] of Object.entries(data)) if (typeof value === "number" && value >= 0 && Number.isFinite(value)) times[key] = value;
    }
    return times;
  } catch {
    return {};
  }
}

/** Records the seconds each notebook took: the mean of the last estimate and this run, as CTest's weighted average. */
export function recordRunTimes(seconds: ReadonlyMap<string, number>): void {
  if (seconds.size === 0) return;
  const times = readRunTimes(); // again: another run may have written since
  for (const [file, s] of seconds) {
    const key = path.resolve(file);
    times[key] = key in times ? (times[key] + s) / 2 : s;
  }
  for (const key of Object.keys(times)) if (!fs.existsSync(key)) delete times[key]; // notebooks since deleted (a test's, a temporary copy)
  writeCacheFile(path.join(cacheDir(), FILE), JSON.stringify(times, null, 1) + "\n");
}

export interface Timed {
  path: string;
  /** Undefined for a notebook that could not be read: it takes no time. */
  notebook?: Notebook;
}

/** Indices of `jobs`, the longest expected first (ties in the given order). */
export function longestFirst(jobs: readonly Timed[], times: Times = readRunTimes()): number[] {
  const code = jobs.map((j) => codeLength(j.notebook));
  const known = jobs.map((j) => times[path.resolve(j.path)]);
  let timedSeconds = 0;
  let timedCode = 0;
  known.forEach((s, i) => {
    if (s !== undefined) {
      timedSeconds += s;
      timedCode += code[i];
    }
  });
  const perChar = timedCode > 0 ? timedSeconds / timedCode : 1;
  const expected = jobs.map((j, i) => (j.notebook === undefined ? 0 : known[i] ?? code[i] * perChar));
  return jobs.map((_, i) => i).sort((a, b) => expected[b] - expected[a] || a - b);
}

function codeLength(nb: Notebook | undefined): number {
  let n = 0;
  for (const cell of nb?.cells ?? []) if (cell.cell_type === "code") n += joinSource(cell.source).length;
  return n;
}


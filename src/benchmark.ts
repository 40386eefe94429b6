/**
 * The shape of a benchmark suite (DESIGN.md: benchmarks live in
 * test/bench, run by `vmlab bench`, and print with --json one object
 * `{ "suite": { "metric": number, ... } }`). Suites compare things side by
 * side in one run, so their headline figures are ratios, not seconds.
 */
export interface BenchSuite {
  /** The name `vmlab bench NAME` selects and the key of its JSON object. */
  readonly name: string;
  readonly description: string;
  run(report: (line: string) => void): Promise<Record<string, number>>;
}

/** Wall-clock seconds of one call, for benchmarks only (never in tests). */
export async function seconds(work: () => unknown | Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * The best of `repeats` timings: the least disturbed by the other core's
 * work, and so the fairest for side-by-side ratios.
 */
export async function bestOf(repeats: number, work: () => unknown | Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) best = Math.min(best, await seconds(work));
  return best;
}

/** The median of `xs` (the mean of the middle two for an even count): a round disturbed by load elsewhere does not move it. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

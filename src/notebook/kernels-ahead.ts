/**
 * Kernels started ahead of the notebooks that will need them, so that
 * `vmlab run` and `vmlab grade` keep both cores busy: a tslab kernel's
 * start-up (it type-checks its libraries: about two seconds of CPU, with
 * waits between) overlaps with the notebooks already running:
 *
 *   worker 1:  [start A][run A ........][run D ...]
 *   worker 2:  [start B][run B ...][run C ....]
 *   ahead:              [start C]     [start D]   (each ready when taken)
 *
 * The next kernel starts only once the current one is up (not before: it
 * would compete with it), and one ahead is enough; more would only compete
 * with the kernels at work. With `--jobs 1` none starts ahead: one job at a
 * time is what the user asked for (to leave the other cores alone, or to
 * see one notebook's work at a time), and a kernel starting beside it is a
 * second job on a second core. A kernel started for a submission that then
 * needs none (it could not be read) is shut down.
 */
import type { Kernel } from "./kernel";

/** Kernels started ahead with `jobs` at once: none for one job at a time, else one. */
export function aheadFor(jobs: number): number {
  return jobs > 1 ? 1 : 0;
}

export class KernelsAhead<Job> {
  private readonly started = new Map<Job, Promise<Kernel>>();
  private readonly taken = new Set<Job>();

  constructor(private readonly start: (job: Job) => Promise<Kernel>, private readonly count: number) {}

  /** The kernel for `job`: the one started ahead, or a new one. */
  take(job: Job): Promise<Kernel> {
    this.taken.add(job);
    const early = this.started.get(job);
    this.started.delete(job);
    return early ?? this.start(job);
  }

  /** Starts kernels for the first `count` jobs still queued that have none. */
  startNext(queued: readonly Job[]): void {
    for (const job of queued.slice(0, this.count)) {
      if (!this.started.has(job) && !this.taken.has(job)) this.started.set(job, this.start(job));
    }
  }

  /** `job` is done: a kernel started for it and never taken is shut down. */
  discard(job: Job): void {
    this.taken.add(job);
    const unused = this.started.get(job);
    this.started.delete(job);
    if (unused) void unused.then((k) => k.shutdown(), () => undefined);
  }
}

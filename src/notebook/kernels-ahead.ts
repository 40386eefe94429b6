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
 * with the kernels at work. A kernel started for a submission that then
 * needs none (it could not be read) is shut down.
 */
import type { Kernel } from "./kernel";

export class KernelsAhead<Job> {
  private readonly started = new Map<Job, Promise<Kernel>>();
  private readonly taken = new Set<Job>();

  constructor(private readonly start: (job: Job) => Promise<Kernel>, private readonly count = 1) {}

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

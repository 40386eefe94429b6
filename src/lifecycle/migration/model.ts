/**
 * Pre-copy on paper: the rounds, downtime and total time of a migration
 * from three numbers, as Clark et al. 2005 (section 2 and figure 8)
 * reason about it. A link of B bytes per second sends a VM of M pages; a
 * round of n pages takes n * 4096 / B seconds, during which the guest
 * dirties D pages a second, but never more than its writable working set
 * of W pages; the next round sends those. The stop rules are Xen's
 * (policy.ts) at a fixed rate; stop-and-copy sends the last round's
 * dirty pages with the VM stopped: that is the downtime.
 *
 * The same loop as source.ts, with the guest replaced by its dirty rate:
 * what a student predicts and a simulated migration then measures.
 */
import { stopReason, unlimited, type StopReason } from "./policy";

export interface PrecopyInput {
  readonly memoryPages: number;
  /** Bytes per second. */
  readonly bandwidth: number;
  /** Pages the guest dirties per second. */
  readonly dirtyRate: number;
  /** The writable working set: at most this many pages are dirty at once. */
  readonly workingSet: number;
}

export interface PrecopyPrediction {
  /** Pages sent in each round of pre-copy (the first is every page). */
  readonly rounds: readonly number[];
  readonly stop: StopReason;
  readonly finalPages: number;
  readonly downtimeSeconds: number;
  readonly totalSeconds: number;
  readonly bytesSent: number;
}

const PAGE = 4096;

export function predictPrecopy(input: PrecopyInput): PrecopyPrediction {
  const { memoryPages, bandwidth, dirtyRate, workingSet } = input;
  for (const [name, v] of Object.entries(input)) if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} ${v} is not a number >= 0`);
  if (bandwidth <= 0 || memoryPages < 1) throw new RangeError("a migration needs a bandwidth above 0 and at least one page");
  const limit = unlimited(bandwidth);
  const rounds: number[] = [];
  let pages = memoryPages, seconds = 0, sent = 0;
  for (;;) {
    const t = (pages * PAGE) / bandwidth;
    seconds += t;
    sent += pages * PAGE;
    rounds.push(pages);
    const dirtied = Math.min(workingSet, memoryPages, Math.floor(dirtyRate * t));
    const stop = stopReason({ rounds: rounds.length, bytesSentTotal: sent, memoryBytes: memoryPages * PAGE, pagesSent: pages, pagesDirtied: dirtied, rate: bandwidth, limit });
    pages = dirtied;
    if (stop !== undefined) {
      const downtime = (pages * PAGE) / bandwidth;
      return { rounds, stop, finalPages: pages, downtimeSeconds: downtime, totalSeconds: seconds + downtime, bytesSent: sent + pages * PAGE };
    }
  }
}

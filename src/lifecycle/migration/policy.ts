/**
 * When pre-copy stops, and how fast each round sends: Clark et al. 2005,
 * "Live Migration of Virtual Machines" (NSDI), section 5.
 *
 * Rate limiting (5.1 "Dynamic rate-limiting"): the first round goes at the
 * minimum bandwidth; "each subsequent round ... calculates the dirtying
 * rate of the previous round, and adds a constant increment (50 Mbit/sec
 * in the paper) to obtain the bandwidth for this round", bounded by the
 * maximum the administrator allows.
 *
 * Stop rules, as Xen's xc_domain_save applied them: stop-and-copy once
 *   - 29 rounds of pre-copy have been made (MAX_ROUNDS), or
 *   - 3x the VM's memory has been sent (MAX_FACTOR), or
 *   - fewer than 50 pages are left dirty (MIN_PAGES), or
 *   - the guest dirties faster than the link sends: at the maximum rate
 *     a round left at least as many pages dirty as it sent.
 */
export const MAX_ROUNDS = 29;
export const MAX_FACTOR = 3;
export const MIN_PAGES = 50;

/** Bandwidth limits in bytes per second (of simulated time, CLOCK_HZ). */
export interface RateLimit {
  readonly minRate: number;
  readonly maxRate: number;
  readonly increment: number;
}

/**
 * Clark's figures (100 to 500 Mbit/s, +50 Mbit/s a round, for VMs of
 * 800 MiB) scaled to toy32's VMs of a few hundred KiB, so that a round
 * takes about as long as the guest's own work: from 8 Gbit/s (a page in
 * 4,096 cycles at CLOCK_HZ), plus 4 Gbit/s over each round's dirtying
 * rate, up to 32 Gbit/s (a page in 1,024 cycles).
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { minRate: 1e9, maxRate: 4e9, increment: 0.5e9 };

/** No limit at all: every round at the maximum rate (the comparison Clark draws). */
export function unlimited(maxRate: number): RateLimit {
  return { minRate: maxRate, maxRate, increment: 0 };
}

/** The rate of the round after one that saw `dirtyRate` bytes per second dirtied. */
export function nextRate(limit: RateLimit, dirtyRate: number): number {
  return Math.min(limit.maxRate, Math.max(limit.minRate, dirtyRate + limit.increment));
}

export type StopReason = "rounds" | "sent-3x-memory" | "few-pages-left" | "dirtying-faster-than-sending";

export interface RoundOutcome {
  /** Rounds made so far (the first, of all pages, is round 1). */
  readonly rounds: number;
  readonly bytesSentTotal: number;
  readonly memoryBytes: number;
  /** Pages sent in this round, and pages dirtied while it was sent. */
  readonly pagesSent: number;
  readonly pagesDirtied: number;
  /** This round's rate. */
  readonly rate: number;
  readonly limit: RateLimit;
}

/** Why pre-copy stops after this round, or undefined to go on. */
export function stopReason(r: RoundOutcome): StopReason | undefined {
  if (r.pagesDirtied < MIN_PAGES) return "few-pages-left";
  if (r.rounds >= MAX_ROUNDS) return "rounds";
  if (r.bytesSentTotal >= MAX_FACTOR * r.memoryBytes) return "sent-3x-memory";
  if (r.rate >= r.limit.maxRate && r.pagesDirtied >= r.pagesSent) return "dirtying-faster-than-sending";
  return undefined;
}

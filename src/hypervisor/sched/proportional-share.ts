/**
 * Proportional share, as VMware ESX gives CPU (the vSphere Resource
 * Management Guide: "Shares specify the relative importance of a virtual
 * machine ... Low, Normal, High ... 500, 1000, 2000 shares per virtual
 * CPU"; "Reservation specifies the guaranteed minimum allocation";
 * "Limit specifies an upper bound ... even if there are unused resources
 * on the system"), built as stride scheduling (Waldspurger and Weihl
 * 1995): each VCPU has a virtual time (pass) that advances by the cycles it
 * runs over its shares, and the VCPU with the smallest pass runs next, so
 * over time each gets cycles in proportion to its shares.
 *
 * A VCPU that joins (new, or woken from a block) starts no earlier than
 * the least pass of the VCPUs already competing: sleeping banks no claim.
 * Reservations and limits hold over an accounting period (periodMs,
 * default 100 ms): a VCPU that has run less than its reservation of the
 * period so far goes first; one that has used its limit waits for the next
 * period, even on an idle host. Admission control refuses a VCPU whose
 * reservation the host cannot honour.
 */
import { GlobalQueuePolicy, type SliceOptions, type Waiting } from "./global-queue";
import { CYCLES_PER_MS, positiveCycles, type SchedVcpu } from "./policy";

export const SHARES = { low: 500, normal: 1000, high: 2000 } as const;

export interface ProportionalShareOptions extends SliceOptions {
  /** The period over which reservations and limits hold, in ms (default 100). */
  readonly periodMs?: number;
}

interface Standing {
  pass: number;
  /** Cycles run in the current period. */
  used: number;
  readonly shares: number;
  readonly reservation: number;
  readonly limit: number;
}

export class ProportionalShare extends GlobalQueuePolicy {
  readonly name = "proportional-share";
  readonly period: number;
  private readonly standing = new Map<number, Standing>();
  private periodStart = 0;
  private reserved = 0;

  constructor(pcpus: number, options: ProportionalShareOptions = {}) {
    super(pcpus, options);
    this.period = positiveCycles("proportional share: period", Math.round((options.periodMs ?? 100) * CYCLES_PER_MS));
  }

  protected override joined(vcpu: SchedVcpu, now: number): void {
    let s = this.standing.get(vcpu.id);
    if (!s) {
      const { shares = SHARES.normal, reservation = 0, limit = 1 } = vcpu.params;
      if (!Number.isInteger(shares) || shares < 1) throw new RangeError(`proportional share: VM ${vcpu.vm}: shares must be a whole number >= 1, not ${shares}`);
      if (!(limit > 0 && limit <= 1)) throw new RangeError(`proportional share: VM ${vcpu.vm}: limit must be in (0, 1] of a PCPU, not ${limit}`);
      if (!(reservation >= 0 && reservation <= limit)) throw new RangeError(`proportional share: VM ${vcpu.vm}: reservation must be in [0, limit ${limit}], not ${reservation}`);
      if (this.reserved + reservation > this.pcpus + 1e-9) {
        throw new RangeError(`proportional share: VM ${vcpu.vm}: reservations would total ${(this.reserved + reservation).toFixed(2)} PCPUs, more than the host's ${this.pcpus} (admission control)`);
      }
      this.reserved += reservation;
      s = { pass: 0, used: 0, shares, reservation, limit };
      this.standing.set(vcpu.id, s);
    }
    // No banking: start at the least pass of those competing now.
    const passes = [...this.standing.entries()].filter(([id]) => id !== vcpu.id).map(([, x]) => x.pass);
    if (passes.length > 0) s.pass = Math.max(s.pass, Math.min(...passes));
    this.rollPeriod(now);
  }

  protected pick(waiting: readonly Waiting[], now: number): SchedVcpu | undefined {
    this.rollPeriod(now);
    const elapsed = now - this.periodStart;
    let behind: SchedVcpu | undefined, behindBy = 0, best: SchedVcpu | undefined, bestPass = Infinity;
    for (const w of waiting) {
      const s = this.get(w.vcpu);
      if (s.used >= s.limit * this.period) continue; // held until the next period
      const owed = s.reservation * elapsed - s.used;
      if (owed > behindBy) { behind = w.vcpu; behindBy = owed; }
      if (s.pass < bestPass) { best = w.vcpu; bestPass = s.pass; }
    }
    return behind ?? best;
  }

  protected charge(vcpu: SchedVcpu, cycles: number, now: number): void {
    this.rollPeriod(now);
    const s = this.get(vcpu);
    s.pass += (cycles * SHARES.normal) / s.shares;
    // Time run before this period began counted in the last one.
    s.used += Math.min(cycles, now - this.periodStart);
  }

  protected override sliceFor(vcpu: SchedVcpu): number {
    const s = this.get(vcpu);
    return s.limit * this.period - s.used;
  }

  override nextTimer(): number {
    return this.periodStart + this.period;
  }

  override timer(now: number): number[] {
    this.rollPeriod(now);
    return this.idlePcpus();
  }

  private rollPeriod(now: number): void {
    if (now < this.periodStart + this.period) return;
    this.periodStart += this.period * Math.floor((now - this.periodStart) / this.period);
    for (const s of this.standing.values()) s.used = 0;
  }

  private get(vcpu: SchedVcpu): Standing {
    return this.standing.get(vcpu.id) as Standing;
  }
}

/**
 * What round robin, proportional share and fair share have in common: one
 * queue for the whole host (any PCPU takes any runnable VCPU), a fixed
 * slice, and a woken VCPU taken at once by an idle PCPU if there is one
 * (it preempts nobody). A policy says only which waiting VCPU goes next
 * (pick) and what running costs it (charge); credit.ts, with its per-PCPU
 * queues, priorities and stealing, is the one that needs more.
 */
import { CYCLES_PER_MS, positiveCycles, type Decision, type SchedulingPolicy, type SchedVcpu } from "./policy";

export interface SliceOptions {
  /** The most a VCPU runs before the next choice, in milliseconds (default 30, as Xen's credit). */
  readonly sliceMs?: number;
}

export interface Waiting {
  readonly vcpu: SchedVcpu;
  /** When it joined the queue: equal claims go first come, first served. */
  readonly since: number;
}

export abstract class GlobalQueuePolicy implements SchedulingPolicy {
  abstract readonly name: string;
  readonly slice: number;
  private readonly current: (SchedVcpu | undefined)[];
  private readonly startedAt: number[];
  private readonly waiting = new Map<number, Waiting>();
  private readonly blocked = new Set<number>();

  constructor(readonly pcpus: number, options: SliceOptions = {}) {
    if (!Number.isInteger(pcpus) || pcpus < 1) throw new RangeError(`scheduling: PCPUs must be a whole number >= 1, not ${pcpus}`);
    this.slice = positiveCycles("scheduling: slice", Math.round((options.sliceMs ?? 30) * CYCLES_PER_MS));
    this.current = new Array(pcpus).fill(undefined);
    this.startedAt = new Array(pcpus).fill(0);
  }

  /** The VCPU that goes next among `waiting` (never empty), at `now`; undefined to leave the PCPU idle. */
  protected abstract pick(waiting: readonly Waiting[], now: number): SchedVcpu | undefined;
  /** `vcpu` ran `cycles` up to `now`. */
  protected abstract charge(vcpu: SchedVcpu, cycles: number, now: number): void;
  /** A VCPU joins (new or woken): a policy may adjust its standing. */
  protected joined(_vcpu: SchedVcpu, _now: number): void {}
  /** The longest `vcpu` may run from `now` (a limit can make it shorter than the slice). */
  protected sliceFor(_vcpu: SchedVcpu, _now: number): number {
    return this.slice;
  }

  add(vcpu: SchedVcpu, now: number): number[] {
    this.joined(vcpu, now);
    this.waiting.set(vcpu.id, { vcpu, since: now });
    return this.idlePcpu();
  }

  wake(vcpu: SchedVcpu, now: number): number[] {
    if (!this.blocked.delete(vcpu.id)) return [];
    this.joined(vcpu, now);
    this.waiting.set(vcpu.id, { vcpu, since: now });
    return this.idlePcpu();
  }

  block(vcpu: SchedVcpu, _now: number): void {
    this.blocked.add(vcpu.id);
    this.waiting.delete(vcpu.id);
  }

  schedule(pcpu: number, now: number): Decision {
    const ran = this.current[pcpu];
    if (ran) {
      this.charge(ran, now - this.startedAt[pcpu], now);
      this.current[pcpu] = undefined;
      if (!this.blocked.has(ran.id)) this.waiting.set(ran.id, { vcpu: ran, since: now });
    }
    const waiting = [...this.waiting.values()];
    const next = waiting.length > 0 ? this.pick(waiting, now) : undefined;
    if (!next) return { vcpu: undefined, slice: Infinity };
    this.waiting.delete(next.id);
    this.current[pcpu] = next;
    this.startedAt[pcpu] = now;
    return { vcpu: next, slice: Math.max(1, Math.min(this.slice, this.sliceFor(next, now))) };
  }

  nextTimer(): number {
    return Infinity;
  }

  timer(_now: number): number[] {
    return [];
  }

  /** The first idle PCPU, to take a VCPU that just joined. */
  protected idlePcpu(): number[] {
    const idle = this.current.indexOf(undefined);
    return idle < 0 ? [] : [idle];
  }

  /** Every idle PCPU (after a timer made held VCPUs runnable again). */
  protected idlePcpus(): number[] {
    return this.current.flatMap((v, i) => (v === undefined ? [i] : []));
  }

  /** Cycles `vcpu` has run on its PCPU since it was put there, if it is running. */
  protected runningFor(vcpu: SchedVcpu, now: number): number {
    const p = this.current.indexOf(vcpu);
    return p < 0 ? 0 : now - this.startedAt[p];
  }
}

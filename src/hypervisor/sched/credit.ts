/**
 * Xen's credit scheduler, as xen/common/sched_credit.c (credit1) does it:
 *
 *   "#define CSCHED_DEFAULT_WEIGHT 256 / CSCHED_TICKS_PER_TSLICE 3 /
 *    Default timeslice: 30ms / CSCHED_CREDITS_PER_MSEC 10"
 *   "CSCHED_PRI_TS_BOOST 0 (time-share waking up), CSCHED_PRI_TS_UNDER -1
 *    (time-share w/ credits), CSCHED_PRI_TS_OVER -2 (time-share w/o
 *    credits), CSCHED_PRI_IDLE -64"
 *
 * One run queue per PCPU, kept in priority order. A running VCPU burns 10
 * credits per millisecond. Every time slice (30 ms) the accounting master
 * (csched_acct) hands out credits_per_tslice credits per PCPU to the
 * *active* VCPUs in proportion to their VM's weight ("A domain's fair share
 * is computed using its weight in competition with that of all other active
 * domains"), bounded by a cap ("credit_cap = ((sdom->cap *
 * prv->credits_per_tslice) + 99) / 100"). A VCPU with credits left is
 * UNDER, one without is OVER; an UNDER VCPU waking from a block is BOOSTed
 * ("We temporarly boost the priority of awaking VCPUs ... If on the other
 * hand the VCPU consumes little CPU and is blocking and awoken a lot (doing
 * I/O for example), its priority will remain boosted"), and loses the boost
 * at the first tick that finds it running (csched_vcpu_acct). A capped VCPU
 * that overspends is parked (paused) until accounting gives it credit again.
 * A PCPU whose best local choice is OVER or idle steals a higher-priority
 * VCPU from another PCPU's queue (csched_load_balance: "If the next highest
 * priority local runnable VCPU has already eaten through its credits, look
 * on other PCPUs to see if we have more urgent work").
 *
 * A VCPU that earns more than one slice's worth stops earning ("Upper bound
 * on credits means VCPU stops earning ... Divide credits in half"), and is
 * made active again by the next tick that finds it running, so idle VMs do
 * not bank credit.
 *
 * Left out, and why: soft and hard affinity (every VCPU may run on every
 * PCPU here), SMT-aware placement (no sibling threads), the migration of a
 * running VCPU at a tick, and yield's queue placement (toy32 has no yield).
 * The context-switch rate limit is kept (Xen's default 1 ms).
 */
import { CYCLES_PER_MS, positiveCycles, type Decision, type SchedulingPolicy, type SchedVcpu } from "./policy";

export const CREDIT_DEFAULT_WEIGHT = 256;
export const CREDITS_PER_MSEC = 10;
export const TICKS_PER_TSLICE = 3;
export const PRI = { BOOST: 0, UNDER: -1, OVER: -2, IDLE: -64 } as const;
export type CreditPriority = (typeof PRI)[keyof typeof PRI];

export interface CreditOptions {
  /** Time slice in milliseconds (Xen's sched_credit_tslice_ms, 1-1000; default 30). */
  readonly tsliceMs?: number;
  /** Context-switch rate limit in microseconds (sched_ratelimit_us; default 1000, 0 = off). */
  readonly ratelimitUs?: number;
  /** Boost waking VCPUs (default true; false shows what BOOST is for). */
  readonly boost?: boolean;
}

class CreditVcpu {
  credit = 0;
  pri: CreditPriority = PRI.UNDER;
  /** Earning credits at accounting (on its domain's active list). */
  active = false;
  parked = false;
  blocked = false;
  onRunq = false;
  /** Start of the time not yet burnt into credits, while running. */
  burntTo = 0;
  /** When it was last put on a PCPU (for the rate limit). */
  ranSince = 0;
  constructor(readonly vcpu: SchedVcpu, public processor: number) {}
  get weight(): number {
    return this.vcpu.params.weight ?? CREDIT_DEFAULT_WEIGHT;
  }
  get cap(): number {
    return this.vcpu.params.cap ?? 0;
  }
  get runnable(): boolean {
    return !this.blocked && !this.parked;
  }
}

class Pcpu {
  /** Highest priority first; equal priorities in arrival order. */
  readonly runq: CreditVcpu[] = [];
  current: CreditVcpu | undefined;
  nextTick: number;
  runqSortLast = 0;
  constructor(readonly id: number, firstTick: number) {
    this.nextTick = firstTick;
  }
}

/** What accounting keeps per VM (csched_dom): its active VCPUs. */
interface Domain {
  readonly active: CreditVcpu[];
}

export class CreditScheduler implements SchedulingPolicy {
  readonly name = "credit";
  readonly tslice: number;
  readonly tickPeriod: number;
  readonly ratelimit: number;
  readonly creditsPerTslice: number;
  private readonly boost: boolean;
  private readonly pcpus: Pcpu[];
  private readonly vcpus = new Map<number, CreditVcpu>();
  /** Active domains, in the order accounting visits them (csched_private.active_sdom). */
  private readonly activeDomains: Domain[] = [];
  private readonly domains = new Map<string, Domain>();
  /** Sum of the weights of active VCPUs ("Make weight per-vcpu"). */
  private weight = 0;
  private creditBalance = 0;
  private runqSort = 0;
  private nextAcct: number;
  private lastTickled = 0;
  /** Statistics for plots and tests. */
  readonly stats = { accountings: 0, boosts: 0, steals: 0, parks: 0 };

  constructor(pcpus: number, options: CreditOptions = {}, now = 0) {
    if (!Number.isInteger(pcpus) || pcpus < 1) throw new RangeError(`credit: PCPUs must be a whole number >= 1, not ${pcpus}`);
    const tsliceMs = options.tsliceMs ?? 30;
    if (!Number.isInteger(tsliceMs) || tsliceMs < 1 || tsliceMs > 1000) throw new RangeError(`credit: tsliceMs must be 1-1000 (Xen's range), not ${tsliceMs}`);
    const ratelimitUs = options.ratelimitUs ?? 1000;
    if (!Number.isInteger(ratelimitUs) || ratelimitUs < 0 || ratelimitUs > tsliceMs * 1000) {
      throw new RangeError(`credit: ratelimitUs must be 0-${tsliceMs * 1000} (at most the slice), not ${ratelimitUs}`);
    }
    this.tslice = positiveCycles("credit: time slice", tsliceMs * CYCLES_PER_MS);
    const ticks = tsliceMs < TICKS_PER_TSLICE ? 1 : TICKS_PER_TSLICE;
    this.tickPeriod = Math.floor(this.tslice / ticks);
    this.ratelimit = (ratelimitUs * CYCLES_PER_MS) / 1000;
    this.creditsPerTslice = CREDITS_PER_MSEC * tsliceMs;
    this.boost = options.boost ?? true;
    this.pcpus = Array.from({ length: pcpus }, (_, i) => new Pcpu(i, now + this.tickPeriod));
    this.nextAcct = now + this.tslice;
  }

  /** A VCPU's credit and priority, for plots and tests. */
  state(vcpu: SchedVcpu): { credit: number; pri: CreditPriority; parked: boolean; active: boolean } {
    const v = this.get(vcpu);
    return { credit: v.credit, pri: v.pri, parked: v.parked, active: v.active };
  }

  add(vcpu: SchedVcpu, _now: number): number[] {
    if (this.vcpus.has(vcpu.id)) throw new Error(`credit: VCPU ${vcpu.id} added twice`);
    const weight = vcpu.params.weight ?? CREDIT_DEFAULT_WEIGHT;
    if (!Number.isInteger(weight) || weight < 1 || weight > 65535) throw new RangeError(`credit: VM ${vcpu.vm}: weight must be 1-65535, not ${weight}`);
    const cap = vcpu.params.cap ?? 0;
    if (!Number.isInteger(cap) || cap < 0) throw new RangeError(`credit: VM ${vcpu.vm}: cap must be a whole percentage >= 0, not ${cap}`);
    // csched_vcpu_insert -> csched_cpu_pick: an idle PCPU if there is one.
    const idle = this.pcpus.find((p) => p.current === undefined && p.runq.length === 0);
    const v = new CreditVcpu(vcpu, idle?.id ?? vcpu.id % this.pcpus.length);
    this.vcpus.set(vcpu.id, v);
    if (!this.domains.has(vcpu.vm)) this.domains.set(vcpu.vm, { active: [] });
    this.insert(v);
    return this.tickle(v);
  }

  wake(vcpu: SchedVcpu, _now: number): number[] {
    const v = this.get(vcpu);
    if (!v.blocked) return [];
    v.blocked = false;
    if (v.parked || this.running(v)) return [];
    // csched_vcpu_wake: "We temporarly boost the priority of awaking VCPUs!"
    if (this.boost && v.pri === PRI.UNDER) {
      v.pri = PRI.BOOST;
      this.stats.boosts++;
    }
    this.insert(v);
    return this.tickle(v);
  }

  block(vcpu: SchedVcpu, _now: number): void {
    const v = this.get(vcpu);
    v.blocked = true;
    if (v.onRunq) this.remove(v);
  }

  schedule(pcpu: number, now: number): Decision {
    const p = this.pcpus[pcpu];
    const curr = p.current;
    if (curr) {
      this.burn(curr, now);
      // The context-switch rate limit: a VCPU that has run less than it goes on.
      if (curr.runnable && this.ratelimit > 0 && now - curr.ranSince < this.ratelimit) {
        return { vcpu: curr.vcpu, slice: Math.max(1, curr.ranSince + this.ratelimit - now) };
      }
      p.current = undefined;
      if (curr.runnable) this.insert(curr);
    }
    let next: CreditVcpu | undefined = p.runq[0];
    if (next === undefined || next.pri <= PRI.OVER) {
      next = this.steal(p, next?.pri ?? PRI.IDLE) ?? next;
    }
    if (next === undefined) return { vcpu: undefined, slice: Infinity };
    if (next.onRunq) this.remove(next);
    next.processor = pcpu;
    p.current = next;
    next.burntTo = now;
    if (next !== curr) next.ranSince = now;
    return { vcpu: next.vcpu, slice: this.tslice };
  }

  nextTimer(): number {
    let t = this.nextAcct;
    for (const p of this.pcpus) t = Math.min(t, p.nextTick);
    return t;
  }

  timer(now: number): number[] {
    const resched = new Set<number>();
    for (const p of this.pcpus) {
      while (p.nextTick <= now) {
        this.tick(p, p.nextTick);
        p.nextTick += this.tickPeriod;
      }
    }
    while (this.nextAcct <= now) {
      for (const pcpu of this.account()) resched.add(pcpu);
      this.nextAcct += this.tslice;
    }
    return [...resched];
  }

  // --- csched_tick and csched_vcpu_acct ---

  private tick(p: Pcpu, now: number): void {
    const v = p.current;
    if (v) {
      // "If this VCPU's priority was boosted when it last awoke, reset it."
      if (v.pri === PRI.BOOST) v.pri = PRI.UNDER;
      this.burn(v, now);
      if (!v.active) this.activate(v);
    }
    if (p.runqSortLast !== this.runqSort) {
      // csched_runq_sort: UNDERs move ahead of OVERs, order kept otherwise.
      p.runqSortLast = this.runqSort;
      const sorted = [...p.runq.filter((x) => x.pri >= PRI.UNDER), ...p.runq.filter((x) => x.pri < PRI.UNDER)];
      p.runq.splice(0, p.runq.length, ...sorted);
    }
  }

  /** burn_credits: CREDITS_PER_MSEC per millisecond run, whole credits; the rest carries over. */
  private burn(v: CreditVcpu, now: number): void {
    const cyclesPerCredit = CYCLES_PER_MS / CREDITS_PER_MSEC;
    const credits = Math.floor((now - v.burntTo) / cyclesPerCredit);
    if (credits <= 0) return;
    v.credit -= credits;
    v.burntTo += credits * cyclesPerCredit;
  }

  private activate(v: CreditVcpu): void {
    v.active = true;
    const dom = this.domains.get(v.vcpu.vm) as Domain;
    dom.active.push(v);
    this.weight += v.weight;
    if (dom.active.length === 1) this.activeDomains.push(dom);
  }

  private deactivate(v: CreditVcpu): void {
    v.active = false;
    const dom = this.domains.get(v.vcpu.vm) as Domain;
    dom.active.splice(dom.active.indexOf(v), 1);
    this.weight -= v.weight;
    if (dom.active.length === 0) this.activeDomains.splice(this.activeDomains.indexOf(dom), 1);
  }

  // --- csched_acct ---

  /** The accounting master's work every time slice; returns PCPUs whose running VCPU was parked. */
  private account(): number[] {
    this.stats.accountings++;
    const resched: number[] = [];
    const weightTotal = this.weight;
    let creditTotal = this.creditsPerTslice * this.pcpus.length;
    // "Converge balance towards 0 when it drops negative"
    if (this.creditBalance < 0) creditTotal -= this.creditBalance;
    if (weightTotal === 0) {
      this.creditBalance = 0;
      return resched;
    }
    let weightLeft = weightTotal;
    let creditBalance = 0;
    let creditXtra = false;
    for (const dom of [...this.activeDomains]) {
      const count = dom.active.length;
      const domWeight = dom.active[0].weight;
      const domCap = dom.active[0].cap;
      weightLeft -= domWeight * count;
      // "At most, a domain can use credits to run all its active VCPUs for one full accounting period."
      let creditPeak = count * this.creditsPerTslice;
      if (this.creditBalance < 0) creditPeak += Math.ceil((-this.creditBalance * domWeight * count) / weightTotal);
      let creditCap = 0;
      if (domCap !== 0) {
        creditCap = Math.ceil((domCap * this.creditsPerTslice) / 100);
        if (creditCap < creditPeak) creditPeak = creditCap;
        creditCap = Math.ceil(creditCap / count);
      }
      let creditFair = Math.ceil((creditTotal * domWeight * count) / weightTotal);
      if (creditFair < creditPeak) {
        creditXtra = true;
      } else {
        // "Give other domains a chance at unused credits"
        if (weightLeft !== 0) creditTotal += Math.ceil(((creditFair - creditPeak) * weightTotal) / weightLeft);
        if (creditXtra) {
          this.activeDomains.splice(this.activeDomains.indexOf(dom), 1);
          this.activeDomains.unshift(dom);
        }
        creditFair = creditPeak;
      }
      creditFair = Math.ceil(creditFair / count);
      for (const v of [...dom.active]) {
        v.credit += creditFair;
        if (v.credit < 0) {
          v.pri = PRI.OVER;
          // "Park running VCPUs of capped-out domains"
          if (domCap !== 0 && v.credit < -creditCap && !v.parked) {
            const pcpu = this.park(v);
            if (pcpu !== undefined) resched.push(pcpu);
          }
          if (v.credit < -this.creditsPerTslice) v.credit = -this.creditsPerTslice;
        } else {
          v.pri = PRI.UNDER;
          if (v.parked) this.unpark(v, resched);
          // "Upper bound on credits means VCPU stops earning"
          if (v.credit > this.creditsPerTslice) {
            this.deactivate(v);
            v.credit = Math.trunc(v.credit / 2);
          }
        }
        creditBalance += v.credit;
      }
    }
    this.creditBalance = creditBalance;
    this.runqSort++;
    return resched;
  }

  /** vcpu_pause: off its queue, or off its PCPU (the PCPU returned reschedules). */
  private park(v: CreditVcpu): number | undefined {
    v.parked = true;
    this.stats.parks++;
    if (v.onRunq) this.remove(v);
    return this.running(v) ? v.processor : undefined;
  }

  /** vcpu_unpause: runnable again, not boosted (it did not block). */
  private unpark(v: CreditVcpu, resched: number[]): void {
    v.parked = false;
    if (v.blocked || this.running(v) || v.onRunq) return;
    this.insert(v);
    resched.push(...this.tickle(v));
  }

  // --- run queues ---

  private running(v: CreditVcpu): boolean {
    return this.pcpus[v.processor].current === v;
  }

  /** __runq_insert: after every VCPU of the same or higher priority. */
  private insert(v: CreditVcpu): void {
    const runq = this.pcpus[v.processor].runq;
    let i = 0;
    while (i < runq.length && runq[i].pri >= v.pri) i++;
    runq.splice(i, 0, v);
    v.onRunq = true;
  }

  private remove(v: CreditVcpu): void {
    const runq = this.pcpus[v.processor].runq;
    runq.splice(runq.indexOf(v), 1);
    v.onRunq = false;
  }

  /**
   * __runq_tickle: "If the pcpu is idle, or there are no idlers and the new
   * vcpu is a higher priority than the old vcpu, run it here. If there are
   * idle cpus, first try to find one suitable to run new".
   */
  private tickle(v: CreditVcpu): number[] {
    const cur = this.pcpus[v.processor].current;
    const idlers = this.pcpus.filter((p) => p.current === undefined).map((p) => p.id);
    if (cur === undefined || (idlers.length === 0 && v.pri > cur.pri)) return [v.processor];
    if (idlers.length === 0) return [];
    // One idler, taken in turn (opt_tickle_one_idle).
    const next = idlers.find((id) => id > this.lastTickled) ?? idlers[0];
    this.lastTickled = next;
    return [next];
  }

  /**
   * csched_load_balance / csched_runq_steal: the first queued VCPU of
   * strictly higher priority than `pri` on a busy peer PCPU's queue.
   */
  private steal(p: Pcpu, pri: number): CreditVcpu | undefined {
    const n = this.pcpus.length;
    for (let k = 1; k < n; k++) {
      const peer = this.pcpus[(p.id + k) % n];
      if (peer.current === undefined) continue; // "Don't steal from an idle CPU's runq"
      const candidate = peer.runq[0];
      if (candidate !== undefined && candidate.pri > pri) {
        this.remove(candidate);
        candidate.processor = p.id;
        this.stats.steals++;
        return candidate;
      }
    }
    return undefined;
  }

  private get(vcpu: SchedVcpu): CreditVcpu {
    const v = this.vcpus.get(vcpu.id);
    if (!v) throw new Error(`credit: VCPU ${vcpu.id} was never added`);
    return v;
  }
}

/**
 * What a VCPU scheduling policy is asked, by a host of several physical
 * CPUs (Silberschatz 16.6.1: "even single-CPU systems act like
 * multiprocessor ones when virtualized"). One interface, one file per
 * policy (round-robin.ts, proportional-share.ts, fair-share.ts, credit.ts),
 * shaped like Xen's pluggable schedulers (struct scheduler: insert, wake,
 * sleep, do_schedule): the host tells the policy what happened to a VCPU,
 * and asks it, for one PCPU at a time, what runs next and for how long.
 *
 * Time is the host's clock in cycles; a policy that speaks of milliseconds
 * converts at the cost table's CLOCK_HZ (cyclesPerMs), so "30 ms" is the
 * same on every machine.
 */
import { CLOCK_HZ } from "../../machine/costs";

/** Cycles in one simulated millisecond. */
export const CYCLES_PER_MS = CLOCK_HZ / 1000;

/** A VCPU's scheduling parameters; each policy reads the ones it knows. */
export interface SchedParams {
  /** Credit and fair share: relative weight (Xen's default 256). */
  readonly weight?: number;
  /** Credit: the most this VM may run, in percent of one PCPU (0 or absent: no cap). */
  readonly cap?: number;
  /** Proportional share: ESX shares (per VCPU: Low 500, Normal 1000, High 2000). */
  readonly shares?: number;
  /** Proportional share: guaranteed fraction of one PCPU (0..1). */
  readonly reservation?: number;
  /** Proportional share: the most this VCPU may use, as a fraction of one PCPU (0..1]. */
  readonly limit?: number;
}

/** A VCPU as a policy sees it: who it is, and its VM's parameters. */
export interface SchedVcpu {
  /** Unique among the host's VCPUs. */
  readonly id: number;
  /** Its VM (Xen's domain): the unit weights and caps belong to. */
  readonly vm: string;
  readonly params: SchedParams;
}

/** What runs next on a PCPU: a VCPU for at most `slice` cycles, or nothing (idle) until an event. */
export interface Decision {
  readonly vcpu: SchedVcpu | undefined;
  readonly slice: number;
}

export interface SchedulingPolicy {
  readonly name: string;
  /** A new VCPU, runnable at once; the PCPUs returned must reschedule now (an idle one takes it). */
  add(vcpu: SchedVcpu, now: number): number[];
  /**
   * A blocked VCPU became runnable (an interrupt for it, its timer). The
   * PCPUs returned must reschedule now: the woken VCPU preempts there.
   */
  wake(vcpu: SchedVcpu, now: number): number[];
  /** The VCPU running on its PCPU blocked (wfi, the BLOCK hypercall) or ended; the host reschedules that PCPU. */
  block(vcpu: SchedVcpu, now: number): void;
  /** The VCPU that ran on `pcpu` (if any) stops there; what runs next. */
  schedule(pcpu: number, now: number): Decision;
  /** Cycle of the policy's next timer (ticks, accounting), Infinity if it has none. */
  nextTimer(): number;
  /** Runs the timers due at `now`; the PCPUs returned must reschedule now. */
  timer(now: number): number[];
}

/** A whole number of cycles >= 1, or a clear error naming the option. */
export function positiveCycles(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of cycles >= 1, not ${value}`);
  return value;
}

/**
 * A policy driven over model VCPUs on several PCPUs, event by event, in
 * cycles: CPU hogs that never block, and I/O-bound VCPUs that compute a
 * burst, block for a wait, and wake (an interrupt). Nothing runs host
 * threads; the same inputs give the same trace. It is the scheduling half
 * of a multi-PCPU host with the guests' instructions replaced by their
 * run/block pattern, so a chapter can plot a policy over seconds of
 * simulated time in milliseconds of wall time, and a test can hold each
 * policy to its promises over a long run.
 *
 * Each VCPU's time is accounted as Xen's vcpu_runstate_info does
 * (xen/include/public/vcpu.h: "RUNSTATE_running: VCPU is currently running
 * on a physical CPU. RUNSTATE_runnable: VCPU is runnable, but not
 * currently scheduled on any physical CPU. RUNSTATE_blocked: VCPU is
 * blocked (a.k.a. idle)"): running + runnable + blocked = elapsed, and the
 * runnable time is what a guest would read as stolen.
 *
 * The driver checks the policy as it goes: a policy that runs a blocked
 * VCPU, or one VCPU on two PCPUs at once, is stopped with an error.
 */
import type { SchedParams, SchedulingPolicy, SchedVcpu } from "./policy";

export type ModelBehaviour =
  | { readonly kind: "hog" }
  /** Computes `burst` cycles, then blocks for `wait` cycles, over and over. */
  | { readonly kind: "io"; readonly burst: number; readonly wait: number };

export interface ModelVcpu extends SchedVcpu {
  readonly behaviour: ModelBehaviour;
}

export interface Runstate {
  running: number;
  runnable: number;
  blocked: number;
}

export interface SimulationResult {
  /** Per VCPU id. */
  readonly runstate: Map<number, Runstate>;
  /** Cycles from each wake to running, per VCPU id (I/O VCPUs). */
  readonly wakeLatencies: Map<number, number[]>;
  /** Cumulative running cycles per VCPU id at every sample (sampleEvery apart). */
  readonly samples: { readonly at: number; readonly running: ReadonlyMap<number, number> }[];
  /** Every decision: [cycle, pcpu, vcpu id or -1 for idle]. */
  readonly trace: [number, number, number][];
  readonly elapsed: number;
}

export interface SimulationOptions {
  readonly pcpus: number;
  readonly duration: number;
  /** Sample running time this often (default: a hundredth of the duration). */
  readonly sampleEvery?: number;
}

type State = "running" | "runnable" | "blocked";

interface Live {
  readonly vcpu: ModelVcpu;
  state: State;
  since: number;
  /** Cycles left of the current burst (I/O VCPUs), counted from burstFrom while running. */
  burstLeft: number;
  burstFrom: number;
  wakeAt: number;
  /** Woken and not yet run since: the wake-up latency is still being measured. */
  waking: boolean;
  wokeAt: number;
  pcpu: number;
}

/** Runs `vcpus` under `policy` for `duration` cycles on `pcpus` PCPUs. */
export function simulateScheduling(policy: SchedulingPolicy, vcpus: readonly ModelVcpu[], options: SimulationOptions): SimulationResult {
  const { pcpus, duration } = options;
  const sampleEvery = options.sampleEvery ?? Math.max(1, Math.floor(duration / 100));
  const live = new Map<number, Live>();
  const runstate = new Map<number, Runstate>();
  const wakeLatencies = new Map<number, number[]>();
  const samples: SimulationResult["samples"] = [];
  const trace: [number, number, number][] = [];
  const current: (Live | undefined)[] = new Array(pcpus).fill(undefined);
  const sliceEnd: number[] = new Array(pcpus).fill(Infinity);
  const resched = new Set<number>();
  let now = 0;
  let nextSample = sampleEvery;

  const enter = (l: Live, state: State): void => {
    (runstate.get(l.vcpu.id) as Runstate)[l.state] += now - l.since;
    l.state = state;
    l.since = now;
  };
  const runningNow = (l: Live): number => (runstate.get(l.vcpu.id) as Runstate).running + (l.state === "running" ? now - l.since : 0);

  for (const v of vcpus) {
    if (live.has(v.id)) throw new Error(`scheduling: two VCPUs have id ${v.id}`);
    const l: Live = { vcpu: v, state: "runnable", since: 0, burstLeft: v.behaviour.kind === "io" ? v.behaviour.burst : Infinity, burstFrom: 0, wakeAt: Infinity, waking: false, wokeAt: 0, pcpu: -1 };
    live.set(v.id, l);
    runstate.set(v.id, { running: 0, runnable: 0, blocked: 0 });
    if (v.behaviour.kind === "io") wakeLatencies.set(v.id, []);
    for (const p of policy.add(v, 0)) resched.add(p);
  }
  for (let p = 0; p < pcpus; p++) resched.add(p);
  const all = [...live.values()];

  for (;;) {
    // Reschedule, lowest PCPU first.
    for (const p of [...resched].sort((a, b) => a - b)) {
      const decision = policy.schedule(p, now);
      const before = current[p];
      const next = decision.vcpu ? live.get(decision.vcpu.id) : undefined;
      if (decision.vcpu && !next) throw new Error(`scheduling: ${policy.name} chose VCPU ${decision.vcpu.id}, which does not exist`);
      if (next && next.state === "blocked") throw new Error(`scheduling: ${policy.name} ran VCPU ${next.vcpu.id} on PCPU ${p} while it was blocked`);
      if (next && next.state === "running" && next.pcpu !== p) throw new Error(`scheduling: ${policy.name} ran VCPU ${next.vcpu.id} on PCPUs ${next.pcpu} and ${p} at once`);
      if (before && before !== next && before.state === "running") {
        enter(before, "runnable");
        before.pcpu = -1;
      }
      current[p] = next;
      sliceEnd[p] = next ? now + decision.slice : Infinity;
      if (next && next.state !== "running") {
        if (next.waking) (wakeLatencies.get(next.vcpu.id) as number[]).push(now - next.wokeAt);
        next.waking = false;
        enter(next, "running");
        next.pcpu = p;
        next.burstFrom = now;
      }
      trace.push([now, p, next ? next.vcpu.id : -1]);
    }
    resched.clear();

    // The next event.
    let t = Math.min(duration, nextSample, policy.nextTimer());
    for (let p = 0; p < pcpus; p++) {
      t = Math.min(t, sliceEnd[p]);
      const l = current[p];
      if (l) t = Math.min(t, now + l.burstLeft);
    }
    for (const l of all) if (l.state === "blocked") t = Math.min(t, l.wakeAt);
    if (!(t > now)) t = now; // several events due at once
    // Running VCPUs use up their bursts.
    for (const l of current) {
      if (!l) continue;
      l.burstLeft -= t - l.burstFrom;
      l.burstFrom = t;
    }
    now = t;

    for (let p = 0; p < pcpus; p++) {
      const l = current[p];
      if (l && l.burstLeft <= 0 && l.vcpu.behaviour.kind === "io") {
        // The burst is done: the VCPU blocks (wfi or the BLOCK hypercall).
        enter(l, "blocked");
        l.pcpu = -1;
        l.wakeAt = now + l.vcpu.behaviour.wait;
        l.burstLeft = l.vcpu.behaviour.burst;
        current[p] = undefined;
        policy.block(l.vcpu, now);
        resched.add(p);
      }
    }
    for (const l of all) {
      if (l.state === "blocked" && l.wakeAt <= now) {
        enter(l, "runnable");
        l.wakeAt = Infinity;
        l.waking = true;
        l.wokeAt = now;
        for (const p of policy.wake(l.vcpu, now)) resched.add(p);
      }
    }
    if (policy.nextTimer() <= now) for (const p of policy.timer(now)) resched.add(p);
    for (let p = 0; p < pcpus; p++) if (sliceEnd[p] <= now) resched.add(p);
    if (now >= nextSample) {
      samples.push({ at: now, running: new Map(all.map((l) => [l.vcpu.id, runningNow(l)])) });
      nextSample += sampleEvery;
    }
    if (now >= duration) break;
  }
  for (const l of all) enter(l, l.state);
  return { runstate, wakeLatencies, samples, trace, elapsed: now };
}

/** Model VCPUs, one per VM, numbered from 0: a convenience for plots and tests. */
export function modelVms(specs: readonly { vm: string; params?: SchedParams; behaviour?: ModelBehaviour; vcpus?: number }[]): ModelVcpu[] {
  const out: ModelVcpu[] = [];
  for (const s of specs) {
    for (let i = 0; i < (s.vcpus ?? 1); i++) out.push({ id: out.length, vm: s.vm, params: s.params ?? {}, behaviour: s.behaviour ?? { kind: "hog" } });
  }
  return out;
}

/**
 * TLB hits and misses for a reference string, in the manner of OSTEP's
 * paging-policy.py (-s SEED -c): a fully associative TLB of N entries,
 * a replacement policy, and virtual addresses whose page numbers (VPN =
 * VA >> 12) the student works out before deciding hit or miss.
 *
 * Policies: LRU evicts the entry used longest ago; FIFO the one filled
 * longest ago; OPT (Belady 1966) the one whose next use is farthest away
 * (or never), the bound the others are measured against.
 */
import { PAGE_SHIFT } from "../../machine/isa";
import { UserError } from "../../errors";
import { hex, Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export type TlbPolicy = "LRU" | "FIFO" | "OPT";
export const TLB_POLICIES: readonly TlbPolicy[] = ["LRU", "FIFO", "OPT"];

export interface TlbData {
  entries: number;
  policy: TlbPolicy;
  addresses: number[];
}

export interface TlbStep {
  va: number;
  vpn: number;
  hit: boolean;
  /** The VPN thrown out to make room, if any. */
  evicted: number | null;
  /** The TLB's VPNs after this reference, in slot order. */
  contents: number[];
}

export interface TlbAnswers {
  steps: TlbStep[];
  hits: number;
  misses: number;
  hitRate: number;
}

export interface TlbOptions {
  entries?: number;
  policy?: TlbPolicy;
  /** Length of the reference string (default 12). */
  count?: number;
}

/** Replays `vpns` through a TLB of `size` entries under `policy`. */
export function simulateTlb(vpns: readonly number[], size: number, policy: TlbPolicy): TlbStep[] {
  const slots: number[] = [];
  const lastUse = new Map<number, number>();
  const filled = new Map<number, number>();
  return vpns.map((vpn, t) => {
    const hit = slots.includes(vpn);
    let evicted: number | null = null;
    if (!hit) {
      if (slots.length === size) {
        const victim = chooseVictim(slots, policy, { lastUse, filled, future: vpns.slice(t + 1) });
        evicted = slots[victim];
        slots[victim] = vpn;
      } else {
        slots.push(vpn);
      }
      filled.set(vpn, t);
    }
    lastUse.set(vpn, t);
    return { va: 0, vpn, hit, evicted, contents: slots.slice() };
  });
}

interface History {
  lastUse: Map<number, number>;
  filled: Map<number, number>;
  future: readonly number[];
}

/** The slot to replace; ties go to the lowest slot. */
function chooseVictim(slots: readonly number[], policy: TlbPolicy, h: History): number {
  const key = (vpn: number): number => {
    switch (policy) {
      case "LRU":
        return -(h.lastUse.get(vpn) ?? -1);
      case "FIFO":
        return -(h.filled.get(vpn) ?? -1);
      case "OPT": {
        const next = h.future.indexOf(vpn);
        return next < 0 ? Infinity : next;
      }
      default: {
        const never: never = policy;
        return never;
      }
    }
  };
  let best = 0;
  for (let i = 1; i < slots.length; i++) if (key(slots[i]) > key(slots[best])) best = i;
  return best;
}

/** A seeded TLB problem; entries and policy come from the seed unless given. */
export function tlbProblem(seed: number, options: TlbOptions = {}): Problem<TlbData, TlbAnswers> {
  const rng = new Prng(checkSeed(seed));
  const entries = options.entries ?? rng.int(2, 4);
  const policy = options.policy ?? rng.pick(TLB_POLICIES);
  const count = options.count ?? 12;
  if (!Number.isInteger(entries) || entries < 1 || entries > 64) throw new UserError(`a TLB of ${entries} entries? give 1 to 64`);
  if (!TLB_POLICIES.includes(policy)) throw new UserError(`unknown TLB policy "${policy}" (use ${TLB_POLICIES.join(", ")})`);
  const vpns = referenceString(rng, entries, count);
  const addresses = vpns.map((vpn) => ((vpn << PAGE_SHIFT) | (rng.int(0, 0x3ff) << 2)) >>> 0);
  const steps = simulateTlb(vpns, entries, policy).map((s, i) => ({ ...s, va: addresses[i] }));
  const hits = steps.filter((s) => s.hit).length;
  const data: TlbData = { entries, policy, addresses };
  const answers: TlbAnswers = { steps, hits, misses: count - hits, hitRate: hits / count };
  return {
    kind: "tlb",
    seed,
    title: `TLB hits and misses (${entries} entries, ${policy})`,
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

/**
 * VPNs from a working set one to three pages larger than the TLB, with
 * some locality (a recent page again); redrawn until the TLB must evict.
 */
function referenceString(rng: Prng, entries: number, count: number): number[] {
  const pages = rng.distinct(entries + rng.int(1, 3), 0x00400, 0x0043f);
  for (;;) {
    const vpns: number[] = [];
    for (let i = 0; i < count; i++) vpns.push(i > 0 && rng.chance(0.25) ? vpns[i - 1 - rng.int(0, Math.min(i - 1, 2))] : rng.pick(pages));
    if (new Set(vpns).size > entries || count <= entries) return vpns;
  }
}

function render(d: TlbData, a: TlbAnswers, withAnswers: boolean): string {
  const vpn = (v: number): string => hex(v, 5);
  const lines = [
    `A fully associative TLB of ${d.entries} entries, empty at the start, replacement policy ${d.policy}.`,
    "Pages are 4 KiB (VPN = VA >> 12).",
    "For each access: its VPN, hit or miss, what is evicted, the TLB after.",
  ];
  for (const s of a.steps) {
    const what = withAnswers
      ? `VPN ${vpn(s.vpn)} ${s.hit ? "hit " : "miss"}${s.evicted !== null ? ` evict ${vpn(s.evicted)}` : ""}  TLB [${s.contents.map(vpn).join(", ")}]`
      : "?";
    lines.push(`  ${hex(s.va)} -> ${what}`);
  }
  lines.push(withAnswers ? `Hits ${a.hits}, misses ${a.misses}, hit rate ${(100 * a.hitRate).toFixed(1)}%` : "Hits ?, misses ?, hit rate ?");
  return lines.join("\n");
}

/**
 * Seeded random numbers for the problem generators and the overcommit
 * scenarios: mulberry32 (Tommy Ettinger's 32-bit generator, public
 * domain), so a seed gives the same problem or run on
 * every machine and every Node version. Math.random is never used: it is
 * unseeded and its algorithm belongs to the engine.
 *
 *   state += 0x6D2B79F5
 *   z = (state ^ state >>> 15) * (state | 1)
 *   z ^= z + (z ^ z >>> 7) * (z | 61)
 *   out = z ^ z >>> 14
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32-bit unsigned output. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** A shuffled copy (Fisher-Yates, Knuth's Algorithm P). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** `count` distinct integers from [lo, hi], in the order drawn. */
  distinct(count: number, lo: number, hi: number): number[] {
    if (count > hi - lo + 1) throw new Error(`cannot draw ${count} distinct numbers from [${lo}, ${hi}]`);
    const taken = new Set<number>();
    while (taken.size < count) taken.add(this.int(lo, hi));
    return [...taken];
  }
}

/** `0x` and `digits` hex digits: how the problems print addresses. */
export function hex(value: number, digits = 8): string {
  return "0x" + (value >>> 0).toString(16).padStart(digits, "0");
}

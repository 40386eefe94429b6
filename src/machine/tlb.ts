/**
 * The TLB: a small, fully associative cache of translations tagged with an
 * address-space identifier, so a context switch that changes ASID needs no
 * flush (ISA.md, "Memory management"; Hennessy and Patterson, "Fast
 * address translation: the TLB"). The hardware walker fills it on a miss;
 * in `software-tlb` mode only the kernel does, with `tlbw` (MIPS R4000's
 * TLBWR, the mechanism Disco virtualizes).
 *
 * One entry, as tlbw takes it from TLBHI and TLBLO:
 *
 *   TLBHI  31                      12 11             0
 *         +--------------------------+----------------+
 *         |  VPN (virtual page)      |  ASID (12 bit) |
 *         +--------------------------+----------------+
 *   TLBLO  31                      12 11   7 6 5 4 3 2 1 0
 *         +--------------------------+------+-+-+-+-+-+-+-+
 *         |  PFN (physical frame)    |  0   |D|A|L|X|U|W|V|   the PTE bits, and L
 *         +--------------------------+------+-+-+-+-+-+-+-+
 *
 * Replacement is round-robin (FIFO) over the entries: simple, and the
 * same sequence of misses evicts the same entries on every run. An entry
 * written with L (bit 4, "locked", MIPS's wired entries) is never chosen
 * as a victim: a software-TLB kernel locks the pages of its TLB_MISS
 * handler, which must never miss itself. (If every entry is locked,
 * replacement ignores L.) tlbinv and tlbflush drop locked entries too.
 */
export interface TlbEntry {
  readonly vpn: number;
  readonly asid: number;
  readonly pfn: number;
  /** PTE flag bits (V W U X A D) as they were when the entry was filled. */
  readonly flags: number;
}

/** The TLB exactly, slot by slot, with the replacement pointer: a resumed machine evicts as the original would. */
export interface TlbState {
  readonly vpn: number[];
  readonly asid: number[];
  readonly pfn: number[];
  readonly flags: number[];
  readonly valid: number[];
  readonly nextVictim: number;
}

export const ASID_MASK = 0xfff;
/** TLBLO bit 4: the entry is never replaced (see above). */
export const TLB_LOCKED = 1 << 4;
const FLAG_MASK = 0xfff;

export class Tlb {
  readonly vpn: Int32Array;
  readonly asid: Int32Array;
  readonly pfn: Int32Array;
  readonly flags: Int32Array;
  readonly valid: Uint8Array;
  hits = 0;
  misses = 0;
  flushes = 0;
  invalidations = 0;
  writes = 0;
  /** (vpn * 4096 + asid) -> entry index, for O(1) lookup. */
  private readonly index = new Map<number, number>();
  private nextVictim = 0;

  constructor(readonly size: number = 64) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`a TLB holds 1..4096 entries, not ${size}`);
    this.vpn = new Int32Array(size);
    this.asid = new Int32Array(size);
    this.pfn = new Int32Array(size);
    this.flags = new Int32Array(size);
    this.valid = new Uint8Array(size);
  }

  /** The entry for (vpn, asid), or -1; counts a hit or a miss. */
  lookup(vpn: number, asid: number): number {
    const i = this.probe(vpn, asid);
    if (i < 0) this.misses++;
    else this.hits++;
    return i;
  }

  /** Like lookup, but counts nothing: for side-effect-free translation. */
  probe(vpn: number, asid: number): number {
    const i = this.index.get(key(vpn, asid));
    return i === undefined ? -1 : i;
  }

  /** Installs a translation, replacing the same (vpn, asid) or the next victim. */
  insert(vpn: number, asid: number, pfn: number, flags: number): number {
    let i = this.probe(vpn, asid);
    if (i < 0) {
      i = this.victim();
      this.drop(i);
    }
    this.vpn[i] = vpn;
    this.asid[i] = asid & ASID_MASK;
    this.pfn[i] = pfn;
    this.flags[i] = flags & FLAG_MASK;
    this.valid[i] = 1;
    this.index.set(key(vpn, asid), i);
    return i;
  }

  /** `tlbw`: one entry from TLBHI and TLBLO (layout above). */
  write(tlbhi: number, tlblo: number): void {
    this.writes++;
    this.insert(tlbhi >>> 12, tlbhi & ASID_MASK, tlblo >>> 12, tlblo & FLAG_MASK);
  }

  /** `tlbinv`: drops the translations of one virtual page in every ASID. */
  invalidate(vpn: number): void {
    this.invalidations++;
    for (let i = 0; i < this.size; i++) if (this.valid[i] && this.vpn[i] === vpn) this.drop(i);
  }

  /** `tlbflush`: drops every translation. */
  flush(): void {
    this.flushes++;
    this.valid.fill(0);
    this.index.clear();
  }

  /** The valid entries, for saving a VCPU or showing the TLB in a notebook. */
  entries(): TlbEntry[] {
    const out: TlbEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      if (this.valid[i]) out.push({ vpn: this.vpn[i], asid: this.asid[i], pfn: this.pfn[i], flags: this.flags[i] });
    }
    return out;
  }

  /** Replaces the contents with `entries` (a saved set); counts nothing. */
  load(entries: readonly TlbEntry[]): void {
    this.valid.fill(0);
    this.index.clear();
    this.nextVictim = 0;
    for (const e of entries.slice(-this.size)) this.insert(e.vpn, e.asid, e.pfn, e.flags);
  }

  saveState(): TlbState {
    return {
      vpn: Array.from(this.vpn), asid: Array.from(this.asid), pfn: Array.from(this.pfn),
      flags: Array.from(this.flags), valid: Array.from(this.valid), nextVictim: this.nextVictim,
    };
  }

  /** Restores a saved TLB of the same size (counts nothing). */
  restoreState(state: TlbState): void {
    if (state.valid.length !== this.size) throw new RangeError(`a saved TLB of ${state.valid.length} entries does not fit one of ${this.size}`);
    this.vpn.set(state.vpn);
    this.asid.set(state.asid);
    this.pfn.set(state.pfn);
    this.flags.set(state.flags);
    this.valid.set(state.valid);
    this.nextVictim = state.nextVictim % this.size;
    this.index.clear();
    for (let i = 0; i < this.size; i++) if (this.valid[i]) this.index.set(key(this.vpn[i], this.asid[i]), i);
  }

  /** The next entry round-robin, skipping locked ones. */
  private victim(): number {
    for (let tries = 0; tries < this.size; tries++) {
      const i = this.nextVictim;
      this.nextVictim = (i + 1) % this.size;
      if (!this.valid[i] || (this.flags[i] & TLB_LOCKED) === 0) return i;
    }
    const i = this.nextVictim;
    this.nextVictim = (i + 1) % this.size;
    return i;
  }

  private drop(i: number): void {
    if (!this.valid[i]) return;
    this.valid[i] = 0;
    this.index.delete(key(this.vpn[i], this.asid[i]));
  }
}

function key(vpn: number, asid: number): number {
  return (vpn >>> 0) * 4096 + (asid & ASID_MASK);
}

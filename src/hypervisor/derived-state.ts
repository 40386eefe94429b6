/**
 * What a hypervisor derives from a VM and caches on its behalf, in guest
 * terms: the real TLB and the nested TLB (their frames as guest frames),
 * the shadow page tables, the nested table, the software TLB's guest and
 * second-level TLBs (on a software-tlb machine the VMM keeps the TLB the
 * guest wrote, locked entries and all), which blocks binary
 * translation has translated (a code page's first translation
 * write-protects it and empties the user view, so a cold cache would
 * cost the guest refills the uninterrupted run never made). None of it is the guest's
 * state, but the guest's clock sees it: a real TLB miss or a walk through
 * an empty shadow entry costs the guest the walker's references. A
 * snapshot that holds it resumes a guest whose clock runs on exactly as
 * the uninterrupted one's, so a guest whose output depends on where its
 * timer lands prints the same (src/lifecycle/snapshot). Saved in guest
 * terms, it restores on another host, where the VM's memory is elsewhere.
 */
import type { TlbState } from "../machine/tlb";
import type { NestedState } from "../memory/nested-paging";
import type { Pmap } from "../memory/pmap";
import type { ShadowState } from "../memory/shadow-paging";
import type { GuestTlbState } from "../memory/software-tlb";

export interface DerivedState {
  /** The technique and paging it was derived under ("trap-and-emulate/shadow"): another's is not used. */
  readonly mode: string;
  /** The real TLB, pfn as guest frames; null when another VM ran last (a world switch flushes it anyway). */
  readonly realTlb: TlbState | null;
  /** The nested walker's TLB (guest page -> guest frame), under nested paging. */
  readonly nestedTlb: TlbState | null;
  readonly shadow: ShadowState | null;
  readonly nested: NestedState | null;
  /** Disco's guest TLB and L2 TLB, kept by the VMM on a software-tlb machine (the guest's locked entries among them). */
  readonly softwareTlb: GuestTlbState | null;
  /** Binary translation's blocks, [va, gpa] in the order made: translated again on resume. */
  readonly code: readonly (readonly number[])[] | null;
}

/** A TLB's state with machine frames turned into the VM's guest frames; entries for other memory are dropped. */
export function tlbToGuest(state: TlbState, pmap: Pmap): TlbState {
  const pfn = state.pfn.map((f) => pmap.guestOf(f * 4096) >> 12);
  const valid = state.valid.map((v, i) => (v && pfn[i] >= 0 ? 1 : 0));
  return { ...state, pfn: pfn.map((f, i) => (valid[i] ? f : 0)), valid };
}

/** The reverse, for a TLB of `size` entries; throws on a state that does not fit. */
export function tlbFromGuest(state: TlbState, pmap: Pmap, size: number): TlbState {
  if (state.valid.length !== size) throw new Error(`a saved TLB of ${state.valid.length} entries does not fit one of ${size}`);
  for (const field of ["vpn", "asid", "pfn", "flags"] as const) {
    if (state[field].length !== size) throw new Error(`a saved TLB's ${field} has ${state[field].length} entries, not ${size}`);
  }
  const pfn = state.pfn.map((f, i) => {
    if (!state.valid[i]) return 0;
    if (!Number.isInteger(f) || !pmap.contains(f * 4096, 4096)) throw new Error(`TLB entry ${i} maps frame ${f}, not a page of the VM`);
    return pmap.machine(f * 4096) >>> 12;
  });
  return { ...state, pfn };
}

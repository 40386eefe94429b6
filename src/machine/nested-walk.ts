/**
 * Nested paging in the MMU (AMD's nested page tables and Intel's EPT, as
 * Bhargava et al. 2008, "Accelerating two-dimensional page walks for
 * virtualized systems", ASPLOS, describe them; Silberschatz ch. 16.6.1
 * "nested page tables"). A guest in guest mode keeps its own PTBR, which
 * holds a guest-physical address; the hypervisor gives the MMU a second
 * root, the nested table's, which maps guest-physical pages to machine
 * frames in the same two-level format as toy32's own tables (ISA.md).
 * On a TLB miss the walker walks the guest's table, and every
 * guest-physical address it meets (the directory entry's, the table
 * entry's, and the final one) is itself translated through the nested
 * table: the two-dimensional walk.
 *
 *                     nested dir   nested table     guest entry read
 *   guest PTBR+4*dir  --ref 1--->  --ref 2--->      --ref 3---> directory entry
 *   table + 4*tbl     --ref 4--->  --ref 5--->      --ref 6---> leaf PTE (A, D set)
 *   frame | offset    --ref 7--->  --ref 8--->      the machine address
 *
 * With n guest levels and m nested levels a cold walk makes
 * (n+1)(m+1) - 1 references: 8 for toy32's 2 x 2 (Bhargava et al.,
 * section 2.2: 24 for x86-64's 4 x 4). Each costs COSTS.pageWalkReference.
 * The TLB caches the whole va -> machine translation, so a hit makes none.
 *
 * The nested TLB (Bhargava et al.'s "NTLB", a page-walk cache for the
 * nested dimension) caches guest-physical page -> machine frame, so a
 * guest-physical reference that hits it costs no nested references: the
 * guest's directory and table pages are few and hot, and warm walks fall
 * towards n references.
 *
 * A guest-physical address the nested table does not map (or maps without
 * W, for a store) is a nested fault: the access faults like a page fault
 * and `violation` holds the guest-physical address, for the hypervisor's
 * EPT-violation exit (Intel SDM vol. 3C, 28.2.3). A fault of the guest's
 * own table leaves `violation` at -1: the guest handles it in guest mode.
 */
import { COSTS } from "./costs";
import { PTE, PAGE_SHIFT } from "./isa";
import type { PhysicalMemory } from "./memory";
import { Tlb } from "./tlb";

const PAGE_MASK = 0xfff;
const ALL = PTE.V | PTE.W | PTE.U | PTE.X | PTE.A | PTE.D;
/** Access kinds, as mmu.ts numbers them. */
const STORE = 1;
const FETCH = 2;

/** The guest-mode registers the nested walker reads (AMD's VMCB: nCR3, the guest's CR3 and CPL). */
export interface NestedRegisters {
  /** Machine address of the nested table's directory. */
  nestedRoot: number;
  /** The guest's PTBR (guest-physical). */
  guestPtbr: number;
  /** The guest's STATUS.PG: off, guest-virtual = guest-physical and only the nested dimension is walked. */
  guestPaging: boolean;
  /** The guest's virtual privilege: permissions are checked at it, not at the real mode. */
  guestUser: boolean;
}

/** Default nested TLB entries. */
export const NESTED_TLB_ENTRIES = 16;

export class NestedWalker {
  readonly registers: NestedRegisters = { nestedRoot: 0, guestPtbr: 0, guestPaging: false, guestUser: false };
  /** gpa page -> machine frame, with the nested entry's flags. */
  readonly ntlb: Tlb;
  /** Two-dimensional walks made. */
  walks = 0;
  /** Memory references of those walks (guest entries and nested entries). */
  references = 0;
  /** The guest-physical address of the last nested fault, or -1 if the last fault was the guest's own. */
  violation = -1;
  /** Whether the last nested fault was a write (a store, or setting the guest's A/D bits). */
  violationWrite = false;

  constructor(private readonly memory: PhysicalMemory, ntlbEntries = NESTED_TLB_ENTRIES) {
    this.ntlb = new Tlb(ntlbEntries);
  }

  /** Cycles of the references made since the MMU last collected them. */
  cycles = 0;

  /**
   * The two-dimensional walk for `va`: the machine address, or -1 with
   * `violation` set (nested fault) or -1 with violation -1 (the guest's
   * fault). Fills `tlb` with va -> machine frame on success.
   */
  walk(va: number, access: number, asid: number, tlb: Tlb): number {
    this.walks++;
    this.violation = -1;
    const r = this.registers;
    let flags = ALL;
    let gpa = va;
    if (r.guestPaging) {
      const pdeAddress = this.translate(((r.guestPtbr & ~PAGE_MASK) >>> 0) + ((va >>> 22) << 2), 0);
      if (pdeAddress < 0) return -1;
      this.reference();
      const pde = this.memory.words[pdeAddress >>> 2];
      if ((pde & PTE.V) === 0) return -1;
      const pteGpa = ((pde & ~PAGE_MASK) >>> 0) + (((va >>> PAGE_SHIFT) & 0x3ff) << 2);
      const pteAddress = this.translate(pteGpa, 0);
      if (pteAddress < 0) return -1;
      this.reference();
      let pte = this.memory.words[pteAddress >>> 2];
      if (!guestPermits(pte, access, r.guestUser)) return -1;
      const updated = pte | PTE.A | (access === STORE ? PTE.D : 0);
      if (updated !== pte) {
        // Setting A/D is a write to the guest's table: it needs the nested W bit, as
        // EPT's does (a violation otherwise). The entry was just used: probe, count nothing.
        const e = this.ntlb.probe(pteGpa >>> PAGE_SHIFT, 0);
        if (e < 0 || (this.ntlb.flags[e] & PTE.W) === 0) return this.fault(pteGpa, STORE);
        this.memory.words[pteAddress >>> 2] = pte = updated;
      }
      flags = pte & PAGE_MASK;
      gpa = ((pte & ~PAGE_MASK) | (va & PAGE_MASK)) >>> 0;
    }
    const ma = this.translate(gpa, access);
    if (ma < 0) return -1;
    const i = this.ntlb.probe(gpa >>> PAGE_SHIFT, 0);
    // A page the nested table holds read-only (dirty logging) is cached without D, so the
    // guest's first store to it walks again and takes the nested fault (mmu.ts, needsDirty).
    if (i >= 0 && (this.ntlb.flags[i] & PTE.W) === 0) flags &= ~PTE.D;
    tlb.insert(va >>> PAGE_SHIFT, asid, ma >>> PAGE_SHIFT, flags);
    return ma;
  }

  /** Drops the nested TLB (a new nested table, or another VM). */
  flush(): void {
    this.ntlb.flush();
  }

  /** Guest-physical -> machine through the nested TLB or the nested table; -1 sets `violation`. */
  private translate(gpa: number, access: number): number {
    gpa >>>= 0;
    const page = gpa >>> PAGE_SHIFT;
    let i = this.ntlb.lookup(page, 0);
    if (i < 0) {
      const root = (this.registers.nestedRoot & ~PAGE_MASK) >>> 0;
      this.reference();
      const nde = this.memory.words[(root + ((gpa >>> 22) << 2)) >>> 2];
      if ((nde & PTE.V) === 0) return this.fault(gpa, access);
      const slot = ((nde & ~PAGE_MASK) >>> 0) + ((page & 0x3ff) << 2);
      if (!this.memory.inRam(slot, 4)) return this.fault(gpa, access);
      this.reference();
      const nte = this.memory.words[slot >>> 2];
      if ((nte & PTE.V) === 0) return this.fault(gpa, access);
      i = this.ntlb.insert(page, 0, nte >>> PAGE_SHIFT, nte & PAGE_MASK);
    }
    const nflags = this.ntlb.flags[i];
    if (access === STORE && (nflags & PTE.W) === 0) return this.fault(gpa, access);
    if (access === FETCH && (nflags & PTE.X) === 0) return this.fault(gpa, access);
    return ((this.ntlb.pfn[i] << PAGE_SHIFT) | (gpa & PAGE_MASK)) >>> 0;
  }

  private fault(gpa: number, access = 0): number {
    this.violation = gpa;
    this.violationWrite = access === STORE;
    return -1;
  }

  private reference(): void {
    this.references++;
    this.cycles += COSTS.pageWalkReference;
  }
}

/** ISA.md's leaf check (mmu.ts's `permits`, restated to keep this file free of a cycle). */
function guestPermits(pte: number, access: number, user: boolean): boolean {
  if ((pte & PTE.V) === 0) return false;
  if (access === STORE && (pte & PTE.W) === 0) return false;
  if (access === FETCH && (pte & PTE.X) === 0) return false;
  return !user || (pte & PTE.U) !== 0;
}

/**
 * The MMU (ISA.md, "Memory management"): with STATUS.PG = 1 every virtual
 * address goes through the TLB; on a miss the hardware walks a two-level
 * table rooted at PTBR, like the i386's (Intel SDM vol. 3, 4.3 "32-bit
 * paging"), or, built `software-tlb`, traps TLB_MISS and lets the kernel
 * refill (MIPS R4000, the design Disco virtualizes).
 *
 *   virtual address
 *   31          22 21          12 11            0
 *  +--------------+--------------+---------------+
 *  |  dir index   | table index  |    offset     |
 *  +--------------+--------------+---------------+
 *        |               |
 *   PTBR + 4*dir  -> directory entry: frame of the page table | V
 *   table + 4*tbl -> PTE: frame | D A . X U W V   (permissions from here only)
 *
 * The walker sets A on every successful walk and D when the access is a
 * store, writing the PTE back to memory; each of its two memory references
 * costs COSTS.pageWalkReference cycles. Permissions: V always; W for a
 * store (in both modes); U for any access from user mode; X for a fetch.
 *
 * Built `software-tlb`, the machine also has kseg0 (ISA.md; MIPS R4000's
 * "kseg0: unmapped, cached" segment): in kernel mode an address in
 * 0x80000000..0xBFFFFFFF is not translated (physical = va - 0x80000000),
 * never looked up in or cached by the TLB, and counted in no TLB statistic;
 * as on MIPS it needs no setup, so it holds with STATUS.PG = 0 as well.
 * In user mode kseg0 goes through the TLB like any other address: a kernel
 * deprivileged by a VMM misses on its own kseg0 (Disco, 4.2.1).
 *
 * With `nested` set (a hypervisor's guest mode, nested-walk.ts) the MMU
 * checks permissions at the guest's privilege and walks in two dimensions
 * on a miss: the guest's table through the nested table.
 *
 * translate() returns the physical address (>= 0), or a fault as a value:
 * the negated CAUSE (STYLE.md 5, traps are values).
 */
import { COSTS } from "./costs";
import { CAUSE, KSEG0_BASE, PTE, PAGE_SHIFT } from "./isa";
import type { PhysicalMemory } from "./memory";
import type { Tlb } from "./tlb";
import type { NestedWalker } from "./nested-walk";

export type MmuKind = "hardware" | "software-tlb";

/** What an access does; numbers so the CPU's hot path can pass them. */
export const ACCESS = { LOAD: 0, STORE: 1, FETCH: 2 } as const;
export type Access = (typeof ACCESS)[keyof typeof ACCESS];
export type AccessName = "load" | "store" | "fetch";
export const ACCESS_BY_NAME: Readonly<Record<AccessName, Access>> = { load: 0, store: 1, fetch: 2 };

/** The page fault of each access kind. */
export const FAULT_OF: readonly number[] = [CAUSE.PAGE_FAULT_LOAD, CAUSE.PAGE_FAULT_STORE, CAUSE.PAGE_FAULT_FETCH];

const PAGE_MASK = 0xfff;

/** True if a translation with PTE `flags` permits `access` in this mode. */
export function permits(flags: number, access: Access, user: boolean): boolean {
  if ((flags & PTE.V) === 0) return false;
  if (access === ACCESS.STORE && (flags & PTE.W) === 0) return false;
  if (access === ACCESS.FETCH && (flags & PTE.X) === 0) return false;
  return !user || (flags & PTE.U) !== 0;
}

export class Mmu {
  walks = 0;
  walkReferences = 0;
  /** Cycles spent walking since the CPU last collected them. */
  private cycles = 0;
  /** Guest mode with nested paging: set by a hypervisor while its guest runs, undefined otherwise. */
  nested: NestedWalker | undefined;

  constructor(readonly kind: MmuKind, private readonly memory: PhysicalMemory, readonly tlb: Tlb) {}

  /** True if this MMU leaves `va` untranslated in this mode (kseg0, above). */
  unmapped(va: number, user: boolean): boolean {
    return this.kind === "software-tlb" && !user && va >>> 30 === 2;
  }

  /** Where `va` leads with STATUS.PG = 0: itself, or its kseg0 frame. */
  unpaged(va: number, user: boolean): number {
    return this.unmapped(va, user) ? va - KSEG0_BASE : va;
  }

  /** Translates `va` for `access`: a physical address, or -CAUSE. */
  translate(va: number, access: Access, user: boolean, asid: number, ptbr: number): number {
    if (this.unmapped(va, user)) return va - KSEG0_BASE;
    const nested = this.nested;
    if (nested !== undefined) user = nested.registers.guestUser;
    const vpn = va >>> PAGE_SHIFT;
    const i = this.tlb.lookup(vpn, asid);
    if (i >= 0) {
      const flags = this.tlb.flags[i];
      if (!permits(flags, access, user)) {
        if (nested !== undefined) nested.violation = -1; // the guest's own fault
        return -FAULT_OF[access];
      }
      const needsDirty = this.kind === "hardware" && access === ACCESS.STORE && (flags & PTE.D) === 0;
      if (!needsDirty) return ((this.tlb.pfn[i] << PAGE_SHIFT) | (va & PAGE_MASK)) >>> 0;
    } else if (this.kind === "software-tlb") {
      return -CAUSE.TLB_MISS;
    }
    if (nested !== undefined) return this.walkNested(nested, va, access, asid);
    return this.walk(va, access, user, asid, ptbr);
  }

  /** The two-dimensional walk (nested-walk.ts); its references count as walk references. */
  private walkNested(nested: NestedWalker, va: number, access: Access, asid: number): number {
    this.walks++;
    const before = nested.references;
    const ma = nested.walk(va, access, asid, this.tlb);
    this.walkReferences += nested.references - before;
    this.cycles += nested.cycles;
    nested.cycles = 0;
    return ma < 0 ? -FAULT_OF[access] : ma;
  }

  /** Collects the walk cycles accumulated since the last call. */
  takeCycles(): number {
    const c = this.cycles;
    this.cycles = 0;
    return c;
  }

  /**
   * Side-effect-free translation for hosts and hypervisors: the TLB, then
   * (hardware MMU) the page table, without counting, filling or setting A/D.
   * Returns the physical address or undefined.
   */
  probe(va: number, access: Access, user: boolean, asid: number, ptbr: number): number | undefined {
    if (this.unmapped(va, user)) return va - KSEG0_BASE;
    if (this.nested !== undefined) return undefined; // a hypervisor reads its guests through src/memory
    const i = this.tlb.probe(va >>> PAGE_SHIFT, asid);
    if (i >= 0) {
      return permits(this.tlb.flags[i], access, user) ? ((this.tlb.pfn[i] << PAGE_SHIFT) | (va & PAGE_MASK)) >>> 0 : undefined;
    }
    if (this.kind === "software-tlb") return undefined;
    const pte = this.readPte(va, ptbr);
    if (pte === undefined || !permits(pte, access, user)) return undefined;
    return ((pte & ~PAGE_MASK) | (va & PAGE_MASK)) >>> 0;
  }

  /** The hardware walk (diagram above): fills the TLB, sets A and D. */
  private walk(va: number, access: Access, user: boolean, asid: number, ptbr: number): number {
    this.walks++;
    const pteAddress = this.pteAddress(va, ptbr, true);
    if (pteAddress === undefined) return -FAULT_OF[access];
    this.charge();
    let pte = this.memory.words[pteAddress >>> 2];
    if (!permits(pte, access, user)) return -FAULT_OF[access];
    const updated = pte | PTE.A | (access === ACCESS.STORE ? PTE.D : 0);
    if (updated !== pte) this.memory.words[pteAddress >>> 2] = pte = updated;
    this.tlb.insert(va >>> PAGE_SHIFT, asid, pte >>> PAGE_SHIFT, pte & PAGE_MASK);
    return ((pte & ~PAGE_MASK) | (va & PAGE_MASK)) >>> 0;
  }

  /** Physical address of va's PTE, through the directory; undefined if absent. */
  private pteAddress(va: number, ptbr: number, counted: boolean): number | undefined {
    const dirEntry = ((ptbr & ~PAGE_MASK) >>> 0) + ((va >>> 22) << 2);
    if (counted) this.charge();
    if (!this.memory.inRam(dirEntry, 4)) return undefined;
    const pde = this.memory.words[dirEntry >>> 2];
    if ((pde & PTE.V) === 0) return undefined;
    const address = ((pde & ~PAGE_MASK) >>> 0) + (((va >>> PAGE_SHIFT) & 0x3ff) << 2);
    return this.memory.inRam(address, 4) ? address : undefined;
  }

  private readPte(va: number, ptbr: number): number | undefined {
    const address = this.pteAddress(va, ptbr, false);
    return address === undefined ? undefined : this.memory.words[address >>> 2];
  }

  private charge(): void {
    this.walkReferences++;
    this.cycles += COSTS.pageWalkReference;
  }
}

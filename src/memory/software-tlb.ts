/**
 * Disco's software TLB: virtualizing a machine whose TLB the kernel fills
 * itself (toy32 built `mmu: "software-tlb"`, ISA.md; the MIPS R10000 of
 * Bugnion et al. 1997, "Disco: running commodity operating systems on
 * scalable multiprocessors", section 4.2.2 "Virtual physical memory").
 * What trap-and-emulate asks of this file, following OSTEP's VMM chapter,
 * figure "TLB miss flow with virtualization":
 *
 *   Process               Operating System             VMM (this file)
 *   1. load: TLB miss,
 *      trap                                            2. miss(): not the guest's
 *                                                         kseg0, not in the guest's
 *                                                         TLB, not in the L2 TLB:
 *                                                         call the OS's miss handler
 *                         3. look up VPN in the page
 *                            table, tlbw VPN->PPN
 *                            (privileged: it traps)    4. write(): install VPN->MPN
 *                                                         (PPN through the pmap)
 *                         5. rett (traps)              6. the real return from trap
 *   7. the load is
 *      retried: a TLB hit
 *
 * Three TLBs, VPN | ASID -> frame each (src/machine/tlb.ts):
 *
 *   the real TLB     VPN | real ASID -> MPN   what the hardware uses while a
 *                                             guest runs; the VMM writes it
 *   the guest's TLB  VPN | ASID -> PPN        what the guest wrote with tlbw,
 *                                             as bare toy32's TLB would hold it
 *                                             (its size): architectural state
 *                                             the VMM keeps, as it keeps CSRs
 *   the L2 TLB       VPN | ASID -> PPN        Disco's "second-level software
 *                                             TLB": every entry the guest wrote,
 *                                             kept after the guest's TLB dropped
 *                                             it, so a repeated miss is refilled
 *                                             by the VMM without the guest
 *
 * A real miss goes down that list: the guest's kseg0 (or paging off) is
 * mapped from the pmap at once; an entry of the guest's TLB (the real TLB
 * is shared with kseg0 and both privilege views, so it drops entries the
 * guest still holds) is copied to the real TLB; an L2 TLB hit goes back
 * into the guest's TLB and the real one; only a miss in all of them is the
 * guest's to handle. Every real entry maps a machine frame of this VM's
 * pmap, and nothing else: that is the isolation argument.
 *
 * kseg0. On bare toy32 the kernel's addresses 0x80000000-0xBFFFFFFF are
 * untranslated in kernel mode, but the VMM runs the guest kernel in real
 * user mode, where kseg0 goes through the TLB. Disco relinked IRIX to run
 * in mapped kseg2 and let the kernel's own misses through its handler; we
 * keep the kernel unchanged and let the VMM map the guest's kseg0 itself,
 * on demand: a real miss in virtual kernel mode at kseg0 address va is
 * filled with va - 0x80000000 -> its MPN through the pmap, invisibly to
 * the guest (bare metal takes no trap there). The price, which Disco's
 * relocation paid as kernel TLB misses instead, is a VMM trap for every
 * kernel page the real TLB does not hold, and real TLB entries the
 * guest's own translations compete with.
 *
 * Privilege views. The real CPU is always in user mode, so an entry the
 * guest's kernel may use (its U bit clear) must carry U in the real TLB,
 * where the guest's user mode must not see it. Each (guest ASID, virtual
 * mode, paging on/off) gets a real ASID of its own, handed out on demand;
 * when the 4096 real ASIDs run out the real TLB is flushed and numbering
 * starts again (the ASID "generation" rollover of Linux's MIPS port).
 */
import { COSTS } from "../machine/costs";
import { KSEG0_BASE, KSEG0_END, MMIO_BASE, PAGE_SHIFT, PTE, STATUS, CSR } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import { ASID_MASK, Tlb, type TlbState } from "../machine/tlb";
import { FAULT_CAUSE, permits, type Access } from "./guest-walk";
import type { Pmap } from "./pmap";

/** Entries of Disco's second-level TLB by default (0 turns it off). */
export const L2_TLB_ENTRIES = 1024;

/** What the VMM counts of one VM's software TLB (per VM, in VmStats). */
export interface SoftwareTlbStats {
  /** Real TLB misses the VMM took for this VM. */
  realMisses: number;
  /** Filled from the pmap alone: the guest kernel's kseg0, or the guest's paging off. */
  directFills: number;
  /** Filled from the guest's own TLB: entries the real TLB had dropped. */
  guestTlbRefills: number;
  /** Misses of the guest's TLB found in the L2 TLB: refilled without bothering the guest. */
  l2Hits: number;
  /** Misses of the guest's TLB the L2 TLB did not hold either (with the L2 TLB on). */
  l2Misses: number;
  /** Misses reflected to the guest's TLB_MISS handler (OSTEP step 2). */
  reflectedMisses: number;
  /** The guest's tlbw instructions, trapped and emulated (OSTEP step 4). */
  tlbWrites: number;
}

export function emptySoftwareTlbStats(): SoftwareTlbStats {
  return { realMisses: 0, directFills: 0, guestTlbRefills: 0, l2Hits: 0, l2Misses: 0, reflectedMisses: 0, tlbWrites: 0 };
}

/** The L2 TLB's hit rate: hits over lookups (0 before any lookup). */
export function l2HitRate(stats: SoftwareTlbStats): number {
  const lookups = stats.l2Hits + stats.l2Misses;
  return lookups === 0 ? 0 : stats.l2Hits / lookups;
}

/** The guest's CPU as this file reads it: its virtual mode, paging and ASID (a Vcpu is one). */
export interface GuestCpu {
  readonly kernelMode: boolean;
  readonly pagingEnabled: boolean;
  readonly csr: Uint32Array;
}

/** What a real TLB miss became. */
export type MissResolution =
  /** The VMM installed a real translation: retry the access. `how` says from where. */
  | { readonly kind: "filled"; readonly how: "direct" | "guest-tlb" | "l2" }
  /** The guest's translation leads to a device page: emulate the access. */
  | { readonly kind: "device"; readonly gpa: number }
  /** What bare metal would do at this access: a page fault of its kind. */
  | { readonly kind: "fault"; readonly cause: number }
  /** No translation the VMM knows: the guest's miss handler must run. */
  | { readonly kind: "miss" };

/** One VM's software-TLB state, kept by the VMM. */
export class GuestTlb {
  /** What the guest wrote with tlbw: VPN | ASID -> PPN, as bare metal's TLB. */
  readonly tlb: Tlb;
  /** Disco's second-level TLB, or undefined when turned off. */
  readonly l2: Tlb | undefined;
  /** Set while the guest's handler runs for a miss the VMM reflected (for the trace). */
  missPending = false;
  /** Whether the guest's last tlbw reached the real TLB (a valid entry of the VM's memory). */
  lastWriteInstalled = false;
  private readonly realAsids = new Map<number, number>();

  constructor(
    readonly pmap: Pmap,
    readonly stats: SoftwareTlbStats,
    guestTlbEntries: number,
    l2Entries: number = L2_TLB_ENTRIES,
  ) {
    if (!Number.isInteger(l2Entries) || l2Entries < 0) throw new RangeError(`the L2 TLB holds 0 or more entries, not ${l2Entries}`);
    this.tlb = new Tlb(guestTlbEntries);
    this.l2 = l2Entries > 0 ? new Tlb(l2Entries) : undefined;
  }

  /** The real ASID of this (guest ASID, mode, paging) view, or undefined when a new one must be handed out. */
  knownAsid(key: number): number | undefined {
    return this.realAsids.get(key);
  }

  /** Hands out the next real ASID for `key`; undefined when all are taken (flush and forget them first). */
  assignAsid(key: number): number | undefined {
    const next = this.realAsids.size;
    if (next > ASID_MASK) return undefined;
    this.realAsids.set(key, next);
    return next;
  }

  forgetAsids(): void {
    this.realAsids.clear();
  }

  /** For a snapshot: both TLBs as the guest wrote them (guest frames already) and the real ASIDs handed out. */
  saveState(): GuestTlbState {
    return {
      tlb: this.tlb.saveState(), l2: this.l2?.saveState() ?? null, asids: [...this.realAsids],
      missPending: this.missPending, lastWriteInstalled: this.lastWriteInstalled,
    };
  }

  /** Throws on a state of other sizes, or real ASIDs out of range or handed out twice. */
  restoreState(state: GuestTlbState): void {
    if ((state.l2 === null) !== (this.l2 === undefined)) throw new Error(`the saved L2 TLB is ${state.l2 ? "on" : "off"}, this machine's ${this.l2 ? "on" : "off"}`);
    const reals = new Set<number>();
    for (const [, real] of state.asids) {
      if (!Number.isInteger(real) || real < 0 || real > ASID_MASK || reals.has(real)) throw new Error(`real ASID ${real} is out of range or handed out twice`);
      reals.add(real);
    }
    this.tlb.restoreState(state.tlb);
    if (state.l2) this.l2?.restoreState(state.l2);
    this.realAsids.clear();
    for (const [key, real] of state.asids) this.realAsids.set(key, real);
    this.missPending = state.missPending;
    this.lastWriteInstalled = state.lastWriteInstalled;
  }
}

/** A VM's software-TLB state (GuestTlb.saveState). */
export interface GuestTlbState {
  readonly tlb: TlbState;
  readonly l2: TlbState | null;
  /** [view key, real ASID]. */
  readonly asids: readonly (readonly number[])[];
  readonly missPending: boolean;
  readonly lastWriteInstalled: boolean;
}

/** What the software TLB needs of the hypervisor. */
export interface SoftwareTlbHost {
  readonly memory: PhysicalMemory;
  /** The real TLB (the hardware's). */
  readonly realTlb: Tlb;
  /** Cycles the hypervisor spends (charged to the machine and the VM). */
  charge(cycles: number): void;
  /** Machine cycles already spent that the guest's clock must not see. */
  hideFromGuest(cycles: number): void;
}

const ALL = PTE.V | PTE.W | PTE.U | PTE.X;
const PAGE_MASK = 0xfff;

export class SoftwareTlbMmu {
  constructor(private readonly host: SoftwareTlbHost) {}

  /** The real ASID for the guest's current view (a new one handed out, if need be). */
  realAsid(g: GuestTlb, cpu: GuestCpu): number {
    return this.asidFor(g, viewKey(cpu.csr[CSR.ASID], cpu.pagingEnabled, cpu.kernelMode));
  }

  private asidFor(g: GuestTlb, key: number): number {
    const known = g.knownAsid(key);
    if (known !== undefined) return known;
    const fresh = g.assignAsid(key);
    if (fresh !== undefined) return fresh;
    // Every real ASID taken: start a new generation.
    this.host.realTlb.flush();
    g.forgetAsids();
    return g.assignAsid(key) as number;
  }

  /**
   * Which access a real TLB miss was, from the trapping instruction at
   * `epc`: a fetch if the real TLB cannot translate the pc (the miss was
   * the fetch's), else a store or a load as the instruction
   * says. `isStore` decodes the instruction word.
   */
  accessOf(g: GuestTlb, cpu: GuestCpu, epc: number, isStore: (word: number) => boolean): Access {
    const i = this.host.realTlb.probe(epc >>> PAGE_SHIFT, this.realAsid(g, cpu));
    if (i < 0) return "fetch";
    const pa = (this.host.realTlb.pfn[i] << PAGE_SHIFT | (epc & PAGE_MASK)) >>> 0;
    return isStore(this.host.memory.readWord(pa)) ? "store" : "load";
  }

  /**
   * A real TLB miss at `va` for `access` in the guest's current mode: the
   * list in this file's opening comment, first match wins.
   */
  miss(g: GuestTlb, cpu: GuestCpu, va: number, access: Access): MissResolution {
    g.stats.realMisses++;
    const user = !cpu.kernelMode;
    if (!user && inKseg0(va)) return this.direct(g, cpu, va, va - KSEG0_BASE, access);
    if (!cpu.pagingEnabled) return this.direct(g, cpu, va, va, access);
    const vpn = va >>> PAGE_SHIFT;
    const asid = cpu.csr[CSR.ASID] & ASID_MASK;
    const i = g.tlb.probe(vpn, asid);
    if (i >= 0) {
      g.stats.guestTlbRefills++;
      return this.fromEntry(g, cpu, va, g.tlb.pfn[i], g.tlb.flags[i], access, "guest-tlb");
    }
    const l2 = g.l2;
    if (l2 === undefined) return { kind: "miss" };
    const j = l2.lookup(vpn, asid);
    if (j < 0) {
      g.stats.l2Misses++;
      return { kind: "miss" };
    }
    g.stats.l2Hits++;
    g.tlb.insert(vpn, asid, l2.pfn[j], l2.flags[j]);
    return this.fromEntry(g, cpu, va, l2.pfn[j], l2.flags[j], access, "l2");
  }

  /**
   * The guest's tlbw (OSTEP step 4): TLBHI = VPN | ASID, TLBLO = PPN |
   * flags go into the guest's TLB and the L2 TLB as written; the real TLB
   * gets VPN -> MPN for the view the guest's handler returns to (its PKM),
   * and loses whatever it held for that VPN (the guest may have changed
   * the entry). An entry naming a frame outside the VM's memory, a device
   * page or an invalid PTE reaches no real TLB: its access will miss
   * again and be resolved from the guest's TLB (a fault, or the device).
   * Returns the machine frame installed, or -1.
   */
  write(g: GuestTlb, cpu: GuestCpu, tlbhi: number, tlblo: number): number {
    g.stats.tlbWrites++;
    g.tlb.write(tlbhi, tlblo);
    g.l2?.write(tlbhi, tlblo);
    const vpn = tlbhi >>> PAGE_SHIFT;
    this.host.realTlb.invalidate(vpn);
    const kernel = (cpu.csr[CSR.STATUS] & STATUS.PKM) !== 0;
    const mpn = this.machineFrame(g, tlblo >>> PAGE_SHIFT);
    g.lastWriteInstalled = mpn >= 0 && (tlblo & PTE.V) !== 0;
    if (!g.lastWriteInstalled) return -1;
    const real = this.asidFor(g, viewKey(tlbhi & ASID_MASK, true, kernel));
    this.host.realTlb.insert(vpn, real, mpn, realFlags(tlblo, kernel));
    return mpn;
  }

  /** The guest's tlbinv: the VPN goes from all three TLBs, in every ASID (ISA.md). */
  invalidate(g: GuestTlb, va: number): void {
    const vpn = va >>> PAGE_SHIFT;
    g.tlb.invalidate(vpn);
    g.l2?.invalidate(vpn);
    this.host.realTlb.invalidate(vpn);
  }

  /** The guest's tlbflush: everything goes (the real TLB holds only this VM's entries). */
  flush(g: GuestTlb): void {
    g.tlb.flush();
    g.l2?.flush();
    this.host.realTlb.flush();
    g.forgetAsids();
  }

  /**
   * The guest-physical address the guest's own MMU gives `va` for `access`
   * now, without side effects (the hypervisor fetching the instruction it
   * must emulate), or -1 where bare metal would fault or miss.
   */
  guestAddress(g: GuestTlb, cpu: GuestCpu, va: number, access: Access): number {
    const user = !cpu.kernelMode;
    if (!user && inKseg0(va)) return va - KSEG0_BASE;
    if (!cpu.pagingEnabled) return va >>> 0;
    const i = g.tlb.probe(va >>> PAGE_SHIFT, cpu.csr[CSR.ASID] & ASID_MASK);
    if (i < 0 || !permits(g.tlb.flags[i], access, user)) return -1;
    return (g.tlb.pfn[i] << PAGE_SHIFT | (va & PAGE_MASK)) >>> 0;
  }

  /** kseg0 or paging off: guest-physical `gpa` needs no guest TLB. */
  private direct(g: GuestTlb, cpu: GuestCpu, va: number, gpa: number, access: Access): MissResolution {
    g.stats.directFills++;
    return this.resolve(g, cpu, va, gpa >>> PAGE_SHIFT, ALL, access, "direct");
  }

  private fromEntry(g: GuestTlb, cpu: GuestCpu, va: number, ppn: number, flags: number, access: Access, how: "guest-tlb" | "l2"): MissResolution {
    if (!permits(flags, access, !cpu.kernelMode)) return { kind: "fault", cause: FAULT_CAUSE[access] };
    return this.resolve(g, cpu, va, ppn, flags, access, how);
  }

  /**
   * Where guest frame `ppn` is: a device page (emulated), outside the VM
   * (the fault bare metal takes beyond its memory), or a machine frame,
   * installed in the real TLB for the current view. The VMM's refill costs
   * COSTS.softwareTlbRefill, and its trap is not the guest's time.
   */
  private resolve(g: GuestTlb, cpu: GuestCpu, va: number, ppn: number, flags: number, access: Access, how: "direct" | "guest-tlb" | "l2"): MissResolution {
    const gpa = (ppn << PAGE_SHIFT | (va & PAGE_MASK)) >>> 0;
    if (gpa >= MMIO_BASE && access !== "fetch") return { kind: "device", gpa };
    const mpn = this.machineFrame(g, ppn);
    if (mpn < 0) return { kind: "fault", cause: FAULT_CAUSE[access] };
    const host = this.host;
    host.realTlb.insert(va >>> PAGE_SHIFT, this.realAsid(g, cpu), mpn, realFlags(flags, cpu.kernelMode));
    host.hideFromGuest(COSTS.trap);
    host.charge(COSTS.softwareTlbRefill);
    return { kind: "filled", how };
  }

  /** The machine frame of guest frame `ppn` through the pmap, or -1 if it is not the VM's. */
  private machineFrame(g: GuestTlb, ppn: number): number {
    const gpa = (ppn << PAGE_SHIFT) >>> 0;
    return g.pmap.contains(gpa, 1 << PAGE_SHIFT) ? g.pmap.machine(gpa) >>> PAGE_SHIFT : -1;
  }
}

function inKseg0(va: number): boolean {
  return va >>> 0 >= KSEG0_BASE && va >>> 0 < KSEG0_END;
}

/** One number per (guest ASID, or paging off; virtual mode). */
function viewKey(asid: number, paging: boolean, kernel: boolean): number {
  return (paging ? asid & ASID_MASK : ASID_MASK + 1) * 2 + (kernel ? 1 : 0);
}

/**
 * A guest entry's flags in the real TLB: its V, W and X; U for the kernel
 * view (the real CPU runs the guest kernel in user mode), the guest's own
 * U for the user view; never L (a guest must not pin real entries).
 */
function realFlags(flags: number, kernel: boolean): number {
  const f = flags & (PTE.V | PTE.W | PTE.X | PTE.U);
  return kernel ? f | PTE.U : f;
}

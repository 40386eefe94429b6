/**
 * The shadow MMU: what a technique asks of shadow paging (shadow-paging.ts)
 * when the real MMU could not translate a guest access, when the guest's
 * page tables changed and when its address space did. Trap-and-emulate,
 * binary translation and first-generation hardware assist all ask here,
 * never one another (Adams and Agesen 2006, 2.3-2.4: hidden faults and
 * tracing are the same mechanism under every software technique).
 *
 *   a guest access at va (at the guest's privilege)
 *     guest walk (guest-walk.ts) fails            -> fault: reflect it
 *     gpa is a device page                         -> device: emulate it
 *     gpa outside the VM's pmap                    -> fault
 *     a store to a traced page-table page          -> traced: the caller
 *                                                     does the store, then
 *                                                     pageTableWritten
 *     otherwise: a hidden fault, the shadow filled -> ram: retry
 *
 * Costs come from the one cost table; whether a hidden fault's trap is the
 * guest's time is the technique's choice (`hideTraps`).
 */
import { COSTS } from "../machine/costs";
import { MMIO_BASE, PTE } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import { FAULT_CAUSE, translateGuest, type Access, type GuestAddressSpace } from "./guest-walk";
import type { Pmap } from "./pmap";
import type { DirtyLog } from "./dirty-log";
import { PAGING_OFF, type ShadowPageTables } from "./shadow-paging";

export type Resolution =
  | { readonly kind: "ram" }
  | { readonly kind: "device"; readonly gpa: number }
  /** A store to a traced page-table page: the caller does it, then calls pageTableWritten. */
  | { readonly kind: "traced"; readonly gpa: number }
  | { readonly kind: "fault"; readonly cause: number };

const RAM: Resolution = { kind: "ram" };

/** A guest as the shadow MMU sees it: its memory and its address space, and where hidden faults are counted. */
export interface ShadowGuest {
  readonly pmap: Pmap;
  /** Present while the guest's memory is dirty-logged (dirty-log.ts): a page is writable only after a store marked it. */
  readonly dirtyLog?: DirtyLog;
  readonly addressSpace: GuestAddressSpace;
  readonly stats: { hiddenFaults: number };
}

/** What the shadow MMU needs of the hypervisor. */
export interface ShadowHost {
  readonly memory: PhysicalMemory;
  /** Drop real TLB entries: one page, or all. */
  flushRealTlb(va?: number): void;
  /** Cycles the hypervisor spends (charged to the machine and the VM). */
  charge(cycles: number): void;
  /** Machine cycles already spent that the guest's clock must not see. */
  hideFromGuest(cycles: number): void;
  /** Binary translation: the machine page holds translated code (map it read-only). */
  writeProtected?(machinePage: number): boolean;
  /** Binary translation: the guest is about to write this machine page. */
  codeWritten?(machinePage: number): void;
}

export interface ShadowCosts {
  /** Cycles of one hidden fault's fill (COSTS.shadowFill, or 0 where hardware does it). */
  readonly shadowFill: number;
  /** The trap that brought a hidden fault is not the guest's time. */
  readonly hideTraps: boolean;
}

export class ShadowMmu {
  constructor(private readonly host: ShadowHost, private readonly costs: ShadowCosts) {}

  /**
   * Where a guest-virtual access goes, at the guest's privilege `user`
   * (the table above); a hidden fault fills `shadow` on the way.
   */
  resolve(guest: ShadowGuest, shadow: ShadowPageTables, va: number, access: Access, user: boolean): Resolution {
    const t = translateGuest(this.host.memory, guest.addressSpace, va, access, user);
    if (!t.ok) return { kind: "fault", cause: t.cause };
    const { gpa } = t.mapping;
    if (gpa >= MMIO_BASE && access !== "fetch") return { kind: "device", gpa };
    if (!guest.pmap.contains(gpa)) return { kind: "fault", cause: FAULT_CAUSE[access] };
    if (access === "store" && shadow.isPageTable(gpa >>> 12)) return { kind: "traced", gpa };
    this.fill(guest, shadow, va, access, user, t.mapping.flags, t.mapping.pteAddress, gpa);
    return RAM;
  }

  /**
   * The guest's page-table word at `gpa` changed, by a store that trapped
   * (`trapped`) or by MMU_UPDATE: the shadow entries derived from it go,
   * each at COSTS.shadowInvalidate.
   */
  pageTableWritten(shadow: ShadowPageTables, gpa: number, trapped: boolean): void {
    if (!shadow.isPageTable(gpa >>> 12)) return;
    const dropped = shadow.guestWrote(gpa & ~3, trapped);
    this.host.charge(COSTS.shadowInvalidate * Math.max(1, dropped));
  }

  /**
   * The guest's PTBR or paging changed: its context switches (from the
   * cache, or built anew at COSTS.shadowRebuild), and the real TLB, whose
   * view ASIDs every context shares, is flushed.
   */
  switchAddressSpace(shadow: ShadowPageTables, space: GuestAddressSpace): void {
    if (shadow.switchTo(space.pagingEnabled ? space.ptbr : PAGING_OFF)) this.host.charge(COSTS.shadowRebuild);
    this.host.flushRealTlb();
  }

  /**
   * A hidden fault: install the guest's mapping in the shadow. Writable
   * only once the guest's D bit is set, and never while the page holds
   * translated code (binary translation's write protection).
   */
  private fill(guest: ShadowGuest, shadow: ShadowPageTables, va: number, access: Access, user: boolean, flags: number, pteAddress: number, gpa: number): void {
    const host = this.host;
    const machine = guest.pmap.machine(gpa & ~0xfff);
    if (access === "store") host.codeWritten?.(machine);
    const dirty = pteAddress < 0 || (host.memory.readWord(guest.pmap.machine(pteAddress)) & PTE.D) !== 0;
    const protect = access !== "store" && (host.writeProtected?.(machine) ?? false);
    // Dirty logging: writable only for the store that marks the page (Clark et al. 2005, 3.3).
    const logged = guest.dirtyLog !== undefined;
    const writable = (flags & PTE.W) !== 0 && (logged ? access === "store" : dirty || access === "store") && !protect;
    if (access === "store") guest.dirtyLog?.mark(gpa);
    const shadowFlags = PTE.V | PTE.U | (flags & PTE.X) | (writable ? PTE.W : 0);
    const view = user ? "user" : "kernel";
    if (!shadow.install(view, va, gpa, shadowFlags, pteAddress)) {
      host.flushRealTlb();
      shadow.install(view, va, gpa, shadowFlags, pteAddress);
    }
    host.flushRealTlb(va);
    guest.stats.hiddenFaults++;
    if (this.costs.hideTraps) host.hideFromGuest(COSTS.trap);
    host.charge(this.costs.shadowFill);
  }
}

/**
 * The guest's MMU, in software: translates a guest-virtual address to a
 * guest-physical one by walking the guest's own two-level page table in
 * the guest's memory, exactly as ISA.md ("Memory management") says
 * toy32's walker does, A and D bits included. Shadow paging uses it to
 * fill shadow entries; the hypervisor uses it to fetch the instruction it
 * must emulate and to find the device a guest touched.
 *
 *   guest-virtual:  | dir 31..22 | table 21..12 | offset 11..0 |
 *   PTBR (guest-physical) -> directory[dir] = table frame | V
 *                            table[table]   = frame | D A X U W V
 *
 * Every address the walk touches is guest-physical and goes through the
 * VM's pmap (pmap.ts); a table outside the VM is a fault.
 */
import { CAUSE, PTE } from "../machine/isa";
import type { PhysicalMemory } from "../machine/memory";
import type { Pmap } from "./pmap";
import type { DirtyLog } from "./dirty-log";

export type Access = "load" | "store" | "fetch";

export const FAULT_CAUSE: Readonly<Record<Access, number>> = {
  load: CAUSE.PAGE_FAULT_LOAD,
  store: CAUSE.PAGE_FAULT_STORE,
  fetch: CAUSE.PAGE_FAULT_FETCH,
};

/** What the walk needs of a guest: its pmap and its (virtual) MMU registers. */
export interface GuestAddressSpace {
  readonly pmap: Pmap;
  readonly pagingEnabled: boolean;
  /** The guest's PTBR: guest-physical address of its page directory. */
  readonly ptbr: number;
  /** Present while the guest's memory is dirty-logged: the A/D bits this walker sets are writes too. */
  readonly dirtyLog?: DirtyLog;
}

/** A successful translation: where, and what the guest's leaf PTE allows. */
export interface GuestMapping {
  readonly gpa: number;
  /** PTE permission bits (V W U X) of the mapping; all of them with paging off. */
  readonly flags: number;
  /** Guest-physical address of the leaf PTE (-1 with paging off). */
  readonly pteAddress: number;
}

export type GuestTranslation =
  | { readonly ok: true; readonly mapping: GuestMapping }
  | { readonly ok: false; readonly cause: number };

const ALL = PTE.V | PTE.W | PTE.U | PTE.X;

/**
 * Walks the guest's table for `va`, checking `access` at the guest's
 * virtual privilege. Sets A (and D for a store) in the guest's PTE, as
 * the real walker would. Table memory outside the VM is a fault.
 */
export function translateGuest(mem: PhysicalMemory, space: GuestAddressSpace, va: number, access: Access, user: boolean): GuestTranslation {
  const pmap = space.pmap;
  va >>>= 0;
  if (!space.pagingEnabled) return { ok: true, mapping: { gpa: va, flags: ALL, pteAddress: -1 } };
  const fault = { ok: false, cause: FAULT_CAUSE[access] } as const;
  const dirAddress = ((space.ptbr & ~0xfff) + 4 * (va >>> 22)) >>> 0;
  if (!pmap.contains(dirAddress, 4)) return fault;
  const dirEntry = mem.readWord(pmap.machine(dirAddress));
  if ((dirEntry & PTE.V) === 0) return fault;
  const pteAddress = ((dirEntry & ~0xfff) + 4 * ((va >>> 12) & 0x3ff)) >>> 0;
  if (!pmap.contains(pteAddress, 4)) return fault;
  const pte = mem.readWord(pmap.machine(pteAddress));
  if (!permits(pte, access, user)) return fault;
  const updated = pte | PTE.A | (access === "store" ? PTE.D : 0);
  if (updated !== pte) {
    mem.writeWord(pmap.machine(pteAddress), updated >>> 0);
    space.dirtyLog?.mark(pteAddress);
  }
  const gpa = ((pte & ~0xfff) | (va & 0xfff)) >>> 0;
  return { ok: true, mapping: { gpa, flags: updated & ALL, pteAddress } };
}

/** The leaf PTE's verdict (ISA.md: permissions come from the leaf alone). */
export function permits(pte: number, access: Access, user: boolean): boolean {
  if ((pte & PTE.V) === 0) return false;
  if (user && (pte & PTE.U) === 0) return false;
  if (access === "store") return (pte & PTE.W) !== 0;
  if (access === "fetch") return (pte & PTE.X) !== 0;
  return true;
}

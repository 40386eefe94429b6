/**
 * Paravirtualization's entry points: the hypercall table. A paravirtual
 * guest does not execute privileged instructions; it asks the hypervisor,
 * the way a process asks its kernel with a system call (Barham et al. 2003,
 * "Xen and the Art of Virtualization", section 2.1: "the guest OS must be
 * modified ... hypercalls ... a synchronous software trap into the
 * hypervisor", section 3.1 on batched page-table updates and the trap
 * table, section 3.2 on event channels masked and unmasked by the guest).
 *
 * Calling convention (toy32 `hcall`, which traps HYPERCALL when the
 * machine is built with hypercalls on):
 *
 *   a0 = hypercall number      a1, a2, a3 = arguments
 *   on return: a0 = result (negative = error), pc = the hcall + 4
 *
 *   #  name             a1              a2            result
 *   0  SET_TRAP_TABLE   table address   entry count   0 | -EINVAL   (a3 = trap frame address)
 *      table: `count` pairs of words (cause, handler); cause 0 = all others;
 *      at each trap the hypervisor writes the frame: cause, epc, badva, a0
 *   1  MMU_UPDATE       request address request count updates done
 *      requests: pairs (guest-physical PTE address, new value), each
 *      validated (src/memory/mmu-update.ts) and applied in order; the batch
 *      size (1..MAX_BATCH) is the guest's choice
 *   2  YIELD            -               -             0
 *   3  BLOCK            -               -             0 (after an event)
 *   4  CONSOLE_WRITE    buffer address  length        bytes written
 *   5  EVENT_MASK       -               -             previous mask
 *   6  EVENT_UNMASK     -               -             previous mask
 *   7  SET_TIMER        period (cycles) -             0
 *   8  IRET             -               -             to user mode at the frame's epc,
 *                                                     events on, a0 = the frame's a0
 *   9  SHUTDOWN         exit code       -             (does not return)
 *  10  SET_PAGE_TABLE   directory addr  -             0 | -EINVAL  (paging on; Xen's
 *                                                     MMUEXT_NEW_BASEPTR)
 *  11  GET_TIME         -               -             the VCPU's clock in cycles (Xen's
 *                                                     shared-info system time)
 *  12  DISK_START       block           buffer addr   0 | -EINVAL | -EBUSY  (a3 = 0 read,
 *                                                     1 write: one 1024-byte block by DMA
 *                                                     into or from the VM's memory; the
 *                                                     DISK event says it is done; Xen's
 *                                                     blkif request, Barham et al. 3.2)
 *  13  DISK_STATUS      -               -             0 done | -EIO failed; acknowledged
 *  14  DISK_INFO        -               -             the disk's size in 1024-byte blocks
 *
 * BLOCK returns the events pending when it wakes, bit (cause - 16), and
 * consumes them (Xen guests read and clear evtchn_pending after blocking).
 *
 * Addresses are guest-physical: a paravirtual guest knows it is
 * virtualized and translates for itself (Xen's "pseudo-physical" memory).
 */

import { COSTS } from "../machine/costs";

/** What a hypercall asks the scheduler to do after it returns. */
export type HypercallEffect = "continue" | "yield" | "block" | "shutdown" | "iret";

export interface HypercallResult {
  readonly result: number;
  readonly effect: HypercallEffect;
  /** Cycles the hypervisor spent beyond COSTS.hypercall (a disk backend's request). */
  readonly extraCycles?: number;
}

/** The guest a hypercall acts on, as the hypervisor exposes it to handlers. */
export interface HypercallGuest {
  /** Guest-physical word; undefined if outside the VM's memory. */
  readWord(gpa: number): number | undefined;
  readByte(gpa: number): number | undefined;
  /** False if the address is outside the VM's memory. */
  writeWord(gpa: number, value: number): boolean;
  consoleWrite(byte: number): void;
  /**
   * Validates writing `value` to the entry at `ptr`: the entry and the frame
   * must be the VM's own, and no live page-table page may be mapped writable.
   */
  validPte(ptr: number, value: number): boolean;
  setTrapHandler(cause: number, handler: number): void;
  /** Where trap frames go; false if outside the VM. */
  setTrapFrame(gpa: number): boolean;
  /** Points the VCPU at a page directory and turns paging on; false if outside the VM. */
  setPageTable(gpa: number): boolean;
  /** Sets the event mask (virtual IE off when masked); returns the old one. */
  setEventMask(masked: boolean): boolean;
  setTimer(period: number): void;
  /** The VCPU's virtual clock, in cycles. */
  now(): number;
  /** Starts a disk request on the VM's disk: 0, or a negative error. */
  diskStart(block: number, buffer: number, write: boolean): number;
  /** The last request's status (0 done, negative failed), acknowledged. */
  diskStatus(): number;
  /** The VM's disk's size in 1024-byte blocks. */
  diskBlocks(): number;
}

export const EINVAL = -22;
export const EFAULT = -14;
export const EBUSY = -16;
export const EIO = -5;

export interface HypercallSpec {
  readonly number: number;
  readonly name: string;
  readonly summary: string;
  readonly handler: (guest: HypercallGuest, a1: number, a2: number, a3: number) => HypercallResult;
}

const ok = (result: number, effect: HypercallEffect = "continue"): HypercallResult => ({ result, effect });

/** Longest batch or console write one hypercall accepts (bounds a hostile guest). */
export const MAX_BATCH = 4096;

function setTrapTable(guest: HypercallGuest, table: number, count: number, frame: number): HypercallResult {
  if (count < 0 || count > 64) return ok(EINVAL);
  if (!guest.setTrapFrame(frame)) return ok(EFAULT);
  for (let i = 0; i < count; i++) {
    const cause = guest.readWord(table + 8 * i);
    const handler = guest.readWord(table + 8 * i + 4);
    if (cause === undefined || handler === undefined) return ok(EFAULT);
    guest.setTrapHandler(cause, handler);
  }
  return ok(0);
}

/** Xen's mmu_update: every request validated before it is applied. */
function mmuUpdate(guest: HypercallGuest, requests: number, count: number): HypercallResult {
  if (count < 0 || count > MAX_BATCH) return ok(EINVAL);
  let done = 0;
  for (let i = 0; i < count; i++) {
    const pte = guest.readWord(requests + 8 * i);
    const value = guest.readWord(requests + 8 * i + 4);
    if (pte === undefined || value === undefined) return ok(done > 0 ? done : EFAULT);
    if (!guest.validPte(pte, value)) return ok(done > 0 ? done : EINVAL);
    if (!guest.writeWord(pte, value)) return ok(done > 0 ? done : EFAULT);
    done++;
  }
  return ok(done);
}

function consoleWrite(guest: HypercallGuest, buffer: number, length: number): HypercallResult {
  if (length < 0 || length > MAX_BATCH) return ok(EINVAL);
  for (let i = 0; i < length; i++) {
    const byte = guest.readByte(buffer + i);
    if (byte === undefined) return ok(i > 0 ? i : EFAULT);
    guest.consoleWrite(byte);
  }
  return ok(length);
}

/** The table, indexed by number (STYLE.md 6), checked when built. */
export const HYPERCALLS: readonly HypercallSpec[] = buildTable([
  { number: 0, name: "SET_TRAP_TABLE", summary: "register the guest kernel's trap handlers",
    handler: (g, a1, a2, a3) => setTrapTable(g, a1, a2, a3) },
  { number: 1, name: "MMU_UPDATE", summary: "apply a batch of validated page-table updates",
    handler: (g, a1, a2) => mmuUpdate(g, a1, a2) },
  { number: 2, name: "YIELD", summary: "give the CPU to another VM", handler: () => ok(0, "yield") },
  { number: 3, name: "BLOCK", summary: "sleep until an event (timer) arrives", handler: () => ok(0, "block") },
  { number: 4, name: "CONSOLE_WRITE", summary: "write bytes to the VM's console",
    handler: (g, a1, a2) => consoleWrite(g, a1, a2) },
  { number: 5, name: "EVENT_MASK", summary: "mask event delivery (virtual IE = 0)",
    handler: (g) => ok(g.setEventMask(true) ? 1 : 0) },
  { number: 6, name: "EVENT_UNMASK", summary: "unmask event delivery (virtual IE = 1)",
    handler: (g) => ok(g.setEventMask(false) ? 1 : 0) },
  { number: 7, name: "SET_TIMER", summary: "virtual timer period in cycles (0 = off)",
    handler: (g, a1) => { g.setTimer(a1 >>> 0); return ok(0); } },
  { number: 8, name: "IRET", summary: "return from the guest's trap handler", handler: () => ok(0, "iret") },
  { number: 9, name: "SHUTDOWN", summary: "stop this VM with exit code a1", handler: (_g, a1) => ok(a1, "shutdown") },
  { number: 10, name: "SET_PAGE_TABLE", summary: "switch to the page directory at a1, paging on",
    handler: (g, a1) => ok(g.setPageTable(a1 >>> 0) ? 0 : EINVAL) },
  { number: 11, name: "GET_TIME", summary: "the VCPU's clock in cycles", handler: (g) => ok(g.now() | 0) },
  { number: 12, name: "DISK_START", summary: "start a 1024-byte disk request (a3: 0 read, 1 write); DISK when done",
    handler: (g, a1, a2, a3) => ({ result: g.diskStart(a1 >>> 0, a2 >>> 0, a3 === 1), effect: "continue", extraCycles: COSTS.pvDiskRequest }) },
  { number: 13, name: "DISK_STATUS", summary: "the disk request's status, acknowledged", handler: (g) => ok(g.diskStatus()) },
  { number: 14, name: "DISK_INFO", summary: "the disk's size in 1024-byte blocks", handler: (g) => ok(g.diskBlocks()) },
]);

function buildTable(specs: HypercallSpec[]): HypercallSpec[] {
  const table: HypercallSpec[] = [];
  for (const s of specs) {
    if (table[s.number] !== undefined) throw new Error(`hypercall ${s.number} defined twice`);
    table[s.number] = s;
  }
  for (let i = 0; i < table.length; i++) if (!table[i]) throw new Error(`hypercall table has a hole at ${i}`);
  return table;
}

export const HYPERCALL: Readonly<Record<string, number>> = Object.fromEntries(HYPERCALLS.map((h) => [h.name, h.number]));

/** Dispatches hypercall `number`; an unknown number is an error result, never a throw. */
export function dispatchHypercall(guest: HypercallGuest, number: number, a1: number, a2: number, a3: number): HypercallResult {
  const spec = number >= 0 && number < HYPERCALLS.length ? HYPERCALLS[number] : undefined;
  if (!spec) return ok(EINVAL);
  return spec.handler(guest, a1, a2, a3);
}

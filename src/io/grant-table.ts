/**
 * Grant tables, version 1 (xen/include/public/grant_table.h): how a
 * domain lets another reach one of its pages. "A grant table comprises a
 * packed array of grant entries in one or more page frames shared between
 * Xen and a guest." The table lives in the granting guest's memory; the
 * guest fills entries, the hypervisor checks them on every map or copy.
 *
 *   struct grant_entry_v1                        8 bytes
 *     +0  uint16_t flags   GTF_xxx: "various type and flag information" [XEN,GST]
 *     +2  domid_t  domid   "The domain being granted foreign privileges." [GST]
 *     +4  uint32_t frame   "GFN that @domid is allowed to map and access." [GST]
 *
 *   flags  bits 1..0  type: GTF_invalid 0, GTF_permit_access 1
 *          bit  2     GTF_readonly: "Restrict @domid to read-only mappings and accesses." [GST]
 *          bit  3     GTF_reading:  "Grant entry is currently mapped for reading by @domid." [XEN]
 *          bit  4     GTF_writing:  "Grant entry is currently mapped for writing by @domid." [XEN]
 *
 * The back end never sees a frame number it could use by itself: it holds
 * a grant reference, and every access goes through `map` (a handle that
 * keeps the entry in use until `unmap`) or `copy` (GNTTABOP_copy: check,
 * move bytes, release). Revocation (`endAccess`, the guest's
 * gnttab_end_foreign_access_ref) fails while the entry is mapped, as the
 * header says: "Use SMP-safe CMPXCHG to set GTF_readonly, while checking
 * !GTF_writing".
 */
import type { GuestMemory } from "./guest-memory";
import { PAGE_SIZE } from "../machine/isa";

export const GRANT_ENTRY_BYTES = 8;
export const GTF = { invalid: 0, permit_access: 1, type_mask: 3, readonly: 1 << 2, reading: 1 << 3, writing: 1 << 4 } as const;
/** grant_table.h's GNTST_* status codes (the ones this backend can return). */
export const GNTST = { okay: 0, general_error: -1, bad_domain: -2, bad_gntref: -3, bad_handle: -4, permission_denied: -8, bad_page: -9, bad_copy_arg: -10 } as const;

export type GrantStatus = (typeof GNTST)[keyof typeof GNTST];

/** Why an access was refused: the GNTST code and a sentence naming the entry. */
export interface GrantRefusal {
  readonly status: GrantStatus;
  readonly reason: string;
}

/** A live mapping of a granted page (GNTTABOP_map_grant_ref's handle). */
export interface GrantMapping {
  readonly handle: number;
  readonly ref: number;
  readonly frame: number;
  readonly writable: boolean;
}

export class GrantTable {
  private readonly mappings = new Map<number, GrantMapping>();
  private readonly mapCount = new Map<number, { readers: number; writers: number }>();
  private nextHandle = 1;
  /** Maps and copies granted (for the cost model and the chapter's counters). */
  grantOps = 0;

  /**
   * The table of domain `owner`, `entries` long, at guest-physical `base`
   * in `memory`, the owner's RAM.
   */
  constructor(readonly memory: GuestMemory, readonly base: number, readonly entries: number, readonly owner: number) {
    if (!memory.inRam(base, entries * GRANT_ENTRY_BYTES)) throw new RangeError(`grant table of domain ${owner}: ${entries} entries at 0x${base.toString(16)} are outside RAM`);
  }

  private entryAddress(ref: number): number {
    return this.base + ref * GRANT_ENTRY_BYTES;
  }

  /** The entry as the guest wrote it (one read of each field). */
  entry(ref: number): { flags: number; domid: number; frame: number } {
    const a = this.entryAddress(ref);
    const head = this.memory.readWord(a);
    return { flags: head & 0xffff, domid: head >>> 16, frame: this.memory.readWord(a + 4) };
  }

  // The granting guest's side (what its kernel writes into its own table).

  /** gnttab_grant_foreign_access_ref: frame and domid first, then flags (the header's order). */
  grantAccess(ref: number, grantee: number, frame: number, readonly: boolean): void {
    this.checkRef(ref);
    const a = this.entryAddress(ref);
    this.memory.writeWord(a + 4, frame >>> 0);
    this.memory.writeWord(a, ((grantee & 0xffff) << 16) | GTF.permit_access | (readonly ? GTF.readonly : 0));
  }

  /** gnttab_end_foreign_access_ref: revoke, unless the grantee has it mapped. */
  endAccess(ref: number): boolean {
    this.checkRef(ref);
    const { flags, domid } = this.entry(ref);
    if ((flags & (GTF.reading | GTF.writing)) !== 0) return false;
    this.memory.writeWord(this.entryAddress(ref), domid << 16);
    return true;
  }

  // The hypervisor's side, on behalf of grantee domain `grantee`.

  /** GNTTABOP_map_grant_ref: a handle on the page, or why not. */
  map(ref: number, grantee: number, writable: boolean): GrantMapping | GrantRefusal {
    const checked = this.check(ref, grantee, writable);
    if ("status" in checked) return checked;
    const count = this.mapCount.get(ref) ?? { readers: 0, writers: 0 };
    if (writable) count.writers++;
    else count.readers++;
    this.mapCount.set(ref, count);
    this.setInUse(ref, count);
    const mapping: GrantMapping = { handle: this.nextHandle++, ref, frame: checked.frame, writable };
    this.mappings.set(mapping.handle, mapping);
    this.grantOps++;
    return mapping;
  }

  /** GNTTABOP_unmap_grant_ref. */
  unmap(handle: number): GrantStatus {
    const mapping = this.mappings.get(handle);
    if (mapping === undefined) return GNTST.bad_handle;
    this.mappings.delete(handle);
    const count = this.mapCount.get(mapping.ref) ?? { readers: 0, writers: 0 };
    if (mapping.writable) count.writers--;
    else count.readers--;
    this.setInUse(mapping.ref, count);
    return GNTST.okay;
  }

  /** Bytes of a live mapping: the only way a mapped page is read. */
  readMapped(mapping: GrantMapping, offset: number, length: number): Uint8Array {
    this.checkLive(mapping, offset, length);
    return this.memory.readBytes(mapping.frame * PAGE_SIZE + offset, length);
  }

  writeMapped(mapping: GrantMapping, offset: number, data: Uint8Array): void {
    this.checkLive(mapping, offset, data.length);
    if (!mapping.writable) throw new Error(`grant handle ${mapping.handle}: a read-only mapping was written (a backend bug)`);
    this.memory.writeBytes(mapping.frame * PAGE_SIZE + offset, data);
  }

  /**
   * GNTTABOP_copy from the granted page (`toGuest` false) or into it: the
   * entry is checked for this one copy and released at once. A copy that
   * would cross the page is refused ("copy arguments cross page boundary").
   */
  copy(ref: number, grantee: number, offset: number, data: Uint8Array, toGuest: boolean): GrantRefusal | undefined;
  copy(ref: number, grantee: number, offset: number, length: number, toGuest: false): Uint8Array | GrantRefusal;
  copy(ref: number, grantee: number, offset: number, what: Uint8Array | number, toGuest: boolean): Uint8Array | GrantRefusal | undefined {
    const length = typeof what === "number" ? what : what.length;
    if (!Number.isInteger(offset) || offset < 0 || length < 0 || offset + length > PAGE_SIZE) {
      return { status: GNTST.bad_copy_arg, reason: `grant ${ref} of domain ${this.owner}: bytes ${offset}..${offset + length} cross the page` };
    }
    const checked = this.check(ref, grantee, toGuest);
    if ("status" in checked) return checked;
    this.grantOps++;
    const pa = checked.frame * PAGE_SIZE + offset;
    if (typeof what === "number") return this.memory.readBytes(pa, length);
    this.memory.writeBytes(pa, what);
    return undefined;
  }

  /** Live mappings (the fuzz test checks none are left behind a disconnect). */
  get liveMappings(): number {
    return this.mappings.size;
  }

  private check(ref: number, grantee: number, write: boolean): { frame: number } | GrantRefusal {
    const where = `grant ${ref} of domain ${this.owner}`;
    if (!Number.isInteger(ref) || ref < 0 || ref >= this.entries) {
      return { status: GNTST.bad_gntref, reason: `${where}: no such entry (the table has ${this.entries})` };
    }
    const { flags, domid, frame } = this.entry(ref);
    if ((flags & GTF.type_mask) !== GTF.permit_access) return { status: GNTST.bad_gntref, reason: `${where}: not a permit_access grant (flags 0x${flags.toString(16)})` };
    if (domid !== grantee) return { status: GNTST.permission_denied, reason: `${where}: granted to domain ${domid}, not ${grantee}` };
    if (write && (flags & GTF.readonly) !== 0) return { status: GNTST.permission_denied, reason: `${where}: read-only, and the access writes` };
    if (!this.memory.inRam(frame * PAGE_SIZE, PAGE_SIZE)) return { status: GNTST.bad_page, reason: `${where}: frame 0x${frame.toString(16)} is outside the domain's memory` };
    return { frame };
  }

  private setInUse(ref: number, count: { readers: number; writers: number }): void {
    const a = this.entryAddress(ref);
    let head = this.memory.readWord(a) & ~(GTF.reading | GTF.writing);
    if (count.readers + count.writers > 0) head |= GTF.reading;
    if (count.writers > 0) head |= GTF.writing;
    this.memory.writeWord(a, head);
  }

  private checkLive(mapping: GrantMapping, offset: number, length: number): void {
    if (this.mappings.get(mapping.handle) !== mapping) throw new Error(`grant handle ${mapping.handle}: used after unmap (a backend bug)`);
    if (offset < 0 || length < 0 || offset + length > PAGE_SIZE) throw new Error(`grant handle ${mapping.handle}: bytes ${offset}..${offset + length} outside the page`);
  }

  private checkRef(ref: number): void {
    if (!Number.isInteger(ref) || ref < 0 || ref >= this.entries) throw new RangeError(`grant ref ${ref}: the table of domain ${this.owner} has ${this.entries} entries`);
  }
}

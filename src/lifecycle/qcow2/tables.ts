/**
 * L1 and L2 entries (qcow2.txt "Cluster mapping"). A guest offset maps to
 * the file through two tables:
 *
 *   l2_entries = cluster_size / 8
 *   l2_index   = (offset / cluster_size) % l2_entries
 *   l1_index   = (offset / cluster_size) / l2_entries
 *
 * L1 table entry (64 bits):        L2 table entry (64 bits):
 *   bit 63     COPIED: refcount 1    bit 63     COPIED: a standard cluster whose refcount is exactly one
 *   bits 56-62 reserved (0)          bit 62     compressed cluster
 *   bits 9-55  L2 table offset       bits 0-61  cluster descriptor; for a standard cluster:
 *   bits 0-8   reserved (0)                       bits 56-61 reserved, bits 9-55 host cluster offset,
 *                                                 bits 1-8 reserved, bit 0 "the cluster reads as all zeros"
 *
 * "If the offset is 0 and bit 63 is clear, the cluster is unallocated"; an
 * unallocated cluster reads from the backing file, a zero one does not.
 * Each entry is read as two 32-bit halves: `hi` holds the flags and offset
 * bits 32-55, `lo` offset bits 9-31 and the zero bit.
 */
import { putU32, u32 } from "./bytes";

const COPIED = 0x8000_0000; // bit 63, in hi
const COMPRESSED = 0x4000_0000; // bit 62, in hi
const HI_OFFSET = 0x00ff_ffff; // bits 32-55
const LO_OFFSET = 0xffff_fe00; // bits 9-31
const ZERO = 1; // bit 0
/** Reserved bits of a standard L2 entry: 56-61 (hi) and 1-8 (lo). */
const L2_RESERVED_HI = 0x3f00_0000;
const L2_RESERVED_LO = 0x0000_01fe;
/** Reserved bits of an L1 entry: 56-62 (hi) and 0-8 (lo). */
const L1_RESERVED_HI = 0x7f00_0000;
const L1_RESERVED_LO = 0x0000_01ff;

export type L2Entry =
  | { readonly kind: "unallocated" }
  | { readonly kind: "zero"; readonly offset: number; readonly copied: boolean }
  | { readonly kind: "standard"; readonly offset: number; readonly copied: boolean }
  | { readonly kind: "compressed" }
  | { readonly kind: "reserved"; readonly bits: string };

export interface L1Entry {
  /** The L2 table's offset in the file; 0 when the table is unallocated. */
  readonly offset: number;
  readonly copied: boolean;
  /** Reserved bits that are set, as hex, when any are. */
  readonly reserved?: string;
}

const offsetOf = (hi: number, lo: number): number => (hi & HI_OFFSET) * 0x1_0000_0000 + ((lo & LO_OFFSET) >>> 0);

export function decodeL1(table: Uint8Array, index: number): L1Entry {
  const hi = u32(table, index * 8);
  const lo = u32(table, index * 8 + 4);
  const reservedHi = hi & L1_RESERVED_HI;
  const reservedLo = lo & L1_RESERVED_LO;
  const entry = { offset: offsetOf(hi, lo), copied: (hi & COPIED) !== 0 };
  return reservedHi || reservedLo ? { ...entry, reserved: hex64(reservedHi, reservedLo) } : entry;
}

export function encodeL1(table: Uint8Array, index: number, offset: number, copied: boolean): void {
  putU32(table, index * 8, (Math.floor(offset / 0x1_0000_0000) | (copied ? COPIED : 0)) >>> 0);
  putU32(table, index * 8 + 4, offset >>> 0);
}

export function decodeL2(table: Uint8Array, index: number, version: 2 | 3): L2Entry {
  const hi = u32(table, index * 8);
  const lo = u32(table, index * 8 + 4);
  if (hi & COMPRESSED) return { kind: "compressed" };
  const reservedLo = lo & (version === 2 ? L2_RESERVED_LO | ZERO : L2_RESERVED_LO);
  if (hi & L2_RESERVED_HI || reservedLo) return { kind: "reserved", bits: hex64(hi & L2_RESERVED_HI, reservedLo) };
  const offset = offsetOf(hi, lo);
  const copied = (hi & COPIED) !== 0;
  if (lo & ZERO) return { kind: "zero", offset, copied };
  if (offset === 0 && !copied) return { kind: "unallocated" };
  return { kind: "standard", offset, copied };
}

/** A standard entry (offset and COPIED), a zero one (`zero`), or unallocated (offset 0). */
export function encodeL2(table: Uint8Array, index: number, offset: number, copied: boolean, zero = false): void {
  putU32(table, index * 8, (Math.floor(offset / 0x1_0000_0000) | (copied ? COPIED : 0)) >>> 0);
  putU32(table, index * 8 + 4, ((offset >>> 0) | (zero ? ZERO : 0)) >>> 0);
}

/** The 8 bytes of one entry, to write it alone. */
export function entryBytes(table: Uint8Array, index: number): Uint8Array {
  return table.slice(index * 8, index * 8 + 8);
}

function hex64(hi: number, lo: number): string {
  return `0x${hi.toString(16).padStart(8, "0")}${(lo >>> 0).toString(16).padStart(8, "0")}`;
}

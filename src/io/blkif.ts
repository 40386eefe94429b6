/**
 * The block device's ring entries (xen/include/public/io/blkif.h), in the
 * x86_64 ABI ("x86_64-abi" in io/protocols.h): toy32 is little-endian like
 * x86, and 64-bit fields sit at multiples of 8 as gcc lays them out there.
 *
 *   struct blkif_request                         112 bytes
 *     +0   uint8_t  operation     BLKIF_OP_???
 *     +1   uint8_t  nr_segments   number of segments
 *     +2   uint16_t handle        "only for read/write requests"
 *     +4   (4 bytes of padding: id is 64-bit aligned)
 *     +8   uint64_t id            "private guest value, echoed in resp"
 *     +16  uint64_t sector_number "start sector idx on disk (r/w only)"
 *     +24  struct blkif_request_segment seg[11], 8 bytes each:
 *            +0 grant_ref_t gref  "reference to I/O buffer frame"
 *            +4 uint8_t first_sect, +5 uint8_t last_sect (inclusive), +6 pad
 *
 *   struct blkif_response                        16 bytes
 *     +0   uint64_t id            "copied from request"
 *     +8   uint8_t  operation     "copied from request"
 *     +10  int16_t  status        BLKIF_RSP_???
 *
 * A ring entry is the union of the two (112 bytes), so a 4 KiB page holds
 * (4096 - 64) / 112 = 36 entries, rounded down to 32 (ring.ts).
 */
import type { GuestMemory } from "./guest-memory";
import { SharedRing } from "./ring";

export const BLKIF_OP = { READ: 0, WRITE: 1, WRITE_BARRIER: 2, FLUSH_DISKCACHE: 3, DISCARD: 5 } as const;
/** "STATUS RETURN CODES": EOPNOTSUPP "only happens on barrier writes", ERROR is -EIO. */
export const BLKIF_RSP = { OKAY: 0, ERROR: -1, EOPNOTSUPP: -2 } as const;
/** "This is carefully chosen so that sizeof(blkif_ring_t) <= PAGE_SIZE." */
export const BLKIF_MAX_SEGMENTS_PER_REQUEST = 11;
/** blkif.h's sectors are 512 bytes unless "feature-large-sector-size" says otherwise. */
export const BLKIF_SECTOR_BYTES = 512;
export const BLKIF_REQUEST_BYTES = 112;
export const BLKIF_RESPONSE_BYTES = 16;
export const BLKIF_ENTRY_BYTES = BLKIF_REQUEST_BYTES;

export const BLKIF_REQUEST_OFFSET = { OPERATION: 0, NR_SEGMENTS: 1, HANDLE: 2, ID: 8, SECTOR: 16, SEG: 24 } as const;
export const BLKIF_SEGMENT_BYTES = 8;
export const BLKIF_RESPONSE_OFFSET = { ID: 0, OPERATION: 8, STATUS: 10 } as const;

export interface BlkifSegment {
  readonly gref: number;
  readonly firstSect: number;
  readonly lastSect: number;
}

export interface BlkifRequest {
  readonly operation: number;
  readonly handle: number;
  readonly id: bigint;
  readonly sector: bigint;
  readonly segments: readonly BlkifSegment[];
}

/** A request exactly as the ring holds it: nr_segments is kept even when out of range. */
export interface RawBlkifRequest extends BlkifRequest {
  readonly nrSegments: number;
}

export interface BlkifResponse {
  readonly id: bigint;
  readonly operation: number;
  readonly status: number;
}

export function readU64(memory: GuestMemory, pa: number): bigint {
  return (BigInt(memory.readWord(pa + 4)) << 32n) | BigInt(memory.readWord(pa));
}

export function writeU64(memory: GuestMemory, pa: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  memory.writeWord(pa, Number(v & 0xffffffffn));
  memory.writeWord(pa + 4, Number(v >> 32n));
}

function readU16(memory: GuestMemory, pa: number): number {
  return memory.readByte(pa) | (memory.readByte(pa + 1) << 8);
}

function writeU16(memory: GuestMemory, pa: number, value: number): void {
  memory.writeByte(pa, value & 0xff);
  memory.writeByte(pa + 1, (value >>> 8) & 0xff);
}

/** Writes `request` into the slot at `pa` (the front end's RING_GET_REQUEST and fill). */
export function writeBlkifRequest(memory: GuestMemory, pa: number, request: BlkifRequest): void {
  if (request.segments.length > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
    throw new RangeError(`blkif request ${request.id}: ${request.segments.length} segments, at most ${BLKIF_MAX_SEGMENTS_PER_REQUEST}`);
  }
  for (let i = 0; i < BLKIF_REQUEST_BYTES; i++) memory.writeByte(pa + i, 0);
  memory.writeByte(pa + BLKIF_REQUEST_OFFSET.OPERATION, request.operation & 0xff);
  memory.writeByte(pa + BLKIF_REQUEST_OFFSET.NR_SEGMENTS, request.segments.length);
  writeU16(memory, pa + BLKIF_REQUEST_OFFSET.HANDLE, request.handle);
  writeU64(memory, pa + BLKIF_REQUEST_OFFSET.ID, request.id);
  writeU64(memory, pa + BLKIF_REQUEST_OFFSET.SECTOR, request.sector);
  request.segments.forEach((s, i) => {
    const seg = pa + BLKIF_REQUEST_OFFSET.SEG + i * BLKIF_SEGMENT_BYTES;
    memory.writeWord(seg, s.gref >>> 0);
    memory.writeByte(seg + 4, s.firstSect & 0xff);
    memory.writeByte(seg + 5, s.lastSect & 0xff);
  });
}

/**
 * RING_COPY_REQUEST: one read of every byte of the slot into a private
 * copy, "so all processing is done on a local copy that cannot be modified
 * by the other end" (the fix for XSA-155). nr_segments is returned as
 * read; at most 11 segments are decoded, and the caller rejects more.
 */
export function copyBlkifRequest(memory: GuestMemory, pa: number): RawBlkifRequest {
  const bytes = memory.readBytes(pa, BLKIF_REQUEST_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nrSegments = view.getUint8(BLKIF_REQUEST_OFFSET.NR_SEGMENTS);
  const segments: BlkifSegment[] = [];
  for (let i = 0; i < Math.min(nrSegments, BLKIF_MAX_SEGMENTS_PER_REQUEST); i++) {
    const seg = BLKIF_REQUEST_OFFSET.SEG + i * BLKIF_SEGMENT_BYTES;
    segments.push({ gref: view.getUint32(seg, true), firstSect: view.getUint8(seg + 4), lastSect: view.getUint8(seg + 5) });
  }
  return {
    operation: view.getUint8(BLKIF_REQUEST_OFFSET.OPERATION),
    nrSegments,
    handle: view.getUint16(BLKIF_REQUEST_OFFSET.HANDLE, true),
    id: view.getBigUint64(BLKIF_REQUEST_OFFSET.ID, true),
    sector: view.getBigUint64(BLKIF_REQUEST_OFFSET.SECTOR, true),
    segments,
  };
}

export function writeBlkifResponse(memory: GuestMemory, pa: number, response: BlkifResponse): void {
  for (let i = 0; i < BLKIF_RESPONSE_BYTES; i++) memory.writeByte(pa + i, 0);
  writeU64(memory, pa + BLKIF_RESPONSE_OFFSET.ID, response.id);
  memory.writeByte(pa + BLKIF_RESPONSE_OFFSET.OPERATION, response.operation & 0xff);
  writeU16(memory, pa + BLKIF_RESPONSE_OFFSET.STATUS, response.status & 0xffff);
}

/** RING_COPY_RESPONSE for the front end. */
export function copyBlkifResponse(memory: GuestMemory, pa: number): BlkifResponse {
  const status = readU16(memory, pa + BLKIF_RESPONSE_OFFSET.STATUS);
  return {
    id: readU64(memory, pa + BLKIF_RESPONSE_OFFSET.ID),
    operation: memory.readByte(pa + BLKIF_RESPONSE_OFFSET.OPERATION),
    status: status >= 0x8000 ? status - 0x10000 : status,
  };
}

/** DEFINE_RING_TYPES(blkif, ...): the blkif_sring_t in the page at `base`. */
export function blkifSharedRing(memory: GuestMemory, base: number): SharedRing {
  return new SharedRing(memory, base, BLKIF_ENTRY_BYTES);
}

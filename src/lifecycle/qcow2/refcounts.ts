/**
 * Reference counts of host clusters (qcow2.txt "Host cluster management"):
 * "A refcount of 0 means that the cluster is free, 1 means that it is
 * used, and >= 2 means that it is used and any write access must perform
 * a COW (copy on write) operation." Two levels, like the L1/L2 tables:
 *
 *   refcount_block_entries = (cluster_size * 8 / refcount_bits)
 *   refcount_block_index   = (offset / cluster_size) % refcount_block_entries
 *   refcount_table_index   = (offset / cluster_size) / refcount_block_entries
 *
 *   refcount table entry: bits 9-63 the refcount block's offset (cluster
 *   aligned; 0: not allocated, every refcount it would hold is 0), bits
 *   0-8 reserved.
 *   refcount block entry: refcount_bits wide (1 << refcount_order; 16 by
 *   default), big-endian; "If refcount_bits implies a sub-byte width, note
 *   that bit 0 means the least significant bit".
 *
 * New clusters are taken at the end of the file. A refcount block that is
 * missing is placed there too, first, so it usually counts itself; a full
 * refcount table is copied to a larger one at the end of the file and the
 * header pointed at it.
 */
import { putU64, u32, u64 } from "./bytes";
import { Qcow2Error, hex } from "./errors";
import type { Storage } from "../storage";

export interface RefcountLayout {
  readonly file: string;
  readonly clusterBits: number;
  readonly refcountOrder: number;
  readonly tableOffset: number;
  readonly tableClusters: number;
}

export class Refcounts {
  private table: Uint8Array;
  private tableOffset: number;
  private tableClusters: number;
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly cs: number;
  private readonly bits: number;
  /** Refcounts one block holds. */
  readonly perBlock: number;
  /** The next cluster index to allocate: the end of the file. */
  private end: number;
  /** While the table moves, its entries are written when it lands. */
  private moving = false;

  constructor(
    private readonly storage: Storage,
    layout: RefcountLayout,
    /** Called when the table moves, to rewrite the header's two fields. */
    private readonly onTableMoved: (offset: number, clusters: number) => void,
  ) {
    this.cs = 2 ** layout.clusterBits;
    this.bits = 2 ** layout.refcountOrder;
    this.perBlock = (this.cs * 8) / this.bits;
    this.tableOffset = layout.tableOffset;
    this.tableClusters = layout.tableClusters;
    this.table = storage.read(layout.tableOffset, layout.tableClusters * this.cs);
    this.end = Math.ceil(storage.length() / this.cs);
    this.checkTable(layout.file);
  }

  /** Every refcount block's offset is a cluster boundary inside the file, reserved bits clear. */
  private checkTable(file: string): void {
    const fileLength = this.storage.length();
    for (let i = 0; i < this.entries(); i++) {
      const raw = u64(this.table, i * 8);
      if (raw === 0) continue;
      const at = this.tableOffset + i * 8;
      if (!Number.isSafeInteger(raw) || raw % this.cs !== 0) throw new Qcow2Error(file, `refcount table entry ${i}`, at, `${Number.isSafeInteger(raw) ? hex(raw) : "a value past 2^53"} is not a cluster boundary (or has reserved bits 0-8 set)`);
      if (raw + this.cs > fileLength) throw new Qcow2Error(file, `refcount table entry ${i}`, at, `the refcount block at ${hex(raw)} is past the end of the file (${fileLength} bytes)`);
    }
  }

  /** Entries in the refcount table. */
  entries(): number {
    return this.table.length / 8;
  }

  /** The refcount block offsets, with their table index (for the consistency check). */
  blockOffsets(): { index: number; offset: number }[] {
    const out: { index: number; offset: number }[] = [];
    for (let i = 0; i < this.entries(); i++) {
      const offset = u64(this.table, i * 8);
      if (offset !== 0) out.push({ index: i, offset });
    }
    return out;
  }

  tableLocation(): { offset: number; clusters: number } {
    return { offset: this.tableOffset, clusters: this.tableClusters };
  }

  /** The refcount of host cluster `cluster` (its index: offset / cluster size). */
  get(cluster: number): number {
    const block = this.block(Math.floor(cluster / this.perBlock));
    return block ? readEntry(block, cluster % this.perBlock, this.bits) : 0;
  }

  /** Where cluster `cluster`'s refcount is stored in the file (its refcount table entry when it has no block). */
  entryLocation(cluster: number): number {
    const index = Math.floor(cluster / this.perBlock);
    const offset = this.blockOffset(index);
    if (offset === 0) return this.tableOffset + Math.min(index, this.entries() - 1) * 8;
    return offset + Math.floor(((cluster % this.perBlock) * this.bits) / 8);
  }

  /** Sets a refcount, allocating its refcount block when it has none. */
  set(cluster: number, value: number): void {
    if (value >= 2 ** Math.min(this.bits, 53)) throw new Error(`refcount ${value} does not fit ${this.bits} bits`);
    const index = Math.floor(cluster / this.perBlock);
    const block = this.block(index) ?? this.placeBlock(index);
    writeEntry(block, cluster % this.perBlock, this.bits, value);
    const byte = Math.floor(((cluster % this.perBlock) * this.bits) / 8);
    const width = Math.max(1, this.bits / 8);
    this.storage.write(this.blockOffset(index) + byte, block.subarray(byte, byte + width));
  }

  /** Sets the refcounts of `count` clusters from `first`, whose blocks exist, with one write a block. */
  private setRun(first: number, count: number, value: number): void {
    for (let c = first; c < first + count; ) {
      const index = Math.floor(c / this.perBlock);
      const end = Math.min(first + count, (index + 1) * this.perBlock);
      const block = this.block(index);
      if (!block) throw new Error(`refcount block ${index} is missing`);
      for (let k = c; k < end; k++) writeEntry(block, k % this.perBlock, this.bits, value);
      const from = Math.floor(((c % this.perBlock) * this.bits) / 8);
      const to = Math.ceil((((end - 1) % this.perBlock) + 1) * this.bits / 8);
      this.storage.write(this.blockOffset(index) + from, block.subarray(from, to));
      c = end;
    }
  }

  /** `count` contiguous new clusters at the end of the file, each with refcount 1: the first one's offset. */
  allocate(count = 1): number {
    for (;;) {
      const start = this.end;
      const missing = this.firstMissingBlock(start, count);
      if (missing === undefined) {
        this.end = start + count;
        this.setRun(start, count, 1);
        return start * this.cs;
      }
      this.placeBlock(missing);
    }
  }

  private firstMissingBlock(start: number, count: number): number | undefined {
    for (let r = Math.floor(start / this.perBlock); r <= Math.floor((start + count - 1) / this.perBlock); r++) {
      if (!this.block(r)) return r;
    }
    return undefined;
  }

  private blockOffset(index: number): number {
    return index < this.entries() ? u64(this.table, index * 8) : 0;
  }

  private block(index: number): Uint8Array | undefined {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const offset = this.blockOffset(index);
    if (offset === 0) return undefined;
    const block = this.storage.read(offset, this.cs);
    this.blocks.set(index, block);
    return block;
  }

  /** A new, empty refcount block for table entry `index`, at the end of the file. */
  private placeBlock(index: number): Uint8Array {
    if (index >= this.entries()) {
      this.grow(index + 1);
      const placed = this.block(index); // growing may have placed it, for the new table's own clusters
      if (placed) return placed;
    }
    const at = this.end++;
    const block = new Uint8Array(this.cs);
    this.storage.write(at * this.cs, block);
    this.blocks.set(index, block);
    putU64(this.table, index * 8, at * this.cs);
    if (!this.moving) this.storage.write(this.tableOffset + index * 8, this.table.subarray(index * 8, index * 8 + 8));
    this.set(at, 1); // the block counts itself when it covers itself, else its own block is found or placed
    return block;
  }

  /** Moves the table to the end of the file with room for `entries` entries, then frees the old one. */
  private grow(entries: number): void {
    const clusters = Math.max(this.tableClusters * 2, Math.ceil((entries * 8) / this.cs));
    const old = { offset: this.tableOffset, clusters: this.tableClusters };
    const bigger = new Uint8Array(clusters * this.cs);
    bigger.set(this.table);
    this.table = bigger;
    this.moving = true;
    const offset = this.allocate(clusters);
    this.moving = false;
    this.tableOffset = offset;
    this.tableClusters = clusters;
    this.storage.write(offset, this.table);
    this.onTableMoved(offset, clusters);
    for (let c = 0; c < old.clusters; c++) this.set(old.offset / this.cs + c, 0);
  }
}

/** Refcount entry `i` of a block, `bits` wide. */
export function readEntry(block: Uint8Array, i: number, bits: number): number {
  if (bits < 8) {
    const bit = i * bits;
    return (block[bit >> 3] >> (bit & 7)) & ((1 << bits) - 1);
  }
  const at = (i * bits) / 8;
  if (bits === 8) return block[at];
  if (bits === 16) return (block[at] << 8) | block[at + 1];
  if (bits === 32) return u32(block, at);
  const v = u64(block, at);
  return Number.isNaN(v) ? Number.MAX_SAFE_INTEGER : v;
}

export function writeEntry(block: Uint8Array, i: number, bits: number, value: number): void {
  if (bits < 8) {
    const bit = i * bits;
    const mask = ((1 << bits) - 1) << (bit & 7);
    block[bit >> 3] = (block[bit >> 3] & ~mask) | ((value << (bit & 7)) & mask);
    return;
  }
  const at = (i * bits) / 8;
  for (let k = bits / 8 - 1, v = value; k >= 0; k--, v = Math.floor(v / 256)) block[at + k] = v % 256;
}

/**
 * A qcow2 image as a block device: reads walk L1 -> L2 -> cluster, and an
 * unallocated cluster reads from the backing file ("If a cluster is
 * unallocated, read requests shall read the data from the backing file
 * (except if bit 0 in the Standard Cluster Descriptor is set). If there is
 * no backing file or the backing file is smaller than the image, they
 * shall read zeros").
 *
 * A write goes in place only into a cluster whose L2 entry has COPIED set
 * (refcount exactly one). Any other cluster is copied on write: a new
 * cluster at the end of the file gets its refcount, then the old contents
 * (this image's, the backing file's, or zeros) with the write laid over
 * them, then the L2 entry, in that order, so a crash between two steps
 * leaks a cluster rather than pointing at garbage. A shared L2
 * table (a snapshot's) is copied the same way before it is changed. A
 * whole cluster of zeros over a backing file is recorded with the
 * version 3 "reads as all zeros" bit instead of being stored.
 */
import { checkRange, type BlockDevice } from "../block-device";
import type { Storage } from "../storage";
import { isZero } from "./bytes";
import { checkConsistency, type CheckReport } from "./check";
import { Qcow2Error } from "./errors";
import { FIELD, INCOMPATIBLE, MAX_CLUSTER_BITS, clusterSize, decodeHeader, l2Entries, writeRefcountTableLocation, type Qcow2Header } from "./header";
import { Refcounts } from "./refcounts";
import { readSnapshots } from "./snapshots";
import { decodeL1, decodeL2, encodeL1, encodeL2, entryBytes } from "./tables";

export interface OpenOptions {
  readonly writable?: boolean;
  /** The backing device, opened by the caller (chain.ts), for an image that names one. */
  readonly backing?: BlockDevice;
}

export class Qcow2Image implements BlockDevice {
  private current: Qcow2Header;
  readonly report: CheckReport;
  private readonly cs: number;
  private readonly perL2: number;
  private readonly l1: Uint8Array;
  private readonly l2Cache = new Map<number, Uint8Array>();
  private readonly refcounts: Refcounts;

  private constructor(
    readonly file: string,
    private readonly storage: Storage,
    header: Qcow2Header,
    readonly writable: boolean,
    readonly backing: BlockDevice | undefined,
  ) {
    this.current = header;
    this.cs = clusterSize(header);
    this.perL2 = l2Entries(header);
    this.l1 = storage.read(header.l1TableOffset, header.l1Size * 8);
    const layout = { file, clusterBits: header.clusterBits, refcountOrder: header.refcountOrder, tableOffset: header.refcountTableOffset, tableClusters: header.refcountTableClusters };
    this.refcounts = new Refcounts(storage, layout, (offset, clusters) => {
      writeRefcountTableLocation(storage, offset, clusters);
      this.current = { ...this.current, refcountTableOffset: offset, refcountTableClusters: clusters };
    });
    const dirty = (header.incompatibleFeatures & (1n << BigInt(INCOMPATIBLE.DIRTY))) !== 0n;
    this.report = checkConsistency({ file, storage, header, refcounts: this.refcounts, l1: this.l1, snapshots: readSnapshots(file, storage, header), refcountsTrusted: !dirty });
  }

  /** Reads the header of `storage`, checks the whole image, and opens it. Writes nothing unless `writable` and a write is made. */
  static open(storage: Storage, options: OpenOptions = {}): Qcow2Image {
    const file = storage.name;
    const header = decodeHeader(file, storage.read(0, Math.min(storage.length(), 2 ** MAX_CLUSTER_BITS)), storage.length());
    const writable = options.writable === true;
    if (writable) refuseWrites(file, header);
    if (header.backingFile !== undefined && options.backing === undefined) throw new Error(`${file}: its backing file ${header.backingFile} must be opened first (chain.ts)`);
    const image = new Qcow2Image(file, storage, header, writable, options.backing);
    if (writable && header.autoclearFeatures !== 0n) storage.write(FIELD.autoclear_features, new Uint8Array(8)); // "clears the respective bits from this field first"
    return image;
  }

  /** The header as it is in the file (the refcount table's place changes when the table grows). */
  get header(): Qcow2Header {
    return this.current;
  }

  get size(): number {
    return this.current.size;
  }

  get clusterSize(): number {
    return this.cs;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this.file, this.size, offset, length);
    const out = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const at = offset + done;
      const within = at % this.cs;
      const n = Math.min(this.cs - within, length - done);
      out.set(this.readInCluster(at - within, within, n), done);
      done += n;
    }
    return out;
  }

  write(offset: number, data: Uint8Array): void {
    if (!this.writable) throw new Error(`${this.file} was opened read-only`);
    checkRange(this.file, this.size, offset, data.length);
    for (let done = 0; done < data.length; ) {
      const at = offset + done;
      const within = at % this.cs;
      const run = within === 0 ? this.newClustersAhead(at, data, done) : 0;
      if (run > 1) {
        this.writeNewRun(at, data.subarray(done, done + run * this.cs), run);
        done += run * this.cs;
        continue;
      }
      const n = Math.min(this.cs - within, data.length - done);
      this.writeInCluster(at - within, within, data.subarray(done, done + n));
      done += n;
    }
  }

  /**
   * How many whole clusters from guest offset `at` (data from `done`) are
   * unallocated here, under one L2 table, and not all zeros: they can go
   * to contiguous new clusters with one data write, one refcount write and
   * one L2 write (as a sequential import or a guest's big write does).
   */
  private newClustersAhead(at: number, data: Uint8Array, done: number): number {
    const { l1Index, l2Index } = this.indexes(at);
    const l1 = decodeL1(this.l1, l1Index);
    const table = l1.offset === 0 ? undefined : this.l2(l1.offset);
    let run = 0;
    while (run < MAX_RUN && l2Index + run < this.perL2 && done + (run + 1) * this.cs <= data.length) {
      if (table && decodeL2(table, l2Index + run, this.header.version).kind !== "unallocated") break;
      if (isZero(data.subarray(done + run * this.cs, done + (run + 1) * this.cs))) break;
      run++;
    }
    return run;
  }

  private writeNewRun(at: number, bytes: Uint8Array, run: number): void {
    const { l1Index, l2Index } = this.indexes(at);
    const l2Offset = this.l2ForWrite(l1Index);
    const table = this.l2(l2Offset);
    const first = this.refcounts.allocate(run);
    this.storage.write(first, bytes);
    for (let j = 0; j < run; j++) encodeL2(table, l2Index + j, first + j * this.cs, true);
    this.storage.write(l2Offset + l2Index * 8, table.slice(l2Index * 8, (l2Index + run) * 8));
  }

  /**
   * From guest offset `offset`, how many bytes (at most `limit`, at least
   * one when inside the disk) share one status: `data` when they may hold
   * data (a cluster of this image's, or of a backing file's), false when
   * they read as zeros (unallocated down the whole chain, or marked zero).
   * A whole unallocated L2 span is one step, so a sparse terabyte is quick.
   */
  extent(offset: number, limit: number): { data: boolean; length: number } {
    const end = Math.min(this.size, offset + limit);
    let at = offset;
    let data: boolean | undefined;
    while (at < end) {
      const piece = this.statusAt(at, end);
      if (data === undefined) data = piece.data;
      else if (piece.data !== data) break;
      at += piece.length;
    }
    return { data: data ?? false, length: Math.max(0, at - offset) };
  }

  private statusAt(at: number, end: number): { data: boolean; length: number } {
    const { l1Index, l2Index } = this.indexes(at);
    const l1 = decodeL1(this.l1, l1Index);
    if (l1.offset === 0) return this.backingStatus(at, Math.min(end, (l1Index + 1) * this.perL2 * this.cs));
    const clusterEnd = Math.min(end, (Math.floor(at / this.cs) + 1) * this.cs);
    const e = decodeL2(this.l2(l1.offset), l2Index, this.header.version);
    if (e.kind === "unallocated") return this.backingStatus(at, clusterEnd);
    return { data: e.kind !== "zero", length: clusterEnd - at };
  }

  private backingStatus(at: number, end: number): { data: boolean; length: number } {
    const b = this.backing;
    if (!b || at >= b.size) return { data: false, length: end - at };
    if (b instanceof Qcow2Image) return b.extent(at, Math.min(end, b.size) - at);
    return { data: true, length: Math.min(end, b.size) - at };
  }

  close(): void {
    this.storage.close();
    this.backing?.close();
  }

  /** `n` bytes at `within` of the guest cluster at `guest`. */
  private readInCluster(guest: number, within: number, n: number): Uint8Array {
    const { l1Index, l2Index } = this.indexes(guest);
    const l1 = decodeL1(this.l1, l1Index);
    if (l1.offset === 0) return this.fromBacking(guest + within, n);
    const e = decodeL2(this.l2(l1.offset), l2Index, this.header.version);
    switch (e.kind) {
      case "unallocated": return this.fromBacking(guest + within, n);
      case "zero": return new Uint8Array(n);
      case "standard": return this.storage.read(e.offset + within, n);
      case "compressed":
      case "reserved": throw new Qcow2Error(this.file, `L2 entry ${l2Index}`, l1.offset + l2Index * 8, `a ${e.kind} entry`); // the open's check refuses these first
      default: return assertNever(e);
    }
  }

  private fromBacking(offset: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    const b = this.backing;
    if (b && offset < b.size) out.set(b.read(offset, Math.min(n, b.size - offset)));
    return out;
  }

  private writeInCluster(guest: number, within: number, bytes: Uint8Array): void {
    const { l1Index, l2Index } = this.indexes(guest);
    const whole = within === 0 && bytes.length === this.cs;
    if (whole && this.backing === undefined && isZero(bytes) && this.isUnallocated(l1Index, l2Index)) return; // it reads as zeros already
    const l2Offset = this.l2ForWrite(l1Index);
    const table = this.l2(l2Offset);
    const old = decodeL2(table, l2Index, this.header.version);
    if (old.kind === "standard" && old.copied) return this.storage.write(old.offset + within, bytes);
    let target = 0;
    const zero = whole && this.header.version === 3 && isZero(bytes);
    if (!zero) {
      const contents = whole ? bytes : this.readInCluster(guest, 0, this.cs);
      if (!whole) contents.set(bytes, within);
      target = this.refcounts.allocate();
      this.storage.write(target, contents);
    }
    if ((old.kind === "standard" || old.kind === "zero") && old.offset !== 0) this.release(old.offset);
    encodeL2(table, l2Index, target, target !== 0, zero);
    this.storage.write(l2Offset + l2Index * 8, entryBytes(table, l2Index));
  }

  private isUnallocated(l1Index: number, l2Index: number): boolean {
    const l1 = decodeL1(this.l1, l1Index);
    return l1.offset === 0 || decodeL2(this.l2(l1.offset), l2Index, this.header.version).kind === "unallocated";
  }

  /** The L2 table for `l1Index`, made private to this image: allocated when missing, copied when shared. */
  private l2ForWrite(l1Index: number): number {
    const e = decodeL1(this.l1, l1Index);
    if (e.offset !== 0 && e.copied) return e.offset;
    const table = e.offset === 0 ? new Uint8Array(this.cs) : this.l2(e.offset).slice();
    if (e.offset !== 0) this.unshareEntries(table);
    const target = this.refcounts.allocate();
    this.storage.write(target, table);
    this.l2Cache.set(target, table);
    if (e.offset !== 0) this.release(e.offset);
    encodeL1(this.l1, l1Index, target, true);
    this.storage.write(this.header.l1TableOffset + l1Index * 8, entryBytes(this.l1, l1Index));
    return target;
  }

  /**
   * A shared L2 table is copied before it changes. A data cluster's refcount
   * counts the L2 references to it, each L2 table once per L1 entry naming
   * it: the copy takes over one of the old table's references, so the
   * counts stay as they are, and none of its clusters is COPIED (each is
   * still named twice).
   */
  private unshareEntries(table: Uint8Array): void {
    for (let j = 0; j < this.perL2; j++) {
      const e = decodeL2(table, j, this.header.version);
      if ((e.kind === "standard" || e.kind === "zero") && e.offset !== 0) encodeL2(table, j, e.offset, false, e.kind === "zero");
    }
  }

  /** Drops one reference to the cluster at `offset`. */
  private release(offset: number): void {
    const c = offset / this.cs;
    this.refcounts.set(c, Math.max(0, this.refcounts.get(c) - 1));
  }

  private l2(offset: number): Uint8Array {
    let table = this.l2Cache.get(offset);
    if (!table) {
      table = this.storage.read(offset, this.cs);
      this.l2Cache.set(offset, table);
    }
    return table;
  }

  private indexes(guest: number): { l1Index: number; l2Index: number } {
    const cluster = Math.floor(guest / this.cs);
    return { l1Index: Math.floor(cluster / this.perL2), l2Index: cluster % this.perL2 };
  }
}

/** An image whose header forbids writing: the corrupt and dirty bits, internal snapshots vmlab does not manage. */
/** Clusters written with one data write (2 MiB of 64 KiB clusters, as qemu-img convert's buffer). */
const MAX_RUN = 32;

function refuseWrites(file: string, h: Qcow2Header): void {
  const bit = (n: number): boolean => (h.incompatibleFeatures & (1n << BigInt(n))) !== 0n;
  if (bit(INCOMPATIBLE.CORRUPT)) throw new Qcow2Error(file, "incompatible_features", FIELD.incompatible_features, "the corrupt bit is set: \"the image must not be written to\"", `repair it with \`qemu-img check -r all ${file}\``);
  if (bit(INCOMPATIBLE.DIRTY)) throw new Qcow2Error(file, "incompatible_features", FIELD.incompatible_features, "the dirty bit is set: its refcounts may be out of date", `repair it with \`qemu-img check -r all ${file}\``);
}


function assertNever(x: never): never {
  throw new Error(`unexpected L2 entry ${JSON.stringify(x)}`);
}

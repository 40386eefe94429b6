/**
 * A new, empty version 3 image, laid out as qemu-img lays out its own:
 *
 *   cluster  0: header, extensions, backing file name
 *            1: refcount table (one cluster; it grows when it must)
 *            2: refcount block 0 (counts clusters 0.. perBlock-1, itself included)
 *            3: L1 table (as many clusters as the virtual size needs), all zero
 *
 * Every cluster is taken through the refcount allocator, so the refcounts
 * are right by construction: header 1, table 1, block 1, L1 1.
 */
import type { Storage } from "../storage";
import { putU64 } from "./bytes";
import { Qcow2Error } from "./errors";
import {
  DEFAULT_CLUSTER_BITS, FIELD, MAX_CLUSTER_BITS, MAX_L1_BYTES, MIN_CLUSTER_BITS, WRITTEN_HEADER_BYTES, encodeHeader, l1EntriesFor, writeRefcountTableLocation, type Qcow2Header,
} from "./header";
import { Refcounts } from "./refcounts";

export interface CreateOptions {
  /** Virtual size in bytes. */
  readonly size: number;
  readonly clusterBits?: number;
  /** The backing file's name as it is to be stored (relative to the new image's folder, or absolute). */
  readonly backingFile?: string;
  readonly backingFormat?: "qcow2" | "raw";
}

/** The largest virtual size an L1 table of qemu's 32 MiB limit maps with clusters of 2^bits bytes. */
export function maxVirtualSize(clusterBits: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, (MAX_L1_BYTES / 8) * 2 ** clusterBits * (2 ** clusterBits / 8));
}

export function createImage(storage: Storage, options: CreateOptions): void {
  const clusterBits = options.clusterBits ?? DEFAULT_CLUSTER_BITS;
  if (!Number.isInteger(clusterBits) || clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) throw new Error(`cluster_bits ${clusterBits} is outside 9..21`);
  const cs = 2 ** clusterBits;
  if (!Number.isSafeInteger(options.size) || options.size < 0 || options.size > maxVirtualSize(clusterBits)) {
    throw new Qcow2Error(storage.name, "size", FIELD.size, `${options.size} bytes is not a virtual size from 0 to ${maxVirtualSize(clusterBits)} (clusters of ${cs} bytes)`);
  }
  const l1Size = Math.max(1, l1EntriesFor(options.size, clusterBits));
  const header: Qcow2Header = {
    version: 3, clusterBits, size: options.size, l1Size, l1TableOffset: 0, refcountTableOffset: cs, refcountTableClusters: 1,
    nbSnapshots: 0, snapshotsOffset: 0, incompatibleFeatures: 0n, compatibleFeatures: 0n, autoclearFeatures: 0n,
    refcountOrder: 4, headerLength: WRITTEN_HEADER_BYTES, backingFile: options.backingFile,
    backingFormat: options.backingFile === undefined ? undefined : options.backingFormat ?? "qcow2",
  };
  storage.write(0, encodeHeader(header));
  storage.write(cs, new Uint8Array(cs));
  const refcounts = new Refcounts(storage, { file: storage.name, clusterBits, refcountOrder: 4, tableOffset: cs, tableClusters: 1 }, (offset, clusters) =>
    writeRefcountTableLocation(storage, offset, clusters));
  refcounts.set(0, 1);
  refcounts.set(1, 1);
  const l1Clusters = Math.ceil((l1Size * 8) / cs);
  const l1Offset = refcounts.allocate(l1Clusters);
  storage.write(l1Offset, new Uint8Array(l1Clusters * cs));
  const field = new Uint8Array(8);
  putU64(field, 0, l1Offset);
  storage.write(FIELD.l1_table_offset, field);
}

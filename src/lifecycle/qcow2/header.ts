/**
 * The qcow2 header, as QEMU's docs/interop/qcow2.txt lays it out ("The
 * first cluster of a qcow2 image contains the file header"; every number
 * big-endian):
 *
 *   byte  field                    version 2 ends at 72; version 3's
 *   ----  -----------------------  header is at least 104 bytes
 *     0   magic "QFI\xfb"
 *     4   version (2 or 3)
 *     8   backing_file_offset      0: no backing file; the name is "not null terminated"
 *    16   backing_file_size        "Must not be longer than 1023 bytes"
 *    20   cluster_bits             cluster size = 1 << cluster_bits, at least 9 (qemu: at most 21)
 *    24   size                     virtual disk size in bytes
 *    32   crypt_method             0 none, 1 AES, 2 LUKS
 *    36   l1_size                  entries in the active L1 table
 *    40   l1_table_offset          cluster aligned
 *    48   refcount_table_offset    cluster aligned
 *    56   refcount_table_clusters
 *    60   nb_snapshots
 *    64   snapshots_offset         cluster aligned
 *    72   incompatible_features    "must fail to open an image if an unknown bit is set"
 *    80   compatible_features      bit 0 lazy refcounts; unknown bits ignored
 *    88   autoclear_features       unknown bits must be cleared before writing
 *    96   refcount_order           refcount_bits = 1 << refcount_order; version 2: 4
 *   100   header_length            version 3: at least 104, a multiple of 8
 *   104   compression_type         (when header_length > 104) 0 zlib, 1 zstd
 *
 * "Directly after the image header, optional sections called header
 * extensions can be stored": type (4 bytes), length (4), data, padding to
 * a multiple of 8; type 0 ends the area. The backing file name follows
 * the extensions, inside the first cluster.
 */
import { putU32, putU64, u32, u64 } from "./bytes";
import type { Storage } from "../storage";
import { Qcow2Error, hex } from "./errors";

export const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
export const V2_HEADER_BYTES = 72;
export const V3_HEADER_BYTES = 104;
/** What we write: 104 bytes, compression_type, padding to 8 (qemu 7 writes the same). */
export const WRITTEN_HEADER_BYTES = 112;
export const DEFAULT_CLUSTER_BITS = 16; // "clusters of 64 KiB by default"
export const MIN_CLUSTER_BITS = 9;
export const MAX_CLUSTER_BITS = 21; // qemu's implementation limit of 2 MB
/** qemu's limits: "32 MB as the maximum L1 table size", "8 MB as the maximum refcount table size". */
export const MAX_L1_BYTES = 32 << 20;
export const MAX_REFCOUNT_TABLE_BYTES = 8 << 20;
export const MAX_BACKING_NAME_BYTES = 1023;

export const FIELD = {
  magic: 0, version: 4, backing_file_offset: 8, backing_file_size: 16, cluster_bits: 20, size: 24, crypt_method: 32,
  l1_size: 36, l1_table_offset: 40, refcount_table_offset: 48, refcount_table_clusters: 56, nb_snapshots: 60,
  snapshots_offset: 64, incompatible_features: 72, compatible_features: 80, autoclear_features: 88, refcount_order: 96,
  header_length: 100, compression_type: 104,
} as const;

/** Header extension types (qcow2.txt "Header extensions"). */
export const EXTENSION = { END: 0, BACKING_FORMAT: 0xe2792aca, FEATURE_NAMES: 0x6803f857 } as const;

/** Incompatible feature bits: which we honour, which we know but do not implement. */
export const INCOMPATIBLE = { DIRTY: 0, CORRUPT: 1, EXTERNAL_DATA: 2, COMPRESSION_TYPE: 3, EXTENDED_L2: 4 } as const;
const UNSUPPORTED_NAMES: Record<number, string> = { 2: "external data file", 3: "compression type", 4: "extended L2 entries" };

export interface Qcow2Header {
  readonly version: 2 | 3;
  readonly clusterBits: number;
  readonly size: number;
  readonly l1Size: number;
  readonly l1TableOffset: number;
  readonly refcountTableOffset: number;
  readonly refcountTableClusters: number;
  readonly nbSnapshots: number;
  readonly snapshotsOffset: number;
  readonly incompatibleFeatures: bigint;
  readonly compatibleFeatures: bigint;
  readonly autoclearFeatures: bigint;
  readonly refcountOrder: number;
  readonly headerLength: number;
  /** The backing file's name as stored (relative names are relative to the image's folder). */
  readonly backingFile?: string;
  /** The backing format extension's string, e.g. "qcow2" or "raw". */
  readonly backingFormat?: string;
}

export const clusterSize = (h: Qcow2Header): number => 2 ** h.clusterBits;
/** "l2_entries = (cluster_size / sizeof(uint64_t))" */
export const l2Entries = (h: Qcow2Header): number => clusterSize(h) / 8;
/** L1 entries a disk of `size` bytes needs: one per L2 table's span. */
export const l1EntriesFor = (size: number, clusterBits: number): number => Math.ceil(size / (2 ** clusterBits * (2 ** clusterBits / 8)));

const big64 = (b: Uint8Array, at: number): bigint => (BigInt(u32(b, at)) << 32n) | BigInt(u32(b, at + 4));

/**
 * Decodes and checks the header from the image's first bytes (`first`
 * holds at least the first cluster, or the whole file when shorter).
 * Every field that would send a reader outside the file, or past qemu's
 * limits, is refused naming the field and its offset.
 */
export function decodeHeader(file: string, first: Uint8Array, fileLength: number): Qcow2Header {
  const bad = (field: keyof typeof FIELD, what: string): never => {
    throw new Qcow2Error(file, field, FIELD[field], what);
  };
  if (first.length < V2_HEADER_BYTES) throw new Qcow2Error(file, "header", 0, `the file has ${first.length} bytes, fewer than a qcow2 header's ${V2_HEADER_BYTES}`, "is it a qcow2 image? (`vmlab image info` reads only qcow2)");
  if (u32(first, FIELD.magic) !== QCOW2_MAGIC) throw new Qcow2Error(file, "magic", 0, `${hex(u32(first, 0))} is not qcow2's "QFI\\xfb"`, "is it a raw disk? `vmlab image import RAW OUT.qcow2` makes a qcow2 image of it");
  const version = u32(first, FIELD.version);
  if (version !== 2 && version !== 3) bad("version", `version ${version}; only qcow2 versions 2 and 3 exist`);
  const clusterBits = u32(first, FIELD.cluster_bits);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) bad("cluster_bits", `${clusterBits}; a cluster is 2^9 (512 bytes) to 2^21 (2 MiB)`);
  const cs = 2 ** clusterBits;
  const v3 = version === 3;
  if (v3 && first.length < V3_HEADER_BYTES) bad("header_length", `the file ends at ${first.length} bytes, inside the version 3 header`);
  const headerLength = v3 ? u32(first, FIELD.header_length) : V2_HEADER_BYTES;
  if (v3 && (headerLength < V3_HEADER_BYTES || headerLength % 8 !== 0 || headerLength > cs)) bad("header_length", `${headerLength}; it must be a multiple of 8 from 104 to the cluster size ${cs}`);
  const incompatibleFeatures = v3 ? big64(first, FIELD.incompatible_features) : 0n;
  checkIncompatible(file, incompatibleFeatures, first, headerLength, cs);
  if (u32(first, FIELD.crypt_method) !== 0) bad("crypt_method", `${u32(first, FIELD.crypt_method)}: encrypted images are not supported`);
  const refcountOrder = v3 ? u32(first, FIELD.refcount_order) : 4;
  if (refcountOrder > 6) bad("refcount_order", `${refcountOrder}; "This value may not exceed 6"`);
  if (v3 && headerLength > FIELD.compression_type && first[FIELD.compression_type] !== 0) bad("compression_type", `${first[FIELD.compression_type]} is set without the compression type feature bit`);

  const size = u64(first, FIELD.size);
  if (!Number.isSafeInteger(size)) bad("size", "a virtual size past 2^53 bytes");
  const l1Size = u32(first, FIELD.l1_size);
  if (l1Size * 8 > MAX_L1_BYTES) bad("l1_size", `${l1Size} entries is past qemu's limit of ${MAX_L1_BYTES / 8} (a 32 MiB L1 table)`);
  const needed = l1EntriesFor(size, clusterBits);
  if (l1Size < needed) bad("size", `${size} bytes needs an L1 table of ${needed} entries, but l1_size is ${l1Size}`);
  const l1TableOffset = u64(first, FIELD.l1_table_offset);
  checkTable(file, "l1_table_offset", l1TableOffset, l1Size * 8, cs, fileLength);
  const refcountTableOffset = u64(first, FIELD.refcount_table_offset);
  const refcountTableClusters = u32(first, FIELD.refcount_table_clusters);
  if (refcountTableClusters === 0 || refcountTableClusters * cs > MAX_REFCOUNT_TABLE_BYTES) bad("refcount_table_clusters", `${refcountTableClusters}; from 1 to qemu's limit of an 8 MiB refcount table`);
  checkTable(file, "refcount_table_offset", refcountTableOffset, refcountTableClusters * cs, cs, fileLength);
  const nbSnapshots = u32(first, FIELD.nb_snapshots);
  const snapshotsOffset = u64(first, FIELD.snapshots_offset);
  if (nbSnapshots > 65536) bad("nb_snapshots", `${nbSnapshots} is past qemu's limit of 65536`);
  if (nbSnapshots > 0) checkTable(file, "snapshots_offset", snapshotsOffset, nbSnapshots * 40, cs, fileLength);

  const { backingFile, backingFileOffset } = decodeBackingName(file, first, cs);
  const extensionsEnd = backingFileOffset > 0 ? Math.min(cs, backingFileOffset) : cs;
  const extensions = decodeExtensions(file, first, headerLength, extensionsEnd);
  return {
    version: version === 2 ? 2 : 3, clusterBits, size, l1Size, l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
    incompatibleFeatures,
    compatibleFeatures: v3 ? big64(first, FIELD.compatible_features) : 0n,
    autoclearFeatures: v3 ? big64(first, FIELD.autoclear_features) : 0n,
    refcountOrder, headerLength, backingFile,
    backingFormat: extensions.get(EXTENSION.BACKING_FORMAT)?.toString("utf8"),
  };
}

/** A table's offset: cluster aligned, and the table inside the file. */
function checkTable(file: string, field: keyof typeof FIELD, offset: number, bytes: number, cs: number, fileLength: number): void {
  if (bytes === 0) return;
  if (!Number.isSafeInteger(offset) || offset % cs !== 0 || offset === 0) {
    throw new Qcow2Error(file, field, FIELD[field], `${Number.isSafeInteger(offset) ? hex(offset) : "a value past 2^53"} is not a cluster boundary after the header (clusters of ${cs} bytes)`);
  }
  if (offset + bytes > fileLength) throw new Qcow2Error(file, field, FIELD[field], `the table at ${hex(offset)} (${bytes} bytes) runs past the end of the file (${fileLength} bytes)`);
}

function checkIncompatible(file: string, bits: bigint, first: Uint8Array, headerLength: number, cs: number): void {
  const known = (1n << BigInt(INCOMPATIBLE.DIRTY)) | (1n << BigInt(INCOMPATIBLE.CORRUPT));
  const refused = bits & ~known;
  if (refused === 0n) return;
  const bit = refused.toString(2).length - 1;
  const names = featureNames(first, headerLength, cs);
  const name = UNSUPPORTED_NAMES[bit] ?? names.get(bit) ?? "a feature this reader does not know";
  throw new Qcow2Error(file, "incompatible_features", FIELD.incompatible_features, `bit ${bit} (${name}) is set; "an implementation must fail to open an image if an unknown bit is set"`, "`qemu-img convert -O qcow2` writes a copy without it");
}

/** The feature name table's incompatible features, for messages (best effort: a damaged table gives no names). */
function featureNames(first: Uint8Array, headerLength: number, cs: number): Map<number, string> {
  const names = new Map<number, string>();
  try {
    const table = decodeExtensions("", first, headerLength, cs).get(EXTENSION.FEATURE_NAMES);
    for (let at = 0; table && at + 48 <= table.length; at += 48) {
      if (table[at] === 0) names.set(table[at + 1], table.subarray(at + 2, at + 48).toString("utf8").replace(/\0.*$/s, ""));
    }
  } catch {
    // names are only for the message
  }
  return names;
}

function decodeBackingName(file: string, first: Uint8Array, cs: number): { backingFile?: string; backingFileOffset: number } {
  const offset = u64(first, FIELD.backing_file_offset);
  if (offset === 0) return { backingFileOffset: 0 };
  const length = u32(first, FIELD.backing_file_size);
  if (length === 0 || length > MAX_BACKING_NAME_BYTES) throw new Qcow2Error(file, "backing_file_size", FIELD.backing_file_size, `${length}; a backing file name is 1 to ${MAX_BACKING_NAME_BYTES} bytes`);
  if (!Number.isSafeInteger(offset) || offset < V2_HEADER_BYTES || offset + length > Math.min(cs, first.length)) {
    throw new Qcow2Error(file, "backing_file_offset", FIELD.backing_file_offset, `the name (${length} bytes at ${Number.isSafeInteger(offset) ? hex(offset) : "past 2^53"}) is not inside the first cluster`);
  }
  return { backingFile: Buffer.from(first.subarray(offset, offset + length)).toString("utf8"), backingFileOffset: offset };
}

/** Header extensions by type, from `start` up to `end` (the first cluster or the backing name). */
function decodeExtensions(file: string, first: Uint8Array, start: number, end: number): Map<number, Buffer> {
  const found = new Map<number, Buffer>();
  const limit = Math.min(end, first.length);
  for (let at = start; at + 8 <= limit; ) {
    const type = u32(first, at);
    if (type === EXTENSION.END) return found;
    const length = u32(first, at + 4);
    if (at + 8 + length > limit) throw new Qcow2Error(file, "header extension", at, `type ${hex(type)} claims ${length} bytes, past the end of the header area at ${hex(limit)}`);
    found.set(type, Buffer.from(first.subarray(at + 8, at + 8 + length)));
    at += 8 + Math.ceil(length / 8) * 8;
  }
  return found;
}

/**
 * The first cluster of a new image: a version 3 header, the backing
 * format extension when there is a backing file, the end of extensions,
 * then the backing file's name.
 */
export function encodeHeader(h: Qcow2Header): Uint8Array {
  const out = new Uint8Array(clusterSize(h));
  putU32(out, FIELD.magic, QCOW2_MAGIC);
  putU32(out, FIELD.version, h.version);
  putU32(out, FIELD.cluster_bits, h.clusterBits);
  putU64(out, FIELD.size, h.size);
  putU32(out, FIELD.l1_size, h.l1Size);
  putU64(out, FIELD.l1_table_offset, h.l1TableOffset);
  putU64(out, FIELD.refcount_table_offset, h.refcountTableOffset);
  putU32(out, FIELD.refcount_table_clusters, h.refcountTableClusters);
  putU32(out, FIELD.nb_snapshots, h.nbSnapshots);
  putU64(out, FIELD.snapshots_offset, h.snapshotsOffset);
  const putBig = (at: number, v: bigint): void => { putU32(out, at, Number(v >> 32n)); putU32(out, at + 4, Number(v & 0xffffffffn)); };
  putBig(FIELD.incompatible_features, h.incompatibleFeatures);
  putBig(FIELD.compatible_features, h.compatibleFeatures);
  putBig(FIELD.autoclear_features, h.autoclearFeatures);
  putU32(out, FIELD.refcount_order, h.refcountOrder);
  putU32(out, FIELD.header_length, h.headerLength);
  let at = h.headerLength;
  const put = (type: number, data: Uint8Array): void => {
    putU32(out, at, type);
    putU32(out, at + 4, data.length);
    out.set(data, at + 8);
    at += 8 + Math.ceil(data.length / 8) * 8;
  };
  if (h.backingFile !== undefined && h.backingFormat !== undefined) put(EXTENSION.BACKING_FORMAT, Buffer.from(h.backingFormat, "utf8"));
  at += 8; // the end-of-extensions marker: eight zero bytes
  if (h.backingFile !== undefined) {
    const name = Buffer.from(h.backingFile, "utf8");
    if (name.length > MAX_BACKING_NAME_BYTES || at + name.length > out.length) throw new Qcow2Error("(new image)", "backing_file_size", FIELD.backing_file_size, `the backing file name is ${name.length} bytes; at most ${MAX_BACKING_NAME_BYTES}`, "use a shorter path to the backing file");
    putU64(out, FIELD.backing_file_offset, at);
    putU32(out, FIELD.backing_file_size, name.length);
    out.set(name, at);
  }
  return out;
}

/** Rewrites the header's refcount_table_offset and refcount_table_clusters (the table moved). */
export function writeRefcountTableLocation(storage: Storage, offset: number, clusters: number): void {
  const fields = new Uint8Array(12);
  putU64(fields, 0, offset);
  putU32(fields, 8, clusters);
  storage.write(FIELD.refcount_table_offset, fields);
}

/**
 * The consistency check run on every open, before any guest byte is read
 * (what `qemu-img check` does): every table and cluster the image points
 * at is counted, and the counts are held against the refcounts.
 *
 *   refused (names the entry and its offset)         because
 *   -----------------------------------------------  --------------------------------
 *   an L1 or L2 entry with reserved bits set         "Reserved (set to 0)"
 *   an offset not on a cluster boundary              "Must be aligned to a cluster boundary"
 *   an offset past the end of the file               it points at nothing
 *   a compressed cluster                             not implemented here
 *   a refcount below the references to its cluster   a write would free or share
 *                                                    a cluster still in use
 *   COPIED set where the refcount is not 1           a write in place would change
 *                                                    what a snapshot holds
 *
 * A refcount above the references is a leak: harmless, counted. Each
 * distinct L2 table is read once however many L1 entries share it, so the
 * work is bounded by the file's size, never by what a header claims.
 */
import { Qcow2Error, hex, repairHint } from "./errors";
import { l2Entries, type Qcow2Header } from "./header";
import { decodeL1, decodeL2 } from "./tables";
import type { Refcounts } from "./refcounts";
import type { SnapshotTable } from "./snapshots";
import type { Storage } from "../storage";

export interface CheckReport {
  /** Guest clusters with data in this image (the active L1's standard clusters). */
  readonly dataClusters: number;
  /** Guest clusters marked "reads as all zeros". */
  readonly zeroClusters: number;
  readonly l2Tables: number;
  /** Clusters whose refcount is above their references. */
  readonly leaks: number;
}

const KINDS = ["", "header", "L1 table", "refcount table", "refcount block", "L2 table", "data", "snapshot table"] as const;
type Kind = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface CheckInput {
  readonly file: string;
  readonly storage: Storage;
  readonly header: Qcow2Header;
  readonly refcounts: Refcounts;
  readonly l1: Uint8Array;
  readonly snapshots: SnapshotTable;
  /** False when the dirty bit says refcounts may lag behind (lazy refcounts): only the tables are checked. */
  readonly refcountsTrusted: boolean;
}

export function checkConsistency(input: CheckInput): CheckReport {
  const { file, storage, header: h, refcounts } = input;
  const cs = 2 ** h.clusterBits;
  const fileLength = storage.length();
  const fileClusters = Math.ceil(fileLength / cs);
  const uses = new Uint32Array(fileClusters);
  const kind = new Uint8Array(fileClusters);
  const mark = (offset: number, bytes: number, k: Kind, times = 1): void => {
    for (let c = Math.floor(offset / cs); c < Math.ceil((offset + bytes) / cs); c++) {
      uses[c] += times;
      kind[c] = k; // the last use names it; the count says when there is more than one
    }
  };
  const place = (what: string, at: number, offset: number): void => {
    if (offset % cs !== 0) throw new Qcow2Error(file, what, at, `${hex(offset)} is not a cluster boundary (clusters of ${cs} bytes)`, repairHint(file));
    if (offset + cs > fileLength) throw new Qcow2Error(file, what, at, `${hex(offset)} is past the end of the file (${fileLength} bytes)`, repairHint(file));
  };

  mark(0, cs, 1);
  mark(h.l1TableOffset, h.l1Size * 8, 2);
  const table = refcounts.tableLocation();
  mark(table.offset, table.clusters * cs, 3);
  for (const b of refcounts.blockOffsets()) mark(b.offset, cs, 4);
  if (h.nbSnapshots > 0) mark(h.snapshotsOffset, input.snapshots.bytes, 7);

  // Entries with COPIED set, checked against the refcounts once those are known to cover every use.
  const copied: { what: string; at: number; offset: number; table: string }[] = [];
  // Distinct L2 tables, how many L1 entries point at each, and the first guest L1 index (active tables only).
  const l2s = new Map<number, { times: number; activeIndex?: number; l1Entry: number }>();
  const walkL1 = (l1: Uint8Array, l1Offset: number, size: number, active: boolean): void => {
    for (let i = 0; i < size; i++) {
      const e = decodeL1(l1, i);
      const at = l1Offset + i * 8;
      if (e.reserved) throw new Qcow2Error(file, `L1 entry ${i}`, at, `reserved bits ${e.reserved} are set`, repairHint(file));
      if (e.offset === 0) continue;
      place(`L1 entry ${i}`, at, e.offset);
      const seen = l2s.get(e.offset) ?? { times: 0, l1Entry: at };
      seen.times++;
      if (active && seen.activeIndex === undefined) seen.activeIndex = i;
      l2s.set(e.offset, seen);
      if (active && e.copied) copied.push({ what: `L1 entry ${i}`, at, offset: e.offset, table: "the L2 table" });
    }
  };
  walkL1(input.l1, h.l1TableOffset, h.l1Size, true);
  for (const s of input.snapshots.snapshots) mark(s.l1TableOffset, s.l1Size * 8, 2);
  for (const s of input.snapshots.snapshots) walkL1(storage.read(s.l1TableOffset, s.l1Size * 8), s.l1TableOffset, s.l1Size, false);

  let dataClusters = 0;
  let zeroClusters = 0;
  const perL2 = l2Entries(h);
  for (const [l2Offset, ref] of l2s) {
    mark(l2Offset, cs, 5, ref.times);
    const l2 = storage.read(l2Offset, cs);
    for (let j = 0; j < perL2; j++) {
      const e = decodeL2(l2, j, h.version);
      const at = l2Offset + j * 8;
      const guest = ref.activeIndex === undefined ? "" : ` (guest offset ${hex((ref.activeIndex * perL2 + j) * cs)})`;
      const what = `L2 entry ${j}${guest}`;
      if (e.kind === "unallocated") continue;
      if (e.kind === "reserved") throw new Qcow2Error(file, what, at, `reserved bits ${e.bits} are set`, repairHint(file));
      if (e.kind === "compressed") throw new Qcow2Error(file, what, at, "a compressed cluster; vmlab reads no compressed clusters", "`qemu-img convert -O qcow2 IN OUT` writes an uncompressed copy");
      if (ref.activeIndex !== undefined) {
        if (e.kind === "zero") zeroClusters++;
        else dataClusters++;
      }
      if (e.offset === 0) {
        if (e.kind === "standard") throw new Qcow2Error(file, what, at, "COPIED is set on a cluster at offset 0 (only external data files may do that)", repairHint(file));
        continue;
      }
      place(what, at, e.offset);
      mark(e.offset, cs, 6, ref.times);
      if (ref.activeIndex !== undefined && e.copied) copied.push({ what, at, offset: e.offset, table: "the cluster" });
    }
  }

  let leaks = 0;
  if (input.refcountsTrusted) {
    for (let c = 0; c < fileClusters; c++) {
      const stored = refcounts.get(c);
      if (stored < uses[c]) {
        throw new Qcow2Error(file, `refcount of cluster ${c}`, refcounts.entryLocation(c), `is ${stored}, but the cluster at ${hex(c * cs)} (${KINDS[kind[c]]}) is used ${uses[c]} time${uses[c] === 1 ? "" : "s"}`, repairHint(file));
      }
      if (stored > uses[c]) leaks++;
    }
    for (const e of copied) {
      const count = refcounts.get(e.offset / cs);
      if (count !== 1) throw new Qcow2Error(file, e.what, e.at, `COPIED is set but ${e.table} at ${hex(e.offset)} has refcount ${count}, not 1`, repairHint(file));
    }
  }
  return { dataClusters, zeroClusters, l2Tables: l2s.size, leaks };
}

/**
 * The internal snapshot table (qcow2.txt "Snapshots"), read only so that
 * the clusters snapshots hold are counted: "the L1 table should be copied
 * and the refcount of all L2 tables and clusters reachable from this L1
 * table must be increased". vmlab makes no internal snapshots (yet).
 *
 *   byte  field (one entry; entries follow each other, each padded to 8)
 *     0   l1_table_offset
 *     8   l1_size
 *    12   id_str_size
 *    14   name_size
 *    16   date_sec, 20 date_nsec, 24 vm_clock_nsec, 32 vm_state_size
 *    36   extra_data_size
 *    40   extra data, then the id, then the name
 */
import { u16, u32, u64 } from "./bytes";
import { Qcow2Error, hex } from "./errors";
import { MAX_L1_BYTES, type Qcow2Header } from "./header";
import type { Storage } from "../storage";

export interface SnapshotRef {
  readonly l1TableOffset: number;
  readonly l1Size: number;
  /** Where its entry is in the file, for messages. */
  readonly entryOffset: number;
}

export interface SnapshotTable {
  readonly snapshots: SnapshotRef[];
  /** Bytes the table occupies from snapshots_offset. */
  readonly bytes: number;
}

export function readSnapshots(file: string, storage: Storage, h: Qcow2Header): SnapshotTable {
  const snapshots: SnapshotRef[] = [];
  const cs = 2 ** h.clusterBits;
  const fileLength = storage.length();
  let at = h.snapshotsOffset;
  let l1Bytes = 0;
  for (let i = 0; i < h.nbSnapshots; i++) {
    if (at + 40 > fileLength) throw new Qcow2Error(file, `snapshot ${i}`, at, `the snapshot table runs past the end of the file (${fileLength} bytes)`);
    const fixed = storage.read(at, 40);
    const l1TableOffset = u64(fixed, 0);
    const l1Size = u32(fixed, 8);
    const variable = u32(fixed, 36) + u16(fixed, 12) + u16(fixed, 14);
    if (l1Size * 8 > MAX_L1_BYTES) throw new Qcow2Error(file, `snapshot ${i} l1_size`, at + 8, `${l1Size} entries is past qemu's limit of ${MAX_L1_BYTES / 8}`);
    if (l1Size > 0 && (!Number.isSafeInteger(l1TableOffset) || l1TableOffset % cs !== 0 || l1TableOffset === 0 || l1TableOffset + l1Size * 8 > fileLength)) {
      throw new Qcow2Error(file, `snapshot ${i} l1_table_offset`, at, `${Number.isSafeInteger(l1TableOffset) ? hex(l1TableOffset) : "past 2^53"} is not a cluster boundary inside the file`);
    }
    l1Bytes += l1Size * 8;
    // Each snapshot has its own L1 table ("the L1 table should be copied"): together they fit in the file.
    if (l1Bytes > fileLength) throw new Qcow2Error(file, `snapshot ${i} l1_size`, at + 8, `the snapshots' L1 tables claim ${l1Bytes} bytes so far, more than the file's ${fileLength}`);
    snapshots.push({ l1TableOffset, l1Size, entryOffset: at });
    at += Math.ceil((40 + variable) / 8) * 8;
  }
  return { snapshots, bytes: at - h.snapshotsOffset };
}

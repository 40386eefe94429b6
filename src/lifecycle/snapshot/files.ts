/**
 * Snapshots on the host's disk: the state file, and the VM's disk frozen
 * with it. A qcow2 disk is not copied: the image as it is at the suspend
 * becomes the snapshot's disk (nothing writes to it again), and a new
 * overlay whose backing file it is takes the resumed VM's writes (QEMU's
 * external snapshots, `qemu-img create -b IMAGE -F qcow2 OVERLAY`;
 * Silberschatz 16.5: a snapshot records the disk as it was).
 *
 *   before:  disk.qcow2 (written by the guest)
 *   after:   disk.qcow2 (frozen) <- backing -- vm.snap.disk.qcow2 (the resumed VM's writes)
 *            vm.snap (the state, naming the overlay)
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../../errors";
import { FileStorage } from "../storage";
import { createImage } from "../qcow2/create";
import { openImage } from "../qcow2/chain";
import type { Qcow2Image } from "../qcow2/image";
import { SnapshotError } from "./format";
import { decodeSnapshot, encodeSnapshot, type DiskImageRef, type Snapshot } from "./state";

/** The overlay a snapshot file's VM continues its disk on. */
export function overlayFor(snapshotFile: string): string {
  return `${snapshotFile}.disk.qcow2`;
}

/**
 * Freezes the qcow2 image `image` (closed by the caller, virtual size
 * `size`) under a new overlay beside `snapshotFile`, and names both as
 * the state records them (relative to the snapshot's folder).
 */
export function freezeDisk(image: string, size: number, snapshotFile: string): DiskImageRef {
  const overlay = overlayFor(snapshotFile);
  const dir = path.dirname(path.resolve(snapshotFile));
  let storage: FileStorage;
  try {
    storage = FileStorage.createNew(overlay);
  } catch (e) {
    throw new UserError(`cannot create the disk overlay ${overlay}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "remove it or choose another snapshot name");
  }
  try {
    createImage(storage, { size, backingFile: path.relative(path.dirname(path.resolve(overlay)), path.resolve(image)), backingFormat: "qcow2" });
  } finally {
    storage.close();
  }
  return { kind: "qcow2", file: path.relative(dir, path.resolve(overlay)), frozen: path.relative(dir, path.resolve(image)) };
}

/** Writes the snapshot to `file` (a new file renamed into place: a failure leaves no half snapshot). */
export function writeSnapshot(file: string, snapshot: Snapshot): void {
  const temporary = `${file}.vmlab-${process.pid}`;
  try {
    fs.writeFileSync(temporary, encodeSnapshot(snapshot));
    fs.renameSync(temporary, file);
  } catch (e) {
    fs.rmSync(temporary, { force: true });
    throw new UserError(`cannot write the snapshot ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function readSnapshot(file: string): Snapshot {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read the snapshot ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return decodeSnapshot(bytes, file);
}

/** The writable disk a snapshot read from `file` resumes on, if its disk is a qcow2 overlay. */
export function openSnapshotDisk(snapshot: Snapshot, file: string): Qcow2Image | undefined {
  const ref = snapshot.state.diskImage;
  if (ref.kind !== "qcow2") return undefined;
  const overlay = path.resolve(path.dirname(path.resolve(file)), ref.file);
  if (!fs.existsSync(overlay)) throw new SnapshotError(file, 0, `its disk overlay ${ref.file} (${overlay}) does not exist`, "keep the overlay beside the snapshot file");
  return openImage(overlay, { writable: true });
}

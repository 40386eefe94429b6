/**
 * Moving a disk between formats. P-to-V ("physical to virtual",
 * Silberschatz 16.6): a raw disk, byte for byte what a bare machine's disk
 * holds (what `vmlab mkfs` writes), becomes a qcow2 image whose clusters
 * of zeros are left unallocated; V-to-P: a qcow2 image and its backing
 * chain read out whole as a raw disk, its runs of zeros left as holes
 * (what reads as zeros down the whole chain is not even read).
 */
import * as fs from "fs";
import { SECTOR_BYTES, type BlockDevice } from "../block-device";
import { FileStorage } from "../storage";
import { isZero } from "./bytes";
import { createImage } from "./create";
import { Qcow2Image } from "./image";
import { StorageBlockDevice } from "./raw-file";

/** Bytes moved per step. */
const CHUNK = 1 << 20;

/** Told after each step: bytes of the virtual disk done, of `total`. */
export type CopyProgress = (done: number, total: number) => void;

/** Copies `device` into a new raw file `out` (refused when it exists): the number of bytes. */
export function exportRaw(device: BlockDevice, out: string, onProgress?: CopyProgress): number {
  const fd = fs.openSync(out, "wx");
  try {
    for (let at = 0; at < device.size; ) {
      const extent = device instanceof Qcow2Image ? device.extent(at, CHUNK) : { data: true, length: Math.min(CHUNK, device.size - at) };
      if (extent.data) {
        const bytes = device.read(at, extent.length);
        if (!isZero(bytes)) fs.writeSync(fd, bytes, 0, bytes.length, at);
      }
      at += extent.length;
      onProgress?.(at, device.size);
    }
    fs.ftruncateSync(fd, device.size);
  } finally {
    fs.closeSync(fd);
  }
  return device.size;
}

/** Writes `source`'s contents into a new qcow2 image `out` (refused when it exists), its virtual size rounded up to a sector. */
export function importRaw(source: BlockDevice, out: string, clusterBits?: number, onProgress?: CopyProgress): Qcow2Image {
  const storage = FileStorage.createNew(out);
  createImage(storage, { size: Math.ceil(source.size / SECTOR_BYTES) * SECTOR_BYTES, clusterBits });
  const image = Qcow2Image.open(storage, { writable: true });
  const step = Math.max(CHUNK, image.clusterSize);
  const buffer = new Uint8Array(step);
  for (let at = 0; at < source.size; at += step) {
    const n = Math.min(step, source.size - at);
    const bytes = source instanceof StorageBlockDevice ? fill(source, at, buffer.subarray(0, n)) : source.read(at, n);
    if (!isZero(bytes)) image.write(at, bytes); // a cluster of zeros in it stays unallocated
    onProgress?.(at + n, source.size);
  }
  return image;
}


/** Reads into the caller's buffer. */
function fill(source: StorageBlockDevice, at: number, into: Uint8Array): Uint8Array {
  source.readInto(at, into);
  return into;
}

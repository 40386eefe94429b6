/**
 * A block device: what a virtual disk looks like to whoever drives it (the
 * simulated DMA disk, disk.ts; an export to a raw file; a migration).
 * Offsets and lengths are in bytes. The machine defines the interface it
 * drives; src/lifecycle supplies the devices backed by files (a qcow2
 * image, a raw file), so the machine knows nothing of image formats.
 *
 *   device          where the bytes live
 *   --------------  ------------------------------------------------------
 *   RawBlockDevice  one buffer in memory, byte for byte (a raw disk image)
 *   Qcow2Image      clusters of a qcow2 file, unallocated ones read from
 *                   its backing file (src/lifecycle/qcow2/image.ts)
 */
import { UserError } from "../../errors";

export interface BlockDevice {
  /** The virtual disk's size in bytes. */
  readonly size: number;
  /** `length` bytes from `offset`; the range lies inside the disk. */
  read(offset: number, length: number): Uint8Array;
  /** Writes `data` at `offset`; the range lies inside the disk. */
  write(offset: number, data: Uint8Array): void;
  /** Releases what the device holds open (files); further use is a bug. */
  close(): void;
}

/** Refuses a range that is not inside a device of `size` bytes. */
export function checkRange(what: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new UserError(`${what}: bytes ${offset}..${offset + length} are outside the disk of ${size} bytes`);
  }
}

/** A raw disk: the buffer is the disk, byte for byte. */
export class RawBlockDevice implements BlockDevice {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange("raw disk read", this.size, offset, length);
    return this.bytes.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    checkRange("raw disk write", this.size, offset, data.length);
    this.bytes.set(data, offset);
  }

  close(): void {}
}

/**
 * Block devices (the interface and the in-memory raw disk live with the
 * machine that drives them, src/machine/devices/block.ts) and helpers that
 * speak the disk's 512-byte sectors (src/machine/devices/disk.ts's
 * SECTOR_SIZE).
 */
import { UserError } from "../errors";
import type { BlockDevice } from "../machine/devices/block";

export { checkRange, RawBlockDevice, type BlockDevice } from "../machine/devices/block";

export const SECTOR_BYTES = 512;

/** `count` sectors from sector `first`. */
export function readSectors(device: BlockDevice, first: number, count: number): Uint8Array {
  return device.read(first * SECTOR_BYTES, count * SECTOR_BYTES);
}

/** Writes whole sectors from sector `first`. */
export function writeSectors(device: BlockDevice, first: number, data: Uint8Array): void {
  if (data.length % SECTOR_BYTES !== 0) throw new UserError(`a sector write of ${data.length} bytes is not a whole number of ${SECTOR_BYTES}-byte sectors`);
  device.write(first * SECTOR_BYTES, data);
}

/**
 * A raw disk image read in place from its file (a backing file in raw
 * format, or the input of `vmlab image import`): the file's bytes are the
 * disk's, and its size is the file's size.
 */
import { checkRange, type BlockDevice } from "../block-device";
import type { Storage } from "../storage";

export class StorageBlockDevice implements BlockDevice {
  readonly size: number;

  constructor(private readonly storage: Storage, private readonly writable = false) {
    this.size = storage.length();
  }

  get name(): string {
    return this.storage.name;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this.storage.name, this.size, offset, length);
    return this.storage.read(offset, length);
  }

  /** Fills `into` from `offset`, for a caller that reuses one buffer (a fresh one a read costs page faults). */
  readInto(offset: number, into: Uint8Array): void {
    checkRange(this.storage.name, this.size, offset, into.length);
    this.storage.readInto(offset, into);
  }

  write(offset: number, data: Uint8Array): void {
    if (!this.writable) throw new Error(`${this.storage.name} was opened read-only`);
    checkRange(this.storage.name, this.size, offset, data.length);
    this.storage.write(offset, data);
  }

  close(): void {
    this.storage.close();
  }
}

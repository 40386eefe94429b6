/**
 * The bytes under a disk image: a file opened once, read and written at
 * offsets (pread/pwrite), or a buffer in memory for tests and notebooks.
 * A read past the end returns zeros for the missing part, as a sparse
 * file's hole does; callers that must not trust the end (a hostile image)
 * compare with `length` first.
 */
import * as fs from "fs";

export interface Storage {
  /** Where the bytes are, for messages. */
  readonly name: string;
  /** Bytes stored so far. */
  length(): number;
  read(offset: number, length: number): Uint8Array;
  /** Fills `into` from `offset` (zeros past the end): a read into a buffer the caller reuses. */
  readInto(offset: number, into: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
  close(): void;
}

/** A file on the host, opened read-only unless `writable`. */
export class FileStorage implements Storage {
  private fd: number;
  private size: number;

  private constructor(readonly name: string, fd: number) {
    this.fd = fd;
    this.size = fs.fstatSync(fd).size;
  }

  static open(file: string, writable: boolean): FileStorage {
    return new FileStorage(file, fs.openSync(file, writable ? "r+" : "r"));
  }

  /** A new file; refuses (EEXIST) to open one that exists. */
  static createNew(file: string): FileStorage {
    return new FileStorage(file, fs.openSync(file, "wx+"));
  }

  length(): number {
    return this.size;
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(offset, out);
    return out;
  }

  readInto(offset: number, into: Uint8Array): void {
    let done = 0;
    while (done < into.length) {
      const n = fs.readSync(this.fd, into, done, into.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    into.fill(0, done); // past the end: zeros
  }

  write(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += fs.writeSync(this.fd, data, done, data.length - done, offset + done);
    this.size = Math.max(this.size, offset + data.length);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** A growable buffer in memory. */
export class MemoryStorage implements Storage {
  private bytes: Uint8Array;
  private size: number;

  constructor(readonly name = "(memory)", initial: Uint8Array = new Uint8Array(0)) {
    this.bytes = initial.slice();
    this.size = initial.length;
  }

  length(): number {
    return this.size;
  }

  /** A copy of everything stored. */
  contents(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(offset, out);
    return out;
  }

  readInto(offset: number, into: Uint8Array): void {
    into.fill(0);
    if (offset < this.size) into.set(this.bytes.subarray(offset, Math.min(this.size, offset + into.length)));
  }

  write(offset: number, data: Uint8Array): void {
    const end = offset + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, offset);
    this.size = Math.max(this.size, end);
  }

  close(): void {}
}

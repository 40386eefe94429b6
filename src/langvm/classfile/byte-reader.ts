/**
 * Big-endian reads over a class file (JVMS 17 4.1: "u1, u2, and u4 represent
 * an unsigned one-, two-, or four-byte quantity ... in big-endian order").
 * Every read past the end is a ClassFormatError naming the offset.
 */
import { ClassFormatError } from "./class-format-error";

export class ByteReader {
  offset = 0;
  className: string | undefined;
  /** `base` is where `bytes` starts in the file, so errors name file offsets. */
  constructor(readonly bytes: Uint8Array, readonly file: string, readonly base = 0) {}

  fail(reason: string, at = this.offset): never {
    throw new ClassFormatError(this.file, this.className, this.base + at, reason);
  }

  need(n: number, what: string): void {
    if (this.offset + n > this.bytes.length) this.fail(`truncated: ${what} needs ${n} bytes, ${this.bytes.length - this.offset} left`);
  }

  u1(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u2(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u4(what: string): number {
    this.need(4, what);
    const b = this.bytes, o = this.offset;
    this.offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  slice(n: number, what: string): Uint8Array {
    this.need(n, what);
    const s = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
}

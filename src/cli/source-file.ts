/**
 * Reading a user's source file (an assembly program) safely: never more
 * than a cap into memory (`/dev/zero` has no end, `/dev/urandom` neither),
 * a folder or a binary file named as such, and a one-line UserError for
 * each, with what to do.
 *
 *   cannot read big.s: it is larger than 4 MiB, the most vmlab reads as a source file
 *   a.out is a binary file (byte 0x7f at offset 0), not assembly text
 */
import * as fs from "fs";
import { UserError } from "../errors";

/** The largest source file read: the guest kernel and its library are some 60 kB. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

const CHUNK = 64 * 1024;

/** A text file's contents, read with a size limit; UserError for what cannot be assembly text. */
export function readSourceFile(file: string, what = "assembly text", maxBytes = MAX_SOURCE_BYTES): string {
  const { bytes, complete } = readLimited(file, maxBytes);
  // Of a file past the cap, what was read is judged first (a UTF-8
  // sequence may be cut at its end): /dev/urandom is binary, not just long.
  const bad = firstNonTextByte(complete ? bytes : bytes.subarray(0, bytes.length - 4));
  if (bad !== undefined) {
    const hex = bytes[bad].toString(16).padStart(2, "0");
    throw new UserError(`${file} is a binary file (byte 0x${hex} at offset ${bad}), not ${what}`);
  }
  if (!complete) throw new UserError(`cannot read ${file}: it is larger than ${maxBytes / (1024 * 1024)} MiB, the most vmlab reads as a source file`);
  return bytes.toString("utf8");
}

/** A binary file's bytes (an ELF executable), refused with a one-line UserError past `maxBytes`. */
export function readBinaryFile(file: string, what: string, maxBytes: number): Buffer {
  const { bytes, complete } = readLimited(file, maxBytes);
  if (!complete) throw new UserError(`cannot read ${file}: it is larger than ${maxBytes / (1024 * 1024)} MiB, the most vmlab reads as ${what}`);
  return bytes;
}

/**
 * At most `maxBytes + 1` bytes of a file, in chunks (never the whole of a
 * longer one); `complete` says whether that was all of it. Of a regular
 * file, its first chunk is all that is read when its size is past the cap.
 */
function readLimited(file: string, maxBytes: number): { bytes: Buffer; complete: boolean } {
  const fd = openForReading(file);
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new UserError(`cannot read ${file}: it is a folder, not a file`);
    const limit = stat.isFile() && stat.size > maxBytes ? CHUNK : maxBytes + 1;
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    const complete = total <= maxBytes && !(stat.isFile() && stat.size > maxBytes);
    return { bytes: Buffer.concat(chunks, total), complete };
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw cannotRead(file, err);
  } finally {
    fs.closeSync(fd);
  }
}

function openForReading(file: string): number {
  try {
    return fs.openSync(file, "r");
  } catch (err) {
    throw cannotRead(file, err);
  }
}

function cannotRead(file: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder, not a file" : code ?? String(err);
  return new UserError(`cannot read ${file}: ${why}`);
}

/**
 * The offset of the first byte that text does not have: a control
 * character other than tab, newline, vertical tab, form feed and carriage
 * return, or a byte that is not part of valid UTF-8 (RFC 3629, section 4).
 */
export function firstNonTextByte(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b < 0x20 && !(b >= 0x09 && b <= 0x0d)) return i;
      if (b === 0x7f) return i;
      i++;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return undefined;
}

/** Bytes of the well-formed UTF-8 sequence at `i` (RFC 3629's UTF8-2/3/4), or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

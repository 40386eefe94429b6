/**
 * Memory (or a disk held in memory) as a snapshot section: all-zero pages
 * are left out, as every hypervisor's save format does (a fresh VM's
 * memory is mostly zeros).
 *
 *   u32 LE  byte length L of the memory
 *   bitmap  ceil(P / 8) bytes, bit i (LSB first) set if page i is stored,
 *           P = ceil(L / 4096)
 *   pages   the stored pages in order, 4096 bytes each (the last one
 *           L mod 4096 bytes if L is not a whole number of pages)
 */
import { SnapshotError, type Section } from "./format";

const PAGE = 4096;

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

export function encodePages(memory: Uint8Array): Uint8Array {
  const pages = Math.ceil(memory.length / PAGE);
  const bitmap = new Uint8Array(Math.ceil(pages / 8));
  const stored: Uint8Array[] = [];
  for (let p = 0; p < pages; p++) {
    const page = memory.subarray(p * PAGE, Math.min(memory.length, (p + 1) * PAGE));
    if (isZero(page)) continue;
    bitmap[p >> 3] |= 1 << (p & 7);
    stored.push(page);
  }
  const out = new Uint8Array(4 + bitmap.length + stored.reduce((n, s) => n + s.length, 0));
  new DataView(out.buffer).setUint32(0, memory.length, true);
  out.set(bitmap, 4);
  let at = 4 + bitmap.length;
  for (const s of stored) { out.set(s, at); at += s.length; }
  return out;
}

/** The memory of a "MEM " or "DISK" section, whose length must be `expected` when given. */
export function decodePages(s: Section, file: string, expected?: number): Uint8Array {
  const b = s.payload;
  if (b.length < 4) throw new SnapshotError(file, s.offset, `section "${s.tag}" of ${b.length} bytes has no length`);
  const length = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
  if (expected !== undefined && length !== expected) throw new SnapshotError(file, s.offset, `section "${s.tag}" holds ${length} bytes; the state says ${expected}`);
  const pages = Math.ceil(length / PAGE);
  const bitmap = b.subarray(4, 4 + Math.ceil(pages / 8));
  const memory = new Uint8Array(length);
  let at = 4 + bitmap.length;
  for (let p = 0; p < pages; p++) {
    if ((bitmap[p >> 3] & (1 << (p & 7))) === 0) continue;
    const n = Math.min(PAGE, length - p * PAGE);
    if (at + n > b.length) throw new SnapshotError(file, s.offset + at, `section "${s.tag}" ends inside page ${p}`);
    memory.set(b.subarray(at, at + n), p * PAGE);
    at += n;
  }
  if (at !== b.length) throw new SnapshotError(file, s.offset + at, `section "${s.tag}" has ${b.length - at} bytes past its last page`);
  return memory;
}

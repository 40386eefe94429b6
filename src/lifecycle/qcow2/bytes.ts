/**
 * Big-endian fields, as qcow2.txt says: "All numbers in qcow2 are stored
 * in Big Endian byte order." A 64-bit field is read as two 32-bit halves so
 * no BigInt is needed; values past 2^53 come back as NaN and are refused
 * by whoever reads them (no offset in a file we can open is that large).
 */
export function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

export function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/** A 64-bit field as a number, or NaN when it is not a safe integer. */
export function u64(b: Uint8Array, at: number): number {
  const hi = u32(b, at);
  return hi >= 0x200000 ? NaN : hi * 0x1_0000_0000 + u32(b, at + 4);
}

export function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24; b[at + 1] = v >>> 16; b[at + 2] = v >>> 8; b[at + 3] = v;
}

export function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8; b[at + 1] = v;
}

export function putU64(b: Uint8Array, at: number, v: number): void {
  putU32(b, at, Math.floor(v / 0x1_0000_0000));
  putU32(b, at + 4, v >>> 0);
}

/** Whether every byte is zero (a cluster that need not be stored); four bytes a step where aligned. */
export function isZero(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    for (let k = 0; k < words.length; k++) if (words[k] !== 0) return false;
    i = words.length * 4;
  }
  for (; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

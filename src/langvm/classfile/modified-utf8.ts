/**
 * JVMS 17 4.4.7: CONSTANT_Utf8 strings are "modified UTF-8": no byte 0 and
 * none in 0xf0..0xff, the null character as two bytes, and supplementary
 * characters as two three-byte surrogates. Returns undefined when malformed.
 */
export function decodeModifiedUtf8(bytes: Uint8Array): string | undefined {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const a = bytes[i]!;
    if (a === 0 || a >= 0xf0) return undefined;
    if (a < 0x80) { out += String.fromCharCode(a); i += 1; continue; }
    if ((a & 0xe0) === 0xc0) {
      const b = bytes[i + 1];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      out += String.fromCharCode(((a & 0x1f) << 6) | (b & 0x3f)); i += 2; continue;
    }
    if ((a & 0xf0) === 0xe0) {
      const b = bytes[i + 1], c = bytes[i + 2];
      if (b === undefined || c === undefined || (b & 0xc0) !== 0x80 || (c & 0xc0) !== 0x80) return undefined;
      out += String.fromCharCode(((a & 0x0f) << 12) | ((b & 0x3f) << 6) | (c & 0x3f)); i += 3; continue;
    }
    return undefined;
  }
  return out;
}

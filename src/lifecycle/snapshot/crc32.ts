/**
 * CRC-32 as zlib, gzip and PNG compute it (ISO 3309 / ITU-T V.42: the
 * reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF),
 * so `python3 -c 'import zlib; print(zlib.crc32(data))'` agrees.
 */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

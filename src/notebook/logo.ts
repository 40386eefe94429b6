/**
 * The kernelspec's logo: "TS" in white on TypeScript blue, as an SVG and as
 * PNGs drawn here from a 5x7 bitmap font (PNG spec, ISO/IEC 15948: a
 * signature, then IHDR, IDAT with zlib-deflated scanlines each led by a
 * filter byte, and IEND; every chunk ends in a CRC-32 of type and data).
 */
import { deflateSync } from "zlib";

const BLUE = [0x31, 0x78, 0xc6];
const WHITE = [0xff, 0xff, 0xff];

export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="8" fill="#3178c6"/>
<text x="32" y="44" font-family="Helvetica, Arial, sans-serif" font-weight="bold" font-size="30" fill="#fff" text-anchor="middle">TS</text>
</svg>
`;

/** 5x7 glyphs, one string per row, "#" for ink. */
const GLYPHS: Record<string, string[]> = {
  T: ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
  S: [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
};

/** A size x size RGB PNG of the logo. */
export function logoPng(size: number): Buffer {
  const pixels = drawLogo(size);
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    raw[row] = 0; // filter type None
    pixels.copy(raw, row + 1, y * size * 3, (y + 1) * size * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, filter 0, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** RGB bytes: blue ground, the two glyphs centred, scaled to fit. */
function drawLogo(size: number): Buffer {
  const px = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) px.set(BLUE, i * 3);
  const scale = Math.max(1, Math.floor(size / 14));
  const textWidth = (5 + 1 + 5) * scale;
  const left = Math.floor((size - textWidth) / 2);
  const top = Math.floor((size - 7 * scale) / 2);
  ["T", "S"].forEach((ch, k) => {
    GLYPHS[ch].forEach((row, gy) => {
      for (let gx = 0; gx < 5; gx++) {
        if (row[gx] !== "#") continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const x = left + (k * 6 + gx) * scale + dx;
            const y = top + gy * scale + dy;
            px.set(WHITE, (y * size + x) * 3);
          }
        }
      }
    });
  });
  return px;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG's annex D computes it. */
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

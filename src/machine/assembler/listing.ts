/**
 * The listing: each source line beside its address and what it assembled
 * to. Instructions show as words (the way the formats are drawn, opcode
 * first); data shows as bytes in memory order, 4 to a row.
 *
 *   00000000  10100005   4      li a0, 5
 *   00000010  68 69 00   9  msg: .asciz "hi"
 */
import type { ListingLine, Program } from "./assembler";

const BYTES_COLUMN = 12;

export function formatListing(program: Pick<Program, "listing">): string {
  const lineWidth = String(program.listing.reduce((max, l) => Math.max(max, l.line), 0)).length;
  const several = new Set(program.listing.map((l) => l.file)).size > 1;
  return program.listing.flatMap((l, i) => {
    const header = several && l.file !== program.listing[i - 1]?.file ? [`# ${l.file}`] : [];
    return [...header, ...rows(l, lineWidth)];
  }).join("\n");
}

function rows(l: ListingLine, lineWidth: number): string[] {
  const chunks = l.kind === "code" ? words(l.bytes) : byteRows(l.bytes);
  const address = (a: number): string => (a >>> 0).toString(16).padStart(8, "0");
  const lineNo = String(l.line).padStart(lineWidth);
  const first = `${address(l.address)}  ${(chunks[0] ?? "").padEnd(BYTES_COLUMN)} ${lineNo}  ${l.source}`;
  const rest = chunks.slice(1).map((c, i) => `${address(l.address + 4 * (i + 1))}  ${c}`);
  return [first.trimEnd(), ...rest];
}

function words(bytes: readonly number[]): string[] {
  const result: string[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const w = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
    result.push(w.toString(16).padStart(8, "0"));
  }
  return result;
}

/** Long runs (`.space 4096`) are shown as their first row and a count. */
function byteRows(bytes: readonly number[]): string[] {
  const hex = (b: number): string => b.toString(16).padStart(2, "0");
  const result: string[] = [];
  for (let i = 0; i < bytes.length && i < 16; i += 4) result.push(bytes.slice(i, i + 4).map(hex).join(" "));
  if (bytes.length > 16) result.push(`... (${bytes.length} bytes)`);
  return result;
}

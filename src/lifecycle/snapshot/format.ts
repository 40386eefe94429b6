/**
 * The snapshot file: a suspended VM's complete state, versioned and
 * checksummed, so that a file cut short, flipped or written by another
 * version is refused before anything is restored from it.
 *
 *   offset  bytes  field
 *   ------  -----  --------------------------------------------------------
 *   0       8      magic "VMLABSNP"
 *   8       4      format version (u32 LE), SNAPSHOT_VERSION
 *   12      4      number of sections n (u32 LE)
 *   16      ...    n sections, each: tag (4 ASCII bytes), length (u32 LE),
 *                  then `length` bytes of payload
 *   end-4   4      CRC-32 (zlib's, crc32.ts) of every byte before it
 *
 * Sections: "STAT" the registers, CSRs, TLB and devices as JSON
 * (state.ts); "MEM " the guest's memory, "DISK" a disk held in memory,
 * both as pages (pages.ts). A disk on a qcow2 image stays in its file;
 * STAT names the overlay it continues on (Silberschatz 16.5: a snapshot
 * "freezes" the guest and its disk).
 */
import { UserError } from "../../errors";
import { crc32 } from "./crc32";

export const SNAPSHOT_MAGIC = "VMLABSNP";
export const SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 16;
const SECTION_HEADER = 8;
const MAX_SECTIONS = 16;

/** A snapshot file refused: which file, at which byte offset, and why, in one line. */
export class SnapshotError extends UserError {
  constructor(readonly file: string, readonly offset: number, what: string, hint?: string) {
    super(`${file}: offset ${offset}: ${what}`, hint);
    this.name = "SnapshotError";
  }
}

export interface Section {
  readonly tag: string;
  readonly payload: Uint8Array;
  /** Where the payload starts in the file (for messages). */
  readonly offset: number;
}

/** The file's bytes from its sections. */
export function encodeSections(sections: readonly { tag: string; payload: Uint8Array }[]): Uint8Array {
  const size = HEADER_BYTES + sections.reduce((n, s) => n + SECTION_HEADER + s.payload.length, 0) + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(SNAPSHOT_MAGIC, "latin1"), 0);
  view.setUint32(8, SNAPSHOT_VERSION, true);
  view.setUint32(12, sections.length, true);
  let at = HEADER_BYTES;
  for (const s of sections) {
    if (!/^[ -~]{4}$/.test(s.tag)) throw new Error(`section tag "${s.tag}" is not 4 ASCII characters`);
    out.set(Buffer.from(s.tag, "latin1"), at);
    view.setUint32(at + 4, s.payload.length, true);
    out.set(s.payload, at + SECTION_HEADER);
    at += SECTION_HEADER + s.payload.length;
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** The sections of a snapshot file, after its magic, version, layout and checksum are checked. */
export function decodeSections(bytes: Uint8Array, file: string): Section[] {
  const hint = "the snapshot file is damaged or not one; suspend the VM again";
  if (bytes.length < HEADER_BYTES + 4) throw new SnapshotError(file, bytes.length, `the file ends after ${bytes.length} bytes; a snapshot has at least ${HEADER_BYTES + 4}`, hint);
  const magic = Buffer.from(bytes.subarray(0, 8)).toString("latin1");
  if (magic !== SNAPSHOT_MAGIC) throw new SnapshotError(file, 0, `magic ${JSON.stringify(magic)} is not "${SNAPSHOT_MAGIC}": not a vmlab snapshot`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(file, 8, `format version ${version}; this vmlab reads version ${SNAPSHOT_VERSION}`, "resume it with the vmlab that suspended it");
  }
  const end = bytes.length - 4;
  const stored = view.getUint32(end, true);
  const computed = crc32(bytes.subarray(0, end));
  if (stored !== computed) {
    throw new SnapshotError(file, end, `checksum 0x${stored.toString(16)} does not match the contents' 0x${computed.toString(16)} (the file was cut short or changed)`, hint);
  }
  const count = view.getUint32(12, true);
  if (count > MAX_SECTIONS) throw new SnapshotError(file, 12, `${count} sections; a snapshot has at most ${MAX_SECTIONS}`);
  const sections: Section[] = [];
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + SECTION_HEADER > end) throw new SnapshotError(file, at, `section ${i + 1} of ${count} starts past the end of the contents (${end} bytes)`, hint);
    const tag = Buffer.from(bytes.subarray(at, at + 4)).toString("latin1");
    const length = view.getUint32(at + 4, true);
    if (at + SECTION_HEADER + length > end) throw new SnapshotError(file, at + 4, `section "${tag}" of ${length} bytes runs past the end of the contents (${end} bytes)`, hint);
    sections.push({ tag, payload: bytes.subarray(at + SECTION_HEADER, at + SECTION_HEADER + length), offset: at + SECTION_HEADER });
    at += SECTION_HEADER + length;
  }
  if (at !== end) throw new SnapshotError(file, at, `${end - at} bytes after the last section, before the checksum`, hint);
  return sections;
}

/** The one section tagged `tag`. */
export function section(sections: readonly Section[], tag: string, file: string): Section {
  const found = sections.filter((s) => s.tag === tag);
  if (found.length !== 1) throw new SnapshotError(file, HEADER_BYTES, `${found.length === 0 ? "no" : found.length} "${tag}" section${found.length === 0 ? "" : "s"}; a snapshot has exactly one`);
  return found[0];
}

/**
 * An inode's contents as the kernel reads them (xv6's bmap and readi):
 * byte b of a file lives in its block b / BSIZE, ADDRS[i] for the first
 * NDIRECT, then entry i - NDIRECT of the INDIRECT block; block 0 is a hole
 * and reads as zeros. Directory contents are 32-byte entries (layout.ts).
 *
 * These read what they are given: check.ts validates an image (every block
 * number in the data region, sizes within MAX_FILE_BYTES) before image.ts
 * trusts them, and check.ts calls them only on inodes it has validated.
 */
import { BSIZE, DIRENT, DIRENT_BYTES, NAME_MAX, NDIRECT, view, type Inode } from "./layout";

/** The block holding byte `index * BSIZE` of `inode`, or 0 for a hole. */
export function fileBlock(bytes: Uint8Array, inode: Inode, index: number): number {
  if (index < NDIRECT) return inode.addrs[index];
  if (inode.indirect === 0) return 0;
  return view(bytes).getUint32(inode.indirect * BSIZE + 4 * (index - NDIRECT), true);
}

/** The inode's SIZE bytes (holes as zeros). */
export function readContents(bytes: Uint8Array, inode: Inode): Uint8Array {
  const out = new Uint8Array(inode.size);
  for (let index = 0; index * BSIZE < inode.size; index++) {
    const block = fileBlock(bytes, inode, index);
    if (block === 0) continue;
    const length = Math.min(BSIZE, inode.size - index * BSIZE);
    out.set(bytes.subarray(block * BSIZE, block * BSIZE + length), index * BSIZE);
  }
  return out;
}

/** One 32-byte directory entry, as stored. */
export interface RawDirent {
  /** Its index in the directory (entry k is at byte 32 * k). */
  readonly slot: number;
  readonly inum: number;
  /** The name's bytes up to the first NUL (at most 28). */
  readonly name: Uint8Array;
  /** False if a non-NUL byte follows the first NUL, or all 28 bytes are used. */
  readonly padded: boolean;
}

/** The entries of a directory's contents, free slots included. */
export function readDirents(contents: Uint8Array): RawDirent[] {
  const v = view(contents);
  const out: RawDirent[] = [];
  for (let slot = 0; (slot + 1) * DIRENT_BYTES <= contents.length; slot++) {
    const at = slot * DIRENT_BYTES;
    const field = contents.subarray(at + DIRENT.NAME, at + DIRENT_BYTES);
    const nul = field.indexOf(0);
    const end = nul < 0 ? field.length : nul;
    const padded = nul >= 0 && nul <= NAME_MAX && field.subarray(nul).every((b) => b === 0);
    out.push({ slot, inum: v.getUint32(at + DIRENT.INUM, true), name: field.slice(0, end), padded });
  }
  return out;
}

/** A name's bytes as text for messages (invalid UTF-8 shown as \xNN). */
export function showName(name: Uint8Array): string {
  let out = "";
  for (const b of name) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}

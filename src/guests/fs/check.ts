/**
 * The checker: refuses an image that is not a sound toy32 file system
 * (layout.ts), the way xv6's kernel panics on a bad superblock and fsck
 * walks a disk (McKusick and Kowalski, "Fsck: the UNIX file system check
 * program": superblock, then inodes and their blocks, then the directory
 * tree from the root). Each refusal is one FsImageError saying what is
 * wrong and where: the block, the inode, the byte offset in the image.
 *
 * The inodes in use are checked first, in table order, then the tree.
 * Every walk is bounded by the superblock's counts, once those are
 * checked against the image's length: each inode is read once, each file
 * holds at most NDIRECT + NINDIRECT blocks, and the tree walk visits each
 * directory once (a second visit is the loop or the extra link it
 * reports), so a hostile image ends in a refusal, never a hang.
 */
import { UserError } from "../../errors";
import { fileBlock, readContents, readDirents, showName } from "./contents";
import {
  BSIZE, DIRENT_BYTES, FS_MAGIC, INODE, INODES_PER_BLOCK, INODE_TYPE, MAX_FILE_BYTES, NDIRECT, NINDIRECT, ROOT_INUM, SB,
  SUPERBLOCK_BLOCK, SWAP_PAGE_BLOCKS, badName, bitSet, inodeOffset, readInode, readSuperblock, regionsOf, view,
  type Inode, type Superblock, type SuperblockField,
} from "./layout";

export class FsImageError extends UserError {
  constructor(image: string, where: string, what: string) {
    super(`${image}: ${where}: ${what}`, "the image is not a sound toy32 file system; rebuild it with `vmlab mkfs IMAGE DIR`");
    this.name = "FsImageError";
  }
}

/** What a sound image holds, for the reader. */
export interface CheckedImage {
  readonly superblock: Superblock;
  readonly files: number;
  readonly directories: number;
  /** Data blocks in use (files, directories, indirect blocks). */
  readonly dataBlocksUsed: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** "byte 0x1048 (block 4 +72)": where a field is, for messages. */
export function at(offset: number): string {
  return `byte ${hex(offset)} (block ${Math.floor(offset / BSIZE)} +${offset % BSIZE})`;
}

/** Checks `bytes` (an image called `image` in messages); throws FsImageError on the first fault. */
export function checkImage(bytes: Uint8Array, image = "the image"): CheckedImage {
  const sb = checkSuperblock(bytes, image);
  const inodes = new InodeChecker(bytes, sb, image);
  inodes.checkTable();
  const tree = walkTree(bytes, sb, image, inodes);
  return { superblock: sb, ...tree, dataBlocksUsed: inodes.claimed.size };
}

function checkSuperblock(bytes: Uint8Array, image: string): Superblock {
  const need = (SUPERBLOCK_BLOCK + 1) * BSIZE;
  if (bytes.length < need) {
    throw new FsImageError(image, `${bytes.length} bytes`, `too short for a toy32 file system (its superblock is block 1, bytes ${BSIZE}..${need - 1})`);
  }
  const sb = readSuperblock(bytes);
  const field = (name: SuperblockField): string => `block 1 (superblock) +${SB[name]} ${name}`;
  const fail = (name: SuperblockField, what: string): never => {
    throw new FsImageError(image, field(name), what);
  };
  if (sb.MAGIC !== FS_MAGIC) fail("MAGIC", `${hex(sb.MAGIC)} is not "TFS1" (${hex(FS_MAGIC)}): not a toy32 file system`);
  if (sb.BSIZE !== BSIZE) fail("BSIZE", `${sb.BSIZE}, but toy32's file system has ${BSIZE}-byte blocks`);
  if (sb.ROOT !== ROOT_INUM) fail("ROOT", `the root directory is inode ${ROOT_INUM}, not ${sb.ROOT}`);
  if (sb.SIZE * BSIZE > bytes.length) {
    fail("SIZE", `${sb.SIZE} blocks (${sb.SIZE * BSIZE} bytes), but the image holds only ${bytes.length} bytes`);
  }
  if (sb.NINODES < INODES_PER_BLOCK || sb.NINODES % INODES_PER_BLOCK !== 0) {
    fail("NINODES", `${sb.NINODES} is not a positive multiple of ${INODES_PER_BLOCK}`);
  }
  if (sb.SWAPBLOCKS % SWAP_PAGE_BLOCKS !== 0) fail("SWAPBLOCKS", `${sb.SWAPBLOCKS} is not a multiple of ${SWAP_PAGE_BLOCKS} (one 4 KiB page)`);
  if (sb.NDATA < 1) fail("NDATA", "no data blocks: the root directory needs one");
  const regions = regionsOf(sb);
  const span = (r: { name: string; start: number; blocks: number }): string =>
    r.blocks === 0 ? `${r.name} (empty, at block ${r.start})` : `${r.name} (blocks ${r.start}..${r.start + r.blocks - 1})`;
  for (let i = 1; i < regions.length; i++) {
    const before = regions[i - 1], r = regions[i];
    if (r.start + r.blocks > sb.SIZE) {
      throw new FsImageError(image, field(fieldOfRegion(i)), `the ${span(r)} runs past the end of the disk (SIZE ${sb.SIZE} blocks)`);
    }
    if (r.start < before.start + before.blocks) {
      throw new FsImageError(image, field(fieldOfRegion(i)), `the ${span(r)} overlaps the ${span(before)}`);
    }
  }
  return sb;
}

/** The superblock field that places region i of regionsOf. */
function fieldOfRegion(i: number): SuperblockField {
  return (["SIZE", "IBMAP", "BBMAP", "INODES", "DATA", "SWAP"] as const)[i];
}

/** Reads and validates inodes on demand, each once; owns the map of claimed blocks. */
class InodeChecker {
  /** Data block -> who holds it, to refuse a block held twice. */
  readonly claimed = new Map<number, string>();
  private readonly checked = new Map<number, Inode>();

  constructor(private readonly bytes: Uint8Array, private readonly sb: Superblock, private readonly image: string) {}

  /** fsck's first pass: every inode in use, in table order, so a block held twice is found whatever the tree. */
  checkTable(): void {
    for (let inum = 1; inum < this.sb.NINODES; inum++) {
      if (view(this.bytes).getUint16(inodeOffset(this.sb, inum) + INODE.TYPE, true) !== INODE_TYPE.FREE) this.get(inum);
    }
  }

  /** Inode `inum` (already range-checked by the caller), validated. */
  get(inum: number): Inode {
    const known = this.checked.get(inum);
    if (known) return known;
    const inode = readInode(this.bytes, this.sb, inum);
    this.validate(inode);
    this.checked.set(inum, inode);
    return inode;
  }

  /** "inode 5 at byte 0x1154 (block 4 +340), ADDRS[3]": word `index` of the field. */
  private where(inode: Inode, field: keyof typeof INODE, index?: number): string {
    const offset = inodeOffset(this.sb, inode.inum) + INODE[field] + 4 * (index ?? 0);
    return `inode ${inode.inum} at ${at(offset)}, ${field}${index === undefined ? "" : `[${index}]`}`;
  }

  private fail(inode: Inode, field: keyof typeof INODE, what: string): never {
    throw new FsImageError(this.image, this.where(inode, field), what);
  }

  private validate(inode: Inode): void {
    if (inode.type !== INODE_TYPE.DIR && inode.type !== INODE_TYPE.FILE) {
      const named = inode.inum === ROOT_INUM ? "the superblock's ROOT names it" : "a directory entry names it";
      this.fail(inode, "TYPE", inode.type === INODE_TYPE.FREE ? `the inode is free (0), but ${named}` : `${inode.type} is not a type (1 directory, 2 file)`);
    }
    if (!bitSet(this.bytes, this.sb.IBMAP, inode.inum)) {
      this.fail(inode, "TYPE", `the inode is in use, but bit ${inode.inum} of the inode bitmap (block ${this.sb.IBMAP + (inode.inum >>> 13)}) says free`);
    }
    if (inode.size > MAX_FILE_BYTES) {
      this.fail(inode, "SIZE", `${inode.size} bytes is beyond what ${NDIRECT} direct and ${NINDIRECT} indirect blocks hold (${MAX_FILE_BYTES})`);
    }
    if (inode.type === INODE_TYPE.DIR && inode.size % DIRENT_BYTES !== 0) {
      this.fail(inode, "SIZE", `a directory of ${inode.size} bytes is not a whole number of ${DIRENT_BYTES}-byte entries`);
    }
    const owner = `inode ${inode.inum}`;
    inode.addrs.forEach((block, i) => this.claim(block, inode, "ADDRS", i, owner));
    this.claim(inode.indirect, inode, "INDIRECT", undefined, owner);
    if (inode.indirect !== 0) {
      const v = view(this.bytes);
      for (let i = 0; i < NINDIRECT; i++) {
        const offset = inode.indirect * BSIZE + 4 * i;
        const block = v.getUint32(offset, true);
        if (block !== 0) this.claimAt(block, `inode ${inode.inum}'s indirect block ${inode.indirect}, entry ${i} at ${at(offset)}`, owner);
      }
    }
    if (inode.size > 0) {
      const last = Math.floor((inode.size - 1) / BSIZE);
      if (fileBlock(this.bytes, inode, last) === 0) {
        const holder = last < NDIRECT ? `ADDRS[${last}] is 0` : inode.indirect === 0 ? "INDIRECT is 0" : `entry ${last - NDIRECT} of the indirect block is 0`;
        this.fail(inode, "SIZE", `${inode.size} bytes is beyond what the inode's blocks hold: its last byte is in block ${last} of the file, but ${holder}`);
      }
    }
  }

  private claim(block: number, inode: Inode, field: keyof typeof INODE, index: number | undefined, owner: string): void {
    if (block !== 0) this.claimAt(block, this.where(inode, field, index), owner);
  }

  /** A block number an inode holds: in the data region, marked used, held once. */
  private claimAt(block: number, where: string, owner: string): void {
    const sb = this.sb;
    const refuse = (what: string): never => {
      throw new FsImageError(this.image, where, what);
    };
    if (block >= sb.SIZE) refuse(`block ${block} is outside the disk (${sb.SIZE} blocks)`);
    if (block < sb.DATA || block >= sb.DATA + sb.NDATA) {
      const region = regionsOf(sb).find((r) => block >= r.start && block < r.start + r.blocks);
      refuse(`block ${block} is in the ${region?.name ?? "space between regions"}, not a data block (${sb.DATA}..${sb.DATA + sb.NDATA - 1})`);
    }
    if (!bitSet(this.bytes, sb.BBMAP, block)) refuse(`block ${block} is in use, but the block bitmap says free`);
    const before = this.claimed.get(block);
    if (before !== undefined) refuse(`block ${block} is held by ${before} already`);
    this.claimed.set(block, owner);
  }
}

/** Where the walk first reached a directory: its parent and its name there. */
interface Reached {
  readonly parent: number;
  readonly name: string;
}

/**
 * The tree from the root: every entry valid, every directory reached once.
 * Each directory keeps only its parent and name (paths are spelled out
 * for messages alone), so a hostile chain of nested directories costs
 * time and memory in proportion to its length.
 */
function walkTree(bytes: Uint8Array, sb: Superblock, image: string, inodes: InodeChecker): { files: number; directories: number } {
  const root = inodes.get(ROOT_INUM);
  if (root.type !== INODE_TYPE.DIR) {
    throw new FsImageError(image, `inode ${ROOT_INUM} at ${at(inodeOffset(sb, ROOT_INUM))}, TYPE`, "the root is not a directory");
  }
  const reached = new Map<number, Reached>([[ROOT_INUM, { parent: ROOT_INUM, name: "" }]]);
  /** The directories from `inum` up to the root (the reached parents form a tree). */
  const lineage = (inum: number): number[] => {
    const up = [inum];
    for (let at = inum; at !== ROOT_INUM; ) up.push((at = (reached.get(at) as Reached).parent));
    return up;
  };
  const pathOf = (inum: number): string => "/" + lineage(inum).reverse().slice(1).map((d) => (reached.get(d) as Reached).name).join("/");
  const files = new Set<number>();
  const stack: number[] = [ROOT_INUM];
  while (stack.length > 0) {
    const dir = stack.pop() as number;
    const inode = inodes.get(dir);
    const entries = readDirents(readContents(bytes, inode));
    const entryAt = (slot: number): string => {
      const byte = slot * DIRENT_BYTES;
      const block = fileBlock(bytes, inode, Math.floor(byte / BSIZE));
      return `directory ${pathOf(dir)} (inode ${dir}), entry ${slot} at ${block === 0 ? `byte ${byte} of the directory (a hole)` : at(block * BSIZE + (byte % BSIZE))}`;
    };
    const fail = (slot: number, what: string): never => {
      throw new FsImageError(image, entryAt(slot), what);
    };
    const expectSelf = (slot: number, name: string, inum: number): void => {
      const e = entries[slot];
      if (e === undefined) fail(slot, `missing: every directory holds "." and ".." first`);
      if (showName(e.name) !== name || !e.padded) fail(slot, `named "${showName(e.name)}", but entry ${slot} must be "${name}"`);
      if (e.inum !== inum) fail(slot, `"${name}" names inode ${e.inum}, not ${inum}`);
    };
    expectSelf(0, ".", dir);
    expectSelf(1, "..", (reached.get(dir) as Reached).parent);
    const names = new Set<string>();
    for (const e of entries.slice(2)) {
      if (e.inum === 0) continue;
      const shown = showName(e.name);
      const bad = badName(e.name) ?? (e.padded ? undefined : "a name not NUL-padded to 28 bytes");
      if (bad !== undefined) fail(e.slot, `${bad} ("${shown}")`);
      if (shown === "." || shown === "..") fail(e.slot, `a second "${shown}"`);
      if (names.has(shown)) fail(e.slot, `"${shown}" is named twice in this directory`);
      names.add(shown);
      if (e.inum >= sb.NINODES) fail(e.slot, `"${shown}" names inode ${e.inum}, outside the inode table (${sb.NINODES} inodes)`);
      const child = inodes.get(e.inum);
      if (child.type === INODE_TYPE.FILE) {
        files.add(e.inum);
        continue;
      }
      if (reached.has(e.inum)) {
        if (lineage(dir).includes(e.inum)) {
          fail(e.slot, `directory loop: "${shown}" names inode ${e.inum}, which is ${pathOf(e.inum)}, a directory above it`);
        }
        fail(e.slot, `"${shown}" names directory inode ${e.inum}, already reached as ${pathOf(e.inum)} (a directory has one parent)`);
      }
      reached.set(e.inum, { parent: dir, name: shown });
      stack.push(e.inum);
    }
  }
  return { files: files.size, directories: reached.size };
}

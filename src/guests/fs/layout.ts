/**
 * The toy32 file system's on-disk layout (issue 10; the contract both the
 * guest kernel and these host tools follow is notes/fs-layout.md). It is
 * xv6's file system without the log (Cox, Kaashoek and Morris, "xv6: a
 * simple, Unix-like teaching operating system", chapter 8), with an inode
 * bitmap and a swap area. Little-endian u32 fields unless said.
 *
 *   block 0          boot block (zero)
 *   block 1          superblock
 *   IBMAP..          inode bitmap: bit i of byte i/8 = inode i in use
 *   BBMAP..          block bitmap: one bit per block of the disk, 1 = in use
 *   INODES..         inode table, 16 inodes of 64 bytes a block
 *   DATA..           data blocks: files, directories, indirect blocks
 *   SWAP..SIZE-1     swap area, SWAPBLOCKS blocks (4 blocks = one 4 KiB page)
 *
 *   superblock (block 1)                 inode (64 bytes; inode 1 = root)
 *   +0  MAGIC   "TFS1"  +24 DATA          +0  TYPE  u16 0 free 1 dir 2 file
 *   +4  SIZE    blocks  +28 NDATA         +2  NLINK u16
 *   +8  NINODES         +32 SWAP          +4  SIZE  bytes
 *   +12 IBMAP           +36 SWAPBLOCKS    +8  ADDRS[12] direct blocks (0 = hole)
 *   +16 BBMAP           +40 BSIZE 1024    +56 INDIRECT: block of 256 more
 *   +20 INODES          +44 ROOT 1        +60 reserved
 *
 *   directory entry (32 bytes)          executable (TX32)
 *   +0 INUM (0 = free slot)             +0 MAGIC "TX32"  +8  LENGTH
 *   +4 NAME, 1-27 bytes, NUL-padded     +4 ENTRY         +12 BSS, then the image
 *
 * Every offset is named once, here; image.ts, check.ts and mkfs.ts use
 * these names only.
 */

export const BSIZE = 1024;
export const FS_MAGIC = 0x3153_4654; // "TFS1", little-endian
export const ROOT_INUM = 1;
export const NDIRECT = 12;
export const NINDIRECT = BSIZE / 4;
export const MAX_FILE_BYTES = (NDIRECT + NINDIRECT) * BSIZE;
export const INODE_BYTES = 64;
export const INODES_PER_BLOCK = BSIZE / INODE_BYTES;
export const DIRENT_BYTES = 32;
export const DIRENTS_PER_BLOCK = BSIZE / DIRENT_BYTES;
export const NAME_MAX = 27;
export const BITS_PER_BLOCK = BSIZE * 8;
/** Blocks of one 4 KiB page in the swap area. */
export const SWAP_PAGE_BLOCKS = 4;
export const SUPERBLOCK_BLOCK = 1;

/** Superblock field offsets (block 1). */
export const SB = {
  MAGIC: 0, SIZE: 4, NINODES: 8, IBMAP: 12, BBMAP: 16, INODES: 20,
  DATA: 24, NDATA: 28, SWAP: 32, SWAPBLOCKS: 36, BSIZE: 40, ROOT: 44,
} as const;
export type SuperblockField = keyof typeof SB;

/** Inode field offsets. */
export const INODE = { TYPE: 0, NLINK: 2, SIZE: 4, ADDRS: 8, INDIRECT: 56, RESERVED: 60 } as const;
export const INODE_TYPE = { FREE: 0, DIR: 1, FILE: 2 } as const;

/** Directory entry field offsets. */
export const DIRENT = { INUM: 0, NAME: 4 } as const;

/** Executable header (what the kernel's exec loads). */
export const TX32 = { MAGIC_VALUE: 0x3233_5854, MAGIC: 0, ENTRY: 4, LENGTH: 8, BSS: 12, HEADER_BYTES: 16 } as const;

export type Superblock = { readonly [K in SuperblockField]: number };

export interface Inode {
  readonly inum: number;
  readonly type: number;
  readonly nlink: number;
  readonly size: number;
  /** The 12 direct block numbers (0 = hole). */
  readonly addrs: readonly number[];
  readonly indirect: number;
}

/** One region of the disk, for the checker's messages and mkfs's plan. */
export interface Region {
  readonly name: string;
  readonly start: number;
  readonly blocks: number;
}

export function bitmapBlocks(bits: number): number {
  return Math.ceil(bits / BITS_PER_BLOCK);
}

/** The regions the superblock describes, in disk order (diagram above). */
export function regionsOf(sb: Superblock): Region[] {
  return [
    { name: "boot block and superblock", start: 0, blocks: 2 },
    { name: "inode bitmap", start: sb.IBMAP, blocks: bitmapBlocks(sb.NINODES) },
    { name: "block bitmap", start: sb.BBMAP, blocks: bitmapBlocks(sb.SIZE) },
    { name: "inode table", start: sb.INODES, blocks: sb.NINODES / INODES_PER_BLOCK },
    { name: "data blocks", start: sb.DATA, blocks: sb.NDATA },
    { name: "swap area", start: sb.SWAP, blocks: sb.SWAPBLOCKS },
  ];
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The superblock's fields as stored (unchecked; check.ts judges them). */
export function readSuperblock(bytes: Uint8Array): Superblock {
  const v = view(bytes);
  const at = SUPERBLOCK_BLOCK * BSIZE;
  const out = {} as Record<SuperblockField, number>;
  for (const [name, offset] of Object.entries(SB) as [SuperblockField, number][]) out[name] = v.getUint32(at + offset, true);
  return out;
}

export function writeSuperblock(bytes: Uint8Array, sb: Superblock): void {
  const v = view(bytes);
  const at = SUPERBLOCK_BLOCK * BSIZE;
  for (const [name, offset] of Object.entries(SB) as [SuperblockField, number][]) v.setUint32(at + offset, sb[name], true);
}

/** Byte offset of inode `inum` in the image. */
export function inodeOffset(sb: Superblock, inum: number): number {
  return sb.INODES * BSIZE + inum * INODE_BYTES;
}

export function readInode(bytes: Uint8Array, sb: Superblock, inum: number): Inode {
  const v = view(bytes);
  const at = inodeOffset(sb, inum);
  const addrs: number[] = [];
  for (let i = 0; i < NDIRECT; i++) addrs.push(v.getUint32(at + INODE.ADDRS + 4 * i, true));
  return {
    inum,
    type: v.getUint16(at + INODE.TYPE, true),
    nlink: v.getUint16(at + INODE.NLINK, true),
    size: v.getUint32(at + INODE.SIZE, true),
    addrs,
    indirect: v.getUint32(at + INODE.INDIRECT, true),
  };
}

export function writeInode(bytes: Uint8Array, sb: Superblock, inode: Inode): void {
  const v = view(bytes);
  const at = inodeOffset(sb, inode.inum);
  v.setUint16(at + INODE.TYPE, inode.type, true);
  v.setUint16(at + INODE.NLINK, inode.nlink, true);
  v.setUint32(at + INODE.SIZE, inode.size, true);
  inode.addrs.forEach((block, i) => v.setUint32(at + INODE.ADDRS + 4 * i, block, true));
  v.setUint32(at + INODE.INDIRECT, inode.indirect, true);
}

/** True if bit `i` of the bitmap starting at block `start` is set. */
export function bitSet(bytes: Uint8Array, start: number, i: number): boolean {
  return (bytes[start * BSIZE + (i >>> 3)] & (1 << (i & 7))) !== 0;
}

export function setBit(bytes: Uint8Array, start: number, i: number): void {
  bytes[start * BSIZE + (i >>> 3)] |= 1 << (i & 7);
}

/** A directory entry's name: 1-27 bytes, no '/' and no NUL. Returns what is wrong, or undefined. */
export function badName(name: Uint8Array): string | undefined {
  if (name.length === 0) return "an empty name";
  if (name.length > NAME_MAX) return `a name of ${name.length} bytes (at most ${NAME_MAX})`;
  if (name.includes(0x2f)) return "a name with '/'";
  if (name.includes(0)) return "a name with a NUL byte";
  return undefined;
}

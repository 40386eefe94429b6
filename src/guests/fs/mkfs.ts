/**
 * mkfs: builds a toy32 file system image (layout.ts) whose root holds a
 * host folder's contents, as `mkfs.ext4 -d DIR` populates an ext4 image
 * and as xv6's mkfs writes its user programs into fs.img (Cox, Kaashoek
 * and Morris, xv6 book, chapter 8; xv6's mkfs/mkfs.c). On the way every
 * toy32 `.s` file is assembled into a TX32 executable named without its
 * `.s` (executable.ts), so `exec("/hello")` runs hello.s.
 *
 * The plan is made before a byte is written: the folder must fit in the
 * data blocks the size leaves after the metadata and the swap area, or
 * mkfs refuses, naming the size that would do. Inodes are numbered in
 * depth-first order from the root (inode 1); data blocks are allocated in
 * order from DATA, a file's indirect block just before its 13th block.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../../errors";
import { executableFromSource } from "./executable";
import {
  BSIZE, DIRENT, DIRENT_BYTES, FS_MAGIC, INODES_PER_BLOCK, INODE_TYPE, MAX_FILE_BYTES, NAME_MAX, NDIRECT, ROOT_INUM,
  SWAP_PAGE_BLOCKS, badName, bitmapBlocks, setBit, view, writeInode, writeSuperblock, type Superblock,
} from "./layout";

export type FsNode = FsFile | FsDirectory;
export interface FsFile {
  readonly kind: "file";
  readonly data: Uint8Array;
}
export interface FsDirectory {
  readonly kind: "directory";
  readonly entries: ReadonlyMap<string, FsNode>;
}

export interface MkfsOptions {
  /** Bytes of the image, a multiple of 1024; default 4 MiB, or more if the folder needs it. */
  readonly size?: number;
  /** Bytes of swap area at the end, a multiple of 4096; default a quarter of the disk. */
  readonly swapBytes?: number;
  /** Inodes, a multiple of 16; default max(64, entries + 32) rounded up to 16. */
  readonly inodes?: number;
}

export const DEFAULT_IMAGE_BYTES = 4 << 20;
/** The largest image mkfs builds (it is held in memory). */
export const MAX_IMAGE_BYTES = 1 << 30;
/** Entries a directory can hold ("." and ".." included). */
const MAX_DIRENTS = MAX_FILE_BYTES / DIRENT_BYTES;
const encoder = new TextEncoder();

/** Builds an image whose root holds the folder `dir`'s contents. */
export function mkfs(dir: string, options: MkfsOptions = {}): Uint8Array {
  return buildImage(readHostFolder(dir), options, dir);
}

/**
 * Reads a host folder as a tree: files as they are, `.s` files assembled
 * into executables (named without `.s`). Refuses links, devices, names the
 * file system cannot hold and files larger than its largest.
 */
export function readHostFolder(dir: string): FsDirectory {
  const stat = hostRead(dir, () => fs.statSync(dir));
  if (!stat.isDirectory()) throw new UserError(`${dir} is not a folder`, "vmlab mkfs IMAGE DIR copies the folder DIR into the image's root");
  return readFolder(dir);
}

function readFolder(dir: string): FsDirectory {
  const entries = new Map<string, FsNode>();
  const from = new Map<string, string>();
  for (const e of hostRead(dir, () => fs.readdirSync(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const host = path.join(dir, e.name);
    let name = e.name;
    let node: FsNode;
    if (e.isDirectory()) node = readFolder(host);
    else if (e.isFile()) {
      const data = hostRead(host, () => fs.readFileSync(host));
      if (name.endsWith(".s")) {
        name = name.slice(0, -2);
        node = { kind: "file", data: executableFromSource({ name: host, source: data.toString("utf8") }) };
      } else node = { kind: "file", data };
      checkFileSize(`${host}: ${node.data.length} bytes${e.name === name ? "" : " once assembled"}`, node.data.length);
    } else {
      throw new UserError(`${host} is ${e.isSymbolicLink() ? "a symbolic link" : "not a file or a folder"}; toy32's file system holds only files and folders`, "copy what it points to instead");
    }
    const bad = badName(encoder.encode(name));
    if (bad !== undefined) {
      throw new UserError(`${host}: ${bad}${e.name === name ? "" : ` (${name}, once ".s" is dropped)`}; toy32's file system names are 1-${NAME_MAX} bytes without '/'`, "rename it");
    }
    const clash = from.get(name);
    if (clash !== undefined) throw new UserError(`${host} and ${path.join(dir, clash)} would both be named "${name}" in the image ("${name}.s" is assembled into "${name}")`, "rename one of them");
    from.set(name, e.name);
    entries.set(name, node);
  }
  if (entries.size + 2 > MAX_DIRENTS) throw new UserError(`${dir} holds ${entries.size} entries; a toy32 directory holds at most ${MAX_DIRENTS - 2}`);
  return { kind: "directory", entries };
}

/** A host read whose failure (EACCES, EIO ...) is a UserError naming the path. */
function hostRead<T>(at: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new UserError(`cannot read ${at}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

interface Needs {
  readonly inodes: number;
  readonly dataBlocks: number;
}

/** Blocks a file of `bytes` takes: its data, and the indirect block past NDIRECT. */
function blocksFor(bytes: number): number {
  const data = Math.ceil(bytes / BSIZE);
  return data + (data > NDIRECT ? 1 : 0);
}

function directoryBytes(dir: FsDirectory): number {
  return (dir.entries.size + 2) * DIRENT_BYTES;
}

/** A file larger than an inode's blocks hold is refused: the image would claim bytes it cannot reach. */
function checkFileSize(what: string, bytes: number): void {
  if (bytes > MAX_FILE_BYTES) {
    throw new UserError(`${what}, more than the largest file toy32's file system holds (${MAX_FILE_BYTES} bytes: ${NDIRECT} direct and ${BSIZE / 4} indirect blocks of ${BSIZE})`);
  }
}

function needsOf(node: FsNode, at: string, source: string): Needs {
  if (node.kind === "file") {
    checkFileSize(`${source}: ${at}: ${node.data.length} bytes`, node.data.length);
    return { inodes: 1, dataBlocks: blocksFor(node.data.length) };
  }
  let inodes = 1, dataBlocks = blocksFor(directoryBytes(node));
  for (const [name, child] of node.entries) {
    const n = needsOf(child, `${at}/${name}`, source);
    inodes += n.inodes;
    dataBlocks += n.dataBlocks;
  }
  return { inodes, dataBlocks };
}

/** The superblock for an image of `blocks` blocks (no gaps between regions). */
function plan(blocks: number, ninodes: number, swapBlocks: number): Superblock {
  const IBMAP = 2;
  const BBMAP = IBMAP + bitmapBlocks(ninodes);
  const INODES = BBMAP + bitmapBlocks(blocks);
  const DATA = INODES + ninodes / INODES_PER_BLOCK;
  const SWAP = blocks - swapBlocks;
  return {
    MAGIC: FS_MAGIC, SIZE: blocks, NINODES: ninodes, IBMAP, BBMAP, INODES, DATA, NDATA: SWAP - DATA,
    SWAP, SWAPBLOCKS: swapBlocks, BSIZE, ROOT: ROOT_INUM,
  };
}

const defaultSwap = (blocks: number): number => Math.floor(blocks / 4 / SWAP_PAGE_BLOCKS) * SWAP_PAGE_BLOCKS;

function checkWhole(value: number | undefined, what: string, unit: number, flag: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value % unit !== 0) throw new UserError(`${flag} must be a whole multiple of ${unit}${what}, not ${value}`);
}

/** Builds the image of `root` (`source` names the folder in messages). */
export function buildImage(root: FsDirectory, options: MkfsOptions = {}, source = "the folder"): Uint8Array {
  checkWhole(options.size, " bytes (the block size)", BSIZE, "--size");
  checkWhole(options.swapBytes, " bytes (one 4 KiB page)", SWAP_PAGE_BLOCKS * BSIZE, "--swap");
  checkWhole(options.inodes, "", INODES_PER_BLOCK, "the inode count");
  const needs = needsOf(root, "", source);
  const ninodes = options.inodes ?? Math.ceil(Math.max(64, needs.inodes + 32) / INODES_PER_BLOCK) * INODES_PER_BLOCK;
  if (needs.inodes + 1 > ninodes) {
    throw new UserError(`${source} has ${needs.inodes} files and folders, but the image has ${ninodes - 1} usable inodes`, `ask for at least ${needs.inodes + 1} inodes`);
  }
  const swapOf = (blocks: number): number => (options.swapBytes === undefined ? defaultSwap(blocks) : options.swapBytes / BSIZE);
  const fits = (blocks: number): boolean => blocks * BSIZE <= MAX_IMAGE_BYTES && plan(blocks, ninodes, swapOf(blocks)).NDATA >= needs.dataBlocks;
  const blocks = options.size === undefined ? Math.max(DEFAULT_IMAGE_BYTES / BSIZE, smallestFitting(fits)) : options.size / BSIZE;
  if (blocks * BSIZE > MAX_IMAGE_BYTES) throw new UserError(`--size ${blocks * BSIZE} is larger than the largest image vmlab builds (${MAX_IMAGE_BYTES} bytes)`);
  const sb = plan(blocks, ninodes, swapOf(blocks));
  if (sb.NDATA < needs.dataBlocks) {
    const smallest = smallestFitting(fits);
    const hint = smallest * BSIZE <= MAX_IMAGE_BYTES ? `pass --size ${smallest * BSIZE} or more` : "the folder is too large for any toy32 image";
    const room = Math.max(0, sb.NDATA);
    throw new UserError(`${source} needs ${needs.dataBlocks} data blocks of ${BSIZE} bytes, but an image of ${blocks * BSIZE} bytes has room for ${room} (after its metadata and ${sb.SWAPBLOCKS * BSIZE} bytes of swap)`, hint);
  }
  return new Writer(sb).write(root);
}

/** The fewest blocks for which `fits` holds (it is monotone), searched up to 2^22 blocks. */
function smallestFitting(fits: (blocks: number) => boolean): number {
  let low = 3, high = MAX_IMAGE_BYTES / BSIZE + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

class Writer {
  private readonly bytes: Uint8Array;
  private nextInode = ROOT_INUM;
  private nextBlock: number;

  constructor(private readonly sb: Superblock) {
    this.bytes = new Uint8Array(sb.SIZE * BSIZE);
    this.nextBlock = sb.DATA;
  }

  write(root: FsDirectory): Uint8Array {
    writeSuperblock(this.bytes, this.sb);
    setBit(this.bytes, this.sb.IBMAP, 0); // inode 0 is never handed out
    for (let b = 0; b < this.sb.DATA; b++) setBit(this.bytes, this.sb.BBMAP, b);
    for (let b = this.sb.SWAP; b < this.sb.SIZE; b++) setBit(this.bytes, this.sb.BBMAP, b);
    this.directory(root, this.allocInode(), ROOT_INUM);
    return this.bytes;
  }

  private allocInode(): number {
    const inum = this.nextInode++;
    setBit(this.bytes, this.sb.IBMAP, inum);
    return inum;
  }

  private allocBlock(): number {
    const block = this.nextBlock++;
    setBit(this.bytes, this.sb.BBMAP, block);
    return block;
  }

  private directory(dir: FsDirectory, inum: number, parent: number): void {
    const names = [...dir.entries.keys()].sort();
    const inums = names.map(() => this.allocInode());
    const contents = new Uint8Array(directoryBytes(dir));
    const v = view(contents);
    const entry = (slot: number, name: string, target: number): void => {
      v.setUint32(slot * DIRENT_BYTES + DIRENT.INUM, target, true);
      contents.set(encoder.encode(name), slot * DIRENT_BYTES + DIRENT.NAME);
    };
    entry(0, ".", inum);
    entry(1, "..", parent);
    names.forEach((name, i) => entry(i + 2, name, inums[i]));
    const subdirectories = names.filter((n) => dir.entries.get(n)?.kind === "directory").length;
    this.inode(inum, INODE_TYPE.DIR, 2 + subdirectories, contents);
    names.forEach((name, i) => {
      const child = dir.entries.get(name) as FsNode;
      if (child.kind === "directory") this.directory(child, inums[i], inum);
      else this.inode(inums[i], INODE_TYPE.FILE, 1, child.data);
    });
  }

  private inode(inum: number, type: number, nlink: number, data: Uint8Array): void {
    const addrs: number[] = new Array<number>(NDIRECT).fill(0);
    let indirect = 0;
    for (let i = 0; i * BSIZE < data.length; i++) {
      if (i === NDIRECT) indirect = this.allocBlock();
      const block = this.allocBlock();
      this.bytes.set(data.subarray(i * BSIZE, (i + 1) * BSIZE), block * BSIZE);
      if (i < NDIRECT) addrs[i] = block;
      else view(this.bytes).setUint32(indirect * BSIZE + 4 * (i - NDIRECT), block, true);
    }
    writeInode(this.bytes, this.sb, { inum, type, nlink, size: data.length, addrs, indirect });
  }
}

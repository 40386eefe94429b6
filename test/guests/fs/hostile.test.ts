/**
 * Corrupt images from a small seeded generator (in the style of
 * test/courseware/grading-hostile.test.ts): each kind of damage to the
 * superblock, the inodes, the bitmaps and the directory entries, with
 * seeded values, must be refused with a FsImageError saying what is wrong
 * and where; random byte damage anywhere in the metadata must end in a
 * refusal or a readable image, never a hang or another exception.
 */
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BSIZE, DIRENT, DIRENT_BYTES, FsImage, FsImageError, INODE, MAX_FILE_BYTES, NDIRECT, SB, checkImage, inodeOffset, mkfs,
  readInode, readSuperblock, type Superblock,
} from "../../../src/guests/fs";
import { seededBytes, tempDir, writeTree } from "./helpers";

const work = tempDir("vmlab-fs-hostile-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// A sound image: / holds a/ (b/ (c/ (note)), big), small; inodes in depth-first order.
const DIR = writeTree(work, {
  "a/b/c/note": "deep\n",
  "a/big": seededBytes(NDIRECT * BSIZE + 5000, 5),
  "small": "tiny\n",
});
const SOUND = mkfs(DIR, { size: 512 * 1024 });
const SBK = readSuperblock(SOUND);

/** Inode numbers by path, read from the sound image. */
const sound = FsImage.fromBytes(SOUND);
const INUM = Object.fromEntries(["/", "/a", "/a/b", "/a/b/c", "/a/b/c/note", "/a/big", "/small"].map((p) => [p, sound.lookup(p).inum]));
const DIRS = ["/", "/a", "/a/b", "/a/b/c"];
const USED = Object.values(INUM);

/** A seeded generator (xorshift32) with the draws the mutations need. */
class Rng {
  constructor(private x: number) {}
  next(): number {
    let x = this.x;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return (this.x = x);
  }
  below(n: number): number { return this.next() % n; }
  between(lo: number, hi: number): number { return lo + this.below(hi - lo + 1); }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
}

interface Damage {
  readonly what: string;
  readonly bytes: Uint8Array;
  /** The refusal's message must match. */
  readonly says: RegExp;
}

const u32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
const u16 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);
const sbAt = (field: keyof typeof SB): number => BSIZE + SB[field];
const inodeAt = (inum: number, field: keyof typeof INODE): number => inodeOffset(SBK, inum) + INODE[field];

/** Byte offset of entry `slot` of the directory at `dir` (its first block holds the sound image's entries). */
function direntAt(dir: string, slot: number): number {
  return readInode(SOUND, SBK, INUM[dir]).addrs[0] * BSIZE + slot * DIRENT_BYTES;
}
/** The slot of `name` in `dir`. */
function slotOf(dir: string, name: string): number {
  const base = direntAt(dir, 0);
  for (let s = 0; s < BSIZE / DIRENT_BYTES; s++) {
    const field = SOUND.subarray(base + s * DIRENT_BYTES + DIRENT.NAME, base + (s + 1) * DIRENT_BYTES);
    if (new TextDecoder().decode(field.subarray(0, field.indexOf(0))) === name) return s;
  }
  throw new Error(`no ${name} in ${dir}`);
}

const metadataBlock = (r: Rng, sb: Superblock): number => r.between(1, sb.DATA - 1); // 0 is a hole, not a block
const swapBlock = (r: Rng, sb: Superblock): number => r.between(sb.SWAP, sb.SIZE - 1);
const outside = (r: Rng, sb: Superblock): number => r.between(sb.SIZE, 0xffffffff);
const dataBlocksOf = (inum: number): number[] => readInode(SOUND, SBK, inum).addrs.filter((b) => b !== 0);

/** The kinds of damage: each makes one seeded, certainly-invalid change to a copy of SOUND. */
const KINDS: ((r: Rng, b: Uint8Array) => Omit<Damage, "bytes">)[] = [
  (r, b) => { u32(b, sbAt("MAGIC"), r.next() === 0x31534654 ? 0 : r.next()); return { what: "magic", says: /block 1 \(superblock\) \+0 MAGIC: .* is not "TFS1"/ }; },
  (r, b) => { u32(b, sbAt("BSIZE"), r.pick([0, 512, 4096, r.next() | 1])); return { what: "block size", says: /\+40 BSIZE: .*1024-byte blocks/ }; },
  (r, b) => { u32(b, sbAt("ROOT"), r.between(2, 0xffffffff)); return { what: "root", says: /\+44 ROOT: the root directory is inode 1/ }; },
  (r, b) => { u32(b, sbAt("SIZE"), r.between(SBK.SIZE + 1, 0xffffffff)); return { what: "size past the image", says: /\+4 SIZE: \d+ blocks .* the image holds only/ }; },
  (r, b) => { u32(b, sbAt("SIZE"), r.between(1, SBK.SIZE - 1)); return { what: "size below the swap", says: /runs past the end of the disk|overlaps/ }; },
  (r, b) => { u32(b, sbAt("NINODES"), r.pick([0, SBK.NINODES + r.between(1, 15)])); return { what: "inode count", says: /\+8 NINODES: \d+ is not a positive multiple of 16/ }; },
  (r, b) => { u32(b, sbAt("NINODES"), SBK.NINODES + 16 * r.between(1, 1000)); return { what: "inode table into data", says: /overlaps|runs past the end/ }; },
  (r, b) => {
    const field = r.pick(["IBMAP", "BBMAP", "INODES", "DATA", "SWAP"] as const);
    u32(b, sbAt(field), r.below(2) ? SBK[field] + r.between(1, 50) : Math.max(0, SBK[field] - r.between(1, SBK[field])));
    return { what: `region ${field} moved`, says: new RegExp(`block 1 \\(superblock\\) \\+\\d+ \\w+: the .*(overlaps|runs past the end of the disk)`) };
  },
  (r, b) => { u32(b, sbAt("NDATA"), SBK.NDATA + r.between(1, 1 << 20)); return { what: "data into swap", says: /\+32 SWAP: the swap area .* overlaps the data blocks|runs past/ }; },
  (r, b) => { u32(b, sbAt("SWAPBLOCKS"), SBK.SWAPBLOCKS + r.pick([1, 2, 3])); return { what: "swap not pages", says: /\+36 SWAPBLOCKS: \d+ is not a multiple of 4/ }; },
  (r, b) => { u32(b, sbAt("SWAPBLOCKS"), SBK.SWAPBLOCKS + 4 * r.between(1, 1 << 20)); return { what: "swap past the end", says: /the swap area .* runs past the end of the disk/ }; },
  (r, b) => { u16(b, inodeAt(1, "TYPE"), r.pick([0, 2])); return { what: "root not a directory", says: /inode 1 at byte 0x[0-9a-f]+ \(block \d+ \+64\), TYPE: (the inode is free \(0\), but the superblock's ROOT names it|the root is not a directory)/ }; },
  (r, b) => { const i = r.pick(USED); u16(b, inodeAt(i, "TYPE"), r.between(3, 0xffff)); return { what: `inode ${i} type`, says: new RegExp(`inode ${i} at byte 0x[0-9a-f]+ \\(block \\d+ \\+\\d+\\), TYPE: \\d+ is not a type`) }; },
  (r, b) => { const i = r.pick(USED); u32(b, inodeAt(i, "SIZE"), r.between(MAX_FILE_BYTES + 1, 0xffffffff)); return { what: `inode ${i} size`, says: new RegExp(`inode ${i} .*SIZE: \\d+ bytes is beyond what 12 direct and 256 indirect blocks hold`) }; },
  (r, b) => { const i = INUM["/small"]; u32(b, inodeAt(i, "SIZE"), r.between(BSIZE + 1, MAX_FILE_BYTES)); return { what: "size past the blocks", says: /inode \d+ .*SIZE: \d+ bytes is beyond what the inode's blocks hold: its last byte is in block \d+ of the file, but (ADDRS\[\d+\]|INDIRECT|entry \d+ of the indirect block) is 0/ }; },
  (r, b) => {
    const i = r.pick(USED), k = r.below(NDIRECT), kind = r.below(3);
    const block = [outside, metadataBlock, swapBlock][kind](r, SBK);
    u32(b, inodeAt(i, "ADDRS") + 4 * k, block);
    const says = [/outside the disk/, /in the (boot block and superblock|inode bitmap|block bitmap|inode table), not a data block/, /in the swap area, not a data block/][kind];
    return { what: `inode ${i} ADDRS[${k}] = ${block}`, says: new RegExp(`inode ${i} at byte 0x${(inodeAt(i, "ADDRS") + 4 * k).toString(16)} \\(block \\d+ \\+\\d+\\), ADDRS\\[${k}\\]: block ${block} is ${says.source}`) };
  },
  (r, b) => { const i = INUM["/a/big"]; const block = r.pick([outside, metadataBlock, swapBlock])(r, SBK); u32(b, inodeAt(i, "INDIRECT"), block); return { what: `indirect = ${block}`, says: new RegExp(`inode ${i} .*INDIRECT: block ${block} is`) }; },
  (r, b) => {
    const indirect = readInode(SOUND, SBK, INUM["/a/big"]).indirect, j = r.below(5);
    u32(b, indirect * BSIZE + 4 * j, r.pick([outside, metadataBlock, swapBlock])(r, SBK));
    return { what: `indirect entry ${j}`, says: new RegExp(`indirect block ${indirect}, entry ${j} at byte 0x[0-9a-f]+ \\(block ${indirect} \\+${4 * j}\\): block \\d+ is`) };
  },
  (r, b) => {
    const [i, j] = [r.pick(USED), r.pick(USED.filter((x) => x !== INUM["/"]))];
    const stolen = dataBlocksOf(i)[0];
    const k = i === j ? dataBlocksOf(j).length : r.below(NDIRECT);
    u32(b, inodeAt(j, "ADDRS") + 4 * k, stolen);
    return { what: `block ${stolen} shared`, says: new RegExp(`block ${stolen} is held by inode \\d+ already`) };
  },
  (r, b) => { const i = r.pick(USED); b[SBK.IBMAP * BSIZE + (i >>> 3)] &= ~(1 << (i & 7)); return { what: `inode ${i} free in the bitmap`, says: new RegExp(`inode ${i} .*the inode is in use, but bit ${i} of the inode bitmap`) }; },
  (r, b) => { const block = r.pick(USED.flatMap(dataBlocksOf)); b[SBK.BBMAP * BSIZE + (block >>> 3)] &= ~(1 << (block & 7)); return { what: `block ${block} free in the bitmap`, says: new RegExp(`block ${block} is in use, but the block bitmap says free`) }; },
  (r, b) => { const dir = r.pick(DIRS), slot = r.pick([0, 1]); u32(b, direntAt(dir, slot) + DIRENT.INUM, r.between(0, 0xffffffff)); return { what: `${dir} entry ${slot}`, says: new RegExp(`directory ${dir.replace(/\//g, "\\/")} \\(inode \\d+\\), entry ${slot} at byte 0x[0-9a-f]+ \\(block \\d+ \\+\\d+\\): "\\.{1,2}" names inode \\d+, not \\d+`) }; },
  (r, b) => { const dir = r.pick(DIRS); b[direntAt(dir, r.pick([0, 1])) + DIRENT.NAME] = r.pick([0x41, 0x2f, 0xff]); return { what: `${dir} . renamed`, says: /entry [01] .*: named ".*", but entry [01] must be/ }; },
  (r, b) => { u32(b, direntAt("/", slotOf("/", "small")) + DIRENT.INUM, r.between(SBK.NINODES, 0xffffffff)); return { what: "entry past the table", says: /directory \/ \(inode 1\), entry \d+ .*: "small" names inode \d+, outside the inode table/ }; },
  (r, b) => { u32(b, direntAt("/a", slotOf("/a", "big")) + DIRENT.INUM, r.between(Math.max(...USED) + 1, SBK.NINODES - 1)); return { what: "entry to a free inode", says: /inode \d+ .*TYPE: the inode is free \(0\), but a directory entry names it/ }; },
  (r, b) => {
    const [dir, name] = r.pick([["/a/b", "c"], ["/a", "b"], ["/a/b/c", "note"]] as const);
    const target = r.pick(DIRS.filter((d) => dir === d || dir.startsWith(d === "/" ? "/" : d + "/")));
    u32(b, direntAt(dir, slotOf(dir, name)) + DIRENT.INUM, INUM[target]);
    return { what: `loop ${dir}/${name} -> ${target}`, says: new RegExp(`directory loop: "${name}" names inode ${INUM[target]}, which is ${target.replace(/\//g, "\\/")}, a directory above it`) };
  },
  (r, b) => { u32(b, direntAt("/", slotOf("/", "small")) + DIRENT.INUM, INUM[r.pick(["/a/b", "/a/b/c"])]); return { what: "a directory named twice", says: /already reached as \/a\/b|\/small \(inode \d+\), entry 1 .*: "\.\." names inode \d+, not 1/ }; },
  (r, b) => {
    const at = direntAt("/a", slotOf("/a", r.pick(["b", "big"]))) + DIRENT.NAME;
    const kind = r.below(3);
    if (kind === 0) b[at + r.below(2)] = 0x2f;
    else if (kind === 1) b[at + r.between(4, 27)] = r.between(1, 255);
    else b.fill(0x61, at, at + 28);
    return { what: `bad name ${kind}`, says: [/a name with '\/'/, /a name not NUL-padded to 28 bytes/, /a name of 28 bytes \(at most 27\)/][kind] };
  },
  (r, b) => { b[direntAt("/a", slotOf("/a", "big")) + DIRENT.NAME] = 0; return { what: "empty name", says: /directory \/a .*: an empty name/ }; },
  (r, b) => { b.copyWithin(direntAt("/a", slotOf("/a", "big")) + DIRENT.NAME, direntAt("/a", slotOf("/a", "b")) + DIRENT.NAME, direntAt("/a", slotOf("/a", "b")) + DIRENT_BYTES); return { what: "two names alike", says: /"b" is named twice in this directory/ }; },
];

function damaged(seed: number): Damage {
  const r = new Rng(seed * 2654435761 + 1);
  const kind = KINDS[seed % KINDS.length];
  const bytes = SOUND.slice();
  return { ...kind(r, bytes), bytes };
}

/** Runs `work`, returning the error it throws (or undefined). */
function refusal(work: () => unknown): unknown {
  try {
    work();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe("corrupt images are refused with what is wrong and where", () => {
  it("the sound image passes", () => {
    expect(checkImage(SOUND)).toMatchObject({ files: 3, directories: 4 });
  });

  const seeds = Array.from({ length: KINDS.length * 6 }, (_, i) => i);
  it.each(seeds)("seed %i", (seed) => {
    const d = damaged(seed);
    const e = refusal(() => FsImage.fromBytes(d.bytes, "hostile.img"));
    expect(e, d.what).toBeInstanceOf(FsImageError);
    const message = (e as Error).message;
    expect(message, d.what).toMatch(/^hostile\.img: (block|inode|directory|byte|\d+ bytes)/);
    expect(message, d.what).toMatch(d.says);
    expect(message).not.toMatch(/\n|undefined|NaN/);
  });

  it("a truncated image, or one of random bytes, is refused", () => {
    for (const length of [0, 100, 2047, 2048, SOUND.length - 1]) {
      expect(() => checkImage(SOUND.slice(0, length), "cut.img")).toThrow(/^cut\.img: (\d+ bytes: too short|block 1 \(superblock\) \+4 SIZE: .* holds only)/);
    }
    expect(() => checkImage(seededBytes(64 * 1024, 99), "noise.img")).toThrow(/MAGIC: .* not a toy32 file system/);
  });

  it("random byte damage to the metadata ends in a refusal or a readable image, never a hang or another exception", () => {
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = new Rng(seed);
      const bytes = SOUND.slice();
      const hits = r.between(1, 8);
      for (let h = 0; h < hits; h++) {
        const block = r.below(3) === 0 ? r.pick(USED.flatMap(dataBlocksOf)) : r.between(1, SBK.DATA - 1);
        bytes[block * BSIZE + r.below(BSIZE)] = r.below(256);
      }
      const e = refusal(() => {
        const image = FsImage.fromBytes(bytes, "noisy.img");
        const walk = (p: string, depth: number): void => {
          for (const entry of image.list(p)) {
            const child = p === "/" ? `/${entry.name}` : `${p}/${entry.name}`;
            if (entry.kind === "directory") walk(child, depth + 1);
            else image.readFile(child);
          }
          expect(depth).toBeLessThan(64);
        };
        walk("/", 0);
      });
      if (e !== undefined) {
        expect(e, `seed ${seed}`).toBeInstanceOf(FsImageError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});

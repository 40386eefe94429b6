/**
 * Corrupt disks booted with the guest kernel (issue 10): the kernel
 * refuses each kind of damage with a line naming it and the program's
 * file-system calls fail; nothing hangs (every run halts well inside its
 * cycle limit) and the kernel never panics. The images are a sound one
 * from `mkfs` with one seeded change each, as test/guests/fs/hostile.test.ts
 * makes them for the host's checker; a last test throws seeded random
 * bytes at the metadata.
 */
import * as fs from "fs";
import { afterAll, describe, expect, it } from "vitest";
import { bootKernel } from "../../src/guests/boot";
import { BSIZE, DIRENT, DIRENT_BYTES, FsImage, INODE, SB, inodeOffset, mkfs, readInode, readSuperblock } from "../../src/guests/fs";
import { seededBytes, tempDir, writeTree } from "./fs/helpers";

const work = tempDir("vmlab-kernel-hostile-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const DIR = writeTree(work, { "a/b/c/note": "deep\n", "small": "tiny\n", "a/big": seededBytes(14 * BSIZE, 3) });
const SOUND = mkfs(DIR, { size: 256 * 1024 });
const SBK = readSuperblock(SOUND);
const sound = FsImage.fromBytes(SOUND);
const inum = (p: string): number => sound.lookup(p).inum;

/** Tries every path a damage can touch and prints what each call returned. */
const PROBE = `
        .text
main:
        push ra
        push s0
        la   s0, paths
probe:
        lw   a0, 0(s0)
        beqz a0, probe_done
        call print
        lw   a0, 0(s0)
        li   a1, 0
        call open
        push a0                     # the fd
        push zero                   # bytes read so far
drain:
        lw   a0, 4(sp)
        la   a1, buf
        li   a2, 64
        call read
        bge  zero, a0, drained
        lw   t0, 0(sp)
        add  t0, t0, a0
        sw   t0, 0(sp)
        j    drain
drained:
        beqz a0, total
        sw   a0, 0(sp)              # an error: -1
total:
        la   a0, s_read
        call print
        pop  a0
        call print_dec
        pop  a0
        call close
        la   a0, s_nl
        call print
        addi s0, s0, 4
        j    probe
probe_done:
        la   a0, p_new              # and a write: allocation reads the bitmaps
        li   a1, 0x202
        call open
        la   a1, buf
        li   a2, 64
        call write
        li   a0, 0
        pop  s0
        pop  ra
        ret
        .data
p1:     .asciz "/a/b/c/note"
p2:     .asciz "/small"
p3:     .asciz "/a/big"
p4:     .asciz "/a/b/c/b/c/b/c/note"
p_new:  .asciz "/a/new"
s_read: .asciz " read "
s_nl:   .asciz "\\n"
        .align 4
paths:  .word p1, p2, p3, p4, 0
buf:    .space 64
`;

const MAX_CYCLES = 20_000_000;

function boot(disk: Uint8Array): { output: string; reason: string; cycles: number } {
  const m = bootKernel({ programs: [{ name: "probe", source: PROBE }], timerInterval: 0, machine: { disk } });
  const r = m.run({ maxCycles: MAX_CYCLES });
  return { output: m.console.output, reason: r.reason, cycles: r.cycles };
}

const u32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
const u16 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);
const inodeAt = (i: number, field: keyof typeof INODE): number => inodeOffset(SBK, i) + INODE[field];
function entryAt(dir: string, name: string): number {
  const base = readInode(SOUND, SBK, inum(dir)).addrs[0] * BSIZE;
  for (let s = 0; s < BSIZE / DIRENT_BYTES; s++) {
    const field = SOUND.subarray(base + s * DIRENT_BYTES + DIRENT.NAME, base + (s + 1) * DIRENT_BYTES);
    if (new TextDecoder().decode(field.subarray(0, field.indexOf(0))) === name) return base + s * DIRENT_BYTES;
  }
  throw new Error(`no ${name} in ${dir}`);
}

const DAMAGE: readonly { what: string; damage: (b: Uint8Array) => void; says: string }[] = [
  { what: "bad magic", damage: (b) => u32(b, BSIZE + SB.MAGIC, 0x12345678), says: "[kernel] fs: the disk is refused: bad magic (not a toy32 file system: TFS1)" },
  { what: "a block size not 1024", damage: (b) => u32(b, BSIZE + SB.BSIZE, 4096), says: "the disk is refused: its block size is not 1024" },
  { what: "SIZE past the disk", damage: (b) => u32(b, BSIZE + SB.SIZE, SBK.SIZE * 4), says: "the disk is refused: the superblock's SIZE is larger than the disk" },
  { what: "regions overlapping", damage: (b) => u32(b, BSIZE + SB.DATA, SBK.INODES), says: "the disk is refused: the superblock's regions overlap or leave the disk" },
  { what: "a root that is a file", damage: (b) => u16(b, inodeAt(1, "TYPE"), 2), says: "the disk is refused: inode 1 (the root) is not a directory" },
  { what: "an entry past the inode table", damage: (b) => u32(b, entryAt("/a", "b") + DIRENT.INUM, 99_999), says: "[kernel] fs: inode number out of range: 99999" },
  { what: "a block outside the data blocks", damage: (b) => u32(b, inodeAt(inum("/small"), "ADDRS"), 3), says: `[kernel] fs: block number outside the data blocks, inode ${inum("/small")}` },
  { what: "an indirect block outside the data", damage: (b) => u32(b, inodeAt(inum("/a/big"), "INDIRECT"), SBK.SIZE + 7), says: `[kernel] fs: block number outside the data blocks, inode ${inum("/a/big")}` },
  { what: "a size no file has", damage: (b) => u32(b, inodeAt(inum("/small"), "SIZE"), 0xfffffff0), says: `[kernel] fs: size larger than the largest file, inode ${inum("/small")}` },
  { what: "a directory loop", damage: (b) => u32(b, entryAt("/a/b/c", "note") + DIRENT.INUM, inum("/a/b")), says: `[kernel] fs: a directory loop: its ".." is not the directory naming it, inode ${inum("/a/b")}` },
];

describe("the kernel on a corrupt disk", () => {
  it("reads the sound image: every probe succeeds", () => {
    const r = boot(SOUND);
    expect(r.reason).toBe("halted");
    expect(r.output).toBe(`/a/b/c/note read 5\n/small read 5\n/a/big read ${14 * BSIZE}\n/a/b/c/b/c/b/c/note read -1\n`);
    expect(r.output).not.toContain("[kernel]");
  });

  for (const { what, damage, says } of DAMAGE) {
    it(`refuses ${what} with a message, halting`, () => {
      const bytes = SOUND.slice();
      damage(bytes);
      const r = boot(bytes);
      expect(r.reason).toBe("halted");
      expect(r.output).toContain(says);
      expect(r.output).not.toContain("panic");
    });
  }

  it("random damage to the metadata (seeded) never hangs or panics the kernel", () => {
    let x = 0x9e3779b9;
    const next = (): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
    for (let round = 0; round < 12; round++) {
      const bytes = SOUND.slice();
      for (let k = 0; k < 8; k++) bytes[BSIZE + (next() % ((SBK.DATA + 2) * BSIZE - BSIZE))] = next() & 0xff;
      const r = boot(bytes);
      expect(`${round} ${r.reason}`).toBe(`${round} halted`);
      expect(r.output).not.toContain("panic");
    }
  });
});

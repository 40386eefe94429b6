/**
 * mkfs and the reader: a folder goes into an image and comes back byte for
 * byte (layout.ts; notes/fs-layout.md), and what does not fit is refused.
 */
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BSIZE, FsImage, INODE_TYPE, buildImage, type FsDirectory, type FsNode, MAX_FILE_BYTES, NDIRECT, ROOT_INUM, TX32, checkImage, decodeExecutable, executableFromSource, mkfs,
  readInode, readSuperblock,
} from "../../../src/guests/fs";
import { assembleUserProgram, userProgramSource } from "../../../src/guests/loader";
import { seededBytes, tempDir, writeTree } from "./helpers";

const work = tempDir("vmlab-mkfs-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const BIG = seededBytes(NDIRECT * BSIZE + 3 * BSIZE + 17, 7); // past the direct blocks
const MAX = seededBytes(MAX_FILE_BYTES, 11);
const BINARY = Uint8Array.from({ length: 512 }, (_, i) => i & 0xff);

function sample(): string {
  return writeTree(fs.mkdtempSync(path.join(work, "dir-")), {
    "notes.txt": "hello, toy32\n",
    "empty": "",
    "binary.bin": BINARY,
    "a/b/c/deep.txt": "three folders down\n",
    "a/big.dat": BIG,
    "a/max.dat": MAX,
    "emptydir/": "",
    "a/exactly-twenty-seven-bytes": "name of 27 bytes",
  });
}

describe("mkfs and the reader", () => {
  const dir = sample();
  const image = FsImage.fromBytes(mkfs(dir, { size: 2 << 20 }), "sample.img");

  it("lists the root and nested folders by name, with kinds and sizes", () => {
    expect(image.list("/").map((e) => [e.name, e.kind, e.size])).toEqual([
      ["a", "directory", 6 * 32],
      ["binary.bin", "file", 512],
      ["empty", "file", 0],
      ["emptydir", "directory", 64],
      ["notes.txt", "file", 13],
    ]);
    expect(image.list("/a").map((e) => e.name)).toEqual(["b", "big.dat", "exactly-twenty-seven-bytes", "max.dat"]);
    expect(image.list("/emptydir")).toEqual([]);
  });

  it("reads every file back byte for byte: empty, binary, past the direct blocks, at the largest size", () => {
    expect(image.readFile("/empty")).toEqual(new Uint8Array(0));
    expect(Buffer.from(image.readFile("/binary.bin")).equals(Buffer.from(BINARY))).toBe(true);
    expect(Buffer.from(image.readFile("/a/big.dat")).equals(Buffer.from(BIG))).toBe(true);
    expect(Buffer.from(image.readFile("/a/max.dat")).equals(Buffer.from(MAX))).toBe(true);
    expect(new TextDecoder().decode(image.readFile("a/b/c/deep.txt"))).toBe("three folders down\n");
  });

  it("lays the disk out as fs-layout.md says: regions in order, root inode 1 with . and .., Unix link counts", () => {
    const bytes = mkfs(dir, { size: 2 << 20 });
    const sb = readSuperblock(bytes);
    expect(sb).toMatchObject({ MAGIC: 0x31534654, SIZE: 2048, IBMAP: 2, BBMAP: 3, INODES: 4, BSIZE: 1024, ROOT: 1, SWAPBLOCKS: 512, SWAP: 1536 });
    expect(sb.DATA).toBe(sb.INODES + sb.NINODES / 16);
    expect(sb.DATA + sb.NDATA).toBe(sb.SWAP);
    const root = readInode(bytes, sb, ROOT_INUM);
    expect(root).toMatchObject({ type: INODE_TYPE.DIR, nlink: 2 + 2, size: 7 * 32 });
    const first = root.addrs[0] * BSIZE;
    expect([bytes[first + 4], bytes[first + 5], bytes[first + 32 + 4], bytes[first + 32 + 5], bytes[first + 32 + 6]]).toEqual([46, 0, 46, 46, 0]);
    expect(image.stat("/a/big.dat")).toMatchObject({ kind: "file", nlink: 1, size: BIG.length });
    expect(image.stat("/a/big.dat").indirect).toBeGreaterThanOrEqual(sb.DATA);
    expect(image.stat("/a/max.dat").blocks).toHaveLength(NDIRECT + 256);
    expect(checkImage(bytes)).toMatchObject({ files: 7, directories: 5 });
  });

  it("names a missing path and a file listed as a folder", () => {
    expect(() => image.readFile("/a/nope")).toThrow('sample.img: no /a/nope: /a has no entry "nope"');
    expect(() => image.list("/notes.txt")).toThrow("sample.img: /notes.txt is a file, not a directory");
    expect(() => image.readFile("/a")).toThrow("sample.img: /a is a directory, not a file");
  });

  it("refuses a file one byte over the largest, naming it and the limit", () => {
    const over = writeTree(fs.mkdtempSync(path.join(work, "over-")), { "x/too-big": seededBytes(MAX_FILE_BYTES + 1, 3) });
    expect(() => mkfs(over)).toThrow(`${path.join(over, "x", "too-big")}: ${MAX_FILE_BYTES + 1} bytes, more than the largest file toy32's file system holds (${MAX_FILE_BYTES} bytes`);
  });

  it("refuses a name longer than 27 bytes (counted in UTF-8 bytes)", () => {
    const long = writeTree(fs.mkdtempSync(path.join(work, "long-")), { ["é".repeat(14)]: "x" });
    expect(() => mkfs(long)).toThrow(/a name of 28 bytes \(at most 27\); toy32's file system names are 1-27 bytes/);
  });

  it("refuses a folder that does not fit the size, naming the size that would", () => {
    const full = writeTree(fs.mkdtempSync(path.join(work, "full-")), { big: MAX });
    let message = "";
    try {
      mkfs(full, { size: 128 * 1024 });
    } catch (e) {
      message = (e as Error).message + " / " + String((e as { hint?: string }).hint);
    }
    const suggested = Number(/--size (\d+)/.exec(message)?.[1]);
    expect(message).toMatch(/needs 270 data blocks of 1024 bytes, but an image of 131072 bytes has room for \d+/);
    expect(FsImage.fromBytes(mkfs(full, { size: suggested })).readFile("/big").length).toBe(MAX_FILE_BYTES);
    expect(() => mkfs(full, { size: suggested - BSIZE })).toThrow(/needs 270 data blocks/);
  });

  it("refuses a size that is not whole blocks, a symbolic link, and two names that become one", () => {
    const dirOk = writeTree(fs.mkdtempSync(path.join(work, "ok-")), { f: "x" });
    expect(() => mkfs(dirOk, { size: 1000 })).toThrow("--size must be a whole multiple of 1024 bytes (the block size), not 1000");
    const linked = writeTree(fs.mkdtempSync(path.join(work, "link-")), { f: "x" });
    fs.symlinkSync("f", path.join(linked, "l"));
    expect(() => mkfs(linked)).toThrow(`${path.join(linked, "l")} is a symbolic link`);
    expect(() => mkfs(path.join(work, "no-such-folder"))).toThrow(`cannot read ${path.join(work, "no-such-folder")}: ENOENT`);
    expect(() => mkfs(path.join(dirOk, "f"))).toThrow(`${path.join(dirOk, "f")} is not a folder`);
    const clash = writeTree(fs.mkdtempSync(path.join(work, "clash-")), { "hello": "x", "hello.s": userProgramSource("hello") });
    expect(() => mkfs(clash)).toThrow(/would both be named "hello"/);
  });
});

describe("deep trees", () => {
  it("a chain of 2,000 nested folders is built, checked and read back", () => {
    let node: FsNode = { kind: "file", data: new TextEncoder().encode("bottom\n") };
    for (let depth = 0; depth < 2_000; depth++) node = { kind: "directory", entries: new Map([[depth === 0 ? "f" : "d", node]]) };
    const image = FsImage.fromBytes(buildImage(node as FsDirectory, { size: 8 << 20 }));
    expect(image.summary).toMatchObject({ files: 1, directories: 2_000 });
    expect(new TextDecoder().decode(image.readFile("/d".repeat(1_999) + "/f"))).toBe("bottom\n");
  });
});

describe("executables (TX32)", () => {
  it("a .s file becomes a TX32 file named without .s, holding exactly what the loader assembles", () => {
    const dir = writeTree(fs.mkdtempSync(path.join(work, "exe-")), { "bin/hello.s": userProgramSource("hello") });
    const exe = FsImage.fromBytes(mkfs(dir)).readFile("/bin/hello");
    const loaded = assembleUserProgram("hello").program;
    const parsed = decodeExecutable(exe);
    expect(parsed.entry).toBe(loaded.entry);
    expect(parsed.bss).toBe(0);
    expect(new DataView(exe.buffer, exe.byteOffset).getUint32(TX32.MAGIC, true)).toBe(0x32335854);
    const padded = new Uint8Array(Math.ceil(loaded.image.length / 4) * 4);
    padded.set(loaded.image);
    expect(Buffer.from(parsed.image).equals(Buffer.from(padded))).toBe(true);
    expect(Buffer.from(exe).equals(Buffer.from(executableFromSource({ name: "hello", source: userProgramSource("hello") })))).toBe(true);
  });

  it("an assembly error names the host file and line", () => {
    const dir = writeTree(fs.mkdtempSync(path.join(work, "bad-")), { "broken.s": "_start:\n  frobnicate a0\n" });
    expect(() => mkfs(dir)).toThrow(new RegExp(`${path.join(dir, "broken.s").replace(/[.]/g, "\\.")}:2`));
  });
});

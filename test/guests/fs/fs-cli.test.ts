/**
 * `vmlab mkfs`, `vmlab fs ls`, `vmlab fs cat`, `vmlab fs stat` end to end
 * through bin/vmlab.js (the built CLI in dist/: `npm test` builds first).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { BSIZE, MAX_FILE_BYTES, NDIRECT } from "../../../src/guests/fs";
import { userProgramSource } from "../../../src/guests/loader";
import { seededBytes, tempDir, writeTree } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "vmlab.js");
const work = tempDir("vmlab-fs-cli-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function vmlab(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

const BIG = seededBytes(NDIRECT * BSIZE + 777, 21);
const MAX = seededBytes(MAX_FILE_BYTES, 22);
const dir = writeTree(path.join(work, "root"), {
  "readme": "hello\n",
  "empty": "",
  "bin/hello.s": userProgramSource("hello"),
  "data/nested/big.bin": BIG,
  "data/max.bin": MAX,
});
const image = path.join(work, "disk.img");

describe("vmlab mkfs and vmlab fs", () => {
  it("mkfs builds the image and says what went in", () => {
    const r = vmlab("mkfs", image, dir, "--size", "2M");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toMatch(new RegExp(`^${image.replace(/[.]/g, "\\.")}: 2097152 bytes, 5 files and 4 folders from `));
    expect(fs.statSync(image).size).toBe(2 << 20);
  });

  it("fs ls lists a folder: kind, inode, size, name", () => {
    const r = vmlab("fs", "ls", image, "/");
    expect(r.status).toBe(0);
    expect(r.stdout.toString().split("\n").map((l) => l.split(/\s+/).filter(Boolean)).filter((l) => l.length > 0).map((l) => [l[0], l[3]]))
      .toEqual([["d", "bin/"], ["d", "data/"], ["-", "empty"], ["-", "readme"]]);
    expect(vmlab("fs", "ls", image, "/readme").stdout.toString()).toMatch(/^- +\d+ +6 readme\n$/);
    expect(vmlab("fs", "ls", image, "/data").stdout.toString()).toMatch(new RegExp(`^- +\\d+ ${MAX_FILE_BYTES} max\\.bin\\nd +\\d+ +96 nested/\\n$`));
  });

  it("fs cat gives every file back byte for byte on stdout", () => {
    for (const [p, want] of [["/data/nested/big.bin", BIG], ["/data/max.bin", MAX], ["/empty", new Uint8Array(0)]] as const) {
      const r = vmlab("fs", "cat", image, p);
      expect(r.status, p).toBe(0);
      expect(Buffer.compare(r.stdout, Buffer.from(want)), p).toBe(0);
    }
  });

  it("fs stat prints the inode's fields", () => {
    const out = vmlab("fs", "stat", image, "/data/nested/big.bin").stdout.toString();
    expect(out).toMatch(/^path +\/data\/nested\/big\.bin\ninode +\d+\ntype +file\nlinks +1\nsize +13065 bytes\nblocks +(\d+ ){12}\d+\nindirect +\d+\n$/);
  });

  it("a missing path, and a corrupt image, are one clear line each with exit status 2", () => {
    const missing = vmlab("fs", "cat", image, "/data/nope");
    expect([missing.status, missing.stdout.length]).toEqual([2, 0]);
    expect(missing.stderr).toMatch(/^vmlab: .*disk\.img: no \/data\/nope: \/data has no entry "nope"\n/);
    const corrupt = path.join(work, "corrupt.img");
    const bytes = fs.readFileSync(image);
    bytes.writeUInt32LE(0xdeadbeef, BSIZE + 44); // ROOT
    fs.writeFileSync(corrupt, bytes);
    const r = vmlab("fs", "ls", corrupt, "/");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmlab: .*corrupt\.img: block 1 \(superblock\) \+44 ROOT: the root directory is inode 1, not 3735928559\n  the image is not a sound toy32 file system/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("mkfs refuses a folder that does not fit and a name longer than 27 bytes, writing nothing", () => {
    const out = path.join(work, "small.img");
    const r = vmlab("mkfs", out, dir, "--size", "128K");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs \d+ data blocks of 1024 bytes, but an image of 131072 bytes has room for \d+.*\n  pass --size \d+ or more\n/);
    const long = writeTree(path.join(work, "long"), { ["n".repeat(28)]: "x" });
    const l = vmlab("mkfs", out, long);
    expect(l.status).toBe(2);
    expect(l.stderr).toContain(`${path.join(long, "n".repeat(28))}: a name of 28 bytes (at most 27)`);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("mkfs replaces a toy32 image, but not another file unless --force", () => {
    const other = path.join(work, "precious.txt");
    fs.writeFileSync(other, "my thesis\n");
    const r = vmlab("mkfs", other, dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("precious.txt exists and is not a toy32 file system image; not replacing it");
    expect(fs.readFileSync(other, "utf8")).toBe("my thesis\n");
    expect(vmlab("mkfs", other, dir, "--force").status).toBe(0);
    expect(vmlab("mkfs", other, dir, "--size", "1M").status).toBe(0); // now a toy32 image: rebuilt without --force
    expect(fs.statSync(other).size).toBe(1 << 20);
    expect(fs.readdirSync(work).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

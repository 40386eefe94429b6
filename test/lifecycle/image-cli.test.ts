/**
 * `vmlab image create|info|convert|import` end to end through bin/vmlab.js
 * (the built CLI in dist/: `npm test` builds first), held against qemu-img.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { mkfs } from "../../src/guests/fs";
import { writeTree } from "../guests/fs/helpers";
import { qemu, qemuCheck, seededBytes, tempDir } from "./helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");
const work = tempDir("vmlab-image-cli-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const at = (name: string): string => path.join(work, name);

function vmlab(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { timeout: 60_000, encoding: "utf8", cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vmlab image", () => {
  it("create --size makes an image qemu-img checks clean, and says what it made", () => {
    const r = vmlab("image", "create", "disk.qcow2", "--size", "10M");
    expect(r).toMatchObject({ status: 0, stderr: "", stdout: "disk.qcow2: qcow2, virtual size 10 MiB (10485760 bytes), clusters of 64 KiB (65536 bytes)\n" });
    expect(qemuCheck(at("disk.qcow2")).status).toBe(0);
    expect(JSON.parse(qemu("qemu-img", "info", "--output=json", at("disk.qcow2")).stdout)).toMatchObject({ "virtual-size": 10 << 20, "cluster-size": 65536 });
    const small = vmlab("image", "create", "small.qcow2", "--size", "1000", "--cluster-size", "4K");
    expect(small.stdout).toBe("small.qcow2: qcow2, virtual size 1 KiB (1024 bytes), clusters of 4 KiB (4096 bytes)\n");
  });

  it("never writes over a file that exists, and says so in one line", () => {
    fs.writeFileSync(at("notes.txt"), "mine\n");
    for (const args of [["create", "notes.txt", "--size", "1M"], ["convert", "disk.qcow2", "notes.txt"], ["import", "disk.qcow2", "notes.txt"]]) {
      const r = vmlab("image", ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("vmlab: notes.txt exists (a file); vmlab image never writes over it\n  name a new file, or move that one away first\n");
      expect(fs.readFileSync(at("notes.txt"), "utf8")).toBe("mine\n");
    }
  });

  it("create --backing makes a linked clone that reads through to its base (relative to the clone's folder, as qemu resolves it)", () => {
    const base = at("base.raw");
    fs.writeFileSync(base, seededBytes(3 << 20, 5));
    expect(vmlab("image", "import", "base.raw", "base.qcow2").status).toBe(0);
    fs.mkdirSync(at("vms"));
    const r = vmlab("image", "create", "vms/clone.qcow2", "--backing", "base.qcow2");
    expect(r).toMatchObject({ status: 0, stdout: "vms/clone.qcow2: qcow2, virtual size 3 MiB (3145728 bytes), clusters of 64 KiB (65536 bytes), backing file ../base.qcow2 (qcow2)\n" });
    expect(qemuCheck(at("vms/clone.qcow2")).status).toBe(0);
    expect(qemu("qemu-img", "compare", "-F", "raw", at("vms/clone.qcow2"), base)).toMatchObject({ status: 0, stdout: "Images are identical.\n" });
    const info = vmlab("image", "info", "vms/clone.qcow2");
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/^image: +vms\/clone\.qcow2\n/);
    expect(info.stdout).toContain("virtual size:        3 MiB (3145728 bytes)\n");
    expect(info.stdout).toContain("cluster_size:        65536\n");
    expect(info.stdout).toContain("backing file:        ../base.qcow2\n");
    expect(info.stdout).toContain("allocated clusters:  0 of 48 (0.00%)\n");
    const json = JSON.parse(vmlab("image", "info", "base.qcow2", "--json").stdout);
    expect(json).toMatchObject({ format: "qcow2", version: 3, virtualSize: 3 << 20, clusterSize: 65536, allocatedClusters: 48, guestClusters: 48, leakedClusters: 0 });
  });

  it("import makes a qcow2 of vmlab mkfs's raw disk without its zeros, and convert gives the same raw disk back", () => {
    const dir = writeTree(at("tree"), { "readme": "hello\n", "data/big.bin": seededBytes(200_000, 7) });
    fs.writeFileSync(at("fs.img"), mkfs(dir, { size: 2 << 20 }));
    const r = vmlab("image", "import", "fs.img", "fs.qcow2");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fs\.qcow2: qcow2, virtual size 2 MiB \(2097152 bytes\), \d+ of 32 clusters stored \(the rest are zeros\), from fs\.img\n$/);
    expect(qemu("qemu-img", "compare", "-F", "raw", at("fs.qcow2"), at("fs.img")).status).toBe(0);
    expect(vmlab("image", "convert", "fs.qcow2", "fs.raw")).toMatchObject({ status: 0, stdout: "fs.raw: 2097152 bytes, raw, from fs.qcow2\n" });
    expect(fs.readFileSync(at("fs.raw")).equals(fs.readFileSync(at("fs.img")))).toBe(true);
    expect(vmlab("fs", "cat", "fs.raw", "/readme").stdout).toBe("hello\n");
  });

  it("refuses bad input in one line, with no stack trace and nothing written", () => {
    fs.writeFileSync(at("junk.qcow2"), "not an image at all, just text\n".repeat(10));
    const cases: [string[], RegExp][] = [
      [["info", "junk.qcow2"], /^vmlab: junk\.qcow2: magic at file offset 0x0: 0x6e6f7420 is not qcow2's "QFI\\xfb"\n/],
      [["info", "missing.qcow2"], /^vmlab: missing\.qcow2: no such file\n$/],
      [["create", "x.qcow2"], /^vmlab: vmlab image create needs --size BYTES/],
      [["create", "x.qcow2", "--size", "lots"], /^vmlab: --size wants a number of bytes/],
      [["create", "x.qcow2", "--size", "1M", "--cluster-size", "3000"], /^vmlab: --cluster-size 3000: a cluster is a power of 2 from 512 to 2M/],
      [["create", "x.qcow2", "--size", "100000G", "--cluster-size", "512"], /^vmlab: --size 107374182400000: at most/],
      [["create", "x.qcow2", "--backing", "gone.qcow2"], /^vmlab: gone\.qcow2: no such file\n$/],
      [["import", "disk.qcow2", "x.qcow2"], /^vmlab: disk\.qcow2 is a qcow2 image, not a raw disk\n/],
      [["import", "tree", "x.qcow2"], /^vmlab: tree is a folder, not a raw disk image\n$/],
      [["convert", "junk.qcow2", "x.raw"], /^vmlab: junk\.qcow2: magic/],
    ];
    for (const [args, says] of cases) {
      const r = vmlab("image", ...args);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
      expect(r.status).toBe(2);
      expect(fs.existsSync(at("x.qcow2")) || fs.existsSync(at("x.raw"))).toBe(false);
    }
  });
});

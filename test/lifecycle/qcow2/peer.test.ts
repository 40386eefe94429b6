/**
 * Our qcow2 against QEMU's own tools (Debian's qemu-utils): qemu-img
 * check finds no error in what we write (fresh, after writes, clones with
 * backing files), qemu-img compare agrees with our raw export, and images
 * qemu-img and qemu-io made are read by us byte for byte as qemu-img
 * reads them.
 */
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { exportRaw, importRaw, openImage, StorageBlockDevice, FileStorage } from "../../../src/lifecycle";
import { mkfs } from "../../../src/guests/fs";
import { createFile, ourBytes, qemu, qemuCheck, qemuRaw, seededBytes, tempDir } from "../helpers";
import { writeTree } from "../../guests/fs/helpers";

const work = tempDir("vmlab-qcow2-peer-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const at = (name: string): string => path.join(work, name);

/** Writes at unaligned offsets that cross cluster boundaries, to our image and to a model buffer. */
function scribble(file: string, model: Uint8Array, seed: number, count: number): void {
  const image = openImage(file, { writable: true });
  for (let i = 0; i < count; i++) {
    const data = seededBytes(1 + ((seed * 7919 + i * 104729) % 150_000), seed + i);
    const offset = (seed * 31 + i * 1_234_567) % (model.length - data.length);
    image.write(offset, data);
    model.set(data, offset);
  }
  image.close();
}

describe("qemu-img reads what we write", () => {
  it("a fresh image passes qemu-img check, and qemu-img info reads its size and clusters", () => {
    createFile(at("fresh.qcow2"), { size: 64 << 20 });
    expect(qemuCheck(at("fresh.qcow2"))).toMatchObject({ status: 0, stdout: expect.stringContaining("No errors were found") });
    const info = JSON.parse(qemu("qemu-img", "info", "--output=json", at("fresh.qcow2")).stdout);
    expect(info).toMatchObject({ format: "qcow2", "virtual-size": 64 << 20, "cluster-size": 65536 });
    expect(info["format-specific"].data).toMatchObject({ compat: "1.1", "refcount-bits": 16, corrupt: false });
  });

  it("after writes across clusters, qemu-img check finds no error and qemu-img compare agrees with our raw export", () => {
    for (const [name, clusterBits, mib, writes] of [["w64k.qcow2", 16, 8, 40], ["w512.qcow2", 9, 2, 12]] as const) {
      const file = at(name);
      const model = new Uint8Array(mib << 20);
      createFile(file, { size: model.length, clusterBits });
      scribble(file, model, 3, writes);
      const check = qemuCheck(file);
      expect(check.stdout + check.stderr).toContain("No errors were found");
      expect(check.status).toBe(0);
      const image = openImage(file);
      expect(ourBytes(image).equals(Buffer.from(model))).toBe(true);
      exportRaw(image, `${file}.raw`);
      image.close();
      expect(qemu("qemu-img", "compare", "-f", "qcow2", "-F", "raw", file, `${file}.raw`)).toMatchObject({ status: 0, stdout: "Images are identical.\n" });
      expect(qemuRaw(file, `${file}.qemu.raw`).equals(Buffer.from(model))).toBe(true);
    }
  });

  it("a linked clone takes the writes, leaves its base alone, and qemu-img reads the chain as we do", () => {
    const base = at("base.qcow2");
    const model = new Uint8Array(4 << 20);
    createFile(base, { size: model.length });
    scribble(base, model, 11, 12);
    const baseBytes = fs.readFileSync(base);
    fs.mkdirSync(at("clones"));
    const clone = at("clones/clone.qcow2");
    createFile(clone, { size: model.length, backingFile: "../base.qcow2", backingFormat: "qcow2" });
    scribble(clone, model, 12, 12);
    expect(fs.readFileSync(base).equals(baseBytes)).toBe(true);
    expect(qemuCheck(clone).status).toBe(0);
    expect(qemuCheck(base).status).toBe(0);
    const info = JSON.parse(qemu("qemu-img", "info", "--output=json", clone).stdout);
    expect(info).toMatchObject({ "backing-filename": "../base.qcow2", "backing-filename-format": "qcow2" });
    const image = openImage(clone);
    expect(ourBytes(image).equals(Buffer.from(model))).toBe(true);
    exportRaw(image, at("clone.raw"));
    image.close();
    expect(qemu("qemu-img", "compare", "-F", "raw", clone, at("clone.raw")).status).toBe(0);
  });

  it("a whole cluster of zeros written over a backing file is stored as the v3 zero bit, not as data", () => {
    const base = at("zbase.qcow2");
    const clone = at("zclone.qcow2");
    createFile(base, { size: 1 << 20 });
    const b = openImage(base, { writable: true });
    b.write(0, seededBytes(1 << 20, 8));
    b.close();
    createFile(clone, { size: 1 << 20, backingFile: "zbase.qcow2", backingFormat: "qcow2" });
    const c = openImage(clone, { writable: true });
    c.write(65536, new Uint8Array(65536));
    c.close();
    expect(qemuCheck(clone).status).toBe(0);
    const raw = qemuRaw(clone, at("zclone.raw"));
    expect(raw.subarray(65536, 131072).every((x) => x === 0)).toBe(true);
    expect(raw.subarray(0, 65536).equals(Buffer.from(seededBytes(1 << 20, 8).subarray(0, 65536)))).toBe(true);
    const map = JSON.parse(qemu("qemu-img", "map", "--output=json", clone).stdout) as { start: number; depth: number; zero: boolean; data: boolean }[];
    expect(map.find((m) => m.start === 65536)).toMatchObject({ depth: 0, zero: true, data: false });
    const image = openImage(clone);
    expect(image.report).toMatchObject({ zeroClusters: 1, dataClusters: 0 });
    image.close();
  });

  it("extents say, cluster by cluster, where the chain holds data as qemu-img map does, and a sparse terabyte exports as a hole", () => {
    const base = at("mbase.qcow2");
    const clone = at("mclone.qcow2");
    createFile(base, { size: 4 << 20 });
    let image = openImage(base, { writable: true });
    image.write(0, seededBytes(3 * 65536, 1));
    image.write(40 * 65536 + 100, seededBytes(10, 2));
    image.close();
    createFile(clone, { size: 6 << 20, backingFile: "mbase.qcow2", backingFormat: "qcow2" }); // larger than its base
    image = openImage(clone, { writable: true });
    image.write(65536, new Uint8Array(65536)); // zero bit over the base's data
    image.write(10 * 65536, seededBytes(65536 * 2, 3));
    image.write(5 << 20, seededBytes(100, 4)); // past the base's end
    image.close();
    const map = JSON.parse(qemu("qemu-img", "map", "--output=json", clone).stdout) as { start: number; length: number; data: boolean }[];
    const qemuData = (offset: number): boolean => map.find((m) => m.start <= offset && offset < m.start + m.length)?.data ?? false;
    image = openImage(clone);
    const ours: boolean[] = [];
    for (let offset = 0; offset < image.size; ) {
      const e = image.extent(offset, 1 << 30);
      for (let c = 0; c < e.length / 65536; c++) ours.push(e.data);
      offset += e.length;
    }
    image.close();
    expect(ours).toEqual(Array.from({ length: 96 }, (_, c) => qemuData(c * 65536)));
    expect(ours.filter(Boolean).length).toBe(6); // clusters 0, 2, 10, 11, 40, 80

    const huge = at("huge.qcow2");
    createFile(huge, { size: 2 ** 40 });
    image = openImage(huge, { writable: true });
    image.write(2 ** 39, seededBytes(1000, 5));
    expect(image.extent(0, 2 ** 40)).toEqual({ data: false, length: 2 ** 39 }); // the unallocated L1 spans, in one step
    exportRaw(image, at("huge.raw"));
    image.close();
    expect(fs.statSync(at("huge.raw")).size).toBe(2 ** 40);
    expect(fs.statSync(at("huge.raw")).blocks * 512).toBeLessThan(1 << 20);
    expect(qemu("qemu-img", "compare", "-F", "raw", huge, at("huge.raw")).status).toBe(0);
  });

  it("a raw disk from vmlab mkfs imported as qcow2 is the same disk to qemu-img", () => {
    const dir = writeTree(at("tree"), { "readme": "hello\n", "data/big.bin": seededBytes(200_000, 4) });
    fs.writeFileSync(at("fs.raw"), mkfs(dir, { size: 1 << 20 }));
    const source = new StorageBlockDevice(FileStorage.open(at("fs.raw"), false));
    importRaw(source, at("fs.qcow2")).close();
    source.close();
    expect(qemuCheck(at("fs.qcow2")).status).toBe(0);
    expect(qemu("qemu-img", "compare", "-F", "raw", at("fs.qcow2"), at("fs.raw"))).toMatchObject({ status: 0 });
    const image = openImage(at("fs.qcow2"));
    expect(image.report.dataClusters).toBeLessThan(16); // zeros are not stored
    image.close();
  });
});

describe("we read what qemu-img writes", () => {
  // name, qemu-img create options, qemu-io writes, a byte offset and the value written there
  const cases: [string, string[], string[], number, number][] = [
    ["v3.qcow2", ["-o", "compat=1.1"], ["write -P 0xab 0 128k", "write -P 0x11 5M 3000"], 0, 0xab],
    ["v2.qcow2", ["-o", "compat=0.10"], ["write -P 0xcd 64k 100k"], 65536, 0xcd],
    ["small.qcow2", ["-o", "cluster_size=512,refcount_bits=1"], ["write -P 0x33 1000 100k"], 1000, 0x33],
    ["wide.qcow2", ["-o", "cluster_size=4096,refcount_bits=64"], ["write -P 0x44 0 70k"], 70 * 1024 - 1, 0x44],
  ];
  for (const [name, options, writes, offset, value] of cases) {
    it(`${name} (${options.join(" ")}) reads as qemu-img reads it`, () => {
      const file = at(`q-${name}`);
      expect(qemu("qemu-img", "create", "-q", "-f", "qcow2", ...options, file, "8M").status).toBe(0);
      expect(qemu("qemu-io", ...writes.flatMap((w) => ["-c", w]), file).status).toBe(0);
      const image = openImage(file);
      const ours = ourBytes(image);
      image.close();
      expect(ours.equals(qemuRaw(file, `${file}.raw`))).toBe(true);
      expect(ours[offset]).toBe(value);
    });
  }

  it("a qemu-img clone with a backing file, a zeroed range and writes reads as qemu-img reads it; our writes to it pass qemu-img check", () => {
    const base = at("qbase.qcow2");
    const clone = at("qclone.qcow2");
    qemu("qemu-img", "create", "-q", "-f", "qcow2", base, "4M");
    qemu("qemu-io", "-c", "write -P 0xab 0 128k", "-c", "write -P 0x5a 1M 1M", base);
    qemu("qemu-img", "create", "-q", "-f", "qcow2", "-b", "qbase.qcow2", "-F", "qcow2", clone);
    qemu("qemu-io", "-c", "write -P 0x22 100k 10k", "-c", "write -z 1M 64k", clone);
    let image = openImage(clone);
    expect(ourBytes(image).equals(qemuRaw(clone, at("qclone.raw")))).toBe(true);
    expect(image.report.zeroClusters).toBe(1);
    image.close();
    image = openImage(clone, { writable: true });
    image.write(1_000_000, seededBytes(300_000, 9));
    image.close();
    expect(qemuCheck(clone).status).toBe(0);
    image = openImage(clone);
    expect(ourBytes(image).equals(qemuRaw(clone, at("qclone2.raw")))).toBe(true);
    image.close();
  });

  it("writing to an image with an internal snapshot copies the shared clusters: the snapshot keeps its data and qemu-img check finds no error", () => {
    const file = at("snap.qcow2");
    qemu("qemu-img", "create", "-q", "-f", "qcow2", file, "2M");
    qemu("qemu-io", "-c", "write -P 0x55 0 70k", file);
    expect(qemu("qemu-img", "snapshot", "-c", "s1", file).status).toBe(0);
    const image = openImage(file, { writable: true });
    image.write(100, seededBytes(100_000, 2));
    image.close();
    expect(qemuCheck(file).status).toBe(0);
    expect(qemu("qemu-img", "snapshot", "-a", "s1", file).status).toBe(0);
    expect(qemu("qemu-io", "-c", "read -P 0x55 0 70k", file).stdout).toContain("read 71680/71680 bytes");
  });

  it("a full refcount table moves to a larger one (qemu-img check agrees)", () => {
    const file = at("grow.qcow2");
    qemu("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=512,refcount_bits=64", file, "8M");
    const data = seededBytes(3 << 20, 6);
    const image = openImage(file, { writable: true });
    const before = image.header.refcountTableOffset;
    image.write(0, data);
    image.close();
    expect(qemuCheck(file).status).toBe(0);
    const again = openImage(file);
    expect(again.header.refcountTableOffset).not.toBe(before);
    expect(Buffer.from(again.read(0, data.length)).equals(Buffer.from(data))).toBe(true);
    again.close();
  });
});

/**
 * The block device a simulated disk will drive: a raw buffer and a qcow2
 * image (fresh, or a clone over a base) answer the same seeded sequence of
 * sector reads and writes with the same bytes, and a clone's writes never
 * reach its base.
 */
import { describe, expect, it } from "vitest";
import { MemoryStorage, Qcow2Image, RawBlockDevice, SECTOR_BYTES, createImage, readSectors, writeSectors, type BlockDevice } from "../../src/lifecycle";
import { seededBytes } from "./helpers";

const SECTORS = 4096; // 2 MiB

function qcow2(size: number, clusterBits: number, backing?: BlockDevice): { image: Qcow2Image; storage: MemoryStorage } {
  const storage = new MemoryStorage("disk.qcow2");
  createImage(storage, { size, clusterBits, backingFile: backing ? "base.qcow2" : undefined });
  return { image: Qcow2Image.open(storage, { writable: true, backing }), storage };
}

/** Seeded requests of 1 to 300 sectors anywhere on the disk, each followed by a read of a range around it. */
function exercise(devices: BlockDevice[], seed: number): void {
  let x = seed;
  const next = (): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  for (let i = 0; i < 60; i++) {
    const count = 1 + (next() % 300);
    const first = next() % (SECTORS - count);
    const data = next() % 4 === 0 ? new Uint8Array(count * SECTOR_BYTES) : seededBytes(count * SECTOR_BYTES, next());
    for (const d of devices) writeSectors(d, first, data);
    const from = Math.max(0, first - 7);
    const n = Math.min(SECTORS - from, count + 14);
    const reads = devices.map((d) => Buffer.from(readSectors(d, from, n)));
    for (const r of reads.slice(1)) expect(r.equals(reads[0])).toBe(true);
  }
}

describe("a block device", () => {
  it("a raw buffer and qcow2 images of 64 KiB and 512-byte clusters hold the same disk under the same sector writes", () => {
    const raw = new RawBlockDevice(new Uint8Array(SECTORS * SECTOR_BYTES));
    const big = qcow2(SECTORS * SECTOR_BYTES, 16).image;
    const small = qcow2(SECTORS * SECTOR_BYTES, 9).image;
    exercise([raw, big, small], 7);
    expect(Buffer.from(big.read(0, big.size)).equals(Buffer.from(raw.bytes))).toBe(true);
    expect(Buffer.from(small.read(0, small.size)).equals(Buffer.from(raw.bytes))).toBe(true);
  });

  it("a clone reads its base until written, copies a cluster on its first write, and leaves the base as it was", () => {
    const baseBytes = seededBytes(SECTORS * SECTOR_BYTES, 3);
    const base = qcow2(SECTORS * SECTOR_BYTES, 16);
    base.image.write(0, baseBytes);
    const before = base.storage.contents();
    const readOnlyBase = Qcow2Image.open(new MemoryStorage("base.qcow2", before));
    const clone = qcow2(SECTORS * SECTOR_BYTES, 16, readOnlyBase);
    expect(Buffer.from(clone.image.read(0, clone.image.size)).equals(Buffer.from(baseBytes))).toBe(true);
    const model = new RawBlockDevice(baseBytes.slice());
    const lengthBefore = clone.storage.length();
    writeSectors(clone.image, 130, new Uint8Array(SECTOR_BYTES).fill(9)); // one sector: its whole cluster is copied up
    writeSectors(model, 130, new Uint8Array(SECTOR_BYTES).fill(9));
    expect(clone.storage.length() - lengthBefore).toBe(2 * 65536); // an L2 table and one data cluster
    expect(Buffer.from(readSectors(clone.image, 128, 128)).equals(Buffer.from(readSectors(model, 128, 128)))).toBe(true);
    exercise([model, clone.image], 11);
    expect(Buffer.from(base.storage.contents()).equals(Buffer.from(before))).toBe(true);
  });

  it("a request outside the disk is refused, naming the range", () => {
    const { image } = qcow2(SECTORS * SECTOR_BYTES, 16);
    expect(() => readSectors(image, SECTORS - 1, 2)).toThrow(/disk\.qcow2: bytes 2096640\.\.2097664 are outside the disk of 2097152 bytes/);
    expect(() => writeSectors(new RawBlockDevice(new Uint8Array(1024)), 0, new Uint8Array(100))).toThrow(/not a whole number of 512-byte sectors/);
  });
});

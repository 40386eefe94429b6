/**
 * Corrupt and hostile qcow2 images, made by damaging a sound one field by
 * field (and byte by byte, seeded): each is refused with a Qcow2Error
 * naming the field and its offset, before any guest byte is read and
 * without a byte of the image written, even when opened for writing.
 * Random damage ends in a refusal or a readable image, never another
 * exception or a hang.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { FIELD, MemoryStorage, Qcow2Error, Qcow2Image, createImage, decodeL1, decodeL2, openImage } from "../../../src/lifecycle";
import { putU32, putU64, u64 } from "../../../src/lifecycle/qcow2/bytes";
import { UserError } from "../../../src/errors";
import { createFile, seededBytes, tempDir } from "../helpers";

const CS = 65536;

/** A sound image: 4 MiB, data in guest clusters 0 and 40 (two L2 entries in one L2 table). */
function soundImage(): Uint8Array {
  const storage = new MemoryStorage("sound.qcow2");
  createImage(storage, { size: 4 << 20 });
  const image = Qcow2Image.open(storage, { writable: true });
  image.write(0, seededBytes(70_000, 1));
  image.write(40 * CS + 5, seededBytes(1000, 2));
  return storage.contents();
}

const SOUND = soundImage();
const L1_OFFSET = u64(SOUND, FIELD.l1_table_offset);
const L2_OFFSET = decodeL1(SOUND.subarray(L1_OFFSET), 0).offset;
const firstData = decodeL2(SOUND.subarray(L2_OFFSET), 0, 3);
const DATA_OFFSET = firstData.kind === "standard" ? firstData.offset : NaN;
const REFTABLE = u64(SOUND, FIELD.refcount_table_offset);
const REFBLOCK = u64(SOUND, REFTABLE);

interface Damage {
  readonly what: string;
  readonly damage: (b: Uint8Array) => void;
  readonly says: RegExp;
}

const set32 = (at: number, v: number) => (b: Uint8Array) => putU32(b, at, v);
const set64 = (at: number, v: number) => (b: Uint8Array) => putU64(b, at, v);
/** The refcount (16 bits) of the cluster at `offset`. */
const refcount = (offset: number, v: number) => (b: Uint8Array) => { b[REFBLOCK + (offset / CS) * 2] = v >> 8; b[REFBLOCK + (offset / CS) * 2 + 1] = v & 255; };

const DAMAGES: Damage[] = [
  { what: "bad magic", damage: set32(0, 0x7f454c46), says: /^sound\.qcow2: magic at file offset 0x0: 0x7f454c46 is not qcow2's/ },
  { what: "version 4", damage: set32(FIELD.version, 4), says: /version at file offset 0x4: version 4/ },
  { what: "cluster_bits 40", damage: set32(FIELD.cluster_bits, 40), says: /cluster_bits at file offset 0x14: 40/ },
  { what: "an unknown incompatible feature bit", damage: set32(FIELD.incompatible_features + 4, 1 << 7), says: /incompatible_features at file offset 0x48: bit 7 .*must fail to open/ },
  { what: "extended L2 entries", damage: set32(FIELD.incompatible_features + 4, 1 << 4), says: /bit 4 \(extended L2 entries\)/ },
  { what: "encryption", damage: set32(FIELD.crypt_method, 2), says: /crypt_method at file offset 0x20: 2: encrypted/ },
  { what: "a size past 2^53", damage: set32(FIELD.size, 0x4000_0000), says: /size at file offset 0x18: a virtual size past 2\^53/ },
  { what: "a size the L1 table cannot map", damage: set64(FIELD.size, 2 ** 40), says: /size at file offset 0x18: 1099511627776 bytes needs an L1 table of 2048 entries, but l1_size is 1/ },
  { what: "a huge l1_size", damage: set32(FIELD.l1_size, 0xffff_ffff), says: /l1_size at file offset 0x24: 4294967295 entries is past qemu's limit/ },
  { what: "an L1 table past the end", damage: set32(FIELD.l1_size, 100_000), says: /l1_table_offset at file offset 0x28: the table at 0x30000 \(800000 bytes\) runs past the end of the file/ },
  { what: "a misaligned L1 table", damage: set64(FIELD.l1_table_offset, L1_OFFSET + 8), says: /l1_table_offset at file offset 0x28: 0x30008 is not a cluster boundary/ },
  { what: "a huge refcount table", damage: set32(FIELD.refcount_table_clusters, 0x7fff_ffff), says: /refcount_table_clusters at file offset 0x38/ },
  { what: "a bad header_length", damage: set32(FIELD.header_length, 99), says: /header_length at file offset 0x64: 99/ },
  { what: "a refcount_order past 6", damage: set32(FIELD.refcount_order, 7), says: /refcount_order at file offset 0x60: 7/ },
  { what: "a backing name too long", damage: (b) => { putU64(b, FIELD.backing_file_offset, 0x200); putU32(b, FIELD.backing_file_size, 5000); }, says: /backing_file_size at file offset 0x10: 5000/ },
  { what: "a backing name outside the first cluster", damage: (b) => { putU64(b, FIELD.backing_file_offset, CS - 4); putU32(b, FIELD.backing_file_size, 100); }, says: /backing_file_offset at file offset 0x8: the name \(100 bytes at 0xfffc\) is not inside the first cluster/ },
  { what: "a header extension longer than the cluster", damage: (b) => { putU32(b, 112, 0x1234); putU32(b, 116, 0x7fff_0000); }, says: /header extension at file offset 0x70: type 0x1234 claims 2147418112 bytes/ },
  { what: "an L1 entry past the end", damage: set64(L1_OFFSET, 2 ** 40), says: /L1 entry 0 at file offset 0x30000: 0x10000000000 is past the end of the file/ },
  { what: "a misaligned L1 entry", damage: set64(L1_OFFSET, L2_OFFSET + 0x200), says: /L1 entry 0 at file offset 0x30000: 0x40200 is not a cluster boundary/ },
  { what: "reserved bits in an L1 entry", damage: (b) => { b[L1_OFFSET] |= 0x01; }, says: /L1 entry 0 at file offset 0x30000: reserved bits 0x0100000000000000 are set/ },
  { what: "an L2 entry past the end", damage: set64(L2_OFFSET, 2 ** 36), says: /L2 entry 0 \(guest offset 0x0\) at file offset 0x40000: 0x1000000000 is past the end of the file/ },
  { what: "a misaligned L2 entry", damage: (b) => putU64(b, L2_OFFSET, DATA_OFFSET + 0x1000), says: /L2 entry 0 \(guest offset 0x0\) at file offset 0x40000: 0x51000 is not a cluster boundary/ },
  { what: "reserved bits in an L2 entry", damage: (b) => { b[L2_OFFSET + 7] |= 0x02; }, says: /L2 entry 0 \(guest offset 0x0\) at file offset 0x40000: reserved bits/ },
  { what: "a compressed cluster", damage: (b) => { b[L2_OFFSET] = 0x40; }, says: /L2 entry 0 \(guest offset 0x0\) at file offset 0x40000: a compressed cluster/ },
  { what: "a data cluster with refcount 0", damage: refcount(DATA_OFFSET, 0), says: /refcount of cluster 5 at file offset 0x2000a: is 0, but the cluster at 0x50000 \(data\) is used 1 time/ },
  { what: "an L2 table with refcount 0", damage: refcount(L2_OFFSET, 0), says: /refcount of cluster 4 at file offset 0x20008: is 0, but the cluster at 0x40000 \(L2 table\) is used 1 time/ },
  { what: "COPIED on a cluster with refcount 2", damage: refcount(DATA_OFFSET, 2), says: /L2 entry 0 \(guest offset 0x0\) at file offset 0x40000: COPIED is set but the cluster at 0x50000 has refcount 2, not 1/ },
  { what: "an L2 entry pointing at the L1 table", damage: (b) => putU64(b, L2_OFFSET, L1_OFFSET), says: /refcount of cluster 3 .*is 1, but the cluster at 0x30000 \(data\) is used 2 times/ },
  { what: "two L1 entries sharing an L2 table", damage: (b) => { putU32(b, FIELD.l1_size, 2); b.copyWithin(L1_OFFSET + 8, L1_OFFSET, L1_OFFSET + 8); }, says: /is 1, but the cluster at 0x40000 \(L2 table\) is used 2 times/ },
  { what: "a misaligned refcount block", damage: set64(REFTABLE, REFBLOCK + 8), says: /refcount table entry 0 at file offset 0x10000: 0x20008 is not a cluster boundary/ },
  { what: "a refcount block past the end", damage: set64(REFTABLE, 2 ** 40), says: /refcount table entry 0 at file offset 0x10000: the refcount block at 0x10000000000 is past the end/ },
];

/** Opens a copy of `bytes` (writable or not): the error, and whether the copy changed. */
function open(bytes: Uint8Array, writable: boolean): { error: unknown; written: boolean } {
  const storage = new MemoryStorage("sound.qcow2", bytes);
  let error: unknown;
  try {
    Qcow2Image.open(storage, { writable });
  } catch (e) {
    error = e;
  }
  return { error, written: !Buffer.from(storage.contents()).equals(Buffer.from(bytes)) };
}

describe("a hostile qcow2 image is refused, naming the field and its offset, writing nothing", () => {
  it("the sound image opens and reads back", () => {
    const image = Qcow2Image.open(new MemoryStorage("sound.qcow2", SOUND));
    expect(Buffer.from(image.read(0, 70_000)).equals(Buffer.from(seededBytes(70_000, 1)))).toBe(true);
    expect(image.report).toMatchObject({ dataClusters: 3, leaks: 0 });
  });

  for (const d of DAMAGES) {
    it(d.what, () => {
      const bytes = SOUND.slice();
      d.damage(bytes);
      for (const writable of [false, true]) {
        const { error, written } = open(bytes, writable);
        expect(error).toBeInstanceOf(Qcow2Error);
        expect((error as Error).message).toMatch(d.says);
        expect((error as Error).message).not.toContain("\n");
        expect(written).toBe(false);
      }
    });
  }

  it("a file cut short inside its tables", () => {
    const { error } = open(SOUND.slice(0, L1_OFFSET + 100), false);
    expect((error as Error).message).toMatch(/l1_table_offset at file offset 0x28: the table at 0x30000 \(8 bytes\) runs past the end|past the end of the file/);
  });

  it("thousands of snapshots sharing one L1 table (work without end) are refused", () => {
    const entries = new Uint8Array(3000 * 40);
    for (let i = 0; i < 3000; i++) {
      putU64(entries, i * 40, L1_OFFSET);
      putU32(entries, i * 40 + 8, 8192);
    }
    const bytes = new Uint8Array(SOUND.length + entries.length);
    bytes.set(SOUND);
    bytes.set(entries, SOUND.length);
    putU32(bytes, FIELD.nb_snapshots, 3000);
    putU64(bytes, FIELD.snapshots_offset, SOUND.length);
    const { error, written } = open(bytes, true);
    expect((error as Error).message).toMatch(/snapshot \d+ l1_size at file offset 0x[0-9a-f]+: the snapshots' L1 tables claim \d+ bytes so far, more than the file's \d+/);
    expect(written).toBe(false);
  });

  it("the dirty and corrupt bits: read as they are, refused for writing", () => {
    for (const [bit, says] of [[0, /the dirty bit is set/], [1, /the corrupt bit is set/]] as const) {
      const bytes = SOUND.slice();
      bytes[FIELD.incompatible_features + 7] = 1 << bit;
      expect(open(bytes, false).error).toBeUndefined();
      const { error, written } = open(bytes, true);
      expect((error as Error).message).toMatch(says);
      expect((error as UserError).hint).toMatch(/qemu-img check -r all/);
      expect(written).toBe(false);
    }
  });

  it("seeded random damage to the metadata ends in a refusal or a readable image, nothing else", () => {
    let x = 0x9e3779b9;
    const next = (): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
    const metadata = [[0, 120], [REFTABLE, 16], [REFBLOCK, 16], [L1_OFFSET, 16], [L2_OFFSET, 400]] as const;
    let refused = 0;
    for (let round = 0; round < 400; round++) {
      const bytes = SOUND.slice();
      for (let k = 0; k < 1 + (next() % 3); k++) {
        const [start, length] = metadata[next() % metadata.length];
        bytes[start + (next() % length)] = next() & 255;
      }
      const storage = new MemoryStorage("fuzz.qcow2", bytes);
      try {
        const image = Qcow2Image.open(storage);
        image.read(0, Math.min(image.size, CS));
        image.read(Math.max(0, image.size - CS), Math.min(image.size, CS));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});

describe("backing chains", () => {
  const work = tempDir("vmlab-qcow2-chain-");
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const at = (name: string): string => path.join(work, name);

  it("a chain that loops is refused, naming the loop", () => {
    createFile(at("a.qcow2"), { size: 1 << 20, backingFile: "b.qcow2" });
    createFile(at("b.qcow2"), { size: 1 << 20, backingFile: "a.qcow2" });
    createFile(at("self.qcow2"), { size: 1 << 20, backingFile: "self.qcow2" });
    expect(() => openImage(at("a.qcow2"))).toThrow(/b\.qcow2: backing_file_offset at file offset 0x8: the backing chain loops: a\.qcow2 -> b\.qcow2 -> a\.qcow2/);
    expect(() => openImage(at("self.qcow2"))).toThrow(/the backing chain loops: self\.qcow2 -> self\.qcow2/);
  });

  it("a missing backing file is refused, naming where it was looked for", () => {
    createFile(at("orphan.qcow2"), { size: 1 << 20, backingFile: "gone.qcow2" });
    expect(() => openImage(at("orphan.qcow2"))).toThrow(new RegExp(`orphan\\.qcow2: backing_file_offset at file offset 0x8: its backing file "gone\\.qcow2" \\(${at("gone.qcow2").replace(/[.]/g, "\\.")}\\) does not exist`));
  });

  it("a backing file that is a FIFO or a device is refused without opening it (it would block or never end)", () => {
    execFileSync("mkfifo", [at("pipe")]);
    createFile(at("onpipe.qcow2"), { size: 1 << 20, backingFile: "pipe" });
    createFile(at("onzero.qcow2"), { size: 1 << 20, backingFile: "/dev/zero", backingFormat: "raw" });
    expect(() => openImage(at("onpipe.qcow2"))).toThrow(/pipe: not a regular file \(a device, FIFO or socket\); a disk image is a file/);
    expect(() => openImage(at("onzero.qcow2"))).toThrow(/\/dev\/zero: not a regular file/);
  });

  it("a chain deeper than 64 images is refused", () => {
    createFile(at("d0.qcow2"), { size: 1 << 20 });
    for (let i = 1; i <= 66; i++) createFile(at(`d${i}.qcow2`), { size: 1 << 20, backingFile: `d${i - 1}.qcow2` });
    expect(() => openImage(at("d66.qcow2"))).toThrow(/the backing chain is deeper than 64 images/);
    expect(openImage(at("d60.qcow2")).read(0, 512).every((b) => b === 0)).toBe(true);
  });
});

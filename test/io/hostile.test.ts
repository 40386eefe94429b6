/**
 * Hostile frontends (XSA-39, XSA-155): blkback must never crash, never
 * reach memory without a live grant, and disconnect only the ring that
 * misbehaved, saying why, while another VM's I/O goes on.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "crypto";
import { PhysicalMemory } from "../../src/machine/memory";
import { RawBlockDevice } from "../../src/machine/devices/block";
import { Blkback, Blkfront, BLKIF_OP, BLKIF_REQUEST_OFFSET, GrantTable, regionMemory, type BlkifRequest, type GuestMemory } from "../../src/io";
import { seededRandom } from "./xen-peer";

const RING = 0x4000;
const BUFFER_FRAME = 16;

interface Domain {
  readonly memory: GuestMemory;
  readonly grants: GrantTable;
  readonly disk: RawBlockDevice;
  readonly back: Blkback;
  readonly front: Blkfront;
}

function domain(id: number, memory: GuestMemory = new PhysicalMemory(256 * 1024)): Domain {
  const front = new Blkfront(memory, RING);
  const grants = new GrantTable(memory, 0x1000, 32, id);
  const disk = new RawBlockDevice(new Uint8Array(1024 * 1024));
  const back = new Blkback({ memory, ringBase: RING, grants, backendDomain: 0, disk });
  return { memory, grants, disk, back, front };
}

function write(sector: number, gref: number): BlkifRequest {
  return { operation: BLKIF_OP.WRITE, handle: 0, id: BigInt(sector), sector: BigInt(sector), segments: [{ gref, firstSect: 0, lastSect: 7 }] };
}

/** One honest write of a page of `fill` at `sector`, pushed, kicked and answered. */
function honestWrite(d: Domain, sector: number, fill: number): void {
  d.memory.writeBytes(BUFFER_FRAME * 4096, new Uint8Array(4096).fill(fill));
  d.grants.grantAccess(1, 0, BUFFER_FRAME, true);
  expect(d.front.queue(write(sector, 1))).toBe(true);
  if (d.front.push()) d.back.kick();
  expect(d.front.takeResponses()).toEqual([{ id: BigInt(sector), operation: BLKIF_OP.WRITE, status: 0 }]);
  expect(d.grants.endAccess(1)).toBe(true);
}

function hash(bytes: Uint8Array | GuestMemory): string {
  return createHash("sha256").update(bytes instanceof Uint8Array ? bytes : bytes.readBytes(0, bytes.size)).digest("hex");
}

describe("a hostile frontend is disconnected, saying why", () => {
  const cases: [string, (d: Domain) => void, RegExp][] = [
    ["a producer more than a ring ahead", (d) => { d.memory.writeWord(RING, 33); }, /req_prod 33 is more than a ring \(32\) ahead/],
    ["12 segments", (d) => { d.front.queue(write(0, 1)); d.memory.writeByte(RING + 64 + BLKIF_REQUEST_OFFSET.NR_SEGMENTS, 12); }, /index 0 .*nr_segments 12 > 11/],
    ["a segment past its page", (d) => { d.front.queue({ ...write(0, 1), segments: [{ gref: 1, firstSect: 2, lastSect: 8 }] }); }, /segment 0: sectors 2\.\.8/],
    ["a grant reference past the table", (d) => { d.front.queue(write(0, 500)); }, /grant 500 of domain 3: no such entry/],
    ["a disk read into a read-only grant", (d) => { d.front.queue({ ...write(0, 1), operation: BLKIF_OP.READ }); }, /read-only, and the access writes/],
    ["sectors past the disk", (d) => { d.front.queue(write(2048, 1)); }, /sectors 2048\+8 are past the disk's 2048/],
    ["an unknown operation", (d) => { d.front.queue({ ...write(0, 1), operation: 9 }); }, /operation 9/],
    ["a grant to another domain", (d) => { d.grants.grantAccess(2, 7, BUFFER_FRAME, false); d.front.queue(write(0, 2)); }, /granted to domain 7, not 0/],
  ];
  for (const [what, attack, reason] of cases) {
    it(`on ${what}`, () => {
      const d = domain(3);
      d.grants.grantAccess(1, 0, BUFFER_FRAME, true);
      attack(d);
      const prod = d.memory.readWord(RING);
      if (prod === 0) d.front.push();
      expect(() => d.back.kick()).not.toThrow();
      expect(d.back.connected).toBe(false);
      expect(d.back.disconnectReason).toMatch(reason);
      expect(d.back.log[0]).toMatch(/^blkback: ring at 0x4000 disconnected: /);
      expect(d.disk.read(0, 4096)).toEqual(new Uint8Array(4096));
      expect(d.back.kick().served).toBe(0);
    });
  }
});

describe("double fetch (XSA-155)", () => {
  /** Memory that rewrites a request's slot right after the backend has copied it. */
  class Toctou extends PhysicalMemory {
    armed = true;
    override readBytes(pa: number, length: number): Uint8Array {
      const copy = super.readBytes(pa, length);
      if (this.armed && pa === RING + 64) {
        this.armed = false;
        super.writeByte(pa + BLKIF_REQUEST_OFFSET.NR_SEGMENTS, 200);
        super.writeWord(pa + BLKIF_REQUEST_OFFSET.SEG, 9999);
      }
      return copy;
    }
  }

  it("serves the request as it was copied, whatever the frontend writes afterwards", () => {
    const d = domain(3, new Toctou(256 * 1024));
    d.memory.writeBytes(BUFFER_FRAME * 4096, new Uint8Array(4096).fill(0x5a));
    d.grants.grantAccess(1, 0, BUFFER_FRAME, true);
    d.front.queue(write(8, 1));
    d.front.push();
    d.back.kick();
    expect(d.back.disconnectReason).toBeUndefined();
    expect(d.disk.read(8 * 512, 4096)).toEqual(new Uint8Array(4096).fill(0x5a));
  });
});

describe("a fuzzed ring", () => {
  it("never crashes the host, never touches another VM, and stops only its own ring", () => {
    const rnd = seededRandom(2026);
    let disconnected = 0;
    for (let trial = 0; trial < 150; trial++) {
      // Two VMs side by side in one machine's memory; the hostile one's
      // grants name frames up to 80, past its 64 into the other VM's.
      const machine = new PhysicalMemory(512 * 1024);
      const hostile = domain(1, regionMemory(machine, 0, 256 * 1024));
      const honest = domain(2, regionMemory(machine, 256 * 1024, 256 * 1024));
      for (let step = 0; step < 12; step++) {
        const k = rnd(6);
        if (k === 0) hostile.memory.writeWord(RING, rnd(2 ** 32));
        else if (k === 1) hostile.memory.writeWord(RING, (hostile.back.ring.rspProdPvt + rnd(40)) >>> 0);
        else if (k === 2) for (let i = 0; i < 64; i++) hostile.memory.writeByte(RING + 64 + rnd(32 * 112), rnd(256));
        else if (k === 3) hostile.memory.writeWord(0x1000 + 8 * rnd(32), rnd(2 ** 32));
        else if (k === 4) hostile.memory.writeWord(0x1000 + 8 * rnd(32) + 4, rnd(80));
        else hostile.grants.grantAccess(rnd(32), rnd(3), rnd(80), rnd(2) === 0);
        const before = hash(honest.memory);
        const disk = hash(honest.disk.bytes);
        expect(() => hostile.back.kick()).not.toThrow();
        expect(hash(honest.memory)).toBe(before);
        expect(hash(honest.disk.bytes)).toBe(disk);
        honestWrite(honest, 8 * step, trial + step);
        expect(honest.back.connected).toBe(true);
        expect(hostile.grants.liveMappings).toBe(0);
      }
      for (let step = 0; step < 12; step++) {
        const page = honest.disk.read(8 * step * 512, 4096);
        expect(page.every((b) => b === ((trial + step) & 0xff))).toBe(true);
      }
      if (!hostile.back.connected) {
        disconnected++;
        expect(hostile.back.disconnectReason).toMatch(/req_prod|request at index/);
      }
    }
    expect(disconnected).toBeGreaterThan(100);
  });
});

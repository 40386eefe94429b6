/**
 * src/io held against Xen's own macros (ring.h, blkif.h) compiled by gcc:
 * the same page, the same requests and responses, the same notify
 * decisions, across index wrap-around at 2^32.
 */
import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PhysicalMemory } from "../../src/machine/memory";
import { RawBlockDevice } from "../../src/machine/devices/block";
import {
  BackRing, Blkback, Blkfront, BLKIF_ENTRY_BYTES, FrontRing, GrantTable, SharedRing,
  copyBlkifRequest, copyBlkifResponse, writeBlkifRequest, writeBlkifResponse, type BlkifRequest,
} from "../../src/io";
import { requestLine, responseLine, runXenring, seededRandom } from "./xen-peer";

const RING = 0x4000;

/** xenring.c's fill_request, for ring index `idx`. */
function scriptRequest(idx: number): BlkifRequest {
  const nr = idx % 12;
  return {
    operation: idx % 4,
    handle: idx & 0xffff,
    id: (BigInt(idx) << 32n) | BigInt((idx ^ 0xdeadbeef) >>> 0),
    sector: BigInt(idx) * 8n + (1n << 40n),
    segments: Array.from({ length: nr }, (_, i) => ({ gref: (idx + i) >>> 0, firstSect: i % 8, lastSect: 7 })),
  };
}

/** Our rings running xenring.c's script mode: the same lines it prints. */
function runScript(start: number, ops: readonly string[]): string {
  const memory = new PhysicalMemory(64 * 1024);
  const shared = new SharedRing(memory, RING, BLKIF_ENTRY_BYTES);
  const front = FrontRing.create(shared, start);
  const back = new BackRing(shared, start);
  const lines: string[] = [];
  for (const op of ops) {
    const [name, count] = op.split(" ");
    const n = Number(count);
    if (name === "F") {
      for (let k = 0; k < n && !front.full; k++) {
        writeBlkifRequest(memory, front.nextRequestSlot(), scriptRequest(front.reqProdPvt));
        front.produced();
      }
      const notify = front.pushRequestsAndCheckNotify();
      lines.push(`F req_prod=${shared.reqProd} notify=${notify ? 1 : 0}`);
    } else if (name === "B") {
      for (let k = 0; k < n && back.unconsumedRequests() > 0; k++) {
        const req = copyBlkifRequest(memory, back.nextRequestSlot());
        lines.push(requestLine(back.reqCons, req));
        back.consumed();
        writeBlkifResponse(memory, back.nextResponseSlot(), { id: req.id, operation: req.operation, status: (back.rspProdPvt % 3) - 2 });
        back.produced();
      }
      const notify = back.pushResponsesAndCheckNotify();
      lines.push(`B rsp_prod=${shared.rspProd} notify=${notify ? 1 : 0}`);
    } else if (name === "FC") {
      while (front.unconsumedResponses > 0) {
        lines.push(responseLine(front.rspCons, copyBlkifResponse(memory, front.nextResponseSlot())));
        front.consumed();
      }
      const work = front.finalCheckForResponses();
      lines.push(`FC rsp_event=${shared.rspEvent} work=${work ? 1 : 0}`);
    } else {
      const work = back.finalCheckForRequests();
      lines.push(`BC req_event=${shared.reqEvent} work=${work ? 1 : 0}`);
    }
  }
  const page = memory.readBytes(RING, 4096);
  for (let i = 0; i < 4096; i += 32) lines.push(Buffer.from(page.subarray(i, i + 32)).toString("hex"));
  return lines.join("\n") + "\n";
}

function randomScript(seed: number, length: number): string[] {
  const rnd = seededRandom(seed);
  return Array.from({ length }, () => {
    const k = rnd(10);
    if (k < 4) return `F ${rnd(9)}`;
    if (k < 8) return `B ${rnd(9)}`;
    return k === 8 ? "FC" : "BC";
  });
}

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-ring-")), name);
}

describe("the shared ring against Xen's ring.h", () => {
  const starts = [0, 2 ** 32 - 1, 2 ** 32 - 7, 2 ** 32 - 40, 2 ** 31];
  for (const [i, start] of starts.entries()) {
    it(`matches every request, response, notify and the page byte for byte from index ${start}`, () => {
      const ops = randomScript(1000 + i, 400);
      const ours = runScript(start, ops);
      const xen = runXenring(["script", String(start)], ops.join("\n") + "\n");
      expect(ours.split("\n").length).toBeGreaterThan(400);
      expect(ours).toBe(xen);
    });
  }

  it("crosses 2^32 in a run, so the wrap is exercised, and notifies less than once per push", () => {
    const ops = randomScript(7, 400);
    const out = runXenring(["script", String(2 ** 32 - 7)], ops.join("\n") + "\n");
    const prods = [...out.matchAll(/req_prod=(\d+)/g)].map((m) => Number(m[1]));
    expect(prods.some((p) => p > 2 ** 31)).toBe(true);
    expect(prods.some((p) => p < 1000)).toBe(true);
    const notifies = [...out.matchAll(/^F .* notify=(\d)/gm)].map((m) => Number(m[1]));
    const yes = notifies.filter((n) => n === 1).length;
    expect(yes).toBeGreaterThan(0);
    expect(yes).toBeLessThan(notifies.length);
  });
});

describe("our blkfront's requests decoded by Xen's macros", () => {
  it("decodes every field of random requests written just below 2^32", () => {
    const rnd = seededRandom(99);
    const start = 2 ** 32 - 5;
    const memory = new PhysicalMemory(64 * 1024);
    const front = new Blkfront(memory, RING, start);
    const requests: BlkifRequest[] = [];
    for (let k = 0; k < 20; k++) {
      const r: BlkifRequest = {
        operation: rnd(4), handle: rnd(65536),
        id: (BigInt(rnd(2 ** 30)) << 34n) | BigInt(rnd(2 ** 30)),
        sector: (BigInt(rnd(2 ** 20)) << 32n) | BigInt(rnd(2 ** 30)),
        segments: Array.from({ length: rnd(12) }, () => ({ gref: rnd(2 ** 31), firstSect: rnd(8), lastSect: rnd(256) })),
      };
      expect(front.queue(r)).toBe(true);
      requests.push(r);
    }
    expect(front.push()).toBe(true);
    const file = tempFile("ring.page");
    fs.writeFileSync(file, memory.readBytes(RING, 4096));
    const out = runXenring(["decode", file, String(start), "20"]);
    const expected = [`size=32 req_prod=${(start + 20) >>> 0}`, ...requests.map((r, k) => requestLine(start + k, r))];
    expect(out).toBe(expected.join("\n") + "\n");
  });
});

describe("our blkback serving Xen's frontend", () => {
  it("serves reads, writes, a barrier and a flush through grants, answering in Xen's format", () => {
    const start = 2 ** 32 - 3;
    const file = tempFile("ring.page");
    // Requests: "op sector gref first last". Grants 1..4 name buffer frames 8..11.
    const lines = ["1 100 2 0 3", "1 16 1 0 7", "2 40 3 0 7", "0 16 4 0 7", "3 0 0 0 0", "0 100 4 4 7"];
    const push = runXenring(["front", file, String(start), String(lines.length)], lines.join("\n") + "\n");
    expect(push).toBe("notify=1\n");

    const memory = new PhysicalMemory(64 * 1024);
    memory.writeBytes(RING, fs.readFileSync(file));
    const grants = new GrantTable(memory, 0x1000, 16, 1);
    for (let ref = 1; ref <= 4; ref++) grants.grantAccess(ref, 0, 7 + ref, ref <= 3); // writes: read-only
    for (let f = 8; f <= 10; f++) memory.writeBytes(f * 4096, new Uint8Array(4096).fill(f));
    const disk = new RawBlockDevice(new Uint8Array(512 * 256));
    const back = new Blkback({ memory, ringBase: RING, grants, backendDomain: 0, disk, startIndex: start });
    const result = back.kick();
    expect(back.disconnectReason).toBeUndefined();
    expect(result.served).toBe(6);
    fs.writeFileSync(file, memory.readBytes(RING, 4096));

    const out = runXenring(["responses", file, String(start), "6"]);
    const rsp = out.trim().split("\n");
    expect(rsp).toHaveLength(6);
    // Every id answered once (xenring.c's id is 1000 + the 32-bit index),
    // all OKAY, in the order served: the elevator puts the write of sector
    // 16 before that of 100, but nothing crosses the barrier or the flush,
    // so the read of sector 16 after the barrier sees the write before it.
    const ids = rsp.map((l) => Number(/id=(\d+)/.exec(l)?.[1]));
    expect(ids).toEqual([1, 0, 2, 3, 4, 5].map((k) => (1000 + start + k) >>> 0));
    expect(rsp.every((l) => l.endsWith("status=0"))).toBe(true);
    expect(disk.read(16 * 512, 4096)).toEqual(new Uint8Array(4096).fill(8));
    expect(disk.read(100 * 512, 2048)).toEqual(new Uint8Array(2048).fill(9));
    expect(disk.read(40 * 512, 4096)).toEqual(new Uint8Array(4096).fill(10));
    expect(memory.readBytes(11 * 4096, 2048)).toEqual(new Uint8Array(2048).fill(8));
    expect(memory.readBytes(11 * 4096 + 2048, 2048)).toEqual(new Uint8Array(2048).fill(9));
  });
});

/**
 * The migration protocol between two hosts, over one TCP connection
 * (Clark et al. 2005, 3.2, the six stages; Silberschatz 16.6.6's steps):
 *
 *   source                                   target
 *   HELLO {vm config, technique, disk}  ->   reserves a VM ("the target
 *                                        <-  READY                  creates the VM")
 *   PAGES round 1 (every page)          ->
 *   PAGES round 2..n (pages dirtied)    ->   copied into the VM's memory
 *   --- the source pauses the VM (stop-and-copy) ---
 *   PAGES (the last dirty pages)        ->
 *   STATE (snapshot format, no memory)  ->   restores VCPU and devices,
 *                                        <-  ACK                    resumes the VM
 *   the source destroys its copy; until ACK it keeps it, so a dropped
 *   connection leaves the VM running where it was, losing nothing.
 *
 * Post-copy (Hines and Gopalan 2009; postcopy.ts) turns the order round:
 *
 *   HELLO {..., mode "postcopy"}        ->
 *                                        <-  READY
 *   --- the source pauses the VM ---
 *   STATE (no memory at all)            ->   resumes the VM, every page
 *                                        <-  ACK      still at the source
 *                                        <-  FETCH {page: the one the VCPU
 *                                                   faulted on, or -1;
 *                                                   cycles the VM ran}
 *   PAGES (that page, then pages pushed ->   copied in, the VCPU goes on
 *          in the time that passed)
 *   ... FETCH and PAGES until every page has arrived ...
 *                                        <-  DONE {faults}
 *   the source destroys its copy. From ACK to DONE the VM's memory is in
 *   two places: a dropped connection then loses the VM.
 *
 * Every message is a frame:
 *
 *   u32 LE  length of what follows (type + payload), at most MAX_FRAME
 *   u8      type (MESSAGE)
 *   ...     payload: JSON (HELLO, READY, ACK, ERROR, FETCH, DONE), pages (PAGES:
 *           u32 LE count, then count times u32 LE page number + 4096
 *           bytes), or a snapshot file (STATE, src/lifecycle/snapshot)
 */
import { UserError } from "../../errors";

export const MESSAGE = { HELLO: 1, READY: 2, PAGES: 3, STATE: 4, ACK: 5, ERROR: 6, FETCH: 7, DONE: 8 } as const;
export type MessageType = (typeof MESSAGE)[keyof typeof MESSAGE];
export const PAGE_BYTES = 4096;
/** A frame's limit: a round of pages of a 64 MiB VM, or a snapshot. */
export const MAX_FRAME = 80 * 1024 * 1024;

export interface Frame {
  readonly type: number;
  readonly payload: Uint8Array;
}

export function frame(type: MessageType, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32LE(payload.length + 1, 0);
  head.writeUInt8(type, 4);
  return Buffer.concat([head, payload]);
}

export function jsonFrame(type: MessageType, value: unknown): Buffer {
  return frame(type, Buffer.from(JSON.stringify(value), "utf8"));
}

/** One PAGES frame: the listed pages of `memory`. */
export function pagesFrame(memory: Uint8Array, pages: readonly number[]): Buffer {
  const out = Buffer.alloc(4 + pages.length * (4 + PAGE_BYTES));
  out.writeUInt32LE(pages.length, 0);
  let at = 4;
  for (const p of pages) {
    out.writeUInt32LE(p, at);
    out.set(memory.subarray(p * PAGE_BYTES, (p + 1) * PAGE_BYTES), at + 4);
    at += 4 + PAGE_BYTES;
  }
  return frame(MESSAGE.PAGES, out);
}

/** Copies a PAGES payload into `memory` (telling `each` of every page); a page outside it, or a short payload, is refused. */
export function applyPages(payload: Uint8Array, memory: Uint8Array, peer: string, each?: (page: number) => void): number {
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (b.length < 4) throw new UserError(`${peer}: a PAGES message of ${b.length} bytes has no count`);
  const count = b.readUInt32LE(0);
  if (b.length !== 4 + count * (4 + PAGE_BYTES)) throw new UserError(`${peer}: a PAGES message of ${count} pages has ${b.length} bytes, not ${4 + count * (4 + PAGE_BYTES)}`);
  const pages = memory.length / PAGE_BYTES;
  for (let i = 0, at = 4; i < count; i++, at += 4 + PAGE_BYTES) {
    const p = b.readUInt32LE(at);
    if (p >= pages) throw new UserError(`${peer}: page ${p} at byte ${at} of a PAGES message is outside the VM's ${pages} pages`);
    each?.(p);
    memory.set(b.subarray(at + 4, at + 4 + PAGE_BYTES), p * PAGE_BYTES);
  }
  return count;
}

export function parseJson(payload: Uint8Array, what: string, peer: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload).toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new UserError(`${peer}: its ${what} message is not a JSON object`);
}

/** Splits a byte stream into frames; a frame over MAX_FRAME is refused before it is buffered. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly peer: string) {}

  /** Adds received bytes and returns the frames now complete. */
  push(data: Buffer): Frame[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [all];
      const length = all.readUInt32LE(0);
      if (length < 1 || length > MAX_FRAME) throw new UserError(`${this.peer}: a frame of ${length} bytes (the limit is ${MAX_FRAME}): not a vmlab migration peer`);
      if (all.length < 4 + length) break;
      frames.push({ type: all[4], payload: all.subarray(5, 4 + length) });
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }
}

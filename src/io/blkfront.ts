/**
 * A block frontend in TypeScript (Linux's xen-blkfront, reduced): what a
 * paravirtual guest kernel does to drive blkback, for tests, benchmarks
 * and the chapter's cells. It grants the backend its buffer pages
 * (read-only for disk writes: the backend only reads them), queues up to
 * a ring's worth of requests, and pushes them in one batch with
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, so the backend is notified only if
 * it asked to be (req_event).
 */
import type { GuestMemory } from "./guest-memory";
import { FrontRing, SharedRing } from "./ring";
import { BLKIF_ENTRY_BYTES, copyBlkifResponse, writeBlkifRequest, type BlkifRequest, type BlkifResponse } from "./blkif";

export class Blkfront {
  readonly ring: FrontRing;
  /** Pushes that had to notify the backend, and pushes in all. */
  notifies = 0;
  pushes = 0;

  constructor(readonly memory: GuestMemory, readonly ringBase: number, startIndex = 0) {
    this.ring = FrontRing.create(new SharedRing(memory, ringBase, BLKIF_ENTRY_BYTES), startIndex);
  }

  /** Queue one request privately (not yet visible to the backend); false if the ring is full. */
  queue(request: BlkifRequest): boolean {
    if (this.ring.full) return false;
    writeBlkifRequest(this.memory, this.ring.nextRequestSlot(), request);
    this.ring.produced();
    return true;
  }

  /** Publish the queued requests; true if the backend must be notified. */
  push(): boolean {
    this.pushes++;
    const notify = this.ring.pushRequestsAndCheckNotify();
    if (notify) this.notifies++;
    return notify;
  }

  /** Every response the backend has pushed, then RING_FINAL_CHECK_FOR_RESPONSES. */
  takeResponses(): BlkifResponse[] {
    const out: BlkifResponse[] = [];
    do {
      while (this.ring.unconsumedResponses > 0) {
        out.push(copyBlkifResponse(this.memory, this.ring.nextResponseSlot()));
        this.ring.consumed();
      }
    } while (this.ring.finalCheckForResponses());
    return out;
  }
}

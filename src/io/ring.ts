/**
 * Xen's shared producer/consumer ring (xen/include/public/io/ring.h, Tim
 * Deegan and Andrew Warfield, November 2004), laid out byte for byte in a
 * page of a domain's RAM and driven through GuestMemory (guest-memory.ts), so
 * the same page can be read by Xen's own C macros (test/io/c/xenring.c).
 *
 *   page + 0x00  req_prod   RING_IDX (uint32)  written by the front end
 *   page + 0x04  req_event  RING_IDX           written by the back end
 *   page + 0x08  rsp_prod   RING_IDX           written by the back end
 *   page + 0x0C  rsp_event  RING_IDX           written by the front end
 *   page + 0x10  pvt        uint8_t[4]         (netif smartpoll, unused here)
 *   page + 0x14  __pad      uint8_t[44]
 *   page + 0x40  ring[]     union { req; rsp; } entries, as many as fit,
 *                           "rounded down to the nearest power of two (so
 *                           we can mask with (size-1) to loop around)"
 *
 * The indices are free-running 32-bit counters: they are never reduced
 * modulo the ring size, they wrap at 2^32, and a slot is idx & (size - 1).
 * All index arithmetic below is therefore done `>>> 0` (RING_IDX is an
 * unsigned 32-bit type in C).
 *
 * ring.h: "N.B. these macros do NO INTERLOCKS OR FLOW CONTROL." The back
 * end must not trust the shared indices; see blkback.ts for the checks.
 */
import type { GuestMemory } from "./guest-memory";

export const RING_OFFSET = { REQ_PROD: 0x00, REQ_EVENT: 0x04, RSP_PROD: 0x08, RSP_EVENT: 0x0c, PVT: 0x10, PAD: 0x14 } as const;
/** Bytes before ring[0]: four indices, pvt (4) and __pad (44). */
export const RING_HEADER_BYTES = 0x40;
export const RING_PAGE_BYTES = 4096;

/** `n` rounded down to a power of two (ring.h's __RD32). */
function roundDownPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** __CONST_RING_SIZE: entries of `entryBytes` that fit after the header of a `pageBytes` page. */
export function ringSize(entryBytes: number, pageBytes: number = RING_PAGE_BYTES): number {
  const fit = Math.floor((pageBytes - RING_HEADER_BYTES) / entryBytes);
  if (!Number.isInteger(entryBytes) || entryBytes <= 0 || fit < 1) {
    throw new RangeError(`ringSize: entries of ${entryBytes} bytes do not fit a ring of ${pageBytes} bytes`);
  }
  return roundDownPowerOfTwo(fit);
}

/** The shared page itself: four indices and the entry slots, in guest memory at `base`. */
export class SharedRing {
  readonly size: number;

  constructor(readonly memory: GuestMemory, readonly base: number, readonly entryBytes: number, pageBytes: number = RING_PAGE_BYTES) {
    if (!memory.inRam(base, pageBytes) || base % 4 !== 0) {
      throw new RangeError(`shared ring at 0x${(base >>> 0).toString(16)}: a ${pageBytes}-byte page must be aligned and in RAM`);
    }
    this.size = ringSize(entryBytes, pageBytes);
  }

  get reqProd(): number { return this.memory.readWord(this.base + RING_OFFSET.REQ_PROD); }
  set reqProd(v: number) { this.memory.writeWord(this.base + RING_OFFSET.REQ_PROD, v >>> 0); }
  get reqEvent(): number { return this.memory.readWord(this.base + RING_OFFSET.REQ_EVENT); }
  set reqEvent(v: number) { this.memory.writeWord(this.base + RING_OFFSET.REQ_EVENT, v >>> 0); }
  get rspProd(): number { return this.memory.readWord(this.base + RING_OFFSET.RSP_PROD); }
  set rspProd(v: number) { this.memory.writeWord(this.base + RING_OFFSET.RSP_PROD, v >>> 0); }
  get rspEvent(): number { return this.memory.readWord(this.base + RING_OFFSET.RSP_EVENT); }
  set rspEvent(v: number) { this.memory.writeWord(this.base + RING_OFFSET.RSP_EVENT, v >>> 0); }

  /**
   * SHARED_RING_INIT, generalised to a start index as FRONT_RING_ATTACH's
   * `_i` is: producers at `start`, events at start + 1 ("trigger a
   * notification on the very next message"), pvt and __pad zeroed.
   */
  init(start = 0): void {
    this.reqProd = start;
    this.rspProd = start;
    this.reqEvent = start + 1;
    this.rspEvent = start + 1;
    for (let i = RING_OFFSET.PVT; i < RING_HEADER_BYTES; i++) this.memory.writeByte(this.base + i, 0);
  }

  /** RING_GET_REQUEST / RING_GET_RESPONSE: the guest address of the slot of index `idx`. */
  slotAddress(idx: number): number {
    return this.base + RING_HEADER_BYTES + ((idx >>> 0) & (this.size - 1)) * this.entryBytes;
  }
}

/** `a - b` as RING_IDX: unsigned 32-bit. */
export function ringDistance(a: number, b: number): number {
  return (a - b) >>> 0;
}

/**
 * ring.h's notification hold-off, shared by both PUSH_..._AND_CHECK_NOTIFY
 * macros: notify iff the event index lies in (old, new], that is
 * (RING_IDX)(new - event) < (RING_IDX)(new - old).
 */
export function mustNotify(oldProd: number, newProd: number, event: number): boolean {
  return ringDistance(newProd, event) < ringDistance(newProd, oldProd);
}

/**
 * The front end's private half (struct __name##_front_ring): it pushes
 * requests and takes responses off.
 */
export class FrontRing {
  reqProdPvt: number;
  rspCons: number;

  constructor(readonly shared: SharedRing, start = 0) {
    this.reqProdPvt = start >>> 0;
    this.rspCons = start >>> 0;
  }

  /** XEN_FRONT_RING_INIT with a start index: initialise the shared page and attach. */
  static create(shared: SharedRing, start = 0): FrontRing {
    shared.init(start);
    return new FrontRing(shared, start);
  }

  get size(): number { return this.shared.size; }
  /** RING_FREE_REQUESTS: "for use on front side only". */
  get freeRequests(): number { return this.size - ringDistance(this.reqProdPvt, this.rspCons); }
  get full(): boolean { return this.freeRequests === 0; }

  /** The slot of the next private request; the caller fills it, then calls `produced()`. */
  nextRequestSlot(): number {
    if (this.full) throw new Error("front ring: no free request slot (RING_FULL)");
    return this.shared.slotAddress(this.reqProdPvt);
  }

  produced(): void { this.reqProdPvt = (this.reqProdPvt + 1) >>> 0; }

  /** RING_PUSH_REQUESTS: publish the private producer, no notification check. */
  pushRequests(): void { this.shared.reqProd = this.reqProdPvt; }

  /**
   * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: "True indicates that the receiver
   * requires an asynchronous notification." The back end set req_event to
   * the index it wants to hear about; notify if this push crossed it.
   */
  pushRequestsAndCheckNotify(): boolean {
    const old = this.shared.reqProd;
    const next = this.reqProdPvt;
    this.shared.reqProd = next;
    return mustNotify(old, next, this.shared.reqEvent);
  }

  /** XEN_RING_NR_UNCONSUMED_RESPONSES. */
  get unconsumedResponses(): number { return ringDistance(this.shared.rspProd, this.rspCons); }

  /** The slot of the next response to consume; call `consumed()` after copying it. */
  nextResponseSlot(): number { return this.shared.slotAddress(this.rspCons); }
  consumed(): void { this.rspCons = (this.rspCons + 1) >>> 0; }

  /**
   * RING_FINAL_CHECK_FOR_RESPONSES: before sleeping, ask for a notification
   * on the very next response (rsp_event = rsp_cons + 1), then look again
   * in case one arrived meanwhile. True: there is work, do not sleep.
   */
  finalCheckForResponses(): boolean {
    if (this.unconsumedResponses > 0) return true;
    this.shared.rspEvent = this.rspCons + 1;
    return this.unconsumedResponses > 0;
  }
}

/**
 * The back end's private half (struct __name##_back_ring): it takes
 * requests off and pushes responses.
 */
export class BackRing {
  rspProdPvt: number;
  reqCons: number;

  constructor(readonly shared: SharedRing, start = 0) {
    this.rspProdPvt = start >>> 0;
    this.reqCons = start >>> 0;
  }

  get size(): number { return this.shared.size; }

  /**
   * XEN_RING_NR_UNCONSUMED_REQUESTS: the requests produced, but never more
   * than the free response slots, for a producer index `reqProd` read once
   * by the caller (never re-read: XSA-155's double fetch).
   */
  unconsumedRequests(reqProd: number = this.shared.reqProd): number {
    const req = ringDistance(reqProd, this.reqCons);
    const rsp = this.size - ringDistance(this.reqCons, this.rspProdPvt);
    return req < rsp ? req : rsp;
  }

  /** RING_REQUEST_PROD_OVERFLOW: "Ill-behaved frontend determination: Can there be this many requests?" */
  requestProdOverflow(reqProd: number): boolean {
    return ringDistance(reqProd, this.rspProdPvt) > this.size;
  }

  /** RING_REQUEST_CONS_OVERFLOW: "Would the specified index overflow the ring?" */
  requestConsOverflow(cons: number): boolean {
    return ringDistance(cons, this.rspProdPvt) >= this.size;
  }

  nextRequestSlot(): number { return this.shared.slotAddress(this.reqCons); }
  consumed(): void { this.reqCons = (this.reqCons + 1) >>> 0; }

  nextResponseSlot(): number { return this.shared.slotAddress(this.rspProdPvt); }
  produced(): void { this.rspProdPvt = (this.rspProdPvt + 1) >>> 0; }

  pushResponses(): void { this.shared.rspProd = this.rspProdPvt; }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: notify iff rsp_event lies in (old, new]. */
  pushResponsesAndCheckNotify(): boolean {
    const old = this.shared.rspProd;
    const next = this.rspProdPvt;
    this.shared.rspProd = next;
    return mustNotify(old, next, this.shared.rspEvent);
  }

  /** RING_FINAL_CHECK_FOR_REQUESTS: req_event = req_cons + 1, then look again. */
  finalCheckForRequests(): boolean {
    if (this.unconsumedRequests() > 0) return true;
    this.shared.reqEvent = this.reqCons + 1;
    return this.unconsumedRequests() > 0;
  }
}

/**
 * A block backend in the hypervisor (Xen's blkback, drivers/block/xen-
 * blkback in Linux): it serves one frontend's blkif ring from a host
 * block device, reaching the frontend's buffers only through its grants.
 *
 * One `kick()` is what blkback does on an event-channel notification:
 *
 *   1. read req_prod ONCE, then never again in this round (XSA-155: a
 *      frontend may change shared memory between two reads);
 *   2. refuse a producer "more than a ring ahead" (ring.h's
 *      RING_REQUEST_PROD_OVERFLOW, the fix for XSA-39's unbounded loop);
 *   3. RING_COPY_REQUEST each entry into private memory and validate the
 *      copy (operation, nr_segments <= 11, first_sect <= last_sect < 8,
 *      sectors inside the disk, each grant live, for this domain, and
 *      writable when the disk is read into it);
 *   4. serve the batch in elevator order, barriers and flushes in place
 *      (elevator.ts), moving data by GNTTABOP_copy; the disk model charges
 *      diskLatency and head travel (diskSeekPerMiB) unless a request
 *      starts where the last one ended;
 *   5. RING_PUSH_RESPONSES_AND_CHECK_NOTIFY, then RING_FINAL_CHECK_FOR_
 *      REQUESTS: loop if more came, else sleep until the next notify.
 *
 * A violation disconnects this ring only: the backend logs why, stops
 * reading the ring, and every other backend goes on. Nothing throws on a
 * hostile ring; a throw out of here is a bug in the simulator.
 */
import { COSTS } from "../machine/costs";
import type { GuestMemory } from "./guest-memory";
import type { BlockDevice } from "../machine/devices/block";
import { BackRing, SharedRing } from "./ring";
import {
  BLKIF_ENTRY_BYTES, BLKIF_MAX_SEGMENTS_PER_REQUEST, BLKIF_OP, BLKIF_RSP, BLKIF_SECTOR_BYTES,
  copyBlkifRequest, writeBlkifResponse, type RawBlkifRequest,
} from "./blkif";
import type { GrantTable } from "./grant-table";
import { elevatorOrder } from "./elevator";

const SECTORS_PER_PAGE = 4096 / BLKIF_SECTOR_BYTES;

export interface BlkbackOptions {
  /** The frontend's RAM, where its ring page is. */
  readonly memory: GuestMemory;
  /** Guest-physical address of the shared ring page. */
  readonly ringBase: number;
  /** The frontend's grant table. */
  readonly grants: GrantTable;
  /** The domain the backend runs in (the grants must name it). */
  readonly backendDomain: number;
  readonly disk: BlockDevice;
  /** The index the ring was initialised at (0 unless a test wraps it). */
  readonly startIndex?: number;
  /** Whether to reorder between barriers (true: C-SCAN; false: ring order). */
  readonly reorder?: boolean;
}

/** What one notification's work came to. */
export interface KickResult {
  readonly served: number;
  /** True if the frontend must be sent an event (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY). */
  readonly notify: boolean;
  /** Simulated cycles: per-request handling, grant copies, the disk's seeks and transfers. */
  readonly cycles: number;
}

/** A request that passed validation, with its sector range as numbers. */
interface ValidRequest {
  readonly request: RawBlkifRequest;
  readonly sector: number;
  readonly sectors: number;
}

export class Blkback {
  readonly ring: BackRing;
  connected = true;
  /** Why the ring was disconnected, naming the index and field. */
  disconnectReason: string | undefined;
  readonly log: string[] = [];
  /** Request ids in the order the disk served them (for the barrier figure and tests). */
  readonly serviceOrder: bigint[] = [];
  requests = 0;
  notifications = 0;
  private head = 0;

  constructor(readonly options: BlkbackOptions) {
    this.ring = new BackRing(new SharedRing(options.memory, options.ringBase, BLKIF_ENTRY_BYTES), options.startIndex ?? 0);
  }

  private get diskSectors(): number {
    return Math.floor(this.options.disk.size / BLKIF_SECTOR_BYTES);
  }

  /** Handle one notification from the frontend. */
  kick(): KickResult {
    let served = 0;
    let notify = false;
    let cycles = 0;
    for (let round = 0; this.connected && round < 4; round++) {
      const batch = this.takeRequests();
      if (batch === undefined) break;
      cycles += batch.length * COSTS.blkbackRequest;
      for (const i of this.order(batch)) {
        cycles += this.serve(batch[i]);
        served++;
      }
      if (!this.connected) break;
      if (this.ring.pushResponsesAndCheckNotify()) notify = true;
      if (!this.ring.finalCheckForRequests()) break;
    }
    if (notify) this.notifications++;
    return { served, notify, cycles };
  }

  private order(batch: readonly ValidRequest[]): number[] {
    if (this.options.reorder === false) return batch.map((_, i) => i);
    const ordering = (op: number): boolean => op === BLKIF_OP.WRITE_BARRIER || op === BLKIF_OP.FLUSH_DISKCACHE;
    return elevatorOrder(batch.map((v) => ({ sector: v.sector, ordering: ordering(v.request.operation) })), this.head);
  }

  /** Steps 1-3: the validated copies of every request produced, or undefined after a disconnect. */
  private takeRequests(): ValidRequest[] | undefined {
    const prod = this.ring.shared.reqProd; // read once (XSA-155)
    if (this.ring.requestProdOverflow(prod)) {
      this.disconnect(`req_prod ${prod} is more than a ring (${this.ring.size}) ahead of rsp_prod ${this.ring.rspProdPvt}`);
      return undefined;
    }
    const batch: ValidRequest[] = [];
    while (this.ring.reqCons !== prod) {
      if (this.ring.requestConsOverflow(this.ring.reqCons)) break;
      const index = this.ring.reqCons;
      const request = copyBlkifRequest(this.options.memory, this.ring.nextRequestSlot());
      this.ring.consumed();
      const problem = this.validate(request);
      if (problem !== undefined) {
        this.disconnect(`request at index ${index} (id ${request.id}): ${problem}`);
        return undefined;
      }
      const sectors = request.segments.reduce((n, s) => n + s.lastSect - s.firstSect + 1, 0);
      batch.push({ request, sector: Number(request.sector), sectors });
      this.requests++;
    }
    return batch;
  }

  /** Why the private copy `r` cannot be served, or undefined. */
  private validate(r: RawBlkifRequest): string | undefined {
    const known = [BLKIF_OP.READ, BLKIF_OP.WRITE, BLKIF_OP.WRITE_BARRIER, BLKIF_OP.FLUSH_DISKCACHE] as number[];
    if (!known.includes(r.operation)) return `operation ${r.operation} is not one this backend offers`;
    if (r.nrSegments > BLKIF_MAX_SEGMENTS_PER_REQUEST) return `nr_segments ${r.nrSegments} > ${BLKIF_MAX_SEGMENTS_PER_REQUEST}`;
    const moves = r.operation === BLKIF_OP.READ || r.operation === BLKIF_OP.WRITE;
    if (moves && r.nrSegments === 0) return "a read or write with no segments";
    if (r.operation === BLKIF_OP.FLUSH_DISKCACHE && r.nrSegments !== 0) return "a flush with segments";
    let sectors = 0;
    for (const [i, s] of r.segments.entries()) {
      if (s.firstSect > s.lastSect || s.lastSect >= SECTORS_PER_PAGE) return `segment ${i}: sectors ${s.firstSect}..${s.lastSect} are not inside a page`;
      sectors += s.lastSect - s.firstSect + 1;
      const refusal = this.probeGrant(s.gref, r.operation === BLKIF_OP.READ);
      if (refusal !== undefined) return `segment ${i}: ${refusal}`;
    }
    if (r.sector + BigInt(sectors) > BigInt(this.diskSectors)) return `sectors ${r.sector}+${sectors} are past the disk's ${this.diskSectors}`;
    return undefined;
  }

  /** A zero-length copy through the grant: checks it is live, ours and writable if need be. */
  private probeGrant(gref: number, intoGuest: boolean): string | undefined {
    const refusal = intoGuest
      ? this.options.grants.copy(gref, this.options.backendDomain, 0, new Uint8Array(0), true)
      : this.options.grants.copy(gref, this.options.backendDomain, 0, 0, false);
    return refusal !== undefined && "reason" in refusal ? refusal.reason : undefined;
  }

  /** Step 4 for one request: move its data, write its response; the cycles it took. */
  private serve(v: ValidRequest): number {
    const { request } = v;
    const grants = this.options.grants;
    let cycles = 0;
    let status: number = BLKIF_RSP.OKAY;
    if (request.operation !== BLKIF_OP.FLUSH_DISKCACHE) {
      if (v.sectors > 0) {
        const travelMiB = (Math.abs(v.sector - this.head) * BLKIF_SECTOR_BYTES) / (1024 * 1024);
        const seek = v.sector === this.head ? 0 : COSTS.diskLatency + Math.round(travelMiB * COSTS.diskSeekPerMiB);
        cycles += seek + v.sectors * COSTS.diskSectorTransfer;
        this.head = v.sector + v.sectors;
      }
      let sector = v.sector;
      for (const s of request.segments) {
        const offset = s.firstSect * BLKIF_SECTOR_BYTES;
        const length = (s.lastSect - s.firstSect + 1) * BLKIF_SECTOR_BYTES;
        cycles += COSTS.grantOp;
        if (request.operation === BLKIF_OP.READ) {
          const refusal = grants.copy(s.gref, this.options.backendDomain, offset, this.options.disk.read(sector * BLKIF_SECTOR_BYTES, length), true);
          if (refusal !== undefined) status = BLKIF_RSP.ERROR;
        } else {
          const data = grants.copy(s.gref, this.options.backendDomain, offset, length, false);
          if (data instanceof Uint8Array) this.options.disk.write(sector * BLKIF_SECTOR_BYTES, data);
          else status = BLKIF_RSP.ERROR;
        }
        sector += s.lastSect - s.firstSect + 1;
      }
    }
    this.serviceOrder.push(request.id);
    writeBlkifResponse(this.options.memory, this.ring.nextResponseSlot(), { id: request.id, operation: request.operation, status });
    this.ring.produced();
    return cycles;
  }

  private disconnect(reason: string): void {
    this.connected = false;
    this.disconnectReason = reason;
    this.log.push(`blkback: ring at 0x${this.options.ringBase.toString(16)} disconnected: ${reason}`);
  }
}

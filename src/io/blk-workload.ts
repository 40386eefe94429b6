/**
 * A measured run of the split block driver: a TypeScript blkfront keeps up
 * to `queueDepth` 4 KiB requests in flight on one ring, blkback serves them
 * from a RAM disk, and every notification is counted, so a chapter cell or
 * benchmark can show what notification suppression and batching save
 * (ring.h: "if requests are in flight in a backend, the front may be able
 * to queue further requests without notifying the back").
 *
 * The front pushes each request as it queues it (one push per request, as
 * a driver does when the file system hands it blocks one by one); the back
 * end runs once the front has filled the queue. With suppression the push
 * notifies only if the back end asked (req_event); without, every push and
 * every response notifies. A front-to-back notification is an event-channel
 * send (a hypercall); a back-to-front one is an upcall into the guest.
 *
 *   domain RAM  0x1000 ring page | 0x2000 grant table | frames 16.. buffers
 */
import { COSTS } from "../machine/costs";
import { PhysicalMemory } from "../machine/memory";
import { RawBlockDevice } from "../machine/devices/block";
import { BLKIF_OP, BLKIF_SECTOR_BYTES } from "./blkif";
import { Blkback } from "./blkback";
import { Blkfront } from "./blkfront";
import { GrantTable } from "./grant-table";

export interface BlkWorkloadOptions {
  /** 4 KiB requests in all. */
  readonly requests: number;
  /** Requests in flight at most (1..32, the blkif ring's size). */
  readonly queueDepth: number;
  /** Honour req_event/rsp_event (true) or notify on every push (false). */
  readonly suppression?: boolean;
  /** Let blkback's elevator reorder between barriers. */
  readonly reorder?: boolean;
  /** "sequential" blocks, or "scattered" ones (a fixed permutation). */
  readonly pattern?: "sequential" | "scattered";
  /** Every how many requests a BLKIF_OP_WRITE_BARRIER goes in (0: none). */
  readonly barrierEvery?: number;
}

export interface BlkWorkloadResult {
  readonly requests: number;
  /** Front-to-back (event channel sends) plus back-to-front (upcalls). */
  readonly notifications: number;
  readonly notificationsPerRequest: number;
  /** Simulated cycles: backend work, disk, grant copies, notifications. */
  readonly cycles: number;
  readonly cyclesPerRequest: number;
  /** Ring indices after each push, for a plot: [req_prod, req_event, rsp_prod, rsp_event]. */
  readonly trace: readonly (readonly [number, number, number, number])[];
}

const RING = 0x1000;
const GRANTS = 0x2000;
const FIRST_BUFFER_FRAME = 16;
const DISK_BLOCKS = 1024;
const SECTORS_PER_BLOCK = 8;

/** Block `i` of the run: in order, or spread by a fixed stride over the disk. */
function blockOf(i: number, pattern: "sequential" | "scattered"): number {
  return pattern === "sequential" ? i % DISK_BLOCKS : (i * 389) % DISK_BLOCKS;
}

export function runBlkWorkload(options: BlkWorkloadOptions): BlkWorkloadResult {
  const { requests, queueDepth } = options;
  if (!Number.isInteger(queueDepth) || queueDepth < 1 || queueDepth > 32) throw new RangeError(`queue depth ${queueDepth}: the blkif ring holds 1..32 requests`);
  if (!Number.isInteger(requests) || requests < 1) throw new RangeError(`requests ${requests} must be a positive integer`);
  const suppression = options.suppression ?? true;
  const pattern = options.pattern ?? "sequential";
  const memory = new PhysicalMemory(1024 * 1024);
  const grants = new GrantTable(memory, GRANTS, 64, 1);
  const disk = new RawBlockDevice(new Uint8Array(DISK_BLOCKS * SECTORS_PER_BLOCK * BLKIF_SECTOR_BYTES));
  const front = new Blkfront(memory, RING);
  const back = new Blkback({ memory, ringBase: RING, grants, backendDomain: 0, disk, reorder: options.reorder ?? true });
  const trace: [number, number, number, number][] = [];
  const snapshot = (): void => {
    const s = front.ring.shared;
    trace.push([s.reqProd, s.reqEvent, s.rspProd, s.rspEvent]);
  };
  let notifications = 0;
  let cycles = 0;
  let issued = 0;
  let done = 0;
  while (done < requests) {
    let kick = false;
    for (let slot = 0; slot < queueDepth && issued < requests; slot++, issued++) {
      const barrier = options.barrierEvery !== undefined && options.barrierEvery > 0 && issued % options.barrierEvery === options.barrierEvery - 1;
      const ref = 8 + slot;
      grants.grantAccess(ref, 0, FIRST_BUFFER_FRAME + slot, true);
      const sector = BigInt(blockOf(issued, pattern) * SECTORS_PER_BLOCK);
      front.queue({ operation: barrier ? BLKIF_OP.WRITE_BARRIER : BLKIF_OP.WRITE, handle: 0, id: BigInt(issued), sector, segments: [{ gref: ref, firstSect: 0, lastSect: 7 }] });
      const notify = front.push();
      snapshot();
      if (notify || !suppression) {
        notifications++;
        cycles += COSTS.hypercall;
        kick = true;
      }
    }
    if (!kick && !suppression) throw new Error("blk workload: nothing notified the backend");
    const result = back.kick();
    cycles += result.cycles;
    if (back.disconnectReason !== undefined) throw new Error(`blk workload: ${back.disconnectReason}`);
    const upcalls = suppression ? (result.notify ? 1 : 0) : result.served;
    notifications += upcalls;
    cycles += upcalls * COSTS.eventUpcall;
    const responses = front.takeResponses();
    snapshot();
    for (const r of responses) if (r.status !== 0) throw new Error(`blk workload: request ${r.id} failed with status ${r.status}`);
    done += responses.length;
    for (let slot = 0; slot < queueDepth; slot++) grants.endAccess(8 + slot);
  }
  return { requests, notifications, notificationsPerRequest: notifications / requests, cycles, cyclesPerRequest: cycles / requests, trace };
}

/**
 * I/O virtualization (issue 14: `vmlab bench io --json`), side by side in
 * one process: Xen's split block driver (src/io) with and without the
 * ring's notification suppression, at queue depth 1 and 32.
 *
 *   notify_per_req          notifications (event-channel sends plus
 *                           upcalls) per 4 KiB request at queue depth 32
 *                           with req_event/rsp_event honoured (goal < 0.2)
 *   notify_per_req_qd1      the same at queue depth 1 (one request at a time)
 *   notify_per_req_nosupp   queue depth 32, every push and response notifying
 *   pv_cycles_per_req       simulated cycles per sequential 4 KiB write at depth 32
 *   suppression_saving      cycles per request without suppression over with
 *   elevator_speedup        scattered blocks: cycles in ring order over the
 *                           elevator's (C-SCAN between barriers)
 *   ring_ops_per_s          wall clock: requests the TypeScript blkfront and
 *                           blkback move through a ring per second (the
 *                           simulator's own speed, median of 5 rounds)
 *
 * Not yet here (they need the guest kernel's blkfront and a netfront):
 * blk_emulated_over_pv and net_pv_over_emulated.
 */
import { runBlkWorkload } from "vmlab";
import { median, seconds, type BenchSuite } from "vmlab/dist/benchmark";

const REQUESTS = 4096;

export const suite: BenchSuite = {
  name: "io",
  description: "Xen-style block rings: notifications per request with and without suppression, the elevator, ring throughput",
  async run(report) {
    const qd32 = runBlkWorkload({ requests: REQUESTS, queueDepth: 32 });
    const qd1 = runBlkWorkload({ requests: REQUESTS, queueDepth: 1 });
    const nosupp = runBlkWorkload({ requests: REQUESTS, queueDepth: 32, suppression: false });
    const ringOrder = runBlkWorkload({ requests: REQUESTS, queueDepth: 32, pattern: "scattered", reorder: false });
    const elevator = runBlkWorkload({ requests: REQUESTS, queueDepth: 32, pattern: "scattered" });
    report(`  queue depth 32: ${qd32.notificationsPerRequest.toFixed(4)} notifications/request, ${qd32.cyclesPerRequest.toFixed(0)} cycles/request`);
    report(`  queue depth 1:  ${qd1.notificationsPerRequest.toFixed(4)} notifications/request, ${qd1.cyclesPerRequest.toFixed(0)} cycles/request`);
    report(`  no suppression: ${nosupp.notificationsPerRequest.toFixed(4)} notifications/request, ${nosupp.cyclesPerRequest.toFixed(0)} cycles/request`);
    report(`  scattered blocks: ring order ${ringOrder.cyclesPerRequest.toFixed(0)}, elevator ${elevator.cyclesPerRequest.toFixed(0)} cycles/request`);
    const rates: number[] = [];
    for (let round = 0; round < 5; round++) {
      const s = await seconds(() => runBlkWorkload({ requests: REQUESTS, queueDepth: 32 }));
      rates.push(REQUESTS / s);
    }
    const opsPerS = median(rates);
    report(`  ring throughput: ${opsPerS.toFixed(0)} requests/s (wall clock)`);
    return {
      notify_per_req: qd32.notificationsPerRequest,
      notify_per_req_qd1: qd1.notificationsPerRequest,
      notify_per_req_nosupp: nosupp.notificationsPerRequest,
      pv_cycles_per_req: qd32.cyclesPerRequest,
      suppression_saving: nosupp.cyclesPerRequest / qd32.cyclesPerRequest,
      elevator_speedup: ringOrder.cycles / elevator.cycles,
      ring_ops_per_s: opsPerS,
    };
  },
};

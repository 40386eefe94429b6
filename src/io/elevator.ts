/**
 * The order in which a block backend serves a batch of requests. blkif.h
 * allows reordering except across barriers: "All writes issued prior to a
 * request with the BLKIF_OP_WRITE_BARRIER operation code ("barrier
 * request") must be completed prior to the execution of the barrier
 * request. All writes issued after the barrier request must not execute
 * until after the completion of the barrier request." A FLUSH_DISKCACHE is
 * treated the same way (it commits what came before it).
 *
 * Between two ordering points the requests go in one sweep of ascending
 * sectors from the head's position, then wrap to the lowest (C-SCAN, the
 * elevator of Linux's deadline scheduler without deadlines), so a batch
 * from a queue depth > 1 seeks once per sweep rather than once per request.
 */
export interface ElevatorRequest {
  /** First sector. */
  readonly sector: number;
  /** True for a barrier or flush: nothing moves across it. */
  readonly ordering: boolean;
}

/** The indices of `requests` in service order, the head at sector `head`. */
export function elevatorOrder(requests: readonly ElevatorRequest[], head: number): number[] {
  const order: number[] = [];
  let run: number[] = [];
  let position = head;
  const flush = (): void => {
    const ahead = run.filter((i) => requests[i].sector >= position).sort((a, b) => requests[a].sector - requests[b].sector || a - b);
    const behind = run.filter((i) => requests[i].sector < position).sort((a, b) => requests[a].sector - requests[b].sector || a - b);
    order.push(...ahead, ...behind);
    if (run.length > 0) position = requests[order[order.length - 1]].sector;
    run = [];
  };
  requests.forEach((request, i) => {
    if (request.ordering) {
      flush();
      order.push(i);
      position = request.sector;
    } else {
      run.push(i);
    }
  });
  flush();
  return order;
}

/**
 * Consolidation: placing VMs on hosts by their load, and emptying a host
 * for maintenance by live-migrating its VMs away (the Ars Technica guide:
 * live migration for load balancing and for taking a server down without
 * taking its services down; Silberschatz 16.6.6).
 *
 * Placement is bin packing, NP-hard; first-fit decreasing is the classic
 * heuristic (Johnson 1973: never more than 11/9 OPT + 1 hosts): sort the
 * VMs by load, largest first, and put each on the first host it fits on.
 *
 *   loads 0.7 0.5 0.4 0.3 0.1, hosts of capacity 1:
 *   host A: 0.7 0.3        host B: 0.5 0.4 0.1
 */
import { UserError } from "../errors";

export interface VmLoad {
  readonly name: string;
  /** What it needs of a host (CPU share, memory: one unit for all hosts). */
  readonly load: number;
}

export interface HostCapacity {
  readonly name: string;
  readonly capacity: number;
}

/** Host name -> the VMs on it, in the order placed. */
export type Placement = ReadonlyMap<string, readonly VmLoad[]>;

export interface Move {
  readonly vm: string;
  readonly from: string;
  readonly to: string;
}

const EPSILON = 1e-9;

function checkLoads(vms: readonly VmLoad[], hosts: readonly HostCapacity[]): void {
  for (const v of vms) if (!(Number.isFinite(v.load) && v.load >= 0)) throw new UserError(`VM ${v.name}: load ${v.load} is not a number >= 0`);
  for (const h of hosts) if (!(Number.isFinite(h.capacity) && h.capacity >= 0)) throw new UserError(`host ${h.name}: capacity ${h.capacity} is not a number >= 0`);
}

/** Load placed on each host. */
export function hostLoads(placement: Placement): Map<string, number> {
  return new Map([...placement].map(([host, vms]) => [host, vms.reduce((n, v) => n + v.load, 0)]));
}

/**
 * First-fit decreasing onto `hosts` (in their order), starting from what
 * is on them already (`existing`). A VM that fits nowhere is refused,
 * naming it: a partial placement would hide the shortfall.
 */
export function firstFitDecreasing(vms: readonly VmLoad[], hosts: readonly HostCapacity[], existing: Placement = new Map()): Map<string, VmLoad[]> {
  checkLoads(vms, hosts);
  const placement = new Map(hosts.map((h) => [h.name, [...(existing.get(h.name) ?? [])]]));
  const used = new Map(hosts.map((h) => [h.name, (existing.get(h.name) ?? []).reduce((n, v) => n + v.load, 0)]));
  const sorted = [...vms].sort((a, b) => b.load - a.load || a.name.localeCompare(b.name));
  for (const vm of sorted) {
    const host = hosts.find((h) => (used.get(h.name) ?? 0) + vm.load <= h.capacity + EPSILON);
    if (host === undefined) throw new UserError(`VM ${vm.name} (load ${vm.load}) fits on no host`, "add a host, or lower the loads");
    placement.get(host.name)?.push(vm);
    used.set(host.name, (used.get(host.name) ?? 0) + vm.load);
  }
  return placement;
}

/**
 * The migrations that empty `host` for maintenance: its VMs, largest
 * first, each to the first other host with room left (first-fit
 * decreasing over what the others already run).
 */
export function evacuationPlan(placement: Placement, hosts: readonly HostCapacity[], host: string): Move[] {
  const leaving = placement.get(host);
  if (leaving === undefined) throw new UserError(`no host ${host} in the placement`, `hosts: ${[...placement.keys()].join(", ")}`);
  const others = hosts.filter((h) => h.name !== host);
  const after = firstFitDecreasing(leaving, others, placement);
  const moves: Move[] = [];
  for (const [to, vms] of after) {
    const before = new Set(placement.get(to) ?? []);
    for (const vm of vms) if (!before.has(vm)) moves.push({ vm: vm.name, from: host, to });
  }
  return moves;
}

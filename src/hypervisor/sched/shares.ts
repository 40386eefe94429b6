/**
 * What each VM should get, worked out rather than run: weighted max-min
 * fairness ("water-filling"). Every VM is CPU-bound; a VM's claim is its
 * weight times its VCPUs (Xen's credit makes weight per VCPU: "prv->weight
 * += sdom->weight" for each active VCPU), and it can use no more than its
 * VCPUs (one PCPU each) and its cap. The PCPUs are shared out in
 * proportion to the claims; a VM held back by its ceiling gets exactly
 * that, and what it leaves is shared among the others the same way.
 */
export interface ShareClaim {
  readonly vm: string;
  readonly weight: number;
  readonly vcpus: number;
  /** Percent of one PCPU; 0 for none. */
  readonly cap: number;
}

/** The PCPUs (fractions of one) each VM gets, in the order given. */
export function fairShares(claims: readonly ShareClaim[], pcpus: number): number[] {
  const ceiling = claims.map((c) => Math.min(c.vcpus, c.cap > 0 ? c.cap / 100 : Infinity));
  const share = claims.map(() => 0);
  let open = claims.map((_, i) => i);
  let left = pcpus;
  while (open.length > 0 && left > 1e-12) {
    const claim = open.reduce((a, i) => a + claims[i].weight * claims[i].vcpus, 0);
    // The fill level per unit of claim at which the first open VM reaches its ceiling.
    const level = Math.min(left / claim, ...open.map((i) => (ceiling[i] - share[i]) / (claims[i].weight * claims[i].vcpus)));
    for (const i of open) share[i] += level * claims[i].weight * claims[i].vcpus;
    left -= level * claim;
    open = open.filter((i) => ceiling[i] - share[i] > 1e-12);
  }
  return share;
}

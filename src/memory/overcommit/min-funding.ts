/**
 * Which VM gives memory back: min-funding revocation with an idle memory
 * tax (Waldspurger 2002, sections 5.1-5.3).
 *
 * "Memory is reclaimed from the client with the fewest shares per
 * allocated page": the ratio of shares S to pages P. The idle memory tax
 * charges an idle page more than an active one, k = 1 / (1 - tau) times
 * as much, for a tax rate tau in [0, 1):
 *
 *                 S
 *   rho = -----------------          f = the fraction of its pages the VM
 *         P (f + k (1 - f))              actively uses (sampled, 5.3)
 *                                    k = 1 / (1 - tau)
 *
 * The VM with the lowest rho that holds more than its reservation loses
 * a page; a VM over its limit loses pages first. tau = 0 is pure proportional share; tau
 * near 1 lets the hypervisor take nearly all idle memory. ESX's default
 * is 75%.
 */

/** vSphere's memory shares per MB of configured memory. */
export const SHARES_PER_MB = { low: 5, normal: 10, high: 20 } as const;
export type ShareLevel = keyof typeof SHARES_PER_MB;

export const DEFAULT_TAX_RATE = 0.75;

/** What the policy knows of one VM. */
export interface FundedVm {
  readonly shares: number;
  /** Machine pages the VM holds now. */
  readonly allocated: number;
  /** Fraction of its pages estimated idle (0 all active .. 1 all idle). */
  readonly idleFraction: number;
  /** Pages the VM is guaranteed (never reclaimed below this). */
  readonly reservation: number;
  /** Pages the VM may hold at most. */
  readonly limit: number;
}

/** The cost factor of an idle page, k = 1 / (1 - tau). */
export function idleCost(tau: number): number {
  if (!(tau >= 0 && tau < 1)) throw new RangeError(`the idle memory tax rate tau must be in [0, 1), not ${tau}`);
  return 1 / (1 - tau);
}

/**
 * Waldspurger's adjusted shares-per-page ratio, section 5.3:
 * rho = S / (P (f + k (1 - f))) where "f is the fraction of pages that are
 * actively used" and k = 1/(1 - tau): idle pages (1 - f of them) cost k.
 * Here `idleFraction` is 1 - f.
 */
export function adjustedRatio(vm: Pick<FundedVm, "shares" | "allocated" | "idleFraction">, tau = DEFAULT_TAX_RATE): number {
  const active = 1 - vm.idleFraction;
  const k = idleCost(tau);
  if (vm.allocated <= 0) return Infinity;
  return vm.shares / (vm.allocated * (active + k * (1 - active)));
}

/** Index of the VM that loses the next page, or -1 if every VM is at its reservation. */
export function revocationVictim(vms: readonly FundedVm[], tau = DEFAULT_TAX_RATE): number {
  let victim = -1;
  let lowest = Infinity;
  for (let i = 0; i < vms.length; i++) {
    const vm = vms[i];
    if (vm.allocated > vm.limit) return i;
    if (vm.allocated <= vm.reservation) continue;
    const rho = adjustedRatio(vm, tau);
    if (rho < lowest) {
      lowest = rho;
      victim = i;
    }
  }
  return victim;
}

/**
 * Each VM's target allocation when `machinePages` are divided by repeated
 * min-funding revocation: start from what every VM wants (its demand,
 * capped by its limit) and take one page at a time from the victim until
 * the total fits. Deterministic; ties go to the lower index.
 */
export function fundedTargets(vms: readonly (Omit<FundedVm, "allocated"> & { readonly demand: number })[], machinePages: number, tau = DEFAULT_TAX_RATE): number[] {
  const alloc = vms.map((vm) => Math.min(vm.demand, vm.limit));
  let total = alloc.reduce((a, b) => a + b, 0);
  while (total > machinePages) {
    const victim = revocationVictim(vms.map((vm, i) => ({ ...vm, allocated: alloc[i] })), tau);
    if (victim < 0) break;
    alloc[victim]--;
    total--;
  }
  return alloc;
}

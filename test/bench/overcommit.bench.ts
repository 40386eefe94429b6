/**
 * Memory overcommitment (issue 12: `vmlab bench overcommit --json`), the
 * three ESX mechanisms of Waldspurger 2002 on src/memory/overcommit:
 *
 *   share_savings_identical  fraction of guest memory content-based sharing
 *                            saves for 8 VMs running the same OS and programs
 *   share_savings_diverse    the same for 8 VMs each running its own (zero
 *                            pages are what is left to share); the paper's
 *                            "nearly identical" vs "diverse" workloads
 *   balloon_vs_swap_cycles   simulated cycles of one workload on an
 *                            overcommitted host under blind hypervisor
 *                            swapping over the same under ballooning (goal
 *                            > 1: the guest knows which pages to give up)
 *   double_paging            pages read back from the hypervisor's swap only
 *                            for the guest to write them out (the anomaly),
 *                            in the 8-page trace of doublePagingScenario
 *   idle_tax_busy_over_idle  frames a busy VM holds over an idle one with the
 *                            same shares at tau = 0.75 (1 at tau = 0)
 *   scan_pages_per_s         wall-clock pages the sharing scanner hashes per
 *                            second (hashing whole pages must not dominate)
 */
import { OvercommitHost, doublePagingScenario, idleTaxScenario, patternPage, reclaimScenario, sharingScenario } from "vmlab";
import { bestOf, type BenchSuite } from "vmlab/dist/benchmark";

function scannerHost(pages: number): OvercommitHost {
  const host = new OvercommitHost({ machinePages: pages });
  const vm = host.addVm({ name: "scan", pages });
  for (let p = 0; p < pages; p++) host.fillFromGuestIo(vm, p, patternPage(p));
  return host;
}

export const suite: BenchSuite = {
  name: "overcommit",
  description: "memory overcommit: sharing savings, ballooning vs hypervisor swapping, idle tax, scanner speed",
  async run(report) {
    const identical = sharingScenario({ vms: 8, pagesPerVm: 256, identical: true });
    const diverse = sharingScenario({ vms: 8, pagesPerVm: 256, identical: false });
    report(`sharing, 8 VMs: identical saves ${(identical.savedFraction * 100).toFixed(1)}%, diverse ${(diverse.savedFraction * 100).toFixed(1)}%`);
    const balloon = reclaimScenario({ mode: "balloon" });
    const swap = reclaimScenario({ mode: "swap" });
    if (balloon.mismatches + swap.mismatches !== 0) throw new Error("overcommit: a guest read back data it did not write");
    report(`cycles: balloon ${balloon.cycles}, swap ${swap.cycles}`);
    const tax = idleTaxScenario(0.75);
    const pages = 2048;
    const host = scannerHost(pages);
    const s = await bestOf(3, () => {
      host.scanForSharing(pages);
    });
    return {
      share_savings_identical: identical.savedFraction,
      share_savings_diverse: diverse.savedFraction,
      balloon_vs_swap_cycles: swap.cycles / balloon.cycles,
      double_paging: doublePagingScenario().doublePaging,
      idle_tax_busy_over_idle: tax.busyPages / tax.idlePages,
      scan_pages_per_s: pages / s,
    };
  },
};

/**
 * What Xen's credit scheduler promises: a few CPU-bound VMs with weights,
 * caps and one or two VCPUs on one or two PCPUs; what fraction of a PCPU
 * do the weights and caps entitle each to? The answers are weighted
 * max-min fairness (src/hypervisor/sched/shares.ts). The chapter then runs
 * the credit scheduler over the same VMs: it keeps caps closely, weights
 * only roughly (credit is a priority scheme, UNDER or OVER, not a
 * proportional one: Cherkasova, Gupta and Vahdat 2007 measure its error),
 * and the gap is the second half of the exercise.
 */
import { fairShares, type ShareClaim } from "../../hypervisor/sched/shares";
import { Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface CreditData {
  readonly pcpus: number;
  readonly vms: readonly ShareClaim[];
}

export interface CreditAnswers {
  /** PCPUs each VM gets (fractions of one), in the order of data.vms. */
  readonly shares: readonly number[];
}

const WEIGHTS = [128, 256, 256, 512, 1024];
const CAPS = [0, 0, 0, 25, 50, 80];

export function creditProblem(seed: number): Problem<CreditData, CreditAnswers> {
  const rng = new Prng(checkSeed(seed));
  const pcpus = rng.int(1, 2);
  const count = rng.int(3, 4);
  const vms: ShareClaim[] = Array.from({ length: count }, (_, i) => ({
    vm: `vm${i + 1}`,
    weight: WEIGHTS[rng.int(0, WEIGHTS.length - 1)],
    vcpus: pcpus === 2 && rng.chance(0.3) ? 2 : 1,
    cap: CAPS[rng.int(0, CAPS.length - 1)],
  }));
  const data: CreditData = { pcpus, vms };
  const answers: CreditAnswers = { shares: fairShares(vms, pcpus) };
  return {
    kind: "credit",
    seed,
    title: "Xen's credit scheduler: what weights and caps entitle each VM to",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function render(d: CreditData, a: CreditAnswers, withAnswers: boolean): string {
  const lines = [
    `A host with ${d.pcpus} PCPU${d.pcpus > 1 ? "s" : ""} runs ${d.vms.length} VMs under Xen's credit scheduler. Every VCPU is`,
    "CPU-bound (it never blocks). A VCPU runs on one PCPU at a time; weight counts per VCPU;",
    "a cap is the most the whole VM may use, in percent of one PCPU (none: no cap).",
    "What fraction of a PCPU do the weights and caps entitle each VM to, shared out in",
    "proportion to weight x VCPUs, what a VM cannot use going to the others? (Two decimals.)",
    "",
    "  VM     weight  VCPUs  cap    share",
  ];
  d.vms.forEach((vm, i) => {
    const cap = vm.cap > 0 ? `${vm.cap}%` : "none";
    const share = withAnswers ? a.shares[i].toFixed(2) : "?";
    lines.push(`  ${vm.vm.padEnd(6)} ${String(vm.weight).padStart(6)}  ${String(vm.vcpus).padStart(5)}  ${cap.padEnd(5)}  ${share}`);
  });
  return lines.join("\n");
}

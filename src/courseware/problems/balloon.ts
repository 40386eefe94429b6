/**
 * Balloon targets by min-funding revocation with an idle memory tax
 * (Waldspurger 2002, section 5): a few VMs with shares, configured pages
 * and a sampled idle fraction on a host with fewer machine pages than
 * they have together. Each VM's adjusted ratio rho = S / (P (f + k(1-f))),
 * with f the active fraction and k = 1 / (1 - tau); which VM gives up the
 * first page; and how many pages each VM's balloon holds once the host's
 * memory is divided (src/memory/overcommit/min-funding.ts).
 */
import { SHARES_PER_MB, adjustedRatio, fundedTargets, revocationVictim, type ShareLevel } from "../../memory/overcommit/min-funding";
import { Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface BalloonVm {
  readonly vm: string;
  readonly level: ShareLevel;
  readonly shares: number;
  readonly pages: number;
  readonly idleFraction: number;
}

export interface BalloonData {
  readonly machinePages: number;
  readonly tau: number;
  readonly vms: readonly BalloonVm[];
}

export interface BalloonAnswers {
  /** rho of each VM holding all its pages. */
  readonly rho: readonly number[];
  /** The VM that gives up the first page (its index). */
  readonly firstVictim: number;
  /** Pages each VM's balloon holds once the machine's pages are divided. */
  readonly balloons: readonly number[];
}

const LEVELS: readonly ShareLevel[] = ["low", "normal", "normal", "high"];
const PAGES_PER_MB = 256;

export function balloonProblem(seed: number): Problem<BalloonData, BalloonAnswers> {
  const rng = new Prng(checkSeed(seed));
  const count = rng.int(2, 3);
  const tau = rng.pick([0, 0.5, 0.75]);
  const vms: BalloonVm[] = Array.from({ length: count }, (_, i) => {
    const level = rng.pick(LEVELS);
    const pages = PAGES_PER_MB * rng.int(1, 2);
    return { vm: `vm${i + 1}`, level, shares: SHARES_PER_MB[level] * (pages / PAGES_PER_MB), pages, idleFraction: rng.int(0, 9) / 10 };
  });
  const total = vms.reduce((n, v) => n + v.pages, 0);
  const machinePages = Math.round((total * rng.int(50, 80)) / 100);
  const funded = vms.map((v) => ({ shares: v.shares, allocated: v.pages, demand: v.pages, idleFraction: v.idleFraction, reservation: 0, limit: v.pages }));
  const targets = fundedTargets(funded, machinePages, tau);
  const answers: BalloonAnswers = {
    rho: funded.map((v) => adjustedRatio(v, tau)),
    firstVictim: revocationVictim(funded, tau),
    balloons: targets.map((t, i) => vms[i].pages - t),
  };
  const data: BalloonData = { machinePages, tau, vms };
  return {
    kind: "balloon",
    seed,
    title: "balloon targets by min-funding revocation with the idle memory tax",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function render(d: BalloonData, a: BalloonAnswers, withAnswers: boolean): string {
  const lines = [
    `A host with ${d.machinePages} machine pages (4 KiB) runs ${d.vms.length} VMs that have been given more. Shares are`,
    "vSphere's (low 5, normal 10, high 20 per MB configured); no reservations or limits.",
    `The idle memory tax rate is tau = ${d.tau}. rho = S / (P (f + k (1 - f))), f the active fraction`,
    "(the table gives 1 - f, the idle fraction the hypervisor sampled).",
    "1. rho of each VM holding all its pages (4 significant digits).",
    "2. Which VM gives up the first page?",
    "3. Taking one page at a time from the VM with the lowest rho (ties: the first), how many",
    "   pages does each VM's balloon hold when the VMs fit?",
    "",
    "  VM    shares        pages  1-f    rho        balloon",
  ];
  d.vms.forEach((v, i) => {
    const rho = withAnswers ? a.rho[i].toPrecision(4) : "?";
    const balloon = withAnswers ? String(a.balloons[i]) : "?";
    lines.push(`  ${v.vm.padEnd(5)} ${`${v.shares} (${v.level})`.padEnd(13)} ${String(v.pages).padStart(5)}  ${v.idleFraction.toFixed(1)}   ${rho.padEnd(9)}  ${balloon}`);
  });
  lines.push("", `first page from: ${withAnswers ? d.vms[a.firstVictim].vm : "?"}`);
  return lines.join("\n");
}

/**
 * Content-based page sharing (Waldspurger 2002, section 4): a few VMs'
 * guest-physical pages, each shown by its contents (a letter, "0" a page of
 * zeros). After the scanner has visited every page once, how many
 * machine frames back them, and how many frames did sharing save? Then a
 * guest writes to one shared page: how many frames now (copy-on-write)?
 */
import { Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface SharingData {
  /** Each VM's pages, by contents. */
  readonly vms: readonly (readonly string[])[];
  /** The write after the scan: VM index and page number. */
  readonly write: { readonly vm: number; readonly page: number };
}

export interface SharingAnswers {
  readonly framesBefore: number;
  readonly framesAfterScan: number;
  readonly framesSaved: number;
  readonly framesAfterWrite: number;
}

const CONTENTS = ["0", "0", "K", "L", "M", "a", "b", "c", "d", "e", "f"];

/** Frames for `pages` after perfect sharing: one per distinct contents. */
export function framesAfterSharing(vms: readonly (readonly string[])[]): number {
  return new Set(vms.flat()).size;
}

export function sharingProblem(seed: number): Problem<SharingData, SharingAnswers> {
  const rng = new Prng(checkSeed(seed));
  const count = rng.int(2, 4);
  const pages = rng.int(4, 6);
  const vms = Array.from({ length: count }, () => Array.from({ length: pages }, () => CONTENTS[rng.int(0, CONTENTS.length - 1)]));
  const vm = rng.int(0, count - 1);
  const page = rng.int(0, pages - 1);
  const framesAfterScan = framesAfterSharing(vms);
  const contents = vms[vm][page];
  const sharers = vms.flat().filter((c) => c === contents).length;
  const answers: SharingAnswers = {
    framesBefore: count * pages,
    framesAfterScan,
    framesSaved: count * pages - framesAfterScan,
    framesAfterWrite: framesAfterScan + (sharers > 1 ? 1 : 0),
  };
  const data: SharingData = { vms, write: { vm, page } };
  return {
    kind: "sharing",
    seed,
    title: "content-based page sharing: frames before and after a scan, and after a copy-on-write",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function render(d: SharingData, a: SharingAnswers, withAnswers: boolean): string {
  const show = (n: number): string => (withAnswers ? String(n) : "?");
  const lines = [
    `${d.vms.length} VMs, ${d.vms[0].length} pages each, every page backed by its own machine frame. A page`,
    "is shown by its contents: equal letters are identical pages, 0 is a page of zeros.",
    "",
  ];
  d.vms.forEach((pages, i) => lines.push(`  vm${i}: ${pages.map((c, p) => `${p}:${c}`).join("  ")}`));
  lines.push(
    "",
    `frames before the scan:                           ${show(a.framesBefore)}`,
    `frames after the scanner has visited every page:  ${show(a.framesAfterScan)}`,
    `frames saved:                                     ${show(a.framesSaved)}`,
    `frames after vm${d.write.vm} writes to its page ${d.write.page}:            ${show(a.framesAfterWrite)}`,
  );
  return lines.join("\n");
}

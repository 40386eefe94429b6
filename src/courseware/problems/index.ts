/**
 * The seeded exercise generators, by kind (`vmlab problem KIND --seed N`).
 * A chapter imports them from "vmlab" to give every student their own
 * numbers: `pagingProblem(studentSeed).question`.
 */
import { UserError } from "../../errors";
import { nestedProblem } from "./nested";
import { pagingProblem } from "./paging";
import type { Problem } from "./problem";
import { tlbProblem, type TlbPolicy } from "./tlb";
import { trapProblem } from "./trap";
import { migrationProblem } from "./migration";
import { creditProblem } from "./credit";
import { ringProblem } from "./ring";
import { sharingProblem } from "./sharing";
import { balloonProblem } from "./balloon";
import { namespacesProblem } from "./namespaces";
import { riscvProblem } from "./riscv";

export interface ProblemOptions {
  count?: number;
  entries?: number;
  policy?: TlbPolicy;
}

interface Generator {
  description: string;
  make(seed: number, options: ProblemOptions): Problem;
}

/** Every kind of problem, in the order `vmlab problem --list` prints them. */
export const PROBLEM_KINDS: Readonly<Record<string, Generator>> = {
  paging: {
    description: "two-level address translation on toy32 (10/10/12): physical address or fault",
    make: (seed, o) => pagingProblem(seed, { count: o.count }),
  },
  trap: {
    description: "a system call under a trap-and-emulate VMM: order the events, count the VMM entries",
    make: (seed) => trapProblem(seed),
  },
  tlb: {
    description: "TLB hits and misses for a reference string (LRU, FIFO or OPT)",
    make: (seed, o) => tlbProblem(seed, { count: o.count, entries: o.entries, policy: o.policy }),
  },
  nested: {
    description: "nested paging: every memory reference of a two-dimensional walk (guest table over nested table)",
    make: (seed, o) => nestedProblem(seed, { count: o.count }),
  },
  migration: {
    description: "pre-copy live migration: rounds, stop rule, downtime and total time from memory, bandwidth and dirty rate",
    make: (seed) => migrationProblem(seed),
  },
  credit: {
    description: "Xen's credit scheduler: each CPU-bound VM's share from weights, caps and VCPUs",
    make: (seed) => creditProblem(seed),
  },
  ring: {
    description: "Xen's I/O ring: the four indices after pushes, serves and final checks, and which pushes notify",
    make: (seed) => ringProblem(seed),
  },
  sharing: {
    description: "content-based page sharing: machine frames before and after a scan, and after a copy-on-write",
    make: (seed) => sharingProblem(seed),
  },
  balloon: {
    description: "memory overcommit: each VM's balloon by min-funding revocation with the idle memory tax",
    make: (seed) => balloonProblem(seed),
  },
  namespaces: {
    description: "a tree of clone calls with CLONE_NEWPID and CLONE_NEWUTS: the pid and hostname each process sees",
    make: (seed) => namespacesProblem(seed),
  },
  riscv: {
    description: "RV32I words by hand: their fields, the instructions, the basic block they make and its exits",
    make: (seed, o) => riscvProblem(seed, { count: o.count }),
  },
};

/** The problem of `kind` for `seed`: the same on every machine. */
export function generateProblem(kind: string, seed: number, options: ProblemOptions = {}): Problem {
  const generator = PROBLEM_KINDS[kind];
  if (!generator) throw new UserError(`no problem kind "${kind}"`, `kinds: ${Object.keys(PROBLEM_KINDS).join(", ")}`);
  return generator.make(seed, options);
}

export type { Problem } from "./problem";
export { nestedProblem, walkNested, type NestedData, type NestedWalk, type WalkStep } from "./nested";
export { pagingProblem, walkTwoLevel, type PagingData, type Translation } from "./paging";
export { trapProblem, type TrapData, type TrapAnswers, type TrapEvent } from "./trap";
export { tlbProblem, simulateTlb, TLB_POLICIES, type TlbPolicy, type TlbData, type TlbAnswers, type TlbStep } from "./tlb";
export { migrationProblem, type MigrationData } from "./migration";
export { creditProblem, type CreditData, type CreditAnswers } from "./credit";
export { ringProblem, simulateRing, RING_PROBLEM_SLOTS, type RingData, type RingAnswers, type RingState, type RingStep } from "./ring";
export { sharingProblem, framesAfterSharing, type SharingData, type SharingAnswers } from "./sharing";
export { balloonProblem, type BalloonData, type BalloonAnswers, type BalloonVm } from "./balloon";
export { Prng } from "../../prng";
export { namespaceAnswers, namespacesProblem, type NamespaceAnswer, type NamespaceData, type NamespaceNode } from "./namespaces";
export { riscvProblem, decodeByHand, type RiscvData, type RiscvAnswers, type Rv32Decoded, type Rv32Fields } from "./riscv";

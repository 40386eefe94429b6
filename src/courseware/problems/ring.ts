/**
 * Xen's I/O ring by hand (xen/include/public/io/ring.h): a ring of 8
 * slots whose free-running indices start just below 2^32, and a sequence
 * of pushes, consumes and final checks by the front and back ends. The
 * student gives the four shared indices after each step and which pushes
 * notify the other end (RING_PUSH_..._AND_CHECK_NOTIFY: notify iff the
 * event index lies in (old producer, new producer]). The answers come
 * from running the same steps on src/io's rings, the ones the test holds
 * against Xen's own macros.
 */
import { PhysicalMemory } from "../../machine/memory";
import { BackRing, FrontRing, RING_HEADER_BYTES, SharedRing } from "../../io/ring";
import { Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export const RING_PROBLEM_SLOTS = 8;
const ENTRY_BYTES = 16;

export type RingStep =
  | { readonly kind: "front-push"; readonly count: number }
  | { readonly kind: "back-serve"; readonly count: number }
  | { readonly kind: "front-final-check" }
  | { readonly kind: "back-final-check" };

export interface RingState {
  readonly reqProd: number;
  readonly reqEvent: number;
  readonly rspProd: number;
  readonly rspEvent: number;
  /** For a push, whether it notifies; undefined for a final check. */
  readonly notify: boolean | undefined;
}

export interface RingData {
  readonly start: number;
  readonly steps: readonly RingStep[];
}

export interface RingAnswers {
  readonly states: readonly RingState[];
}

/** Runs `steps` on a ring of RING_PROBLEM_SLOTS slots that starts at index `start`. */
export function simulateRing(start: number, steps: readonly RingStep[]): RingState[] {
  const memory = new PhysicalMemory(4096);
  const shared = new SharedRing(memory, 0, ENTRY_BYTES, RING_HEADER_BYTES + RING_PROBLEM_SLOTS * ENTRY_BYTES);
  const front = FrontRing.create(shared, start);
  const back = new BackRing(shared, start);
  return steps.map((step) => {
    let notify: boolean | undefined;
    switch (step.kind) {
      case "front-push":
        for (let i = 0; i < step.count; i++) {
          front.nextRequestSlot();
          front.produced();
        }
        notify = front.pushRequestsAndCheckNotify();
        break;
      case "back-serve":
        for (let i = 0; i < step.count; i++) {
          back.consumed();
          back.produced();
        }
        notify = back.pushResponsesAndCheckNotify();
        break;
      case "front-final-check":
        while (front.unconsumedResponses > 0) front.consumed();
        front.finalCheckForResponses();
        break;
      case "back-final-check":
        back.finalCheckForRequests();
        break;
      default: {
        const never: never = step;
        throw new Error(`unknown ring step ${JSON.stringify(never)}`);
      }
    }
    return { reqProd: shared.reqProd, reqEvent: shared.reqEvent, rspProd: shared.rspProd, rspEvent: shared.rspEvent, notify };
  });
}

export function ringProblem(seed: number): Problem<RingData, RingAnswers> {
  const rng = new Prng(checkSeed(seed));
  const start = (2 ** 32 - rng.int(1, 6)) >>> 0;
  const steps: RingStep[] = [];
  let outstanding = 0; // requests pushed, not yet served
  let unanswered = 0; // responses pushed, not yet consumed
  for (let i = 0; i < 8; i++) {
    const inFlight = outstanding + unanswered;
    const choices: RingStep["kind"][] = [];
    if (inFlight < RING_PROBLEM_SLOTS) choices.push("front-push", "front-push");
    if (outstanding > 0) choices.push("back-serve", "back-serve");
    if (outstanding === 0) choices.push("back-final-check");
    if (unanswered > 0 || outstanding === 0) choices.push("front-final-check");
    const kind = rng.pick(choices);
    if (kind === "front-push") {
      const count = rng.int(1, Math.min(4, RING_PROBLEM_SLOTS - inFlight));
      outstanding += count;
      steps.push({ kind, count });
    } else if (kind === "back-serve") {
      const count = rng.int(1, outstanding);
      outstanding -= count;
      unanswered += count;
      steps.push({ kind, count });
    } else {
      if (kind === "front-final-check") unanswered = 0;
      steps.push({ kind });
    }
  }
  const data: RingData = { start, steps };
  const answers: RingAnswers = { states: simulateRing(start, steps) };
  return {
    kind: "ring",
    seed,
    title: "Xen's I/O ring: the four indices and which pushes notify",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function describe(step: RingStep): string {
  switch (step.kind) {
    case "front-push": return `front pushes ${step.count}`;
    case "back-serve": return `back serves ${step.count}`;
    case "front-final-check": return "front final check";
    case "back-final-check": return "back final check";
  }
}

function render(d: RingData, a: RingAnswers, withAnswers: boolean): string {
  const cell = (v: number | boolean | undefined, width: number): string => {
    const text = v === undefined ? "-" : !withAnswers ? "?" : typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
    return text.padStart(width);
  };
  const lines = [
    `A blkif-style ring of ${RING_PROBLEM_SLOTS} slots (ring.h). Its indices are free-running 32-bit counters`,
    `that wrap at 2^32; both ends attached at index ${d.start}: req_prod = rsp_prod = ${d.start},`,
    `req_event = rsp_event = ${(d.start + 1) >>> 0} (SHARED_RING_INIT). Each back-end serve consumes requests`,
    "and answers each at once. After every step, give the four shared indices, and for a push",
    "whether it notifies the other end (its event index in (old producer, new producer]).",
    "A push is RING_PUSH_{REQUESTS,RESPONSES}_AND_CHECK_NOTIFY; the front's final check first",
    "takes every response; a final check is RING_FINAL_CHECK_FOR_{RESPONSES,REQUESTS}.",
    "",
    "  step  operation             req_prod   req_event    rsp_prod   rsp_event  notify",
  ];
  d.steps.forEach((step, i) => {
    const s = a.states[i];
    const notify = step.kind === "front-push" || step.kind === "back-serve" ? s.notify : undefined;
    lines.push(`  ${String(i + 1).padStart(4)}  ${describe(step).padEnd(20)}${cell(s.reqProd, 10)}  ${cell(s.reqEvent, 10)}  ${cell(s.rspProd, 10)}  ${cell(s.rspEvent, 10)}  ${cell(notify, 6)}`);
  });
  return lines.join("\n");
}

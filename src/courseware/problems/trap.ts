/**
 * The order of events when a guest's user program makes a system call
 * under a trap-and-emulate VMM (Popek and Goldberg 1974; the deprivileged
 * guest kernel of chapter 02). The guest kernel runs in real user mode, so
 * every privileged instruction of its handler traps into the VMM, which
 * emulates it on the VCPU's virtual CSRs:
 *
 *   user: sys ──trap──▶ VMM: reflect ──▶ guest kernel vector (virtual TVEC)
 *                                         │ csrr/csrw ──trap──▶ VMM emulates
 *                                         │ rett      ──trap──▶ VMM emulates
 *   user: continues at EPC + 4 ◀──────────────────────────────── return
 *
 * Each seed varies the addresses, the syscall and which CSRs the guest's
 * handler touches; the student orders shuffled events and counts the
 * entries into the VMM.
 */
import { CAUSE } from "../../machine/isa";
import { hex, Prng } from "../../prng";
import { checkSeed, type Problem } from "./problem";

export interface TrapEvent {
  /** Who acts: the user program, the CPU, the VMM or the guest kernel. */
  actor: "user" | "cpu" | "vmm" | "guest";
  text: string;
  /** True when this event is an entry into the VMM. */
  entersVmm: boolean;
}

export interface TrapData {
  userPc: number;
  syscall: number;
  guestTvec: number;
  vmmTvec: number;
  /** The events as the student sees them, labelled A, B, ... in this order. */
  shuffled: string[];
}

export interface TrapAnswers {
  /** The labels of `shuffled` in the order the events happen. */
  order: string[];
  events: TrapEvent[];
  vmmEntries: number;
  /** Traps on bare hardware for the same call: only the `sys`. */
  bareMetalTraps: number;
  handlerPc: number;
  resumePc: number;
}

const SYSCALLS = ["exit", "putc", "getpid", "yield", "write", "sleep"];

/** The true sequence for one seed's parameters. */
function events(d: Omit<TrapData, "shuffled">, readCause: boolean, saveSp: boolean): TrapEvent[] {
  const emulate = (insn: string, effect: string): TrapEvent => ({
    actor: "guest",
    text: `The guest kernel executes \`${insn}\`; privileged in real user mode, it traps (PRIVILEGED_INSTRUCTION ${CAUSE.PRIVILEGED_INSTRUCTION}) and the VMM ${effect}`,
    entersVmm: true,
  });
  const name = SYSCALLS[d.syscall - 1] ?? `call ${d.syscall}`;
  return [
    { actor: "user", text: `The user program executes \`sys\` at ${hex(d.userPc)} with a0 = ${d.syscall} (${name})`, entersVmm: false },
    { actor: "cpu", text: `The CPU traps (CAUSE = SYSCALL ${CAUSE.SYSCALL}) to the VMM's vector ${hex(d.vmmTvec)}: real EPC = ${hex(d.userPc)}, real KM = 1`, entersVmm: true },
    { actor: "vmm", text: `The VMM sees the VCPU was in virtual user mode and reflects the trap: virtual EPC = ${hex(d.userPc)}, virtual CAUSE = ${CAUSE.SYSCALL}, virtual PKM = 0, virtual KM = 1, virtual IE = 0`, entersVmm: false },
    { actor: "vmm", text: `The VMM resumes the guest at its kernel's vector ${hex(d.guestTvec)} (the virtual TVEC), the CPU still in real user mode`, entersVmm: false },
    ...(saveSp ? [emulate("csrw SCRATCH, sp", "stores sp in the virtual SCRATCH")] : []),
    ...(readCause ? [emulate("csrr t0, CAUSE", `returns the virtual CAUSE (${CAUSE.SYSCALL})`)] : []),
    { actor: "guest", text: `The guest kernel's handler carries out ${name} and puts the result in a0`, entersVmm: false },
    emulate("csrr t1, EPC", `returns the virtual EPC (${hex(d.userPc)})`),
    emulate("csrw EPC, t1", `sets the virtual EPC to ${hex(d.userPc + 4)} (the handler added 4 to skip \`sys\`)`),
    { actor: "guest", text: `The guest kernel executes \`rett\`; privileged in real user mode, it traps (PRIVILEGED_INSTRUCTION ${CAUSE.PRIVILEGED_INSTRUCTION}) into the VMM`, entersVmm: true },
    { actor: "vmm", text: `The VMM emulates rett: virtual KM = virtual PKM (0), virtual IE = virtual PIE, and resumes the guest at the virtual EPC ${hex(d.userPc + 4)}`, entersVmm: false },
    { actor: "user", text: `The user program continues at ${hex(d.userPc + 4)} with the result in a0`, entersVmm: false },
  ];
}

const LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A seeded "order the events" problem for a syscall under trap-and-emulate. */
export function trapProblem(seed: number): Problem<TrapData, TrapAnswers> {
  const rng = new Prng(checkSeed(seed));
  const base = {
    userPc: 0x00400000 + 4 * rng.int(0, 0x3ff),
    syscall: rng.int(1, SYSCALLS.length),
    guestTvec: 0x00001000 + 0x100 * rng.int(0, 15),
    vmmTvec: 0x00f00000 + 0x100 * rng.int(0, 15),
  };
  const truth = events(base, rng.chance(0.6), rng.chance(0.5));
  const shuffled = rng.shuffle(truth);
  const order = truth.map((e) => LABELS[shuffled.indexOf(e)]);
  const data: TrapData = { ...base, shuffled: shuffled.map((e) => e.text) };
  const answers: TrapAnswers = {
    order,
    events: truth,
    vmmEntries: truth.filter((e) => e.entersVmm).length,
    bareMetalTraps: 1,
    handlerPc: base.guestTvec,
    resumePc: base.userPc + 4,
  };
  return {
    kind: "trap",
    seed,
    title: "A system call under a trap-and-emulate VMM: the order of events",
    question: render(data, answers, false),
    solution: render(data, answers, true),
    data,
    answers,
  };
}

function render(d: TrapData, a: TrapAnswers, withAnswers: boolean): string {
  const ans = (s: string): string => (withAnswers ? s : "?");
  return [
    "A guest OS runs deprivileged (its kernel in real user mode) under a trap-and-emulate VMM.",
    "A user program of the guest makes a system call. These events happen, shuffled:",
    ...d.shuffled.map((text, i) => `  ${LABELS[i]}. ${text}`),
    "",
    `1. In which order do they happen? ${ans(a.order.join(" "))}`,
    `2. How many times does the CPU enter the VMM? ${ans(String(a.vmmEntries))} (on bare hardware the same call traps ${ans(String(a.bareMetalTraps))} time)`,
    `3. At which address does the guest kernel's handler start? ${ans(hex(a.handlerPc))}`,
    `4. At which address does the user program continue? ${ans(hex(a.resumePc))}`,
  ].join("\n");
}

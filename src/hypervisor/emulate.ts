/**
 * Emulating privileged and sensitive instructions on a VCPU: the "emulate"
 * half of trap-and-emulate. Popek and Goldberg 1974, theorem 1: "for any
 * conventional third generation computer, a VMM may be constructed if the
 * set of sensitive instructions for that computer is a subset of the set of
 * privileged instructions". Each privileged instruction the deprivileged
 * guest kernel executes traps; the hypervisor decodes it and does to the
 * VCPU what the real instruction would have done to the real CPU.
 *
 * One emulator per opcode, in a table built once and checked (STYLE.md 6):
 * every privileged or sensitive instruction of isa.ts must have one.
 * Emulators work on the Vcpu alone; side effects that reach outside it
 * (shadow tables, the VM ending, waiting) go through the Monitor.
 */
import { BY_MNEMONIC, CSR, INSTRUCTIONS, STATUS, rdOf, rs1Of, uimm16Of } from "../machine/isa";
import { CSR_COUNT, type Vcpu } from "./vcpu";

/** What the hypervisor provides to emulators beyond the VCPU. */
export interface Monitor {
  /** A CSR changed: PTBR or STATUS.PG drop the shadows, TIMER re-arms, KM switches view. */
  csrChanged(csr: number, before: number): void;
  tlbInvalidate(va: number): void;
  tlbFlush(): void;
  /** `halt`: the VM stops with exit code a0. */
  halt(code: number): void;
  /** `wfi`: the VCPU waits for its next interrupt. */
  waitForInterrupt(): void;
  /** `tlbw`: a software-TLB write from TLBHI/TLBLO. */
  tlbWrite(tlbhi: number, tlblo: number): void;
}

/** After emulation: continue at pc+4, at the pc the emulator set, or stop running this VCPU. */
export type Outcome = "next" | "jumped" | "stopped" | "illegal";

type Emulator = (vcpu: Vcpu, word: number, monitor: Monitor) => Outcome;

function setReg(vcpu: Vcpu, r: number, value: number): void {
  if (r !== 0) vcpu.regs[r] = value | 0;
}

const STATUS_BITS = STATUS.IE | STATUS.KM | STATUS.PIE | STATUS.PKM | STATUS.PG;

/** csrr: reads the virtual CSR; CYCLE is the guest's own clock; no such CSR is illegal. */
function csrRead(vcpu: Vcpu, word: number): Outcome {
  const n = uimm16Of(word);
  if (n >= CSR_COUNT) return "illegal";
  setReg(vcpu, rdOf(word), n === CSR.CYCLE ? vcpu.cycles : vcpu.csr[n]);
  return "next";
}

/** csrw: writes the virtual CSR with the hardware's masks; CYCLE or no such CSR is illegal. */
function csrWrite(vcpu: Vcpu, word: number, monitor: Monitor): Outcome {
  const n = uimm16Of(word);
  if (n >= CSR_COUNT || n === CSR.CYCLE) return "illegal";
  const before = vcpu.csr[n];
  let value = vcpu.regs[rs1Of(word)] >>> 0;
  if (n === CSR.STATUS) value &= STATUS_BITS;
  if (n === CSR.ASID) value &= 0xfff;
  vcpu.csr[n] = value;
  monitor.csrChanged(n, before);
  return "next";
}

/** rett: the hypervisor's "real return from trap" (OSTEP B.3 step 4). */
function rett(vcpu: Vcpu, _word: number, monitor: Monitor): Outcome {
  const before = vcpu.csr[CSR.STATUS];
  vcpu.returnFromTrap();
  monitor.csrChanged(CSR.STATUS, before);
  return "jumped";
}

/** pushf rd: the guest's true STATUS, its *virtual* mode included. */
function pushf(vcpu: Vcpu, word: number): Outcome {
  setReg(vcpu, rdOf(word), vcpu.csr[CSR.STATUS]);
  return "next";
}

/** popf rs: kernel mode sets IE; user mode silently ignores it (ISA.md). */
function popf(vcpu: Vcpu, word: number, monitor: Monitor): Outcome {
  if (!vcpu.kernelMode) return "next";
  const before = vcpu.csr[CSR.STATUS];
  vcpu.csr[CSR.STATUS] = ((before & ~STATUS.IE) | (vcpu.regs[rs1Of(word)] & STATUS.IE)) >>> 0;
  monitor.csrChanged(CSR.STATUS, before);
  return "next";
}

const EMULATORS: ReadonlyMap<string, Emulator> = new Map<string, Emulator>([
  ["csrr", csrRead],
  ["csrw", csrWrite],
  ["rett", rett],
  ["halt", (v, _w, m) => { m.halt(v.regs[1]); return "stopped"; }],
  ["wfi", (v, _w, m) => { v.pc += 4; m.waitForInterrupt(); return "jumped"; }],
  ["tlbw", (v, _w, m) => { m.tlbWrite(v.csr[CSR.TLBHI], v.csr[CSR.TLBLO]); return "next"; }],
  ["tlbinv", (v, w, m) => { m.tlbInvalidate(v.regs[rs1Of(w)] >>> 0); return "next"; }],
  ["tlbflush", (_v, _w, m) => { m.tlbFlush(); return "next"; }],
  ["pushf", pushf],
  ["popf", popf],
  ["sptb", (v, w) => { setReg(v, rdOf(w), v.csr[CSR.PTBR]); return "next"; }],
]);

/** Emulators indexed by opcode; every privileged or sensitive instruction has one. */
const BY_OPCODE: readonly (Emulator | undefined)[] = (() => {
  const table: (Emulator | undefined)[] = new Array(256).fill(undefined);
  for (const spec of INSTRUCTIONS) {
    if (spec.privilege === "unprivileged") continue;
    const emulator = EMULATORS.get(spec.mnemonic);
    if (!emulator) throw new Error(`no emulator for privileged instruction ${spec.mnemonic}`);
    table[spec.opcode] = emulator;
  }
  for (const name of EMULATORS.keys()) if (!BY_MNEMONIC.has(name)) throw new Error(`emulator for unknown ${name}`);
  return table;
})();

/** True if `word` is an instruction the hypervisor emulates. */
export function isEmulated(word: number): boolean {
  return BY_OPCODE[word >>> 24] !== undefined;
}

/**
 * Emulates the privileged instruction `word` at vcpu.pc, which the guest
 * executed in its virtual kernel mode. "illegal" means the real instruction
 * would have trapped ILLEGAL_INSTRUCTION (the caller reflects that).
 */
export function emulate(vcpu: Vcpu, word: number, monitor: Monitor): Outcome {
  const emulator = BY_OPCODE[word >>> 24];
  if (!emulator) return "illegal";
  const outcome = emulator(vcpu, word, monitor);
  if (outcome === "next") vcpu.pc = (vcpu.pc + 4) >>> 0;
  return outcome;
}

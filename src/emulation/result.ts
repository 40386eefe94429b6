/**
 * What a run of an RV32I program gives, whichever engine ran it: the
 * guest's fd-1 bytes, how it ended, the process exit status a shell would
 * see (as `qemu-riscv32 FILE` gives it), and its costs in toy32 cycles.
 *
 * A program's fault ends it the way Linux ends a process for it, with a
 * signal (signal(7)), so the status is 128 + the signal's number:
 *
 *   cause                 signal     status   (Linux's RISC-V trap -> signal)
 *   illegal-instruction   SIGILL     132      illegal instruction
 *   breakpoint            SIGTRAP    133      EBREAK
 *   misaligned-target     SIGBUS     135      instruction address misaligned
 *   load/store/fetch      SIGSEGV    139      an access outside the program's memory
 *   max-cycles            -          124      (vmlab's: the cycle limit, as `vmlab asm`)
 *   host-stop             -          125      (vmlab's: the host stopped the machine)
 */
export const INSTRUCTION_CLASSES = ["op", "op-imm", "load", "store", "branch", "jump", "upper", "system", "fence"] as const;
export type InstructionClass = (typeof INSTRUCTION_CLASSES)[number];

export type StopCause =
  | "exit"
  | "illegal-instruction"
  | "load-fault"
  | "store-fault"
  | "fetch-fault"
  | "misaligned-target"
  | "breakpoint"
  | "max-cycles"
  | "host-stop";

/**
 * The stop causes by the code the engines' toy32 runtimes leave in their
 * REASON word before they halt (0: none, the machine stopped for another reason).
 */
export const STOP_REASONS: readonly (StopCause | undefined)[] = [undefined, "exit", "illegal-instruction", "load-fault", "store-fault", "fetch-fault", "misaligned-target", "breakpoint"];

const SIGNALS: Readonly<Record<Exclude<StopCause, "exit" | "max-cycles" | "host-stop">, { name: string; number: number; what: string }>> = {
  "illegal-instruction": { name: "SIGILL", number: 4, what: "illegal instruction" },
  breakpoint: { name: "SIGTRAP", number: 5, what: "breakpoint (ebreak)" },
  "misaligned-target": { name: "SIGBUS", number: 7, what: "jump to a misaligned address" },
  "load-fault": { name: "SIGSEGV", number: 11, what: "load outside the program's memory" },
  "store-fault": { name: "SIGSEGV", number: 11, what: "store outside the program's memory" },
  "fetch-fault": { name: "SIGSEGV", number: 11, what: "jump outside the program's memory" },
};

/** The two ways vmlab runs RV32I code on toy32. */
export type Engine = "interpret" | "translate";

export const EXIT_MAX_CYCLES = 124;
export const EXIT_HOST_STOP = 125;

export interface EmulationResult {
  readonly engine: Engine;
  readonly cause: StopCause;
  /** The guest's exit(code) argument (signed), when it exited. */
  readonly exitCode: number | undefined;
  /** The process's exit status: code & 255, or 128 + signal, or 124/125. */
  readonly status: number;
  /** One line for stderr when the program did not exit by itself ("" when it did). */
  readonly message: string;
  readonly stdout: Uint8Array;
  /** RV32I instructions executed, in all and by class. */
  readonly guestInstructions: number;
  readonly byClass: Readonly<Record<InstructionClass, number>>;
  /** toy32 cycles of the run, after the engine's startup. */
  readonly cycles: number;
  /** toy32 cycles the engine spent before the first guest instruction. */
  readonly startupCycles: number;
  readonly cyclesPerInstruction: number;
  /** toy32 instructions executed, startup included. */
  readonly hostInstructions: number;
}

export interface RawResult {
  readonly engine: Engine;
  readonly cause: StopCause;
  readonly exitCode: number | undefined;
  /** Where a fault happened: the guest pc, the instruction, the address it used. */
  readonly fault: { readonly pc: number; readonly word: number; readonly address: number };
  /** The machine's own message (cycle limit, host stop). */
  readonly message: string | undefined;
  readonly stdout: Uint8Array;
  readonly byClass: Readonly<Record<InstructionClass, number>>;
  readonly cycles: number;
  readonly startupCycles: number;
  readonly hostInstructions: number;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;

export function emulationResult(raw: RawResult): EmulationResult {
  const guestInstructions = INSTRUCTION_CLASSES.reduce((sum, c) => sum + raw.byClass[c], 0);
  const { status, message } = describeStop(raw);
  return {
    engine: raw.engine,
    cause: raw.cause,
    exitCode: raw.exitCode,
    status,
    message,
    stdout: raw.stdout,
    guestInstructions,
    byClass: raw.byClass,
    cycles: raw.cycles,
    startupCycles: raw.startupCycles,
    cyclesPerInstruction: guestInstructions === 0 ? 0 : raw.cycles / guestInstructions,
    hostInstructions: raw.hostInstructions,
  };
}

function describeStop(raw: RawResult): { status: number; message: string } {
  switch (raw.cause) {
    case "exit":
      return { status: (raw.exitCode ?? 0) & 255, message: "" };
    case "max-cycles":
      return { status: EXIT_MAX_CYCLES, message: raw.message ?? "the program ran past the cycle limit" };
    case "host-stop":
      return { status: EXIT_HOST_STOP, message: raw.message ?? "the machine stopped" };
    default: {
      const signal = SIGNALS[raw.cause];
      const { pc, word, address } = raw.fault;
      const where = raw.cause === "illegal-instruction" || raw.cause === "breakpoint" ? "" : ` (address ${hex(address)})`;
      return { status: 128 + signal.number, message: `${signal.name}: ${signal.what} at pc ${hex(pc)}, instruction ${hex(word)}${where}` };
    }
  }
}

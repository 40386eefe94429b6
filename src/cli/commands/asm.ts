/**
 * `vmlab asm FILE.s [--run] [--trace] [--disasm] [--listing]
 * [--max-cycles N] [--virtualizable] [--software-tlb]`: assemble a program
 * and run it on a bare toy32 (DESIGN.md, "The command"). The guest's
 * console goes to stdout as it prints; the exit status is a0 & 255 at
 * `halt`. Assembly errors are UserErrors, reported by main.ts like every
 * other (file:line:col with the line and a caret).
 *
 *   exit status   meaning
 *   -----------   ----------------------------------------------------
 *   0..255        the guest halted; a0 & 255
 *   2             the file could not be read or assembled (main.ts)
 *   124           the guest ran past --max-cycles
 *   125           triple fault, deadlock, or a host stop (report on stderr)
 *
 * A guest whose stdout (or, with --trace, stderr) closes is stopped, and
 * vmlab exits quietly (output.ts).
 */
import type { Command } from "commander";
import { UserError } from "../../errors";
import { assemble, formatListing, type Program } from "../../machine/assembler";
import { disassembleImage } from "../../machine/disassembler";
import { Machine, DEFAULT_MAX_CYCLES, type RunResult } from "../../machine/machine";
import { formatTraceEntry } from "../../machine/trace";
import { parseNumber } from "../options";
import { guestConsole, OUTPUT_CLOSED, stopIfOutputClosed } from "../output";
import { readSourceFile } from "../source-file";

interface AsmFlags {
  run?: boolean;
  trace?: boolean;
  disasm?: boolean;
  listing?: boolean;
  maxCycles: string;
  virtualizable?: boolean;
  softwareTlb?: boolean;
}

export const EXIT_MAX_CYCLES = 124;
export const EXIT_ABNORMAL = 125;

export function register(program: Command): void {
  program
    .command("asm")
    .description("assemble a toy32 program and run it on a bare machine (console on stdout, exit status a0)")
    .argument("<file>", "the assembly source (.s)")
    .option("--run", "assemble and run (the default)")
    .option("--trace", "print every instruction executed to stderr")
    .option("--disasm", "print the disassembled image and exit")
    .option("--listing", "print the assembler listing and exit")
    .option("--max-cycles <n>", "stop a guest that runs longer than N cycles", String(DEFAULT_MAX_CYCLES))
    .option("--virtualizable", "pushf/popf/sptb trap in user mode")
    .option("--software-tlb", "a software-managed TLB (TLB_MISS traps) instead of the page walker")
    .action((file: string, flags: AsmFlags) => {
      const maxCycles = parseMaxCycles(flags.maxCycles);
      const assembled = assemble(readSourceFile(file), { file });
      if (flags.listing) process.stdout.write(formatListing(assembled) + "\n");
      if (flags.disasm) process.stdout.write(disassembleImage(assembled.image, assembled.origin, assembled.symbols).join("\n") + "\n");
      if ((flags.listing || flags.disasm) && !flags.run && !flags.trace) return;
      process.exitCode = runProgram(assembled, flags, maxCycles);
    });
}

function runProgram(assembled: Program, flags: AsmFlags, maxCycles: number): number {
  const machine: Machine = new Machine({
    virtualizable: flags.virtualizable,
    mmu: flags.softwareTlb ? "software-tlb" : "hardware",
    onConsole: guestConsole(() => machine),
  });
  if (assembled.image.length === 0) throw new UserError(`${assembled.listing[0]?.file ?? "the program"} is empty: no instructions to run`);
  machine.load(assembled);
  const onTrace = flags.trace
    ? (entry: Parameters<typeof formatTraceEntry>[0]): void => {
        process.stderr.write(formatTraceEntry(entry) + "\n");
        stopIfOutputClosed(machine);
      }
    : undefined;
  const result = machine.run({ maxCycles, onTrace });
  return exitStatus(result);
}

function exitStatus(result: RunResult): number {
  if (result.reason === "stopped" && result.message === OUTPUT_CLOSED) return 0;
  switch (result.reason) {
    case "halted":
      return (result.exitCode ?? 0) & 255;
    case "max-cycles":
      process.stderr.write(`vmlab: ${result.message}\n  raise --max-cycles if the program needs longer\n`);
      return EXIT_MAX_CYCLES;
    case "triple-fault":
    case "deadlock":
    case "stopped":
      process.stderr.write(`vmlab: ${result.message ?? result.reason}\n`);
      return EXIT_ABNORMAL;
  }
}

function parseMaxCycles(text: string): number {
  return parseNumber("--max-cycles", text, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
}

/**
 * `vmlab emulate FILE [--interpret | --translate] [--json] [--max-cycles N]`:
 * run a static RV32I Linux executable on toy32 (src/emulation), as
 * `qemu-riscv32 FILE` runs it: the guest's writes to fd 1 on stdout, its
 * exit code as the exit status. A fault ends it as Linux's signal would
 * (status 128 + the signal's number, and a line on stderr); see
 * src/emulation/result.ts for every status. With --json, stdout carries
 * instead one JSON object: the guest's output, how it ended, and its cost
 * in toy32 cycles, in all and by instruction class (and, translated, the
 * translation cache's statistics).
 */
import type { Command } from "commander";
import { loadExecutable } from "../../emulation/programs";
import { Interpreter } from "../../emulation/interpreter";
import { Translator, type Rv32TranslationStats } from "../../emulation/translator/engine";
import type { EmulationResult } from "../../emulation/result";
import { DEFAULT_MAX_CYCLES, type Machine } from "../../machine/machine";
import { UserError } from "../../errors";
import { parseNumber } from "../options";
import { OUTPUT_CLOSED, stopIfOutputClosed } from "../output";
import { readBinaryFile } from "../source-file";

interface EmulateFlags {
  interpret?: boolean;
  translate?: boolean;
  json?: boolean;
  maxCycles: string;
}

export function register(program: Command): void {
  program
    .command("emulate")
    .description("run a static RV32I Linux program on toy32 (its fd 1 on stdout, its exit code as the status), as qemu-riscv32 does")
    .argument("<file>", "an ELF32 RISC-V executable (riscv64-unknown-elf-gcc -march=rv32i -mabi=ilp32 -static)")
    .option("--interpret", "run it with the interpreter written in toy32 assembly (the default)")
    .option("--translate", "run it translated, block by block, into toy32 code in a code cache")
    .option("--json", "print one JSON object (the output, the status, toy32 cycles by instruction class) instead of the output")
    .option("--max-cycles <n>", "stop a program that runs longer than N toy32 cycles", String(10 * DEFAULT_MAX_CYCLES))
    .action((file: string, flags: EmulateFlags) => {
      const maxCycles = parseNumber("--max-cycles", flags.maxCycles, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
      if (flags.interpret && flags.translate) throw new UserError("--interpret and --translate are two engines: choose one");
      const exe = loadExecutable(file, readBinaryFile(file, "an executable", 64 * 1024 * 1024));
      let machine: Machine | undefined;
      const options = {
        argv0: file,
        onOutput: flags.json ? undefined : (bytes: Uint8Array): void => {
          process.stdout.write(bytes);
          stopIfOutputClosed(machine);
        },
      };
      const engine = flags.translate ? new Translator(exe, options) : new Interpreter(exe, options);
      machine = engine.machine;
      const result = engine.run({ maxCycles });
      const translation = engine instanceof Translator ? engine.statistics() : undefined;
      if (flags.json) process.stdout.write(JSON.stringify(jsonReport(file, result, translation)) + "\n");
      if (result.message === OUTPUT_CLOSED) return;
      if (result.message !== "") process.stderr.write(`vmlab: ${file}: ${result.message}\n`);
      process.exitCode = result.status;
    });
}

function jsonReport(file: string, r: EmulationResult, translation: Rv32TranslationStats | undefined): Record<string, unknown> {
  return {
    file,
    engine: r.engine,
    status: r.status,
    cause: r.cause,
    exitCode: r.exitCode ?? null,
    message: r.message,
    stdout: Buffer.from(r.stdout).toString("utf8"),
    guestInstructions: r.guestInstructions,
    byClass: r.byClass,
    cycles: r.cycles,
    startupCycles: r.startupCycles,
    cyclesPerInstruction: r.cyclesPerInstruction,
    hostInstructions: r.hostInstructions,
    ...(translation !== undefined ? { translation } : {}),
  };
}

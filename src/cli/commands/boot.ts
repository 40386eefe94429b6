/**
 * `vmlab boot [PROGRAM...] [--timer N] [--memory BYTES] [--max-cycles N]
 * [--table] [--list]`: boot the guest kernel (src/guests/kernel.s) on a
 * bare toy32 with user programs, named (src/guests/programs) or given as
 * .s files, one process each in pid order. The console goes to stdout as
 * the guest prints; the exit status is the kernel's exit code (the number
 * of processes it killed), or 124 / 125 as for `vmlab asm`.
 */
import * as fs from "fs";
import * as path from "path";
import type { Command } from "commander";
import { UserError } from "../../errors";
import { DEFAULT_MAX_CYCLES, type RunResult } from "../../machine/machine";
import { bootKernel, processTable, type ProcessInfo } from "../../guests/boot";
import { DEFAULT_KERNEL_MEMORY, DEFAULT_TIMER_INTERVAL, userProgramNames, type ProgramSpec } from "../../guests/loader";
import { EXIT_ABNORMAL, EXIT_MAX_CYCLES } from "./asm";

interface BootFlags {
  timer: string;
  memory: string;
  maxCycles: string;
  table?: boolean;
  list?: boolean;
}

export function register(program: Command): void {
  program
    .command("boot")
    .description("boot the toy32 guest kernel with user programs, one process each (console on stdout)")
    .argument("[programs...]", "program names (see --list) or .s files; default: hello compute fault")
    .option("--timer <cycles>", "cycles between timer interrupts (0: no preemption)", String(DEFAULT_TIMER_INTERVAL))
    .option("--memory <bytes>", "physical memory of the machine and the kernel", String(DEFAULT_KERNEL_MEMORY))
    .option("--max-cycles <n>", "stop a guest that runs longer than N cycles", String(DEFAULT_MAX_CYCLES))
    .option("--table", "print the process table after the run (to stderr)")
    .option("--list", "list the built-in user programs")
    .action((names: string[], flags: BootFlags) => {
      if (flags.list) {
        process.stdout.write(userProgramNames().join("\n") + "\n");
        return;
      }
      const programs = (names.length > 0 ? names : ["hello", "compute", "fault"]).map(programSpec);
      const machine = bootKernel({
        programs,
        timerInterval: whole(flags.timer, "--timer", 0),
        memoryBytes: whole(flags.memory, "--memory", 1),
        machine: { onConsole: (text) => void process.stdout.write(text) },
      });
      const result = machine.run({ maxCycles: whole(flags.maxCycles, "--max-cycles", 1) });
      if (flags.table) process.stderr.write(formatProcessTable(processTable(machine), result));
      process.exitCode = exitStatus(result);
    });
}

/** A name of a built-in program, or a path to a .s file. */
function programSpec(arg: string): ProgramSpec {
  if (!arg.endsWith(".s") && !arg.includes("/")) return arg;
  try {
    return { name: path.basename(arg), source: fs.readFileSync(arg, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${arg}: ${code === "ENOENT" ? "no such file" : code ?? String(err)}`);
  }
}

function whole(text: string, flag: string, min: number): number {
  const n = Number(text.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} wants a whole number >= ${min}, not "${text}"`);
  return n;
}

/** The process table as aligned text. */
export function formatProcessTable(table: readonly ProcessInfo[], result: RunResult): string {
  const rows = table.map((p) =>
    [String(p.pid), p.name, p.state, String(p.exitStatus), String(p.cycles), String(p.dispatches)],
  );
  const header = ["pid", "name", "state", "exit", "cycles", "dispatches"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd() + "\n";
  return line(header) + rows.map(line).join("") + `total ${result.cycles} cycles, ${result.reason}\n`;
}

function exitStatus(result: RunResult): number {
  if (result.reason === "halted") return (result.exitCode ?? 0) & 255;
  process.stderr.write(`vmlab: ${result.message ?? result.reason}\n`);
  return result.reason === "max-cycles" ? EXIT_MAX_CYCLES : EXIT_ABNORMAL;
}

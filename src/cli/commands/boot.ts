/**
 * `vmlab boot [PROGRAM...] [--platform P] [--timer N] [--memory BYTES]
 * [--max-cycles N] [--table] [--list]`: boot the guest kernel
 * (src/guests/kernel.s, built for platform P: native, or software-tlb on a
 * toy32 built with the software-managed TLB) on a bare toy32 with user programs, named (src/guests/programs) or given as
 * .s files, one process each in pid order. The console goes to stdout as
 * the guest prints; the exit status is the kernel's exit code (the number
 * of processes it killed), or 124 / 125 as for `vmlab asm`; a guest whose
 * stdout closes is stopped quietly (output.ts).
 */
import * as path from "path";
import type { Command } from "commander";
import { DEFAULT_MAX_CYCLES, type Machine, type RunResult } from "../../machine/machine";
import { bootKernel, processTable, type ProcessInfo } from "../../guests/boot";
import { DEFAULT_KERNEL_MEMORY, DEFAULT_TIMER_INTERVAL, userProgramNames, type KernelPlatform, type ProgramSpec } from "../../guests/loader";
import { EXIT_ABNORMAL, EXIT_MAX_CYCLES } from "./asm";
import { UserError } from "../../errors";
import { parseNumber } from "../options";
import { guestConsole, OUTPUT_CLOSED } from "../output";
import { readSourceFile } from "../source-file";

/**
 * The shortest timer slice the kernel makes progress in. Its timer path
 * (trap, save the registers, schedule, restore, eret) takes about 200
 * cycles; a slice no longer than that is spent entirely in the kernel and
 * the processes never run (a livelock). 500 leaves them most of a slice.
 */
export const MIN_TIMER_INTERVAL = 500;
const TIMER_WHY = `below ${MIN_TIMER_INTERVAL} cycles the kernel's timer path (about 200 cycles) fills the whole slice and no process makes progress; 0 turns preemption off`;

/** The platforms a bare toy32 boots (paravirtual needs its hypervisor). */
export const BARE_METAL_PLATFORMS: readonly KernelPlatform[] = ["native", "software-tlb"];

interface BootFlags {
  platform: string;
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
    .option("--platform <name>", `the kernel's platform and the machine's MMU: ${BARE_METAL_PLATFORMS.join(" or ")}`, "native")
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
      const platform = parsePlatform(flags.platform);
      const timerInterval = parseTimer(flags.timer);
      const memoryBytes = parseMemory(flags.memory);
      const maxCycles = parseNumber("--max-cycles", flags.maxCycles, { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "cycles" });
      const programs = (names.length > 0 ? names : ["hello", "compute", "fault"]).map(programSpec);
      const machine: Machine = bootKernel({
        platform,
        programs,
        timerInterval,
        memoryBytes,
        machine: { onConsole: guestConsole(() => machine) },
      });
      const result = machine.run({ maxCycles });
      if (flags.table) process.stderr.write(formatProcessTable(processTable(machine), result));
      process.exitCode = exitStatus(result);
    });
}

/** A name of a built-in program, or a path to a .s file. */
function programSpec(arg: string): ProgramSpec {
  if (!arg.endsWith(".s") && !arg.includes("/")) return arg;
  return { name: path.basename(arg), source: readSourceFile(arg) };
}

/** --platform: one a bare toy32 can boot. */
function parsePlatform(text: string): KernelPlatform {
  const platform = BARE_METAL_PLATFORMS.find((p) => p === text);
  if (platform === undefined) {
    const why = text === "paravirtual" ? "the paravirtual kernel runs only under its hypervisor (a VM created with paravirtual: true)" : `platforms: ${BARE_METAL_PLATFORMS.join(", ")}`;
    throw new UserError(`--platform ${text}: vmlab boot runs native or software-tlb`, why);
  }
  return platform;
}

/** --timer: 0 (no preemption), or a slice the kernel makes progress in. */
function parseTimer(text: string): number {
  const timer = parseNumber("--timer", text, { min: 0, max: 0xffff_ffff, integer: true, unit: "cycles", why: TIMER_WHY });
  if (timer !== 0 && timer < MIN_TIMER_INTERVAL) {
    throw new UserError(`--timer ${text} is too short: give 0 (no preemption) or at least ${MIN_TIMER_INTERVAL} cycles`, TIMER_WHY);
  }
  return timer;
}

/** --memory: what the kernel can manage (loader.ts checkOptions), in bytes. */
function parseMemory(text: string): number {
  const why = "the kernel manages whole 4 KiB pages, at least 128 KiB of them and at most 1 GiB";
  const bytes = parseNumber("--memory", text, { min: 128 * 1024, max: 0x4000_0000, integer: true, unit: "bytes", why });
  if (bytes % 4096 !== 0) throw new UserError(`--memory ${text} is not a multiple of 4096 (a page)`, why);
  return bytes;
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
  if (result.reason === "stopped" && result.message === OUTPUT_CLOSED) return 0;
  if (result.reason === "halted") return (result.exitCode ?? 0) & 255;
  process.stderr.write(`vmlab: ${result.message ?? result.reason}\n`);
  return result.reason === "max-cycles" ? EXIT_MAX_CYCLES : EXIT_ABNORMAL;
}

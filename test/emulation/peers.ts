/**
 * The real tools the emulation tests hold vmlab against (DESIGN.md, "Real
 * peers"): Debian's gcc-riscv64-unknown-elf builds RV32I programs and
 * qemu-user's qemu-riscv32 runs them. A missing tool fails the test saying
 * which package to install; .ci/run installs both.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { constants } from "os";

export const PROGRAMS_DIR = path.join(__dirname, "..", "..", "src", "emulation", "programs");
export const GCC = "riscv64-unknown-elf-gcc";

const PACKAGE: Readonly<Record<string, string>> = {
  [GCC]: "gcc-riscv64-unknown-elf",
  "qemu-riscv32": "qemu-user",
  sh: "dash",
};

export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  /** The exit status, or 128 + the signal's number for a process a signal ended (as a shell says). */
  readonly status: number;
  /** The name of the signal that ended the process, if one did. */
  readonly signal: string | undefined;
}

/** Runs a peer tool; a missing one throws, naming the Debian package that has it. */
export function runTool(tool: string, args: readonly string[], options: { cwd?: string } = {}): RunResult {
  const r = spawnSync(tool, args, { timeout: 60_000, cwd: options.cwd });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(`${tool} is missing: apt-get install ${PACKAGE[tool] ?? tool} (.ci/run does)`);
  }
  if (r.error) throw r.error;
  const signal = r.signal === null ? undefined : constants.signals[r.signal];
  return { stdout: r.stdout, stderr: r.stderr.toString("utf8"), status: signal !== undefined ? 128 + signal : r.status ?? -1, signal: r.signal ?? undefined };
}

/** `qemu-riscv32 FILE`: the reference for what a program prints and its exit status. */
export function qemuRiscv32(file: string): RunResult {
  return runTool("qemu-riscv32", [file]);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The shipped programs, by name (src/emulation/programs/NAME.elf). */
export function shippedPrograms(): string[] {
  return fs.readdirSync(PROGRAMS_DIR).filter((f) => f.endsWith(".elf")).map((f) => f.slice(0, -4)).sort();
}

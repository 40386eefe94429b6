/**
 * The kernel test programs' shared helpers (kernel-lib.s: report,
 * report_ok, newline), appended to a program's source after its own lines,
 * so an error in the program still names its own line numbers.
 */
import * as fs from "fs";
import * as path from "path";
import type { GuestProgram } from "../../src/guests/loader";

const KERNEL_LIB = fs.readFileSync(path.join(__dirname, "kernel-lib.s"), "utf8");

/** The program `name` with kernel-lib.s after it, word-aligned (it may end in a string). */
export function withKernelLib(name: string, source: string): GuestProgram {
  return { name, source: `${source}\n        .text\n        .align 4\n${KERNEL_LIB}` };
}

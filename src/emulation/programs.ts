/**
 * Reading RV32I executables: a file by name (size-capped, then parsed by
 * elf.ts against the guest address space), and the programs the
 * repository ships in src/emulation/programs/ (built by its build.sh).
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import { parseElf, type ElfExecutable } from "./elf";
import { SEGMENT_LIMIT } from "./guest-space";

export const SHIPPED_PROGRAMS_DIR = path.join(__dirname, "..", "..", "src", "emulation", "programs");
/** No file larger than the guest's memory can be a program that fits in it. */
const MAX_ELF_BYTES = 16 * 1024 * 1024;

/** Parses `bytes` (the file's contents, named `file` in errors) as a static RV32I executable. */
export function loadExecutable(file: string, bytes: Uint8Array): ElfExecutable {
  if (bytes.length > MAX_ELF_BYTES) throw new UserError(`${file}: ${bytes.length} bytes, larger than any program the ${SEGMENT_LIMIT >> 20} MiB guest memory holds`);
  return parseElf(bytes, { file, limit: SEGMENT_LIMIT });
}

/** A shipped program by name: "hello", "sort", "sieve", "fib", "selfmod". */
export function shippedProgram(name: string): ElfExecutable {
  const file = path.join(SHIPPED_PROGRAMS_DIR, `${name}.elf`);
  if (!/^[a-z0-9-]+$/.test(name) || !fs.existsSync(file)) {
    const names = fs.readdirSync(SHIPPED_PROGRAMS_DIR).filter((f) => f.endsWith(".elf")).map((f) => f.slice(0, -4));
    throw new UserError(`no shipped RV32I program ${JSON.stringify(name)}: there are ${names.sort().join(", ")}`);
  }
  return loadExecutable(`${name}.elf`, fs.readFileSync(file));
}

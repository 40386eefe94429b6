/**
 * vmlab emulate against qemu-riscv32 (Debian's qemu-user), the reference:
 * every shipped program and every instruction test of test/emulation/isa
 * (built here with gcc-riscv64-unknown-elf) must print the same bytes on
 * stdout and end with the same exit status under qemu and under each of
 * vmlab's engines (the interpreter, in a process of its own as a user runs
 * it; the translator, in-process). Where qemu can say
 * how many instructions ran (-singlestep -d nochain,exec logs each one),
 * vmlab's count and its count by class must agree with it too.
 */
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseElf, type ElfExecutable } from "../../src/emulation/elf";
import { SEGMENT_LIMIT } from "../../src/emulation/guest-space";
import { INSTRUCTION_CLASSES, type InstructionClass } from "../../src/emulation/result";
import { decodeRv32 } from "../../src/emulation/rv32i";
import { register } from "../../src/cli/commands/emulate";
import { runCommand } from "../cli/run-command";
import { GCC, PROGRAMS_DIR, runTool, shippedPrograms, tempDir, type RunResult } from "./peers";

const ISA_DIR = path.join(__dirname, "isa");
const VMLAB = path.join(__dirname, "..", "..", "bin", "vmlab.js");
const ISA_TESTS = fs.readdirSync(ISA_DIR).filter((f) => f.endsWith(".s") && f !== "lib.s").map((f) => f.slice(0, -2)).sort();

let built: string;
const files = new Map<string, string>();

beforeAll(() => {
  built = tempDir("vmlab-rv32-isa-");
  for (const name of shippedPrograms()) files.set(name, path.join(PROGRAMS_DIR, `${name}.elf`));
  for (const name of ISA_TESTS) {
    const out = path.join(built, name);
    const r = runTool(GCC, [
      "-march=rv32i", "-mabi=ilp32", "-static", "-nostdlib", "-o", out,
      path.join(PROGRAMS_DIR, "crt0.s"), path.join(PROGRAMS_DIR, "sys.s"), "lib.s", `${name}.s`,
    ], { cwd: ISA_DIR });
    if (r.status !== 0) throw new Error(`building isa/${name}.s: ${r.stderr}`);
    files.set(`isa/${name}`, out);
  }
});

afterAll(() => fs.rmSync(built, { recursive: true, force: true }));

/** qemu-riscv32 FILE, with core dumps off (a test that faults on purpose must not leave a core file). */
function qemu(file: string, ...flags: string[]): RunResult {
  return runTool("sh", ["-c", 'ulimit -c 0; exec qemu-riscv32 "$@"', "qemu", ...flags, file], { cwd: built });
}

function vmlab(...args: string[]): RunResult {
  return runTool(process.execPath, [VMLAB, "emulate", ...args]);
}

/** The instructions qemu executes, by class, from its one-line-per-instruction exec log. */
function qemuCounts(file: string, exe: ElfExecutable): Record<InstructionClass, number> {
  const log = path.join(built, `${path.basename(file)}.log`);
  qemu(file, "-singlestep", "-d", "nochain,exec", "-D", log);
  const counts = Object.fromEntries(INSTRUCTION_CLASSES.map((c) => [c, 0])) as Record<InstructionClass, number>;
  for (const m of fs.readFileSync(log, "utf8").matchAll(/^Trace \d+: \S+ \[[0-9a-f]+\/([0-9a-f]+)\//gm)) {
    const pc = parseInt(m[1], 16);
    const seg = exe.segments.find((s) => pc >= s.vaddr && pc + 4 <= s.vaddr + s.data.length);
    const word = seg === undefined ? 0 : Buffer.from(seg.data.buffer, seg.data.byteOffset + pc - seg.vaddr, 4).readUInt32LE(0);
    const decoded = decodeRv32(word);
    if (decoded !== undefined) counts[decoded.spec.class]++;
  }
  return counts;
}

describe("vmlab emulate against qemu-riscv32", () => {
  it("has instruction tests that state their status", () => {
    expect(ISA_TESTS).toEqual(expect.arrayContaining(["alu", "memory", "control", "syscalls", "illegal", "ebreak", "segfault"]));
  });

  for (const name of [...shippedPrograms(), ...ISA_TESTS.map((t) => `isa/${t}`)]) {
    it(`${name}: the same stdout and exit status under qemu and both engines`, async () => {
      const file = files.get(name) as string;
      const reference = qemu(file);
      const interpreted = vmlab(file);
      const translated = await runCommand(register, ["emulate", "--translate", file]);
      for (const [engine, ours] of [["interpret", interpreted], ["translate", { ...translated, stdout: Buffer.from(translated.stdout, "utf8") }]] as const) {
        expect(ours.stdout.equals(reference.stdout), `${name} --${engine}: stdout differs\nqemu:  ${reference.stdout.subarray(0, 200)}\nvmlab: ${ours.stdout.subarray(0, 200)}`).toBe(true);
        expect(ours.status, `${name} --${engine}: ${ours.stderr}`).toBe(reference.status);
        if (reference.signal !== undefined) expect(ours.stderr).toMatch(new RegExp(`^vmlab: .*: ${reference.signal}: .* at pc 0x[0-9a-f]{8}`));
        else expect(ours.stderr).toBe("");
      }
      if (name.startsWith("isa/")) {
        const stated = /# expect status: (\d+)/.exec(fs.readFileSync(path.join(ISA_DIR, `${name.slice(4)}.s`), "utf8"));
        expect(reference.status).toBe(Number(stated?.[1]));
      }
    });
  }

  for (const name of ["hello", "sort", "selfmod", "isa/alu", "isa/memory", "isa/control", "isa/syscalls"]) {
    it(`${name}: as many instructions as qemu executes, class by class, under both engines`, async () => {
      const file = files.get(name) as string;
      const exe = parseElf(fs.readFileSync(file), { file, limit: SEGMENT_LIMIT });
      const reference = qemuCounts(file, exe);
      for (const engine of ["--interpret", "--translate"]) {
        const report = JSON.parse((await runCommand(register, ["emulate", engine, "--json", file])).stdout) as { byClass: Record<InstructionClass, number>; guestInstructions: number };
        expect(report.byClass, engine).toEqual(reference);
        expect(report.guestInstructions).toBe(INSTRUCTION_CLASSES.reduce((n, c) => n + reference[c], 0));
      }
    });
  }
});

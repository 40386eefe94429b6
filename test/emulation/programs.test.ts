/**
 * What ships is what the sources say: src/emulation/programs/build.sh,
 * run with Debian's gcc-riscv64-unknown-elf into a scratch directory,
 * gives byte for byte the ELF files the repository commits, and each runs
 * under qemu-riscv32 with the output and status its source states.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { GCC, PROGRAMS_DIR, qemuRiscv32, runTool, shippedPrograms, tempDir } from "./peers";

const EXPECTED_STATUS: Readonly<Record<string, number>> = { hello: 0, sort: 0, sieve: 214, fib: 42, selfmod: 55 };

describe("the shipped RV32I programs", () => {
  it("are every program build.sh makes", () => {
    expect(shippedPrograms()).toEqual(Object.keys(EXPECTED_STATUS).sort());
  });

  it("rebuild from their sources to the same bytes", () => {
    runTool(GCC, ["--version"]); // fails naming the package if the compiler is missing
    const out = tempDir("vmlab-rv32-build-");
    const built = runTool("sh", [path.join(PROGRAMS_DIR, "build.sh"), out]);
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    for (const name of shippedPrograms()) {
      const shipped = fs.readFileSync(path.join(PROGRAMS_DIR, `${name}.elf`));
      const rebuilt = fs.readFileSync(path.join(out, `${name}.elf`));
      expect(rebuilt.equals(shipped), `${name}.elf differs from a rebuild: run src/emulation/programs/build.sh`).toBe(true);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("are RV32I only: no M, A, F or C instruction in their code", () => {
    for (const name of shippedPrograms()) {
      const dump = runTool("riscv64-unknown-elf-objdump", ["-d", "-M", "no-aliases", path.join(PROGRAMS_DIR, `${name}.elf`)]);
      const mnemonics = new Set([...dump.stdout.toString("utf8").matchAll(/^\s+[0-9a-f]+:\s+([0-9a-f]+)\s+(\S+)/gm)].map((m) => {
        expect(m[1].length, `${name}: ${m[0]} is not a 32-bit instruction`).toBe(8);
        return m[2];
      }));
      for (const forbidden of ["mul", "mulh", "div", "divu", "rem", "remu", "lr.w", "sc.w", "amoadd.w", "flw"]) {
        expect(mnemonics.has(forbidden), `${name} uses ${forbidden}`).toBe(false);
      }
      expect(mnemonics.has("ecall")).toBe(true);
    }
  });

  it("run under qemu-riscv32 with the exit status their sources state", () => {
    for (const name of shippedPrograms()) {
      const r = qemuRiscv32(path.join(PROGRAMS_DIR, `${name}.elf`));
      expect(r.status, name).toBe(EXPECTED_STATUS[name]);
      expect(r.stdout.length, name).toBeGreaterThan(0);
    }
  });
});

/** `vmlab emulate`: the guest's output and status, --json's figures, and one-line refusals. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/emulate";
import { runCommand } from "../cli/run-command";
import { PROGRAMS_DIR } from "./peers";

const program = (name: string): string => path.join(PROGRAMS_DIR, `${name}.elf`);

describe("vmlab emulate", () => {
  it("prints the guest's fd 1 on stdout and exits with its exit code", async () => {
    const r = await runCommand(register, ["emulate", program("fib")]);
    expect(r.stdout).toMatch(/^fib\(0\) = 0\n[^]*-3 -1 -715827882 -2147483648\n$/);
    expect(r.status).toBe(42);
    expect(r.stderr).toBe("");
  });

  it("--json prints one object with the output, the status and toy32 cycles by class", async () => {
    const r = await runCommand(register, ["emulate", "--interpret", "--json", program("hello")]);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ engine: "interpret", status: 0, cause: "exit", exitCode: 0, stdout: "hello, world\n", guestInstructions: 22 });
    expect(Object.keys(report.byClass as object)).toEqual(["op", "op-imm", "load", "store", "branch", "jump", "upper", "system", "fence"]);
    expect(report.cyclesPerInstruction).toBeGreaterThan(10);
    expect(r.status).toBe(0);
  });

  it("stops at --max-cycles with status 124 and says where", async () => {
    const r = await runCommand(register, ["emulate", "--max-cycles", "5000", program("sieve")]);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/^vmlab: .*sieve\.elf: the program ran 5000 toy32 cycles without exiting \(the cycle limit\), at pc 0x1[0-9a-f]{4}\n$/);
  });

  it("refuses a file that is not an RV32I executable in one line", async () => {
    await expect(runCommand(register, ["emulate", "/bin/sh"])).rejects.toThrow(/offset 0x[0-9a-f]+: (EI_CLASS|e_machine|e_type) is/);
    await expect(runCommand(register, ["emulate", path.join(PROGRAMS_DIR, "hello.c")])).rejects.toThrow(/hello\.c: offset 0x0: not an ELF file/);
    await expect(runCommand(register, ["emulate", "/no/such.elf"])).rejects.toThrow(/cannot read \/no\/such\.elf: no such file/);
    await expect(runCommand(register, ["emulate", "--max-cycles", "0", program("hello")])).rejects.toThrow(/--max-cycles/);
  });
});

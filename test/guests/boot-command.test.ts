/** `vmlab boot`: the guest kernel from the command line. */
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/commands/boot";
import { UserError } from "../../src/errors";

/** Runs `vmlab boot ARGS` in-process; returns stdout, stderr and the exit status. */
async function boot(...args: string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  const program = new Command().exitOverride();
  register(program);
  try {
    await program.parseAsync(["boot", ...args], { from: "user" });
  } finally {
    vi.restoreAllMocks();
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, status };
}

afterEach(() => vi.restoreAllMocks());

describe("vmlab boot", () => {
  it("boots hello, compute and fault by default; the exit status counts the killed", async () => {
    const r = await boot("--table");
    expect(r.stdout).toContain("hello, world\n");
    expect(r.stdout).toContain("[kernel] pid 3 killed: PAGE_FAULT_STORE at 0x00000000\n");
    expect(r.stderr).toMatch(/^pid\s+name\s+state/);
    expect(r.stderr).toMatch(/3\s+fault\s+exited\s+-1/);
    expect(r.status).toBe(1);
  });

  it("takes program names and the timer interval", async () => {
    const r = await boot("ticker", "ticker", "--timer", "0");
    expect(r.stdout.split("\n").slice(0, 5)).toEqual(["pid 1 tick 0", "pid 1 tick 1", "pid 1 tick 2", "pid 1 tick 3", "pid 2 tick 0"]);
    expect(r.status).toBe(0);
  });

  it("lists the programs", async () => {
    expect((await boot("--list")).stdout.split("\n")).toEqual(expect.arrayContaining(["hello", "compute", "fault"]));
  });

  it("reports an unknown program or a bad flag as a user error", async () => {
    await expect(boot("nope")).rejects.toThrow(UserError);
    await expect(boot("hello", "--timer", "soon")).rejects.toThrow(/--timer wants a whole number/);
    await expect(boot("missing.s")).rejects.toThrow(/cannot read missing\.s: no such file/);
  });

  it("stops a guest at --max-cycles with status 124", async () => {
    const r = await boot("compute", "--max-cycles", "10000");
    expect(r.status).toBe(124);
    expect(r.stderr).toContain("cycle limit");
  });
});

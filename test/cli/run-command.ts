/** Runs a `vmlab` command in-process, capturing stdout, stderr and the exit status. */
import { Command } from "commander";
import { vi } from "vitest";

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** `vmlab NAME ARGS` with the commands `register` adds; a UserError rejects. */
export async function runCommand(register: (program: Command) => void, args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  process.exitCode = undefined;
  const program = new Command().exitOverride();
  register(program);
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    vi.restoreAllMocks();
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, status };
}

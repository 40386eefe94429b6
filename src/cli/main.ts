/**
 * The `vmlab` command (DESIGN.md, "The command"). Each subcommand lives in
 * cli/commands/ and registers itself here; errors reach the user as one
 * line with what to do, and a stack trace only with --debug. When stdout
 * or stderr closes (`| head -1`), the command stops quietly (output.ts).
 */
import { Command, CommanderError } from "commander";
import { UserError } from "../errors";
import { COMMANDS } from "./commands";
import { exitQuietlyWhenOutputCloses, outputClosed } from "./output";

export function buildProgram(): Command {
  const program = new Command("vmlab")
    .description("vmlab: learn how virtual machines work by building them")
    .option("--debug", "print stack traces for errors")
    .showHelpAfterError("(run vmlab --help for usage)")
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  exitQuietlyWhenOutputCloses();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err, debug);
  }
}

function reportError(err: unknown, debug: boolean): number {
  if (outputClosed()) return Number(process.exitCode ?? 0); // nobody is left to read it (output.ts)
  if (err instanceof CommanderError) {
    // Commander has already printed its message (or the help).
    return err.exitCode;
  }
  if (err instanceof UserError) {
    process.stderr.write(`vmlab: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  ${err.hint}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + "\n");
    return 2;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`vmlab: internal error: ${e.message}\n`);
  process.stderr.write(debug ? `${e.stack}\n` : "  (run again with --debug for the stack trace, and please report it)\n");
  return 70;
}

/**
 * `vmlab javap FILE.class...`: disassemble class files as the JDK's
 * `javap -c` does (src/langvm/javap.ts). A malformed file is a one-line
 * ClassFormatError naming the file, class and byte offset (exit status 2).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../../errors";
import { javap, parseClassFile } from "../../langvm";

export function register(program: Command): void {
  program
    .command("javap")
    .description("disassemble Java class files, as `javap -c` prints them")
    .option("-c", "print the code (always on; accepted for javap's spelling)")
    .argument("<files...>", "class files (.class)")
    .action((files: string[]) => {
      for (const file of files) {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(file);
        } catch (e) {
          throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        process.stdout.write(javap(parseClassFile(bytes, file)));
      }
    });
}

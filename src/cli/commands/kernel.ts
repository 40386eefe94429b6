/**
 * `vmlab kernel install [--user | --prefix DIR]`: register the tslab
 * kernelspec for Jupyter (JupyterLab, the classic Notebook, nbconvert)
 * without Python's IPython, which `tslab install` needs. A kernelspec
 * there that started another checkout's tslab is replaced, and said so.
 */
import type { Command } from "commander";
import { UserError } from "../../errors";
import { installedKernelSpec, installKernelSpec, KERNEL_NAME, thisTslab, type InstalledSpec } from "../../notebook/kernelspec";

export function register(program: Command): void {
  const kernel = program.command("kernel").description("the tslab Jupyter kernel");
  kernel
    .command("install")
    .description("write the tslab kernelspec so Jupyter offers TypeScript notebooks")
    .option("--user", "into your Jupyter data directory (the default)")
    .option("--prefix <dir>", "into DIR/share/jupyter/kernels (then JUPYTER_PATH=DIR/share/jupyter finds it)")
    .action((flags: { user?: boolean; prefix?: string }) => {
      if (flags.user && flags.prefix !== undefined) throw new UserError("give either --user or --prefix DIR, not both");
      if (flags.prefix !== undefined && flags.prefix.trim() === "") {
        throw new UserError("--prefix needs a folder, not an empty string", "leave --prefix out to install for your user (--user)");
      }
      const where = { prefix: flags.prefix };
      const before = installedKernelSpec(where);
      const dir = installKernelSpec(where);
      process.stdout.write(`installed kernelspec "${KERNEL_NAME}" (TypeScript) in ${dir}\n`);
      const replaced = replacedNote(before, thisTslab());
      if (replaced) process.stdout.write(replaced + "\n");
    });
}

/** What the install replaced, when it was not this install's own kernelspec. */
function replacedNote(before: InstalledSpec, tslab: string): string | undefined {
  if (before.kind === "none") return undefined;
  if (before.kind === "unreadable") return `  replaced ${before.file}, which was not valid JSON`;
  if (before.tslab === tslab) return undefined;
  return `  replaced the kernelspec of another install: tslab ${before.tslab ?? "(none)"} -> ${tslab}`;
}

/**
 * `vmlab kernel install [--user | --prefix DIR]`: register the tslab
 * kernelspec for Jupyter (JupyterLab, the classic Notebook, nbconvert)
 * without Python's IPython, which `tslab install` needs.
 */
import type { Command } from "commander";
import { UserError } from "../../errors";
import { installKernelSpec, KERNEL_NAME } from "../../notebook/kernelspec";

export function register(program: Command): void {
  const kernel = program.command("kernel").description("the tslab Jupyter kernel");
  kernel
    .command("install")
    .description("write the tslab kernelspec so Jupyter offers TypeScript notebooks")
    .option("--user", "into your Jupyter data directory (the default)")
    .option("--prefix <dir>", "into DIR/share/jupyter/kernels (then JUPYTER_PATH=DIR/share/jupyter finds it)")
    .action((flags: { user?: boolean; prefix?: string }) => {
      if (flags.user && flags.prefix) throw new UserError("give either --user or --prefix DIR, not both");
      const dir = installKernelSpec({ prefix: flags.prefix });
      process.stdout.write(`installed kernelspec "${KERNEL_NAME}" (TypeScript) in ${dir}\n`);
    });
}

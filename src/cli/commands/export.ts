/**
 * `vmlab export NB... [--out DIR] [--standalone] [--with-solutions]`: HTML
 * handouts from notebooks as they are (executed or not), one NAME.html per
 * notebook, linked previous/next in the order given.
 */
import * as path from "path";
import type { Command } from "commander";
import { guardCopies } from "../../notebook/output-guard";

interface ExportOptions {
  out: string;
  standalone?: boolean;
  withSolutions?: boolean;
}

export function register(program: Command): void {
  program
    .command("export")
    .description("write HTML handouts from notebooks (solutions and hidden tests removed)")
    .argument("<notebooks...>", "the .ipynb files to export")
    .option("--out <dir>", "where to write the pages", "handouts")
    .option("--standalone", "inline every asset: one self-contained file per notebook")
    .option("--with-solutions", "keep solutions, hidden tests and their outputs")
    .action(async (files: string[], opts: ExportOptions) => {
      // Loaded here, not at the top: other commands need not load KaTeX and markdown-it.
      const { writePages } = await import("../../courseware/handout/site");
      const { readNotebook } = await import("../../notebook/read");
      guardCopies(opts.out, files);
      const sources = files.map((file) => ({ notebook: readNotebook(file), file }));
      const pages = writePages(sources, {
        outDir: opts.out,
        standalone: opts.standalone,
        withSolutions: opts.withSolutions,
      });
      for (const p of pages) process.stdout.write(`${displayPath(p.file)}\n`);
    });
}

/** A path relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(file) : rel;
}

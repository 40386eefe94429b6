/**
 * `vmlab build [--out DIR] [--jobs N] [--course DIR]` (what `npm start`
 * runs): execute every chapter of course.json and write the HTML handouts
 * and their index (default handouts/), then print where the index is.
 * A chapter that fails is named with its cell; the others are still built,
 * and the exit status is 1.
 */
import * as os from "os";
import type { Command } from "commander";
import { JOBS, parseNumber } from "../options";
import { loadCourse, projectCourseDir } from "../../courseware/course";
import { guardCopies } from "../../notebook/output-guard";
import { displayPath } from "./export";

interface BuildFlags {
  out?: string;
  jobs: string;
  course: string;
  withSolutions?: boolean;
  standalone?: boolean;
}

export function register(program: Command): void {
  program
    .command("build")
    .description("execute every chapter and write the HTML handouts and their index (default handouts/)")
    .option("--out <dir>", "where to write the pages (default: course.json's handouts folder)")
    .option("--jobs <n>", "chapters executed at once", String(Math.min(JOBS.max, Math.max(1, os.cpus().length))))
    .option("--course <dir>", "the folder holding course.json", projectCourseDir())
    .option("--with-solutions", "keep solutions, hidden tests and their outputs")
    .option("--standalone", "inline every asset: one self-contained file per chapter")
    .action(async (flags: BuildFlags) => {
      const jobs = parseNumber("--jobs", flags.jobs, JOBS);
      // kernel.ts kills live kernels and removes their folders on exit.
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      const course = loadCourse(flags.course);
      guardCopies(flags.out ?? course.handoutsDir, course.chapters.map((c) => c.file), "choose another --out (or course.json's \"handouts\")");
      // Loaded here, not at the top: other commands need not load KaTeX and markdown-it.
      const { buildHandouts } = await import("../../courseware/handout/build");
      const result = await buildHandouts(course, {
        outDir: flags.out,
        jobs,
        withSolutions: flags.withSolutions,
        standalone: flags.standalone,
        progress: true,
      });
      for (const f of result.failed) {
        for (const p of f.problems) process.stderr.write(`FAILED ${f.chapter.name}: ${p.startsWith(f.chapter.file) ? p.slice(f.chapter.file.length + 2) : p}\n`);
      }
      if (result.missing.length > 0) {
        process.stderr.write(`not built (no notebook yet): ${result.missing.map((c) => c.name).join(", ")}\n`);
      }
      process.stderr.write(`built ${result.built.length} of ${course.chapters.length} chapters\n`);
      process.stdout.write(`${displayPath(result.index)}\n`);
      if (result.failed.length > 0) process.exitCode = 1;
    });
}

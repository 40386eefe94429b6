/**
 * `vmlab fetch [DIR] [--course DIR]`: a student's own copies of the
 * chapters (solutions replaced, hidden tests removed) in DIR (default
 * my-notebooks/), never over a copy already there.
 */
import * as path from "path";
import type { Command } from "commander";
import { loadExerciseCourse } from "../../courseware/assignments";
import { fetchCopies } from "../../courseware/fetch";
import { displayPath } from "./export";

export const DEFAULT_STUDENT_FOLDER = "my-notebooks";

export function register(program: Command): void {
  program
    .command("fetch")
    .description("students: copy the chapters to work in (solutions and hidden tests removed) into a folder of your own; never overwrites your copies")
    .argument("[dir]", "the folder to write the copies into", DEFAULT_STUDENT_FOLDER)
    .option("--course <dir>", "the course folder holding course.json (default: the project's course/)")
    .action((dir: string, opts: { course?: string }) => {
      const result = fetchCopies(loadExerciseCourse(opts.course), path.resolve(dir));
      for (const f of result.written) process.stdout.write(`new   ${displayPath(f)}\n`);
      for (const f of result.kept) process.stdout.write(`kept  ${displayPath(f)} (your copy; delete it to fetch a fresh one)\n`);
      if (result.missing.length) process.stdout.write(`not yet written: ${result.missing.join(", ")}\n`);
      process.stdout.write(`open them with: jupyter lab ${displayPath(path.resolve(dir))}; check your answers with: npx vmlab check ${displayPath(path.resolve(dir))}/NN-name.ipynb\n`);
    });
}

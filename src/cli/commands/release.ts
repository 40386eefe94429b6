/**
 * `vmlab release [--course DIR] [--out DIR]`: student copies of the
 * course's notebooks (solutions stubbed, hidden tests removed, outputs
 * cleared, locked cells read-only) and a manifest of cell checksums.
 */
import * as path from "path";
import type { Command } from "commander";
import { loadExerciseCourse } from "../../courseware/assignments";
import { releaseCourse } from "../../courseware/release";

export function register(program: Command): void {
  program
    .command("release")
    .description("make the student copies of the course's notebooks (COURSE/release/)")
    .option("--course <dir>", "the course folder holding course.json (default: the project's course/)")
    .option("--out <dir>", "where to write the copies and manifest.json (default: COURSE/release)")
    .action((opts: { course?: string; out?: string }) => {
      const course = loadExerciseCourse(opts.course);
      const out = path.resolve(opts.out ?? course.releaseDir);
      const manifest = releaseCourse(course, out);
      for (const nb of manifest.notebooks) {
        const graded = nb.cells.filter((c) => c.kind === "tests").length;
        process.stdout.write(`${nb.file.padEnd(36)} ${String(graded).padStart(2)} graded cells, ${nb.max_score} points\n`);
      }
      if (manifest.missing.length) process.stdout.write(`not yet written, skipped: ${manifest.missing.join(", ")}\n`);
      process.stdout.write(`released ${manifest.notebooks.length} notebooks to ${out} (manifest.json lists the checksums)\n`);
    });
}

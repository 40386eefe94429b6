/**
 * `vmlab release [--course DIR] [--out DIR] [--force]`: student copies of the
 * course's notebooks (solutions stubbed, hidden tests removed, outputs
 * cleared, locked cells read-only) and a manifest of cell checksums. Says
 * what it did to each file; a copy edited by hand since the last release is
 * replaced only with --force, and kept as a backup (release-files.ts).
 */
import * as path from "path";
import type { Command } from "commander";
import { loadExerciseCourse } from "../../courseware/assignments";
import { releaseCourse } from "../../courseware/release";

const ACTION_WORDS = {
  new: "new",
  unchanged: "unchanged",
  replaced: "replaced (the source changed)",
  "replaced-edited": "replaced (it had been edited by hand)",
} as const;

export function register(program: Command): void {
  program
    .command("release")
    .description("make the student copies of the course's notebooks (COURSE/release/)")
    .option("--course <dir>", "the course folder holding course.json (default: the project's course/)")
    .option("--out <dir>", "where to write the copies and manifest.json (default: COURSE/release)")
    .option("--force", "replace copies edited by hand since the last release (each kept as NAME.ipynb.~N~)")
    .action((opts: { course?: string; out?: string; force?: boolean }) => {
      const course = loadExerciseCourse(opts.course);
      const out = path.resolve(opts.out ?? course.releaseDir);
      const manifest = releaseCourse(course, out, { force: opts.force });
      const actions = new Map((manifest.actions ?? []).map((a) => [a.file, a]));
      for (const nb of manifest.notebooks) {
        const graded = nb.cells.filter((c) => c.kind === "tests").length;
        const done = actions.get(nb.file);
        process.stdout.write(`${nb.file.padEnd(36)} ${String(graded).padStart(2)} graded cells, ${nb.max_score} points  ${done ? ACTION_WORDS[done.action] : ""}${done?.backup ? ` (your edited copy is kept as ${done.backup})` : ""}\n`);
      }
      if (manifest.missing.length) process.stdout.write(`not yet written, skipped: ${manifest.missing.join(", ")}\n`);
      process.stdout.write(`released ${manifest.notebooks.length} notebooks to ${out} (manifest.json lists the checksums)\n`);
    });
}

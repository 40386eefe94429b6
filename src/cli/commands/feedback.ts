/**
 * `vmlab feedback [--course DIR]`: an HTML page per student and notebook
 * with each exercise's score and message (COURSE/feedback/STUDENT/). A
 * student whose grades or graded notebook cannot be read is skipped with
 * the reason, the others still get their pages (exit status 1).
 */
import type { Command } from "commander";
import { loadExerciseCourse } from "../../courseware/assignments";
import { writeFeedback } from "../../courseware/feedback";
import { UserError } from "../../errors";

export function register(program: Command): void {
  program
    .command("feedback")
    .description("write an HTML feedback page per student and graded notebook (COURSE/feedback/)")
    .option("--course <dir>", "the course folder holding course.json (default: the project's course/)")
    .action((opts: { course?: string }) => {
      const course = loadExerciseCourse(opts.course);
      const summary = writeFeedback(course);
      for (const line of summary.skipped) process.stderr.write(`vmlab feedback: skipped ${line}\n`);
      if (summary.pages.length === 0 && summary.skipped.length === 0) throw new UserError(`nothing graded in ${course.autogradedDir}`, "run `vmlab grade SUBMISSIONS` first");
      process.stdout.write(`wrote ${summary.pages.length} feedback pages under ${summary.dir}${summary.skipped.length ? `; skipped ${summary.skipped.length} (above)` : ""}\n`);
      if (summary.skipped.length > 0) process.exitCode = 1;
    });
}

/**
 * `vmlab grade SUBMISSIONS [--course DIR] [--jobs N] [--timeout S] [--force]`:
 * autograde SUBMISSIONS/STUDENT/NN-name.ipynb in parallel; write
 * COURSE/gradebook.csv and COURSE/autograded/STUDENT/grades.json.
 */
import * as path from "path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { JOBS, parseNumber, parseOptionalNumber, SECONDS } from "../options";
import { loadExerciseCourse } from "../../courseware/assignments";
import { gradeSubmissions } from "../../courseware/grade";

interface Options {
  course?: string;
  jobs: string;
  timeout: string;
  totalTimeout?: string;
  force?: boolean;
  replaceGradebook?: boolean;
}

export function register(program: Command): void {
  program
    .command("grade")
    .description("autograde every submission: SUBMISSIONS/STUDENT/NN-name.ipynb (student code runs unsandboxed: see docs/grading.md)")
    .argument("<submissions>", "the folder of submissions, one folder per student")
    .option("--course <dir>", "the course folder holding course.json (default: the project's course/)")
    .option("-j, --jobs <n>", "submissions graded at once (1: one kernel at a time)", "2")
    .option("--timeout <s>", "time limit per cell, seconds", "60")
    .option("--total-timeout <s>", "time limit per notebook, seconds (default 10 x --timeout)")
    .option("--force", "grade again what is already graded")
    .option("--replace-gradebook", "write gradebook.csv with only these students (by default it keeps everyone graded before)")
    .action(async (submissions: string, opts: Options) => {
      const course = loadExerciseCourse(opts.course);
      const bar = new SingleBar({ format: "grading [{bar}] {value}/{total} | {eta_formatted} left | {label}", stream: process.stderr, etaBuffer: 8 });
      let started = false;
      const summary = await gradeSubmissions(course, path.resolve(submissions), {
        jobs: parseNumber("--jobs", opts.jobs, JOBS),
        timeoutSeconds: parseNumber("--timeout", opts.timeout, SECONDS),
        totalTimeoutSeconds: parseOptionalNumber("--total-timeout", opts.totalTimeout, SECONDS),
        force: opts.force,
        replaceGradebook: opts.replaceGradebook,
        onProgress: (done, total, label) => {
          if (!started && total > 0) {
            bar.start(total, 0, { label: "" });
            started = true;
          }
          if (started) bar.update(done, { label });
        },
      });
      if (started) bar.stop();
      for (const line of summary.ignored) process.stderr.write(`vmlab grade: ignored ${line}\n`);
      for (const s of summary.students) {
        for (const g of Object.values(s.notebooks)) {
          const why = g.problem ? `  (${g.problem})` : "";
          process.stdout.write(`${s.student_id.padEnd(16)} ${g.assignment.padEnd(28)} ${String(g.score).padStart(6)} / ${g.max_score}${why}\n`);
        }
      }
      process.stdout.write(`graded ${summary.graded}, skipped ${summary.skipped} already graded (--force to redo); gradebook: ${summary.gradebook}\n`);
    });
}

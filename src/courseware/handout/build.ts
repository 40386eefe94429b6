/**
 * `vmlab build`: every chapter of course.json whose notebook exists is
 * executed by the runner (src/notebook/run.ts), and the ones that ran
 * clean are exported with the index:
 *
 *   course.json --chapters--> runNotebooks --ok--> writeCourseSite --> handouts/
 *                                          \--failed--> reported by name and cell
 *
 * A failed chapter gets no page (an old one is removed, so the folder never
 * shows stale results) and is listed in the index without a link; the
 * others are still built.
 */
import * as fs from "fs";
import * as path from "path";
import type { Notebook } from "../../notebook/nbformat";
import { describeFailure } from "../../notebook/failure";
import type { RunProgress } from "../../notebook/progress";
import { runNotebooks } from "../../notebook/run";
import type { Chapter, Course } from "../course";
import { pageName, writeCourseSite } from "./site";

export interface BuildOptions {
  /** Where the pages go; default the course's handouts folder. */
  readonly outDir?: string;
  readonly jobs?: number;
  readonly withSolutions?: boolean;
  readonly standalone?: boolean;
  /** true: the runner's progress bars on stderr; or your own reporter. */
  readonly progress?: boolean | RunProgress;
}

export interface ChapterFailure {
  readonly chapter: Chapter;
  /** One line per failed cell, e.g. "cell 4: TypeError: x is undefined". */
  readonly problems: readonly string[];
}

export interface BuildResult {
  readonly index: string;
  readonly built: readonly Chapter[];
  readonly failed: readonly ChapterFailure[];
  /** Chapters of course.json whose notebook does not exist (yet). */
  readonly missing: readonly Chapter[];
}

export async function buildHandouts(course: Course, options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = options.outDir ?? course.handoutsDir;
  const present = course.chapters.filter((ch) => fs.existsSync(ch.file));
  const missing = course.chapters.filter((ch) => !fs.existsSync(ch.file));
  const runs = await runNotebooks(
    present.map((ch) => ch.file),
    { jobs: options.jobs, timeoutSeconds: course.timeoutSeconds, progress: options.progress ?? false },
  );
  const executed = new Map<string, Notebook>();
  const built: Chapter[] = [];
  const failed: ChapterFailure[] = [];
  runs.forEach((run, i) => {
    const chapter = present[i];
    if (run.ok && run.notebook) {
      executed.set(chapter.name, run.notebook);
      built.push(chapter);
    } else {
      const problems = run.problem ? [run.problem] : run.failures.map(describeFailure);
      failed.push({ chapter, problems: problems.length ? problems : ["failed"] });
      fs.rmSync(path.join(outDir, pageName(chapter.file)), { force: true });
    }
  });
  const site = writeCourseSite(course, executed, { outDir, withSolutions: options.withSolutions, standalone: options.standalone });
  return { index: site.index, built, failed, missing };
}

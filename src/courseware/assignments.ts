/**
 * A course as the exercise workflow sees it: its notebooks (each one an
 * assignment named after its file), their due dates and points, the
 * students, and where release, grading and feedback write.
 *
 *   COURSE_DIR/course.json       title, chapters, exercise settings
 *   COURSE_DIR/release/          `vmlab release` (student copies, manifest)
 *   COURSE_DIR/autograded/S/     `vmlab grade` (executed notebooks, S.json)
 *   COURSE_DIR/gradebook.csv     `vmlab grade`
 *   COURSE_DIR/feedback/S/       `vmlab feedback`
 *
 * The project's own course is course/ with its chapters in notebooks/; an
 * instructor's is any folder with a course.json (`--course DIR`).
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import type { Notebook } from "../notebook/nbformat";
import { sourcesOf } from "../notebook/output-guard";
import { readNotebook } from "../notebook/read";
import { withoutClaims } from "./claim";
import { loadCourse, projectCourseDir, type Student } from "./course";

export type { Student } from "./course";

export interface Assignment {
  /** The notebook's file name without `.ipynb`, e.g. "01-machine". */
  name: string;
  /** Absolute path of the source notebook (solutions, hidden tests). */
  file: string;
  /** ISO 8601 due date, if course.json gives one. */
  duedate: string;
}

export interface ExerciseCourse {
  dir: string;
  title: string;
  assignments: Assignment[];
  students: Student[];
  releaseDir: string;
  autogradedDir: string;
  feedbackDir: string;
  gradebook: string;
}

/** The course at `dir` (default: the project's own) for release, grade and feedback. */
export function loadExerciseCourse(dir: string = projectCourseDir()): ExerciseCourse {
  const course = loadCourse(dir);
  const assignments = course.chapters.map((ch) => ({ name: ch.name, file: ch.file, duedate: ch.duedate ?? "" }));
  const root = course.dir;
  return {
    dir: root,
    title: course.title,
    assignments,
    students: course.students ?? [],
    releaseDir: path.join(root, "release"),
    autogradedDir: path.join(root, "autograded"),
    feedbackDir: path.join(root, "feedback"),
    gradebook: path.join(root, "gradebook.csv"),
  };
}

/** What no command may write over: every assignment's source notebook and the folders holding them. */
export function exerciseSources(course: ExerciseCourse): string[] {
  return sourcesOf(course.assignments.map((a) => a.file));
}

/**
 * The source notebook of an assignment as release, grading and feedback
 * see it: its claim cells left out (claim.ts); a UserError if it cannot be read.
 */
export function loadSource(a: Assignment): Notebook {
  if (!fs.existsSync(a.file)) throw new UserError(`${a.file}: the course lists this notebook but it does not exist`);
  return withoutClaims(readNotebook(a.file));
}

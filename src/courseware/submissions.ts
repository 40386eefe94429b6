/**
 * Saying why a submissions folder holds nothing to grade, rather than
 * writing an empty gradebook. Grading reads one of two layouts:
 *
 *   SUBMISSIONS/STUDENT/NN-name.ipynb               vmlab's
 *   SUBMISSIONS/STUDENT/NN-name/NN-name.ipynb       nbgrader's submitted/
 *
 * so the usual mistakes are a folder one level too high or too low, or
 * notebooks named otherwise than the course's.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import type { ExerciseCourse } from "./assignments";

export const LAYOUT = "SUBMISSIONS/STUDENT/NN-name.ipynb, or nbgrader's SUBMISSIONS/STUDENT/NN-name/NN-name.ipynb";

/** Notebooks under `dir`, down to `depth` folders, relative to it (at most `limit`). */
function notebooksBelow(dir: string, depth: number, limit = 3): string[] {
  const found: string[] = [];
  const walk = (rel: string, level: number): void => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dir, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (found.length >= limit || name.startsWith(".")) continue;
      const child = path.join(rel, name);
      if (name.endsWith(".ipynb")) found.push(child);
      else if (level < depth) walk(child, level + 1);
    }
  };
  walk("", 1);
  return found;
}

/** The UserError for a submissions folder where no notebook of the course was found. */
export function noSubmissionsFound(course: ExerciseCourse, dir: string, ignored: readonly string[]): UserError {
  const names = course.assignments.map((a) => `${a.name}.ipynb`).join(", ");
  const expected = `grading expects ${LAYOUT}`;
  const top = notebooksBelow(dir, 1);
  if (top.length > 0) {
    return new UserError(`${dir}: nothing graded: it holds notebooks itself (${top.join(", ")}), not a folder per student; ${expected}`, "put each student's notebooks in a folder named after the student");
  }
  if (ignored.length > 0) {
    return new UserError(`${dir}: nothing graded: no submission is one of the course's notebooks (${ignored.slice(0, 2).join("; ")}${ignored.length > 2 ? `; ${ignored.length - 2} more` : ""})`, `the course's notebooks are ${names}`);
  }
  const deep = notebooksBelow(dir, 5).filter((f) => f.split(path.sep).length > 3 || (f.split(path.sep).length === 3 && path.basename(path.dirname(f)) !== path.basename(f, ".ipynb")));
  if (deep.length > 0) {
    return new UserError(`${dir}: nothing graded: the notebooks are deeper than a folder per student (e.g. ${deep[0]}); ${expected}`, `pass the folder that holds the students' folders, e.g. ${path.join(dir, deep[0].split(path.sep)[0])}`);
  }
  return new UserError(`${dir}: nothing graded: no submissions in it; ${expected}`, `the course's notebooks are ${names}`);
}

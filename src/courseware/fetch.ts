/**
 * `vmlab fetch`: a student's own copies of the chapters, the released
 * versions (solutions replaced by stubs, hidden tests removed: release.ts),
 * in a folder of the student's, as nbgrader's `fetch_assignment` puts
 * the released assignment in the student's home:
 *
 *   FOLDER/00-introduction.ipynb ...   written only where no file is yet:
 *                                      a copy a student has worked in is
 *                                      never overwritten (fetching again
 *                                      adds only chapters that are new)
 *   FOLDER/node_modules/vmlab          a link, so `import ... from "vmlab"`
 *                                      resolves wherever FOLDER is
 *
 * The instructor's sources (notebooks/) keep the solutions; a student who
 * opens them sees every answer.
 */
import * as fs from "fs";
import * as path from "path";
import { guardOutputs, writing } from "../notebook/output-guard";
import { serializeNotebook } from "../notebook/read";
import { exerciseSources, type ExerciseCourse } from "./assignments";
import { ensureLibraryResolves } from "../notebook/library-link";
import { releaseAssignment } from "./release";

export interface FetchResult {
  /** Copies written now. */
  written: string[];
  /** Copies already there, left as they are. */
  kept: string[];
  /** Chapters listed whose notebook does not exist yet. */
  missing: string[];
}

/** Writes the student copies of every chapter into `dir`, never over a file already there. */
export function fetchCopies(course: ExerciseCourse, dir: string): FetchResult {
  guardOutputs([{ path: dir, kind: "folder" }], exerciseSources(course), "choose a folder of your own (the default is my-notebooks)");
  const result: FetchResult = { written: [], kept: [], missing: [] };
  writing(dir, () => fs.mkdirSync(dir, { recursive: true }));
  for (const assignment of course.assignments) {
    if (!fs.existsSync(assignment.file)) {
      result.missing.push(assignment.name);
      continue;
    }
    const file = path.join(dir, path.basename(assignment.file));
    if (fs.existsSync(file)) {
      result.kept.push(file);
      continue;
    }
    const text = serializeNotebook(releaseAssignment(assignment).notebook);
    // "wx": fail rather than replace, should the file appear meanwhile.
    writing(file, () => fs.writeFileSync(file, text, { flag: "wx" }));
    result.written.push(file);
  }
  ensureLibraryResolves(dir);
  return result;
}

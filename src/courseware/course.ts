/**
 * course/course.json: the one description of a course that building,
 * releasing, grading and feedback all read. Its schema, on purpose small
 * (fields not listed here are kept and ignored, so later tools can add
 * theirs):
 *
 *   {
 *     "title": "vmlab: how virtual machines work",   required, the site's title
 *     "description": "one paragraph for the index",   optional
 *     "notebooks": "../notebooks",   optional, chapter files are relative to it
 *                                    (itself relative to course.json's folder)
 *     "handouts": "../handouts",     optional, where `vmlab build` writes
 *     "timeoutSeconds": 600,         optional, per cell, for `vmlab build`
 *     "chapters": [                  required, in reading order
 *       { "file": "00-introduction.ipynb",   required, unique
 *         "title": "What a virtual machine is",   required
 *         "summary": "one or two sentences",   required (the index shows it)
 *         "duedate": "2026-12-01T23:59:00Z" }  optional (exercise workflow)
 *     ],
 *     "students": [ { "id": "s1", "first_name": "", "last_name": "", "email": "" } ]
 *                                    optional (exercise workflow)
 *   }
 *
 * A chapter whose notebook does not exist yet is listed but not built.
 * Every mistake is a UserError naming course.json and the field, e.g.
 * `course/course.json: chapters[3].summary: expected a string`.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";

export interface Chapter {
  /** Absolute path of the notebook. */
  readonly file: string;
  /** The file name without `.ipynb`, e.g. "01-machine": its handout is NAME.html. */
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly duedate?: string;
  /** Every field of the chapter's JSON object, for tools that add their own. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface Student {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
}

export interface Course {
  /** Absolute path of the folder holding course.json. */
  readonly dir: string;
  /** Absolute path of course.json itself. */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly notebooksDir: string;
  readonly handoutsDir: string;
  readonly timeoutSeconds: number;
  readonly chapters: readonly Chapter[];
  readonly students?: Student[];
  /** The whole JSON object, for tools that add their own settings. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export const COURSE_FILE = "course.json";

/** The project's own course folder (course/ at the package root). */
export function projectCourseDir(): string {
  return path.resolve(__dirname, "..", "..", "course");
}

/** Reads and checks DIR/course.json (default: the project's). */
export function loadCourse(dir: string = projectCourseDir()): Course {
  const file = path.resolve(dir, COURSE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new UserError(`${file}: cannot read the course description`, "create it (see src/courseware/course.ts for its fields)");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseCourse(json, file);
}

/** Checks a parsed course.json; `file` is where it came from. */
export function parseCourse(json: unknown, file: string): Course {
  const where = (field: string): string => `${file}: ${field}`;
  const obj = asObject(json, where("the top level"));
  const dir = path.dirname(path.resolve(file));
  const notebooksDir = path.resolve(dir, optionalString(obj, "notebooks", where) ?? "../notebooks");
  const chapterList = obj.chapters;
  if (!Array.isArray(chapterList)) throw new UserError(`${where("chapters")}: expected a list of chapters`);
  const chapters = chapterList.map((c, i) => parseChapter(c, `chapters[${i}]`, notebooksDir, where));
  const seen = new Set<string>();
  chapters.forEach((c, i) => {
    if (seen.has(c.name)) throw new UserError(`${where(`chapters[${i}].file`)}: "${c.name}" is listed twice`);
    seen.add(c.name);
  });
  const timeout = obj.timeoutSeconds ?? 600;
  if (typeof timeout !== "number" || !(timeout > 0)) {
    throw new UserError(`${where("timeoutSeconds")}: expected a positive number of seconds`);
  }
  return {
    dir,
    file: path.resolve(file),
    title: requiredString(obj, "title", where),
    description: optionalString(obj, "description", where) ?? "",
    notebooksDir,
    handoutsDir: path.resolve(dir, optionalString(obj, "handouts", where) ?? "../handouts"),
    timeoutSeconds: timeout,
    chapters,
    students: parseStudents(obj.students, where),
    raw: obj,
  };
}

function parseChapter(json: unknown, field: string, notebooksDir: string, where: (f: string) => string): Chapter {
  const obj = asObject(json, where(field));
  const at = (f: string): string => where(`${field}.${f}`);
  const file = requiredString(obj, "file", at);
  if (!file.endsWith(".ipynb")) throw new UserError(`${at("file")}: "${file}" is not a notebook (.ipynb)`);
  return {
    file: path.resolve(notebooksDir, file),
    name: path.basename(file, ".ipynb"),
    title: requiredString(obj, "title", at),
    summary: requiredString(obj, "summary", at),
    duedate: optionalString(obj, "duedate", at),
    raw: obj,
  };
}

function parseStudents(json: unknown, where: (f: string) => string): Student[] | undefined {
  if (json === undefined) return undefined;
  if (!Array.isArray(json)) throw new UserError(`${where("students")}: expected a list of students`);
  return json.map((s, i) => {
    const obj = asObject(s, where(`students[${i}]`));
    const at = (f: string): string => where(`students[${i}].${f}`);
    return {
      id: requiredString(obj, "id", at),
      first_name: optionalString(obj, "first_name", at) ?? "",
      last_name: optionalString(obj, "last_name", at) ?? "",
      email: optionalString(obj, "email", at) ?? "",
    };
  });
}

function asObject(json: unknown, where: string): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(`${where}: expected a JSON object`);
  }
  return json as Record<string, unknown>;
}

function requiredString(obj: Record<string, unknown>, key: string, where: (f: string) => string): string {
  const v = obj[key];
  if (typeof v !== "string" || v.trim() === "") throw new UserError(`${where(key)}: expected a non-empty string`);
  return v;
}

function optionalString(obj: Record<string, unknown>, key: string, where: (f: string) => string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new UserError(`${where(key)}: expected a string`);
  return v;
}

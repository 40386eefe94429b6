/**
 * What grading writes, in the formats instructors already use:
 *
 *   COURSE/autograded/STUDENT/grades.json   every notebook's cells, points
 *                                           and messages (one per student)
 *   COURSE/gradebook.csv                    nbgrader's `export` columns, one row
 *                                           per student and notebook ever graded:
 *     assignment,duedate,timestamp,student_id,last_name,first_name,email,
 *     raw_score,late_submission_penalty,score,max_score
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import { writing } from "../notebook/output-guard";
import type { CellNote } from "./assemble";
import type { ExerciseCourse, Student } from "./assignments";
import type { CellGrade } from "./score";

/** One student's grade for one notebook. */
export interface NotebookGrade {
  assignment: string;
  /** The submitted file, relative to the submissions folder. */
  file: string;
  /** sha256 of the submitted file and of the source it was graded against. */
  sha256: string;
  source_sha256: string;
  timestamp: string;
  graded_at: string;
  score: number;
  max_score: number;
  /** Set when the whole notebook got nothing: why (not a notebook, ...). */
  problem?: string;
  cells: CellGrade[];
  notes: CellNote[];
}

export interface StudentGrades {
  student_id: string;
  notebooks: Record<string, NotebookGrade>;
}

export const GRADES_FILE = "grades.json";

export function gradesPath(course: ExerciseCourse, student: string): string {
  return path.join(course.autogradedDir, student, GRADES_FILE);
}

/** A student's earlier grades, or none (an unreadable file counts as none). */
export function readStudentGrades(course: ExerciseCourse, student: string): StudentGrades {
  try {
    const json = JSON.parse(fs.readFileSync(gradesPath(course, student), "utf8")) as StudentGrades;
    if (json && typeof json.notebooks === "object" && json.notebooks !== null) return { student_id: student, notebooks: json.notebooks };
  } catch {
    // not graded yet
  }
  return { student_id: student, notebooks: {} };
}

export function writeStudentGrades(course: ExerciseCourse, grades: StudentGrades): void {
  const file = gradesPath(course, grades.student_id);
  writing(file, () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(grades, null, 2) + "\n");
    fs.renameSync(tmp, file);
  });
}

export const GRADEBOOK_COLUMNS = [
  "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
  "raw_score", "late_submission_penalty", "score", "max_score",
] as const;

export type GradebookRow = Record<(typeof GRADEBOOK_COLUMNS)[number], string | number>;

/**
 * One row per student and assignment that anyone submitted (a student who
 * did not submit it gets 0, as nbgrader's export does), sorted by
 * assignment then student. `earlier` rows (the gradebook as it was) are
 * kept for every student and assignment these grades do not cover, so a
 * gradebook only ever gains students.
 */
export function gradebookRows(course: ExerciseCourse, all: readonly StudentGrades[], maxScores: ReadonlyMap<string, number>, earlier: readonly GradebookRow[] = []): GradebookRow[] {
  const key = (assignment: string, student: string): string => `${assignment}\u0000${student}`;
  const before = new Map(earlier.map((r) => [key(String(r.assignment), String(r.student_id)), r]));
  const submitted = new Set([...all.flatMap((s) => Object.keys(s.notebooks)), ...earlier.map((r) => String(r.assignment))]);
  const students = [...new Set([...all.map((s) => s.student_id), ...earlier.map((r) => String(r.student_id))])].sort((x, y) => x.localeCompare(y));
  const grades = new Map(all.map((s) => [s.student_id, s]));
  const names = [...course.assignments.map((a) => a.name), ...[...submitted].filter((n) => !course.assignments.some((a) => a.name === n)).sort()];
  const rows: GradebookRow[] = [];
  for (const name of names.filter((n) => submitted.has(n))) {
    const a = course.assignments.find((x) => x.name === name);
    for (const id of students) {
      const g = grades.get(id)?.notebooks[name];
      const kept = before.get(key(name, id));
      if (!g && kept) {
        rows.push(kept);
        continue;
      }
      const who: Student | undefined = course.students.find((st) => st.id === id);
      const raw = g?.score ?? 0;
      const penalty = 0; // nbgrader's default late policy ("none")
      rows.push({
        assignment: name,
        duedate: a?.duedate ?? "",
        timestamp: g?.timestamp ?? "",
        student_id: id,
        last_name: who?.last_name ?? "",
        first_name: who?.first_name ?? "",
        email: who?.email ?? "",
        raw_score: raw,
        late_submission_penalty: penalty,
        score: Math.round((raw - penalty) * 100) / 100,
        max_score: g?.max_score ?? maxScores.get(name) ?? 0,
      });
    }
  }
  return rows;
}

/** RFC 4180: a field with a comma, quote or line break is quoted. */
function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly GradebookRow[]): string {
  const lines = [GRADEBOOK_COLUMNS.join(",")];
  for (const row of rows) lines.push(GRADEBOOK_COLUMNS.map((c) => csvField(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") record.push(field), (field = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field), records.push(record), (record = []), (field = "");
    } else field += ch;
  }
  if (field !== "" || record.length > 0) record.push(field), records.push(record);
  return records.filter((r) => !(r.length === 1 && r[0] === ""));
}

/**
 * The gradebook as it is on disk, to merge into (none yet: no rows). One
 * that is not nbgrader's columns is a UserError: it is someone's file, and
 * rewriting it would lose it.
 */
export function readGradebook(file: string): GradebookRow[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === "EISDIR" ? "it is a folder, not a file" : String(err)}`);
  }
  const [header, ...records] = parseCsv(text);
  if (!header || header.join(",") !== GRADEBOOK_COLUMNS.join(",")) {
    throw new UserError(`${file}: not a gradebook vmlab wrote (its first line should be ${GRADEBOOK_COLUMNS.join(",")})`, "move it away, or pass --replace-gradebook to write a new one over it");
  }
  return records.map((r, line) => {
    if (r.length !== GRADEBOOK_COLUMNS.length) throw new UserError(`${file}:${line + 2}: expected ${GRADEBOOK_COLUMNS.length} fields, found ${r.length}`, "fix the line, or pass --replace-gradebook to write a new gradebook");
    const row = {} as GradebookRow;
    GRADEBOOK_COLUMNS.forEach((c, i) => (row[c] = r[i]));
    return row;
  });
}

export function writeGradebook(course: ExerciseCourse, rows: readonly GradebookRow[]): void {
  writing(course.gradebook, () => {
    fs.mkdirSync(path.dirname(course.gradebook), { recursive: true });
    const tmp = `${course.gradebook}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, toCsv(rows));
    fs.renameSync(tmp, course.gradebook);
  });
}

/** Every student with a grades.json under autograded/: everyone graded so far. */
export function gradedStudentIds(course: ExerciseCourse): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(course.autogradedDir);
  } catch {
    return [];
  }
  return names.filter((s) => fs.existsSync(gradesPath(course, s))).sort();
}

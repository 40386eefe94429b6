/**
 * What grading writes, in the formats instructors already use:
 *
 *   COURSE/autograded/STUDENT/grades.json   every notebook's cells, points
 *                                           and messages (one per student)
 *   COURSE/gradebook.csv                    nbgrader's `export` columns:
 *     assignment,duedate,timestamp,student_id,last_name,first_name,email,
 *     raw_score,late_submission_penalty,score,max_score
 */
import * as fs from "fs";
import * as path from "path";
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
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(grades, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

export const GRADEBOOK_COLUMNS = [
  "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
  "raw_score", "late_submission_penalty", "score", "max_score",
] as const;

export type GradebookRow = Record<(typeof GRADEBOOK_COLUMNS)[number], string | number>;

/**
 * One row per student and assignment that anyone submitted (a student who
 * did not submit it gets 0, as nbgrader's export does), sorted by
 * assignment then student.
 */
export function gradebookRows(course: ExerciseCourse, all: readonly StudentGrades[], maxScores: ReadonlyMap<string, number>): GradebookRow[] {
  const submitted = new Set(all.flatMap((s) => Object.keys(s.notebooks)));
  const rows: GradebookRow[] = [];
  for (const a of course.assignments.filter((x) => submitted.has(x.name))) {
    for (const s of [...all].sort((x, y) => x.student_id.localeCompare(y.student_id))) {
      const g = s.notebooks[a.name];
      const who: Student | undefined = course.students.find((st) => st.id === s.student_id);
      const raw = g?.score ?? 0;
      const penalty = 0; // nbgrader's default late policy ("none")
      rows.push({
        assignment: a.name,
        duedate: a.duedate,
        timestamp: g?.timestamp ?? "",
        student_id: s.student_id,
        last_name: who?.last_name ?? "",
        first_name: who?.first_name ?? "",
        email: who?.email ?? "",
        raw_score: raw,
        late_submission_penalty: penalty,
        score: Math.round((raw - penalty) * 100) / 100,
        max_score: g?.max_score ?? maxScores.get(a.name) ?? 0,
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

export function writeGradebook(course: ExerciseCourse, rows: readonly GradebookRow[]): void {
  fs.mkdirSync(path.dirname(course.gradebook), { recursive: true });
  fs.writeFileSync(course.gradebook, toCsv(rows));
}

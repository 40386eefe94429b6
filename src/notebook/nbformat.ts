/**
 * nbformat 4.5 (https://nbformat.readthedocs.io, schema v4.5): the types
 * every part of vmlab that reads or writes notebooks shares. Reading,
 * validating and writing live beside this file.
 */

/** Multiline strings may be stored as one string or a list of lines. */
export type MultilineString = string | string[];

export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** nbgrader's cell metadata, schema version 3 (COURSE.md). */
export interface NbgraderMetadata {
  grade: boolean;
  solution: boolean;
  locked: boolean;
  task?: boolean;
  points?: number;
  grade_id: string;
  schema_version: 3;
  checksum?: string;
}

export interface CellMetadata {
  tags?: string[];
  nbgrader?: NbgraderMetadata;
  [key: string]: unknown;
}

interface CellBase {
  id: string;
  source: MultilineString;
  metadata: CellMetadata;
}
export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}
export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  attachments?: Record<string, MimeBundle>;
}
export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: Record<string, MimeBundle>;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface NotebookMetadata {
  kernelspec?: { name: string; display_name: string; language?: string };
  language_info?: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}

/** A multiline string as one string. */
export function joinSource(s: MultilineString): string {
  return Array.isArray(s) ? s.join("") : s;
}

/** A string as nbformat's list of lines, each but the last ending in "\n". */
export function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n").map((l, i, all) => (i < all.length - 1 ? l + "\n" : l));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

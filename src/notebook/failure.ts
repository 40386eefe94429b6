/**
 * The `error` output of a failed cell. tslab sends no iopub `error`
 * message: its execute_reply says status "error" with no ename, evalue or
 * traceback, and the reason went to stderr (NOTES-tslab.md). So the runner
 * reads it back from that stderr text:
 *
 *   TypeError: Cannot read properties of undefined (reading 'x')   <- an exception:
 *       at evalmachine.<anonymous>:3:9                                 ename, evalue
 *   3:5 - Cannot find name 'y'.                                     <- a compile error
 *   anything else (a thrown string, an object)                      <- "Error", the text
 *
 * The traceback holds one line, `ename: evalue`: frontends show the
 * traceback of an error output, and the stack itself is already in the
 * stderr stream above it.
 */
import type { ErrorOutput } from "./nbformat";

export type FailureReason = "error" | "timeout" | "kernel-died";

export interface Failure {
  /** Index of the cell in notebook.cells (0-based). */
  cellIndex: number;
  ename: string;
  evalue: string;
  reason: FailureReason;
}

const STACK_LINE = /^\s+at /;
/** `Name: message` or `Name [code]: message`, as util.inspect prints errors. */
const ERROR_HEADER = /^([A-Za-z_$][\w$.]*)(?: \[[^\]]*\])?: (.*)$/;
const BARE_ERROR = /^([A-Za-z_$][\w$]*(?:Error|Exception))$/;
/** tslab's printDiagnostics: `[file ]line:col - message`. */
const DIAGNOSTIC = /^(?:\S.* )?(\d+):(\d+) - (.*)$/;

/** ename and evalue from a failed cell's stderr. */
export function errorFromStderr(stderr: string): { ename: string; evalue: string } {
  const lines = stderr.replace(/\r\n/g, "\n").split("\n");
  return fromStack(lines) ?? fromDiagnostics(lines) ?? fromText(stderr);
}

/** The last stack printed: its header is the nearest error line above it. */
function fromStack(lines: string[]): { ename: string; evalue: string } | undefined {
  let first = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (STACK_LINE.test(lines[i])) first = i;
    else if (first >= 0) break;
  }
  if (first < 0) return undefined;
  for (let h = first - 1; h >= Math.max(0, first - 40); h--) {
    const header = ERROR_HEADER.exec(lines[h]);
    if (header) return { ename: header[1], evalue: [header[2], ...lines.slice(h + 1, first)].join("\n") };
    const bare = BARE_ERROR.exec(lines[h]);
    if (bare) return { ename: bare[1], evalue: lines.slice(h + 1, first).join("\n") };
  }
  return undefined;
}

function fromDiagnostics(lines: string[]): { ename: string; evalue: string } | undefined {
  for (const line of lines) {
    const d = DIAGNOSTIC.exec(line);
    if (d) return { ename: "CompileError", evalue: `line ${d[1]}, column ${d[2]}: ${d[3]}` };
  }
  return undefined;
}

function fromText(stderr: string): { ename: string; evalue: string } {
  const text = stderr.trim();
  if (text === "") return { ename: "Error", evalue: "the cell failed (tslab printed no reason)" };
  const lines = text.split("\n");
  return { ename: "Error", evalue: text.length <= 500 ? text : lines[lines.length - 1].slice(0, 500) };
}

export function errorOutput(ename: string, evalue: string): ErrorOutput {
  return { output_type: "error", ename, evalue, traceback: [evalue === "" ? ename : `${ename}: ${evalue}`] };
}

/**
 * The first line of a failure, for summaries: `cell 3: TypeError: boom`;
 * a failed claim (courseware/claim.ts) as `cell 14, claim: STATEMENT: EVIDENCE`.
 */
export function describeFailure(f: Failure): string {
  const first = f.evalue.split("\n")[0];
  if (f.ename === "ClaimFailed") return `cell ${f.cellIndex + 1}, claim: ${first}`;
  return `cell ${f.cellIndex + 1}: ${first === "" ? f.ename : `${f.ename}: ${first}`}`;
}

/**
 * How the assembler reports a mistake: like a compiler, every error names
 * `file:line:column`, shows the line and puts a caret under the column
 * (ISA.md, "Assembly syntax"). The assembler keeps going after an error and
 * throws one AssemblyError holding all of them.
 *
 *   kernel.s:12:9: error: unknown register 'a9'; did you mean 'a0'?
 *       add a9, a1, a2
 *           ^
 */
import { UserError, located } from "../../errors";

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  /** 1-based, counted in characters of the source line. */
  readonly column: number;
  readonly message: string;
  readonly sourceLine: string;
}

/**
 * Errors shown in one report; the rest are counted. Later errors often
 * follow from the first, and a terminal should not drown in 100,000 of
 * them (a binary file, a file of the wrong kind).
 */
export const MAX_REPORTED_ERRORS = 20;

/** Thrown once per assembly, with every error of the file (`diagnostics`); its message shows the first ones. */
export class AssemblyError extends UserError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(formatReport(diagnostics));
    this.name = "AssemblyError";
  }
}

function formatReport(diagnostics: readonly Diagnostic[]): string {
  const shown = diagnostics.slice(0, MAX_REPORTED_ERRORS).map(formatDiagnostic);
  const more = diagnostics.length - shown.length;
  if (more > 0) shown.push(`... and ${more} more error${more === 1 ? "" : "s"} (${diagnostics.length} in all): fix the first ones and assemble again`);
  return shown.join("\n");
}

/**
 * An error inside one statement, at a column of its line. Internal: the
 * assembler catches it, turns it into a Diagnostic and moves on.
 */
export class LineError extends Error {
  constructor(readonly column: number, message: string) {
    super(message);
    this.name = "LineError";
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const { text, caretAt } = echoed(d.sourceLine, d.column);
  const caretPad = text.slice(0, caretAt).replace(/[^\t]/g, " ");
  return [
    located(d.file, d.line, d.column, `error: ${d.message}`),
    `    ${text}`,
    `    ${caretPad}^`,
  ].join("\n");
}

/** The longest source line echoed whole; a longer one is cut around the column. */
export const MAX_ECHOED_CHARS = 160;

/**
 * The source line as an error shows it: control characters (but tabs) as
 * `?` so the terminal shows them as they are counted, and a long line cut
 * to a window around the column, marked with "...".
 */
function echoed(line: string, column: number): { text: string; caretAt: number } {
  const clean = line.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, "?");
  const at = Math.max(0, Math.min(column - 1, clean.length));
  if (clean.length <= MAX_ECHOED_CHARS) return { text: clean, caretAt: at };
  const start = Math.max(0, Math.min(at - MAX_ECHOED_CHARS / 2, clean.length - MAX_ECHOED_CHARS));
  const end = start + MAX_ECHOED_CHARS;
  const head = start > 0 ? "..." : "";
  const tail = end < clean.length ? "..." : "";
  return { text: head + clean.slice(start, end) + tail, caretAt: head.length + at - start };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** `; did you mean 'x'?` when a candidate is close enough, else "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const lower = word.toLowerCase();
  let best = "";
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Close means a third of the letters at most, and never all of them
  // (a one-letter name is not "close" to every other one-letter name).
  const limit = Math.min(Math.max(1, Math.floor(word.length / 3)), word.length - 1);
  return bestDistance <= limit ? `; did you mean '${best}'?` : "";
}

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

/** Thrown once per assembly, with every error of the file. */
export class AssemblyError extends UserError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "AssemblyError";
  }
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
  const caretPad = d.sourceLine
    .slice(0, Math.max(0, d.column - 1))
    .replace(/[^\t]/g, " ");
  return [
    located(d.file, d.line, d.column, `error: ${d.message}`),
    `    ${d.sourceLine}`,
    `    ${caretPad}^`,
  ].join("\n");
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

/**
 * Assembling several .s files as one program, as if each were included
 * after the one before (the C preprocessor's #include, which toy32's
 * assembler does not have). The kernel is split by concern (kernel.s,
 * kernel/trap.s, kernel/vm.s, ...) and each user program gets ulib.s
 * appended; an error or a listing line still names its own file and line:
 *
 *   joined line   1 ........ 212 | 213 ........ 340 | 341 ...
 *   file:line     kernel.s:1..212 | trap.s:1..128    | syscall.s:1 ...
 */
import { assemble, AssemblyError, type Program } from "../machine/assembler";

export interface SourceFile {
  /** The name errors and listings show, e.g. "kernel/trap.s". */
  readonly file: string;
  readonly source: string;
}

interface Span {
  readonly file: string;
  /** First line of the file in the joined text, 1-based. */
  readonly first: number;
  readonly count: number;
}

/** Assembles `files` in order at `origin`; locations name each file. */
export function assembleFiles(files: readonly SourceFile[], origin: number): Program {
  if (files.length === 0) throw new Error("assembleFiles needs at least one file");
  const spans: Span[] = [];
  const lines: string[] = [];
  for (const f of files) {
    const own = f.source.split(/\r?\n/);
    spans.push({ file: f.file, first: lines.length + 1, count: own.length });
    lines.push(...own);
  }
  const locate = (line: number): { file: string; line: number } => {
    const span = spans.find((s) => line >= s.first && line < s.first + s.count) ?? spans[spans.length - 1];
    return { file: span.file, line: line - span.first + 1 };
  };
  let program: Program;
  try {
    program = assemble(lines.join("\n"), { file: files[0].file, origin });
  } catch (err) {
    if (err instanceof AssemblyError) throw new AssemblyError(err.diagnostics.map((d) => ({ ...d, ...locate(d.line) })));
    throw err;
  }
  return { ...program, listing: program.listing.map((l) => ({ ...l, ...locate(l.line) })) };
}

/**
 * The one kind of error a user sees: bad input (an assembly file, a
 * notebook, a submission, a flag). It carries a one-line message that says
 * what was wrong and where; the command prints it without a stack trace.
 * Bugs in vmlab itself are plain Errors and keep their traces.
 *
 * A guest's trap is never an exception (STYLE.md 5): it is a value.
 */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "UserError";
  }
}

/** `file:line:column: message`, the form editors and terminals link. */
export function located(file: string, line: number, column: number, message: string): string {
  return `${file}:${line}:${column}: ${message}`;
}

/**
 * Runs a file-system step that writes `target`, turning its failure (a path
 * through a regular file, no permission) into a one-line UserError.
 */
export function writing<T>(target: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code !== "string") throw err;
    throw new UserError(`cannot write ${target}: ${e.code === "ENOTDIR" ? "a part of the path is a file" : e.code === "EACCES" ? "permission denied" : e.message}`);
  }
}

/**
 * JVMS 17 4.8: a class file that does not satisfy the format checks is
 * rejected with a ClassFormatError. Ours names the file, the class (once
 * it is known), the byte offset and what was wrong, and is the only error
 * the parser throws: a hostile file never crashes the host.
 */
import { UserError } from "../../errors";

export class ClassFormatError extends UserError {
  constructor(
    readonly file: string,
    readonly className: string | undefined,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}${className ? ` (class ${className})` : ""}: ClassFormatError at byte ${offset}: ${reason}`);
    this.name = "ClassFormatError";
  }
}

/**
 * Numeric command-line options, range-checked in one place: a value outside
 * what the command can honour is refused with the flag's name and the range
 * it accepts, never passed on to fail later under an internal name (or, like
 * a timer past 2^31 ms, to misbehave silently).
 *
 *   parseIntegerOption("--max-cycles", "1_000", { min: 1, max: 2 ** 53 - 1 })  ->  1000
 *   parseIntegerOption("--timer", "soon", { min: 0 })
 *     -> UserError: --timer wants a whole number from 0 to 4294967295, not "soon"
 */
import { UserError } from "../errors";

export interface IntegerRange {
  readonly min: number;
  /** Default: Number.MAX_SAFE_INTEGER. */
  readonly max?: number;
  /** What the number counts, for the message: "cycles", "bytes". */
  readonly unit?: string;
  /** Why the range is what it is, shown as the error's hint. */
  readonly why?: string;
}

/** Decimal, or 0x hex; `_` may group digits (1_000_000). */
const INTEGER = /^(?:0x[0-9a-f]+(?:_[0-9a-f]+)*|\d+(?:_\d+)*)$/i;

/** A whole number within `range`, from the text given to `flag`. */
export function parseIntegerOption(flag: string, text: string, range: IntegerRange): number {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const trimmed = text.trim();
  const value = INTEGER.test(trimmed) ? Number(trimmed.replace(/_/g, "")) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > max) {
    const unit = range.unit ? ` ${range.unit}` : "";
    throw new UserError(`${flag} wants a whole number${unit} from ${range.min} to ${max}, not "${text}"`, range.why);
  }
  return value;
}

/** Like parseIntegerOption for an option that may be absent. */
export function parseOptionalInteger(flag: string, text: string | undefined, range: IntegerRange): number | undefined {
  return text === undefined ? undefined : parseIntegerOption(flag, text, range);
}

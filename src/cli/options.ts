/**
 * Numeric command-line options, range-checked in one place: a value outside
 * what the command can honour is refused with the flag's name, what was
 * typed and what is accepted, never passed on to fail later under an
 * internal name:
 *
 *   vmlab: --max-cycles "0": expected a whole number of cycles from 1 to 9007199254740991
 *
 * The same API as the instructor branch's src/cli/options.ts (parseNumber,
 * parseOptionalNumber, describeRange), so the two merge into that one file.
 */
import { UserError } from "../errors";

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** What the number counts, for the message: "seconds", "cycles", "bytes". */
  readonly unit?: string;
  /** A reading of the maximum for people, e.g. "about 24 days". */
  readonly maxMeaning?: string;
}

const DECIMAL = /^[+-]?(\d(_?\d)*)?(\.\d(_?\d)*)?([eE][+-]?\d+)?$/;
const HEX = /^0[xX][0-9a-fA-F](_?[0-9a-fA-F])*$/;

/** The number `text` spells for `flag`, or a UserError saying what is accepted. */
export function parseNumber(flag: string, text: string | undefined, range: NumberRange): number {
  const typed = (text ?? "").trim();
  const refuse = (): never => {
    throw new UserError(`${flag} ${JSON.stringify(text ?? "")}: expected ${describeRange(range)}`);
  };
  let value: number;
  if (HEX.test(typed)) {
    if (!range.integer) refuse();
    value = Number(typed.replace(/_/g, ""));
  } else if (DECIMAL.test(typed) && /\d/.test(typed)) {
    value = Number(typed.replace(/_/g, ""));
  } else {
    return refuse();
  }
  if (!Number.isFinite(value) || value < range.min || value > range.max) refuse();
  if (range.integer && !Number.isSafeInteger(value)) refuse();
  return value;
}

/** An optional option: undefined stays undefined. */
export function parseOptionalNumber(flag: string, text: string | undefined, range: NumberRange): number | undefined {
  return text === undefined ? undefined : parseNumber(flag, text, range);
}

/** "a whole number from 1 to 256", "a number of seconds from 0.001 to 2147483 (about 24 days)". */
export function describeRange(range: NumberRange): string {
  const kind = range.integer ? "a whole number" : "a number";
  const unit = range.unit ? ` of ${range.unit}` : "";
  const meaning = range.maxMeaning ? ` (${range.maxMeaning})` : "";
  return `${kind}${unit} from ${range.min} to ${range.max}${meaning}`;
}

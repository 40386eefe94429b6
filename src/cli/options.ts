/**
 * The one parser of numeric command-line options. Every number a user
 * types (--jobs, --timeout, --max-cycles, --memory, ...) is checked here
 * against the range the command can honour, and a bad one gets one line
 * naming the flag, what was typed and what is accepted:
 *
 *   vmlab: --timeout 1e9: expected a number of seconds from 0.001 to 2147483 (about 24 days)
 *
 * Accepted spellings: decimal (`12`, `0.5`, `1e6`), `_` between digits
 * (`100_000_000`), and for whole numbers hexadecimal (`0x10000`). Blank
 * text, `Infinity`, `NaN` and trailing junk (`12s`) are refused: Number("")
 * is 0 and parseInt("12s") is 12, and neither is what the user meant.
 */
import { UserError } from "../errors";
import { MAX_TIMER_MS } from "../notebook/timers";

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** What the number counts, for the message: "seconds", "cycles", "bytes". */
  readonly unit?: string;
  /** A reading of the maximum for people, e.g. "about 24 days". */
  readonly maxMeaning?: string;
  /** Why the range is what it is: the message's hint (what to do instead). */
  readonly why?: string;
}

/** A time limit in seconds is at most what Node's timers hold (notebook/timer.ts). */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** The range of a time limit in seconds. */
export const SECONDS: NumberRange = { min: 0.001, max: MAX_TIMER_SECONDS, unit: "seconds", maxMeaning: "about 24 days" };

/** The range of --jobs: at least one, and no more than a machine could start kernels for. */
export const JOBS: NumberRange = { min: 1, max: 256, integer: true };

/** The range of --max-output: bytes of stream text a cell keeps. */
export const OUTPUT_BYTES: NumberRange = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, unit: "bytes" };

const DECIMAL = /^[+-]?(\d(_?\d)*)?(\.\d(_?\d)*)?([eE][+-]?\d+)?$/;
const HEX = /^0[xX][0-9a-fA-F](_?[0-9a-fA-F])*$/;

/** The number `text` spells for `flag`, or a UserError saying what is accepted. */
export function parseNumber(flag: string, text: string | undefined, range: NumberRange): number {
  const typed = (text ?? "").trim();
  const refuse = (): never => {
    throw new UserError(`${flag} ${JSON.stringify(text ?? "")}: expected ${describeRange(range)}`, range.why);
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

/**
 * Numeric command-line options, checked before anything runs: a value out
 * of range is a one-line message naming the flag, what it wants and what it
 * got (`--jobs wants a whole number from 1 to 64, not "0"`).
 */
import { UserError } from "../errors";

/** A whole number from `min` to `max`. */
export function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`${flag} wants a whole number from ${min} to ${max.toLocaleString("en-US")}, not "${text}"`);
  }
  return n;
}

/**
 * A positive number of seconds. Any finite length is accepted: the timers
 * behind it are clamped (src/notebook/timers.ts), so a huge one means "about
 * 24.8 days", never "at once".
 */
export function positiveSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UserError(`${flag} wants a positive number of seconds, not "${text}"`);
  return n;
}

/** Notebooks or chapters run at once: more than this only starves each of them. */
export const MAX_JOBS = 64;

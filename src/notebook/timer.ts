/**
 * Timers that keep their word. Node stores a timer's delay as a signed
 * 32-bit count of milliseconds; its timers documentation: "When delay is
 * larger than 2147483647 or less than 1, the delay will be set to 1." A
 * time limit of 25 days would so fire at once and fail every cell. Every
 * time limit goes through `clampDelayMs` (about 24.8 days at most).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay Node's timers honour: `ms` cut to 1 .. MAX_TIMER_MS (NaN counts as the maximum). */
export function clampDelayMs(ms: number): number {
  if (Number.isNaN(ms)) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.round(ms)));
}

/** A limit in seconds that `clampDelayMs` keeps whole. */
export function clampSeconds(seconds: number): number {
  return clampDelayMs(seconds * 1000) / 1000;
}

/**
 * Timers that wait as long as they are asked to. Node keeps a timer's delay
 * in a signed 32-bit count of milliseconds: anything above 2^31 - 1 ms
 * (about 24.8 days, a `--timeout` of 2,147,484 s; or a total of per-cell
 * limits) is replaced by 1 ms with a TimeoutOverflowWarning, so the timer
 * fires at once. Every timer in src/notebook goes through here.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` made safe for setTimeout: a finite count from 0 to MAX_TIMER_MS. */
export function clampTimerMs(ms: number): number {
  if (Number.isNaN(ms) || ms < 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/** setTimeout with its delay clamped (a longer wait fires after about 24.8 days, not at once). */
export function setClampedTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(callback, clampTimerMs(ms));
}

/** Resolves after `ms` (clamped). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setClampedTimeout(resolve, ms));
}

/** A limit in seconds that a clamped timer keeps whole (at most about 24.8 days). */
export function clampSeconds(seconds: number): number {
  return clampTimerMs(seconds * 1000) / 1000;
}

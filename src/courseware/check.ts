/**
 * `check`: the test helper of exercise cells (COURSE.md: "tests print a
 * readable message on failure and throw; partial credit and a message can
 * both be given").
 *
 *   import { check } from "vmlab";
 *   check("translate", (t) => {
 *     t.equal(translate(0x00401234), 0x00805234, "a mapped address");
 *     t.close(() => hitRate(trace), 0.75, { abs: 0.01 }, "hit rate", 2);
 *   });
 *
 shows the student a verdict, e.g.
 *
 *   ✗ translate: 1 of 3 points
 *     ✓ a mapped address
 *     ✗ hit rate: threw Error: not implemented yet
 *
 * and throws when any assertion failed, so the cell fails in Jupyter as a
 * failed test should. The verdict is one display_data output whose bundle
 * also carries the score for `vmlab grade`, under a MIME type of its own
 * that no notebook renders (every frontend shows the richest type it knows,
 * here text/plain):
 *
 *   { "text/plain": "✗ translate: 1 of 3 points\n  ✓ ...",
 *     "application/vnd.vmlab.score+json": {"name":"translate","points":1,"max":3,"message":"..."} }
 *
 * A grade cell earns its points times points/max of the checks it ran
 * (nbgrader gives partial credit from a number the cell outputs). Outside
 * a kernel, or with a tslab whose display writer is not found, the verdict
 * is printed and the score follows as the older `vmlab-score: {...}` line
 * on stdout, which grading still reads.
 *
 * Each assertion weighs 1 point unless given another weight. An `actual`
 * given as a function is called inside the check, so a student's function
 * that throws fails that assertion only; a body that throws anyway stops
 * the check and counts as one more failed point.
 */
import { inspect, isDeepStrictEqual } from "util";
import { tslabWriter, type DisplayWriter } from "../plot/display";

/** The prefix of the machine-readable score line (printed only where no display can be sent). */
export const SCORE_PREFIX = "vmlab-score: ";

/** The MIME type of the score in a verdict's display bundle. */
export const SCORE_MIME = "application/vnd.vmlab.score+json";

/** Where verdicts go: the kernel's display writer, or stdout. */
export interface CheckHost {
  writer(): DisplayWriter | null;
  print(text: string): void;
}

const kernelHost: CheckHost = { writer: tslabWriter, print: (text) => console.log(text) };
let host: CheckHost = kernelHost;

/** Sends verdicts to `next` (tests); with no argument, back to the kernel. */
export function setCheckHost(next: CheckHost = kernelHost): void {
  host = next;
}

/** What the score line carries. */
export interface CheckScore {
  name: string;
  points: number;
  max: number;
  message: string;
}

/** One assertion's outcome. */
export interface Verdict {
  label: string;
  passed: boolean;
  points: number;
  max: number;
  detail: string;
}

/** Tolerances for `close`, as Python's math.isclose: |a-b| <= max(rel*max(|a|,|b|), abs). */
export interface Tolerance {
  abs?: number;
  rel?: number;
}

/** A failed check: the error a cell fails with. */
export class CheckFailure extends Error {
  constructor(readonly score: CheckScore) {
    super(`check ${score.name}: ${score.points}/${score.max} (${score.message})`);
    this.name = "CheckFailure";
  }
}

type Actual<T> = T | (() => T);

/** The assertions a check body can make. */
export class Checker {
  readonly verdicts: Verdict[] = [];

  /** Deep, strict equality (numbers, strings, arrays, objects, Maps, typed arrays). */
  equal<T>(actual: Actual<T>, expected: T, label?: string, points = 1): boolean {
    return this.judge(actual, label ?? `equals ${show(expected)}`, points, (value) =>
      isDeepStrictEqual(value, expected) ? undefined : `expected ${show(expected)}, got ${show(value)}`,
    );
  }

  /** Numbers (or arrays of numbers) equal within a tolerance (default rel 1e-9). */
  close(actual: Actual<number | readonly number[]>, expected: number | readonly number[], tol: Tolerance | number = {}, label?: string, points = 1): boolean {
    const t: Tolerance = typeof tol === "number" ? { abs: tol } : tol;
    return this.judge(actual, label ?? `close to ${show(expected)}`, points, (value) => closeProblem(value, expected, t));
  }

  /** A condition that must hold. */
  ok(condition: Actual<boolean>, label: string, points = 1): boolean {
    return this.judge(condition, label, points, (value) => (value === true ? undefined : `was ${show(value)}`));
  }

  /** Credit the test computes itself: `earned` of `max` points, with a message. */
  partial(earned: number, max: number, message: string): void {
    const points = Math.max(0, Math.min(max, earned));
    this.verdicts.push({ label: message, passed: points >= max, points, max, detail: points >= max ? "" : `${points}/${max}` });
  }

  private judge<T>(actual: Actual<T>, label: string, points: number, problem: (value: T) => string | undefined): boolean {
    let detail: string | undefined;
    try {
      detail = problem(typeof actual === "function" ? (actual as () => T)() : actual);
    } catch (err) {
      detail = `threw ${describeError(err)}`;
    }
    const passed = detail === undefined;
    this.verdicts.push({ label, passed, points: passed ? points : 0, max: points, detail: detail ?? "" });
    return passed;
  }
}

/**
 * Runs a check: prints its verdicts and score line, throws if anything
 * failed. It returns nothing (a promise for an async body), so tslab has no
 * value to echo under the verdict.
 */
export function check(name: string, body: (t: Checker) => void): void;
export function check(name: string, body: (t: Checker) => Promise<void>): Promise<void>;
export function check(name: string, body: (t: Checker) => void | Promise<void>): void | Promise<void> {
  const t = new Checker();
  let returned: void | Promise<void>;
  try {
    returned = body(t);
  } catch (err) {
    return finish(name, t, err);
  }
  if (returned && typeof (returned as Promise<void>).then === "function") {
    return (returned as Promise<void>).then(
      () => finish(name, t, undefined),
      (err: unknown) => finish(name, t, err),
    );
  }
  finish(name, t, undefined);
}

function finish(name: string, t: Checker, stopped: unknown): void {
  if (stopped !== undefined) {
    t.verdicts.push({ label: "the test stopped", passed: false, points: 0, max: 1, detail: describeError(stopped) });
  }
  const score = scoreOf(name, t.verdicts);
  const writer = host.writer();
  if (writer) writer({ data: scoreBundle(score, t.verdicts), metadata: {}, transient: {} }, false);
  else host.print(`${verdictText(score, t.verdicts)}\n${SCORE_PREFIX}${JSON.stringify(score)}`);
  if (score.points < score.max) throw new CheckFailure(score);
}

function scoreOf(name: string, verdicts: readonly Verdict[]): CheckScore {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const points = round(verdicts.reduce((s, v) => s + v.points, 0));
  const max = round(verdicts.reduce((s, v) => s + v.max, 0));
  const failed = verdicts.filter((v) => !v.passed);
  return { name, points, max, message: failed.length === 0 ? "all tests passed" : failureMessage(failed) };
}

/**
 * The failed assertions as one line: `label: detail; ...`, except that
 * three or more failing the same way (a stub that throws) are told once:
 * `12 tests threw Error: not implemented yet (reference 1, reference 2, ...)`.
 */
function failureMessage(failed: readonly Verdict[]): string {
  const byDetail = new Map<string, Verdict[]>();
  for (const v of failed) byDetail.set(v.detail, [...(byDetail.get(v.detail) ?? []), v]);
  const parts: string[] = [];
  for (const [detail, group] of byDetail) {
    if (group.length >= 3 && detail !== "") {
      const labels = group.slice(0, 3).map((v) => v.label).join(", ") + (group.length > 3 ? ", ..." : "");
      parts.push(`${group.length} tests ${detail} (${labels})`);
    } else {
      parts.push(...group.map((v) => (v.detail ? `${v.label}: ${v.detail}` : v.label)));
    }
  }
  return parts.join("; ");
}

/** What a student reads: the check's points, then each assertion's outcome. */
export function verdictText(score: CheckScore, verdicts: readonly Verdict[]): string {
  const passed = score.points >= score.max;
  const head = `${passed ? "✓" : "✗"} ${score.name}: ${score.points} of ${score.max} ${score.max === 1 ? "point" : "points"}`;
  const lines = [passed && verdicts.length > 1 ? `${head} (all ${verdicts.length} tests passed)` : head];
  for (const v of verdicts) lines.push(`  ${v.passed ? "✓" : "✗"} ${v.label}${v.detail ? `: ${v.detail}` : ""}`);
  return lines.join("\n");
}

/** The verdict's display bundle: text for people, the score for the grader. */
export function scoreBundle(score: CheckScore, verdicts: readonly Verdict[]): Record<string, unknown> {
  return { "text/plain": verdictText(score, verdicts), [SCORE_MIME]: score };
}

function closeProblem(value: number | readonly number[], expected: number | readonly number[], t: Tolerance): string | undefined {
  const a = typeof value === "number" ? [value] : value;
  const b = typeof expected === "number" ? [expected] : expected;
  if (!Array.isArray(a) || a.length !== b.length) return `expected ${show(expected)}, got ${show(value)}`;
  const rel = t.rel ?? (t.abs === undefined ? 1e-9 : 0);
  const abs = t.abs ?? 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i], y = b[i];
    const near = typeof x === "number" && (x === y || Math.abs(x - y) <= Math.max(rel * Math.max(Math.abs(x), Math.abs(y)), abs));
    if (!near) return `expected ${show(expected)}, got ${show(value)}${a.length > 1 ? ` (differs at [${i}])` : ""}`;
  }
  return undefined;
}

/** A value as a person reads it: integers >= 256 also in hex. */
export function show(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) >= 256) {
    return `${value} (${value < 0 ? "-" : ""}0x${Math.abs(value).toString(16)})`;
  }
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return show(err);
}

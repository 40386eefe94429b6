/**
 * Solution and hidden-test markers inside a cell (COURSE.md, "Exercises";
 * nbgrader's ClearSolutions and ClearHiddenTests preprocessors):
 *
 *   function translate(va: number): number {     solution cell
 *     // BEGIN SOLUTION                             | removed from the
 *     return table[va >>> 12] | (va & 0xfff);       | student's copy and
 *     // END SOLUTION                               | replaced by a stub
 *   }
 *
 *   check("translate", (t) => {                   test cell
 *     t.equal(translate(0x1234), 0x5234);
 *     // BEGIN HIDDEN TESTS                         | removed from the
 *     t.equal(translate(0x2000), 0x9000);           | student's copy,
 *     // END HIDDEN TESTS                           | put back to grade
 *   });
 *
 * A marker is a line holding only the marker (`//` optional, so markdown
 * answers can use them too). Regions do not nest; an unclosed region, an
 * END without its BEGIN, or a BEGIN inside another region is an error that
 * names the line.
 */
import { UserError } from "../errors";

export type RegionKind = "solution" | "hidden";

/** A marked region: lines `begin` and `end` are the marker lines (0-based). */
export interface Region {
  kind: RegionKind;
  begin: number;
  end: number;
  /** The BEGIN marker's indentation, reused for the stub. */
  indent: string;
}

const NAMES: Record<RegionKind, string> = { solution: "SOLUTION", hidden: "HIDDEN TESTS" };
const MARKER = /^(\s*)(?:\/\/\s*)?(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$/;

/** The stub a student sees where a solution was (nbgrader's `code_stub`). */
export const CODE_STUB = ["// YOUR CODE HERE", 'throw new Error("not implemented yet");'];
export const TEXT_STUB = ["YOUR ANSWER HERE"];

function parseMarker(line: string): { indent: string; edge: "BEGIN" | "END"; kind: RegionKind } | undefined {
  const m = MARKER.exec(line);
  if (!m) return undefined;
  return { indent: m[1], edge: m[2] as "BEGIN" | "END", kind: m[3] === "SOLUTION" ? "solution" : "hidden" };
}

/**
 * The regions of a cell's source, in order. `where` names the cell in
 * error messages (`file: cell N (id)`).
 */
export function findRegions(source: string, where: string): Region[] {
  const lines = source.split("\n");
  const regions: Region[] = [];
  let open: { kind: RegionKind; begin: number; indent: string } | undefined;
  lines.forEach((line, i) => {
    const marker = parseMarker(line);
    if (!marker) return;
    const at = `${where}: line ${i + 1}`;
    if (marker.edge === "BEGIN") {
      if (open) {
        throw new UserError(`${at}: BEGIN ${NAMES[marker.kind]} inside the ${NAMES[open.kind]} region opened on line ${open.begin + 1} (regions do not nest)`);
      }
      open = { kind: marker.kind, begin: i, indent: marker.indent };
      return;
    }
    if (!open) throw new UserError(`${at}: END ${NAMES[marker.kind]} without a BEGIN ${NAMES[marker.kind]} before it`);
    if (open.kind !== marker.kind) {
      throw new UserError(`${at}: END ${NAMES[marker.kind]} closes the ${NAMES[open.kind]} region opened on line ${open.begin + 1}`);
    }
    regions.push({ ...open, end: i });
    open = undefined;
  });
  if (open) throw new UserError(`${where}: line ${open.begin + 1}: BEGIN ${NAMES[open.kind]} is never closed (add END ${NAMES[open.kind]})`);
  return regions;
}

/** True if the source has a region of this kind (markers checked). */
export function hasRegion(source: string, kind: RegionKind, where: string): boolean {
  return findRegions(source, where).some((r) => r.kind === kind);
}

/**
 * The source with each region of `kind` replaced by `stub` lines (indented
 * like its BEGIN marker); other regions are left as they are.
 */
export function replaceRegions(source: string, kind: RegionKind, stub: readonly string[], where: string): string {
  const regions = findRegions(source, where).filter((r) => r.kind === kind);
  const lines = source.split("\n");
  const out: string[] = [];
  let next = 0;
  for (const r of regions) {
    out.push(...lines.slice(next, r.begin), ...stub.map((s) => r.indent + s));
    next = r.end + 1;
  }
  out.push(...lines.slice(next));
  return out.join("\n");
}

/** The student's version of a solution: every solution region stubbed. */
export function stubSolutions(source: string, where: string, markdown = false): string {
  return replaceRegions(source, "solution", markdown ? TEXT_STUB : CODE_STUB, where);
}

/** The student's version of a test: hidden regions removed, markers and all. */
export function removeHiddenTests(source: string, where: string): string {
  return replaceRegions(source, "hidden", [], where);
}

/** The instructor's version of a cell: marker lines dropped, contents kept. */
export function dropMarkerLines(source: string, where: string): string {
  const markers = new Set(findRegions(source, where).flatMap((r) => [r.begin, r.end]));
  return source
    .split("\n")
    .filter((_, i) => !markers.has(i))
    .join("\n");
}

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
 * A marker is a line holding only the marker, after a comment sign of
 * TypeScript (`//`) or of toy32 assembly in a template string (`#`, `;`),
 * or none at all (markdown answers). Regions do not nest; an unclosed
 * region, an END without its BEGIN, or a BEGIN inside another region is an
 * error that names the line.
 *
 * The stub follows the marker's comment sign: `//` gives nbgrader's code
 * stub (a comment and a throw), `#` or `;` only the comment (it sits in
 * assembly text, where a throw cannot), none gives "YOUR ANSWER HERE".
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
  /** The BEGIN marker's comment sign: "//", "#", ";" or "" (none). */
  comment: string;
}

const NAMES: Record<RegionKind, string> = { solution: "SOLUTION", hidden: "HIDDEN TESTS" };
const MARKER = /^(\s*)(?:(\/\/|#|;)\s*)?(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$/;

/** The stub a student sees where a solution was (nbgrader's `code_stub`). */
export const CODE_STUB = ["// YOUR CODE HERE", 'throw new Error("not implemented yet");'];
export const TEXT_STUB = ["YOUR ANSWER HERE"];

function parseMarker(line: string): { indent: string; comment: string; edge: "BEGIN" | "END"; kind: RegionKind } | undefined {
  const m = MARKER.exec(line);
  if (!m) return undefined;
  return { indent: m[1], comment: m[2] ?? "", edge: m[3] as "BEGIN" | "END", kind: m[4] === "SOLUTION" ? "solution" : "hidden" };
}

/**
 * The regions of a cell's source, in order. `where` names the cell in
 * error messages (`file: cell N (id)`).
 */
export function findRegions(source: string, where: string): Region[] {
  const lines = source.split("\n");
  const regions: Region[] = [];
  let open: { kind: RegionKind; begin: number; indent: string; comment: string } | undefined;
  lines.forEach((line, i) => {
    const marker = parseMarker(line);
    if (!marker) return;
    const at = `${where}: line ${i + 1}`;
    if (marker.edge === "BEGIN") {
      if (open) {
        throw new UserError(`${at}: BEGIN ${NAMES[marker.kind]} inside the ${NAMES[open.kind]} region opened on line ${open.begin + 1} (regions do not nest)`);
      }
      open = { kind: marker.kind, begin: i, indent: marker.indent, comment: marker.comment };
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

/** The stub for a solution region, in the comment style of its marker. */
export function stubFor(region: Pick<Region, "comment">): readonly string[] {
  if (region.comment === "//") return CODE_STUB;
  if (region.comment === "") return TEXT_STUB;
  return [`${region.comment} YOUR CODE HERE`];
}

/**
 * The source with each region of `kind` replaced by `stub` lines (indented
 * like its BEGIN marker); other regions are left as they are.
 */
export function replaceRegions(source: string, kind: RegionKind, stub: readonly string[] | ((r: Region) => readonly string[]), where: string): string {
  const regions = findRegions(source, where).filter((r) => r.kind === kind);
  const lines = source.split("\n");
  const out: string[] = [];
  let next = 0;
  for (const r of regions) {
    const body = typeof stub === "function" ? stub(r) : stub;
    out.push(...lines.slice(next, r.begin), ...body.map((s) => r.indent + s));
    next = r.end + 1;
  }
  out.push(...lines.slice(next));
  return out.join("\n");
}

/**
 * The student's version of a solution cell: every solution region stubbed;
 * a cell without regions becomes the stub whole (nbgrader's ClearSolutions).
 */
export function stubSolutions(source: string, where: string, markdown = false): string {
  if (!hasRegion(source, "solution", where)) return (markdown ? TEXT_STUB : CODE_STUB).join("\n");
  return replaceRegions(source, "solution", markdown ? TEXT_STUB : stubFor, where);
}

/** The student's version of a test: hidden regions removed, markers and all. */
export function removeHiddenTests(source: string, where: string): string {
  return replaceRegions(source, "hidden", [], where);
}

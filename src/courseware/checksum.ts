/**
 * Cell checksums, computed exactly as nbgrader's `utils.compute_checksum`
 * does, so a release made here and one made by nbgrader agree:
 *
 *   md5( source
 *      + cell_type
 *      + str(is_grade) + str(is_solution) + str(is_locked)   "True"/"False"
 *      + grade_id
 *      + str(float(points))          only for grade cells, e.g. "3.0" )
 *
 * (the pieces are fed to one md5 in that order, UTF-8 encoded).
 */
import { createHash } from "crypto";
import type { Cell, NbgraderMetadata } from "../notebook/nbformat";
import { joinSource } from "../notebook/nbformat";
import { isLocked } from "./metadata";

/** Python's `str(bool)`. */
const pyBool = (b: boolean): string => (b ? "True" : "False");

/**
 * Python's `str(float(x))` for the points values a notebook can hold:
 * integers print with ".0", others as the shortest round-trip decimal
 * (which both languages use), exponents written Python's way.
 */
export function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = String(x);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}e${m[2]}${m[3].padStart(2, "0")}`;
}

/** nbgrader's checksum of a cell with the given (validated) metadata. */
export function computeChecksum(cell: Pick<Cell, "source" | "cell_type">, meta: NbgraderMetadata): string {
  const md5 = createHash("md5");
  md5.update(joinSource(cell.source), "utf8");
  md5.update(cell.cell_type, "utf8");
  md5.update(pyBool(meta.grade));
  md5.update(pyBool(meta.solution));
  md5.update(pyBool(isLocked(meta)));
  md5.update(meta.grade_id, "utf8");
  if (meta.grade) md5.update(pyFloat(meta.points ?? 0));
  return md5.digest("hex");
}

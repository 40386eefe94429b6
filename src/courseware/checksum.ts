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
 * Python's `str(float(x))` (its repr): the shortest digits that round-trip
 * (as JavaScript's), written in fixed notation when the decimal exponent is
 * from -4 to 15 (always with a fractional part: "3.0") and as
 * `d.ddde+XX` otherwise ("1e-05", "2.5e+20").
 */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const fixed = x.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, "").length - exp));
  return fixed.includes(".") ? fixed : `${fixed}.0`;
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

/**
 * Double.toString and Float.toString as Java spells them (Java SE 17
 * API, Double.toString): "1.0", "2.25", "1.0E10", "1.0E-5", "NaN",
 * "Infinity". Digits come from JavaScript's shortest round-trip form,
 * which for a float is taken of the float value itself.
 */
export function javaDoubleString(x: number, isFloat: boolean): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const shortest = isFloat ? shortestFloat(x) : x.toExponential();
  const [mant, expText] = shortest.split("e") as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith("-") ? "-" : "";
  const digits = mant.replace("-", "").replace(".", "");
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const point = exp + 1;
    const intPart = point > 0 ? digits.slice(0, point).padEnd(point, "0") : "0";
    const frac = point > 0 ? digits.slice(point) : "0".repeat(-point) + digits;
    return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}E${exp}`;
}

function shortestFloat(x: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = x.toExponential(p - 1);
    if (Math.fround(Number(s)) === x) return s;
  }
  return x.toExponential(8);
}

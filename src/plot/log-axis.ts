/**
 * Ticks for logarithmic axes that read at a glance.
 *
 * plotly.js's defaults fail in two ways on the spans chapters plot:
 * - its "B" exponent format writes SI prefixes, so 1e-5 reads "10µ", a
 *   fraction that looks like a unit; "power" writes 10⁻⁵;
 * - over several decades it labels every digit (2, 3, ... 9) between the
 *   powers of ten, and those minor labels crowd into one another.
 * So a log axis whose data span a decade or more is labelled once per
 * decade (plotly's `dtick: 1` on a log axis: "every power of ten"), with
 * unlabelled minor ticks and grid lines at 2..9 (`minor.dtick: "D1"`,
 * plotly's "all digits"). A span under a decade keeps plotly's own ticks,
 * which then are plain numbers (1, 1.5, 2, ...) and do not crowd.
 */
import type { Axis, Datum, Figure } from "./figure";

/** The smallest and largest positive number among the values, or null. */
function positiveExtent(values: readonly Datum[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v !== "number" || !(v > 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi >= lo ? [lo, hi] : null;
}

/** How many decades the axis shows: its range if set, else its data's. */
function decadesShown(axis: Axis, values: readonly Datum[]): number {
  if (axis.range) return Math.abs(axis.range[1] - axis.range[0]);
  const extent = positiveExtent(values);
  return extent ? Math.log10(extent[1] / extent[0]) : 0;
}

/** Sets the tick defaults above on `axis` if it is logarithmic. */
export function fitLogTicks(axis: Axis | undefined, values: readonly Datum[]): void {
  if (axis?.type !== "log") return;
  axis.exponentformat = "power";
  if (decadesShown(axis, values) >= 1) {
    axis.dtick = 1;
    axis.minor = { dtick: "D1", showgrid: true, ticks: "outside" };
  }
}

/** Every value a figure's traces put on its x and its y axes (stacked or floating bars add their base). */
function axisValues(fig: Figure): { x: Datum[]; y: Datum[] } {
  const x: Datum[] = [];
  const y: Datum[] = [];
  for (const t of fig.data) {
    if (t.x) x.push(...t.x);
    if (t.y) y.push(...t.y);
    if (t.type === "bar" && t.base) (t.orientation === "h" ? x : y).push(...t.base);
  }
  return { x, y };
}

/** The figure with fitLogTicks applied to both axes; what every builder returns through. */
export function withLogTicks(fig: Figure): Figure {
  const { x, y } = axisValues(fig);
  fitLogTicks(fig.layout.xaxis, x);
  fitLogTicks(fig.layout.yaxis, y);
  return fig;
}

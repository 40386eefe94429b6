/**
 * Line, scatter, bar and stacked-area charts: data in, a Figure out.
 * Pure and deterministic (colours come from PALETTE in series order), so a
 * test can compare figures and a notebook re-run draws the same picture.
 *
 *   lineChart({name: "hits", x: [1, 2, 4], y: [100, 98, 61]}, {x: "pages", y: "hit rate"})
 *   barChart(["add", "lw", "sys"], {name: "count", values: [40, 12, 3]})
 */
import { UserError } from "../errors";
import { type BarTrace, type Datum, type Figure, type ScatterTrace, paletteColor } from "./figure";
import {
  type ChartOptions,
  baseLayout,
  checkDatums,
  checkFinite,
  checkPositiveSize,
  checkSameLength,
} from "./options";
import { withLogTicks } from "./log-axis";

/** One curve: y against x, named for the legend. */
export interface Series {
  name: string;
  x: readonly Datum[];
  y: readonly number[];
  color?: string;
}

/** One set of bars (or one band of an area chart): a value per category. */
export interface BarSeries {
  name: string;
  values: readonly number[];
  color?: string;
}

export interface LineOptions extends ChartOptions {
  /** Draw a marker at each point too. */
  markers?: boolean;
  /** Steps (hold each value until the next x) instead of slopes. */
  step?: boolean;
}

export interface BarOptions extends ChartOptions {
  /** Stack the series on one another instead of side by side. */
  stacked?: boolean;
  /** Bars run left to right, categories down the y axis. */
  horizontal?: boolean;
  /** Print each bar's value on it. */
  labels?: boolean;
}

function asList<T>(one: T | readonly T[]): readonly T[] {
  return Array.isArray(one) ? (one as readonly T[]) : [one as T];
}

function checkSeries(chart: string, series: readonly Series[]): void {
  if (series.length === 0) throw new UserError(`${chart}: no series to plot`);
  for (const s of series) {
    const what = `series "${s.name}"`;
    checkSameLength(chart, what, s.x, s.y);
    checkDatums(chart, `${what} x`, s.x);
    checkFinite(chart, `${what} y`, s.y);
  }
}

function xyTraces(series: readonly Series[], mode: ScatterTrace["mode"], step: boolean): ScatterTrace[] {
  return series.map((s, i) => {
    const color = s.color ?? paletteColor(i);
    const trace: ScatterTrace = { type: "scatter", name: s.name, x: [...s.x], y: [...s.y], mode };
    if (mode !== "markers") trace.line = step ? { color, width: 2, shape: "hv" } : { color, width: 2 };
    if (mode !== "lines") trace.marker = { color, size: mode === "markers" ? 8 : 6 };
    return trace;
  });
}

/** Curves of y against x, one per series. */
export function lineChart(series: Series | readonly Series[], options: LineOptions = {}): Figure {
  const list = asList(series);
  checkSeries("lineChart", list);
  checkPositiveSize("lineChart", options);
  const mode = options.markers ? "lines+markers" : "lines";
  return withLogTicks({ data: xyTraces(list, mode, options.step ?? false), layout: baseLayout(options, list.length) });
}

/** Points of y against x, one colour per series. */
export function scatterChart(series: Series | readonly Series[], options: ChartOptions = {}): Figure {
  const list = asList(series);
  checkSeries("scatterChart", list);
  checkPositiveSize("scatterChart", options);
  return withLogTicks({ data: xyTraces(list, "markers", false), layout: baseLayout(options, list.length) });
}

function checkBars(chart: string, categories: readonly Datum[], series: readonly BarSeries[]): void {
  if (series.length === 0) throw new UserError(`${chart}: no series to plot`);
  checkDatums(chart, "categories", categories);
  for (const s of series) {
    if (s.values.length !== categories.length) {
      throw new UserError(
        `${chart}: series "${s.name}" has ${s.values.length} values for ${categories.length} categories`,
      );
    }
    checkFinite(chart, `series "${s.name}" values`, s.values);
  }
}

/**
 * Bars: one group per category, one bar per series (side by side, or stacked
 * with `stacked: true`: then each bar's height is the category's total).
 */
export function barChart(
  categories: readonly Datum[],
  series: BarSeries | readonly BarSeries[],
  options: BarOptions = {},
): Figure {
  const list = asList(series);
  checkBars("barChart", categories, list);
  checkPositiveSize("barChart", options);
  const horizontal = options.horizontal ?? false;
  const data: BarTrace[] = list.map((s, i) => {
    const cats = categories.map(String);
    const vals = [...s.values];
    const trace: BarTrace = horizontal
      ? { type: "bar", name: s.name, x: vals, y: cats, orientation: "h" }
      : { type: "bar", name: s.name, x: cats, y: vals };
    trace.marker = { color: s.color ?? paletteColor(i) };
    if (options.labels) {
      trace.text = vals.map((v) => formatValue(v));
      trace.textposition = "auto";
    }
    return trace;
  });
  const layout = baseLayout(options, list.length);
  layout.barmode = options.stacked ? "stack" : "group";
  const categoryAxis = horizontal ? layout.yaxis! : layout.xaxis!;
  categoryAxis.type = "category";
  categoryAxis.categoryorder = "array";
  categoryAxis.categoryarray = categories.map(String);
  if (horizontal) categoryAxis.autorange = "reversed";
  return withLogTicks({ data, layout });
}

/**
 * Stacked areas over a shared x: each series is a band whose thickness is
 * its value, so the top edge is the total (e.g. cycles by mode over time).
 */
export function areaChart(
  x: readonly Datum[],
  series: BarSeries | readonly BarSeries[],
  options: LineOptions = {},
): Figure {
  const list = asList(series);
  checkBars("areaChart", x, list);
  checkPositiveSize("areaChart", options);
  const data: ScatterTrace[] = list.map((s, i) => {
    const color = s.color ?? paletteColor(i);
    const line = options.step ? { color, width: 1, shape: "hv" as const } : { color, width: 1 };
    return { type: "scatter", name: s.name, x: [...x], y: [...s.values], mode: "lines", stackgroup: "stack", line };
  });
  return withLogTicks({ data, layout: baseLayout(options, list.length) });
}

/** A number as a short label: integers whole, others to 3 significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1000) return v.toFixed(0);
  return String(Number(v.toPrecision(3)));
}

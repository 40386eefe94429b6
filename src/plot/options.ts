/**
 * Options every chart shares (title, axes, size) and the checks that turn a
 * caller's mistake into a one-line UserError instead of a blank plot.
 */
import { UserError } from "../errors";
import type { Axis, Datum, Layout } from "./figure";

export interface AxisOptions {
  title?: string;
  /** Logarithmic scale (every value must be positive). */
  log?: boolean;
  min?: number;
  max?: number;
  /** Values are percentages: ticks get a "%" suffix. */
  percent?: boolean;
  /** Start the axis at zero even if the data do not. */
  fromZero?: boolean;
  /** Treat values as category names, in the order first seen. */
  categorical?: boolean;
}

export interface ChartOptions {
  title?: string;
  /** The x axis: its title, or options. */
  x?: string | AxisOptions;
  /** The y axis: its title, or options. */
  y?: string | AxisOptions;
  /** Height in pixels (default 400); width follows the page unless given. */
  height?: number;
  width?: number;
  /** Show the legend (default: when there is more than one series). */
  legend?: boolean;
}

export const DEFAULT_HEIGHT = 400;

export function axisOptions(axis: string | AxisOptions | undefined): AxisOptions {
  if (axis === undefined) return {};
  return typeof axis === "string" ? { title: axis } : axis;
}

/** Plotly's axis object for the options; only fields that were asked for. */
export function buildAxis(axis: string | AxisOptions | undefined): Axis {
  const o = axisOptions(axis);
  const out: Axis = { automargin: true };
  if (o.title !== undefined) out.title = { text: o.title };
  if (o.log) out.type = "log";
  if (o.categorical) out.type = "category";
  if (o.percent) out.ticksuffix = "%";
  if (o.fromZero) out.rangemode = "tozero";
  if (o.min !== undefined && o.max !== undefined) {
    out.range = o.log ? [Math.log10(o.min), Math.log10(o.max)] : [o.min, o.max];
  }
  return out;
}

/** The layout fields every chart shares. */
export function baseLayout(options: ChartOptions, seriesCount: number): Layout {
  const layout: Layout = {
    height: options.height ?? DEFAULT_HEIGHT,
    margin: { t: options.title ? 50 : 20, r: 20, b: 50, l: 60 },
    xaxis: buildAxis(options.x),
    yaxis: buildAxis(options.y),
    showlegend: options.legend ?? seriesCount > 1,
    hovermode: "closest",
  };
  if (options.title) layout.title = { text: options.title };
  if (options.width !== undefined) layout.width = options.width;
  return layout;
}

/** Throws a UserError naming the chart if a number is NaN or infinite. */
export function checkFinite(chart: string, what: string, values: readonly number[]): void {
  values.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new UserError(`${chart}: ${what}[${i}] is ${String(v)}, not a finite number`);
    }
  });
}

export function checkSameLength(chart: string, what: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) {
    throw new UserError(`${chart}: ${what} has ${a.length} x values but ${b.length} y values`);
  }
}

export function checkDatums(chart: string, what: string, values: readonly Datum[]): void {
  values.forEach((v, i) => {
    if (typeof v === "string") return;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new UserError(`${chart}: ${what}[${i}] is ${String(v)}, not a number or a name`);
    }
  });
}

export function checkPositiveSize(chart: string, options: ChartOptions): void {
  for (const key of ["height", "width"] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
      throw new UserError(`${chart}: ${key} must be a positive number of pixels, not ${String(v)}`);
    }
  }
}

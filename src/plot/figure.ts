/**
 * The shape of a figure: plotly.js's own JSON ({data, layout}), narrowed to
 * the traces and layout fields vmlab's charts use, so a typo in a field is a
 * compile error rather than a silently ignored attribute.
 *
 * A Figure is plain data: it can be JSON-serialized, compared in a test, sent
 * as `application/vnd.plotly.v1+json`, and drawn by any plotly.js (the
 * JupyterLab extension's or the one vmlab inlines). Fields follow
 * plotly.js's reference (https://plotly.com/javascript/reference/); titles are
 * always objects (`{text}`), the only form newer plotly.js versions accept.
 */

/** A value on an axis: a number, or a category name. */
export type Datum = number | string;

export interface Title {
  text: string;
}

export interface Axis {
  title?: Title;
  type?: "linear" | "log" | "category";
  range?: [number, number];
  rangemode?: "normal" | "tozero";
  autorange?: boolean | "reversed";
  ticksuffix?: string;
  tickformat?: string;
  /** Distance between labelled ticks; on a log axis 1 means one per decade. */
  dtick?: number | string;
  /** How exponents read: "power" writes 10⁻⁵ where plotly's default writes 10µ. */
  exponentformat?: "none" | "e" | "E" | "power" | "SI" | "B";
  /** Unlabelled ticks and grid lines between the labelled ones. */
  minor?: { dtick?: number | string; showgrid?: boolean; ticks?: "" | "inside" | "outside" };
  automargin?: boolean;
  zeroline?: boolean;
  showgrid?: boolean;
  /** For categorical axes: the order in which categories appear. */
  categoryorder?: "array" | "trace";
  categoryarray?: Datum[];
}

export interface Layout {
  title?: Title;
  xaxis?: Axis;
  yaxis?: Axis;
  barmode?: "group" | "stack" | "overlay";
  bargap?: number;
  height?: number;
  width?: number;
  autosize?: boolean;
  showlegend?: boolean;
  legend?: { orientation?: "v" | "h"; traceorder?: "normal" | "reversed" };
  hovermode?: "closest" | "x" | "y" | "x unified" | false;
  margin?: { l?: number; r?: number; t?: number; b?: number };
  font?: { family?: string; size?: number };
}

export interface Line {
  color?: string;
  width?: number;
  shape?: "linear" | "hv";
  dash?: "solid" | "dot" | "dash";
}

export interface Marker {
  color?: string | string[];
  size?: number;
  line?: { color?: string; width?: number };
}

/** Lines, markers and (with `stackgroup`) stacked areas. */
export interface ScatterTrace {
  type: "scatter";
  name?: string;
  x: Datum[];
  y: Datum[];
  mode: "lines" | "markers" | "lines+markers";
  stackgroup?: string;
  line?: Line;
  marker?: Marker;
  text?: string[];
  hovertemplate?: string;
  showlegend?: boolean;
}

/** Vertical or horizontal bars; `base` makes floating bars (timelines). */
export interface BarTrace {
  type: "bar";
  name?: string;
  x: Datum[];
  y: Datum[];
  orientation?: "v" | "h";
  base?: number[];
  marker?: Marker;
  text?: string[];
  textposition?: "auto" | "inside" | "outside" | "none";
  hovertemplate?: string;
  legendgroup?: string;
  showlegend?: boolean;
}

export interface HeatmapTrace {
  type: "heatmap";
  name?: string;
  z: number[][];
  x?: Datum[];
  y?: Datum[];
  colorscale?: string;
  reversescale?: boolean;
  zmin?: number;
  zmax?: number;
  colorbar?: { title?: Title };
  texttemplate?: string;
  hovertemplate?: string;
}

export type Trace = ScatterTrace | BarTrace | HeatmapTrace;

/**
 * Every trace type a Figure can hold, at run time: the plotly.js bundle
 * vmlab ships must register each (a browser test asks its PlotSchema).
 * The check below makes adding a trace to `Trace` without listing it here a
 * compile error.
 */
export const TRACE_TYPES = ["scatter", "bar", "heatmap"] as const;
type Listed = (typeof TRACE_TYPES)[number];
const everyTraceListed: [Trace["type"]] extends [Listed] ? ([Listed] extends [Trace["type"]] ? true : never) : never = true;
void everyTraceListed;

/** What plotly.js draws: `Plotly.newPlot(div, figure.data, figure.layout)`. */
export interface Figure {
  data: Trace[];
  layout: Layout;
}

/**
 * Okabe and Ito's eight colours, distinguishable with the common colour
 * vision deficiencies (Okabe & Ito 2008, "Color Universal Design").
 * Series take them in order, so a figure's colours never depend on chance.
 */
export const PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // green
  "#D55E00", // vermillion
  "#CC79A7", // purple
  "#56B4E9", // sky
  "#F0E442", // yellow
  "#000000", // black
];

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/**
 * A heatmap: a grid of numbers as colours, rows down the y axis and columns
 * along x (e.g. accesses per page per time slice, or the cost of each step
 * of a two-dimensional page walk).
 *
 *            x[0]  x[1]  x[2]
 *   y[0]   [ z00   z01   z02 ]
 *   y[1]   [ z10   z11   z12 ]
 */
import { UserError } from "../errors";
import type { Datum, Figure, HeatmapTrace } from "./figure";
import { withLogTicks } from "./log-axis";
import { type ChartOptions, baseLayout, checkDatums, checkFinite, checkPositiveSize } from "./options";

export interface HeatmapData {
  /** z[row][column]: one row per y label, one column per x label. */
  z: readonly (readonly number[])[];
  /** Column labels (default 0, 1, 2, ...). */
  x?: readonly Datum[];
  /** Row labels (default 0, 1, 2, ...). */
  y?: readonly Datum[];
  /** What a colour means, shown beside the colour bar. */
  zTitle?: string;
}

export interface HeatmapOptions extends ChartOptions {
  /** A plotly colour scale name (default "Viridis"). */
  colorscale?: string;
  /** Run the scale the other way (plotly's "Blues" is dark at the low end). */
  reverse?: boolean;
  /** Print each cell's value in it (readable for small grids). */
  labels?: boolean;
  zmin?: number;
  zmax?: number;
}

function checkGrid(z: readonly (readonly number[])[]): number {
  if (z.length === 0) throw new UserError("heatmapChart: z has no rows");
  const width = z[0].length;
  z.forEach((row, r) => {
    if (row.length !== width) {
      throw new UserError(`heatmapChart: z row ${r} has ${row.length} values, row 0 has ${width}`);
    }
    checkFinite("heatmapChart", `z[${r}]`, row);
  });
  return width;
}

function checkLabels(what: "x" | "y", labels: readonly Datum[] | undefined, expected: number): void {
  if (labels === undefined) return;
  checkDatums("heatmapChart", what, labels);
  if (labels.length !== expected) {
    const unit = what === "x" ? "columns" : "rows";
    throw new UserError(`heatmapChart: ${labels.length} ${what} labels for ${expected} ${unit}`);
  }
}

export function heatmapChart(grid: HeatmapData, options: HeatmapOptions = {}): Figure {
  const width = checkGrid(grid.z);
  checkLabels("x", grid.x, width);
  checkLabels("y", grid.y, grid.z.length);
  checkPositiveSize("heatmapChart", options);
  const trace: HeatmapTrace = {
    type: "heatmap",
    z: grid.z.map((row) => [...row]),
    colorscale: options.colorscale ?? "Viridis",
  };
  if (grid.x) trace.x = grid.x.map(String);
  if (grid.y) trace.y = grid.y.map(String);
  if (grid.zTitle) trace.colorbar = { title: { text: grid.zTitle } };
  if (options.reverse) trace.reversescale = true;
  if (options.labels) trace.texttemplate = "%{z}";
  if (options.zmin !== undefined) trace.zmin = options.zmin;
  if (options.zmax !== undefined) trace.zmax = options.zmax;
  const layout = baseLayout(options, 1);
  layout.showlegend = false;
  if (grid.x) layout.xaxis!.type = "category";
  if (grid.y) {
    layout.yaxis!.type = "category";
    layout.yaxis!.autorange = "reversed"; // row 0 on top, as the matrix is written
  }
  return withLogTicks({ data: [trace], layout });
}

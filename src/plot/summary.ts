/**
 * A figure in words: the `text/plain` part of a shown figure, and what
 * `show()` prints outside a notebook. It names the kind of chart, its axes,
 * and per series its size and range; a small bar chart is listed in full.
 *
 *   line chart: TLB hit rate against working-set size
 *     x: pages touched; y: hit rate (%)
 *     "8-entry TLB": 7 points, x 1..64, y 12.5..100
 */
import type { Axis, BarTrace, Datum, Figure, HeatmapTrace, ScatterTrace, Trace } from "./figure";
import { formatValue } from "./charts";

const MAX_LISTED = 12;

export type ChartKind = "line chart" | "scatter chart" | "area chart" | "bar chart" | "stacked bar chart" | "timeline" | "heatmap" | "chart";

export function chartKind(fig: Figure): ChartKind {
  const first: Trace | undefined = fig.data[0];
  if (!first) return "chart";
  if (first.type === "heatmap") return "heatmap";
  if (first.type === "bar") {
    if (first.base) return "timeline";
    return fig.layout.barmode === "stack" ? "stacked bar chart" : "bar chart";
  }
  if (first.stackgroup) return "area chart";
  return first.mode === "markers" ? "scatter chart" : "line chart";
}

function axisTitle(axis: Axis | undefined, fallback: string): string {
  const text = axis?.title?.text;
  if (!text) return fallback;
  return axis?.ticksuffix === "%" ? `${text} (%)` : text;
}

function range(values: readonly Datum[]): string {
  const nums = values.filter((v): v is number => typeof v === "number");
  if (nums.length === 0) return values.length === 0 ? "none" : `${values[0]}..${values[values.length - 1]}`;
  let lo = nums[0];
  let hi = nums[0];
  for (const v of nums) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return `${formatValue(lo)}..${formatValue(hi)}`;
}

function seriesLine(t: ScatterTrace): string {
  return `"${t.name ?? ""}": ${t.x.length} points, x ${range(t.x)}, y ${range(t.y)}`;
}

function barLines(fig: Figure, bars: readonly BarTrace[]): string[] {
  const horizontal = bars[0].orientation === "h";
  const categories = horizontal ? bars[0].y : bars[0].x;
  if (categories.length > MAX_LISTED) {
    return bars.map((b) => `"${b.name ?? ""}": ${categories.length} bars, ${range(horizontal ? b.x : b.y)}`);
  }
  const names = bars.map((b) => b.name ?? "");
  const header = ["", ...names].join("\t");
  const rows = categories.map((c, i) => [String(c), ...bars.map((b) => String((horizontal ? b.x : b.y)[i]))].join("\t"));
  return [header, ...rows];
}

function timelineLines(bars: readonly BarTrace[]): string[] {
  return bars.map((b) => {
    const total = (b.x as number[]).reduce((sum, v) => sum + v, 0);
    const lanes = [...new Set(b.y.map(String))].join(", ");
    return `"${b.name ?? ""}": ${b.x.length} runs on ${lanes}, ${formatValue(total)} in all`;
  });
}

function heatmapLines(h: HeatmapTrace): string[] {
  const cells = h.z.flat();
  return [`${h.z.length} rows x ${h.z[0]?.length ?? 0} columns, values ${range(cells)}`];
}

function bodyLines(fig: Figure, kind: ChartKind): string[] {
  switch (kind) {
    case "heatmap":
      return heatmapLines(fig.data[0] as HeatmapTrace);
    case "timeline":
      return timelineLines(fig.data as BarTrace[]);
    case "bar chart":
    case "stacked bar chart":
      return barLines(fig, fig.data as BarTrace[]);
    case "line chart":
    case "scatter chart":
    case "area chart":
      return (fig.data as ScatterTrace[]).map(seriesLine);
    case "chart":
      return [];
  }
}

/** A few lines that say what the figure shows, for text-only readers. */
export function figureSummary(fig: Figure): string {
  const kind = chartKind(fig);
  const title = fig.layout.title?.text;
  const lines = [title ? `${kind}: ${title}` : kind];
  if (fig.layout.xaxis?.title || fig.layout.yaxis?.title) {
    lines.push(`x: ${axisTitle(fig.layout.xaxis, "x")}; y: ${axisTitle(fig.layout.yaxis, "y")}`);
  }
  for (const line of bodyLines(fig, kind)) lines.push(`  ${line}`);
  return lines.join("\n");
}

/**
 * Figures for the chapters: pure builders (data -> plotly {data, layout})
 * and their display in a tslab cell.
 */
export type {
  Axis,
  BarTrace,
  Datum,
  Figure,
  HeatmapTrace,
  Layout,
  ScatterTrace,
  Trace,
} from "./figure";
export { PALETTE } from "./figure";
export type { AxisOptions, ChartOptions } from "./options";
export { areaChart, barChart, lineChart, scatterChart } from "./charts";
export type { BarOptions, BarSeries, LineOptions, Series } from "./charts";
export { heatmapChart } from "./heatmap";
export type { HeatmapData, HeatmapOptions } from "./heatmap";
export { segmentsFromSwitches, timelineChart } from "./timeline";
export type { SwitchEvent, TimelineOptions, TimelineSegment } from "./timeline";
export { chartKind, figureSummary } from "./summary";
export { PLOTLY_MIME, createPlotDisplay, figureBundle, loadPlotly, show, showLive, showTable } from "./display";
export { tableBundle } from "./table";
export type { TableOptions, TableRows } from "./table";
export type { DisplayHost, DisplayMessage, DisplayWriter, LiveFigure, PlotDisplay } from "./display";

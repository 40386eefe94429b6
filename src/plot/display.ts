/**
 * Showing figures in a tslab notebook cell.
 *
 * A shown figure is ONE display_data message whose bundle carries
 *   application/vnd.plotly.v1+json  {data, layout}: JupyterLab's plotly extension
 *   text/html                        a div and a script that draws with plotly.js
 *   text/plain                       figureSummary(): for text-only readers
 * and before the first figure of a kernel session, a loader output carrying
 * plotly.js itself, compressed (see html.ts for why it is separate).
 *
 * tslab's public `display` sends one MIME type per message, so bundles go
 * through its internal writer, `lastWriteDisplayData` in
 * tslab/dist/jupyter.js (set at the start of every execute request, bound to
 * that request). Its message is a Jupyter display_data content:
 * {data, metadata, transient: {display_id}}; with `update` true tslab sends
 * update_display_data, which replaces every output with that display_id --
 * how `showLive` redraws in place, as tslab.newDisplay() does.
 * When no kernel is there (plain node, tests) show() prints the summary.
 */
import { randomBytes } from "crypto";
import type { Figure } from "./figure";
import { DEFAULT_HEIGHT } from "./options";
import { FIGURE_METADATA, LOADER_METADATA, figureHtml, loaderHtml } from "./html";
import { plotlyPacked } from "./plotlyjs";
import { figureSummary } from "./summary";
import { type TableOptions, type TableRows, TABLE_METADATA, tableBundle } from "./table";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The content of a display_data / update_display_data message. */
export interface DisplayMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

export type DisplayWriter = (message: DisplayMessage, update: boolean) => void;

/** A figure shown once and redrawn in place by `update`. */
export interface LiveFigure {
  readonly displayId: string;
  update(fig: Figure): void;
}

export interface PlotDisplay {
  show(fig: Figure): void;
  showLive(fig: Figure): LiveFigure;
  /** Sends plotly.js again (e.g. after its output was cleared). */
  loadPlotly(): void;
  /** Shows rows as an HTML table with a text fallback (outside a kernel, prints the text). */
  showTable(rows: TableRows, options?: TableOptions): void;
}

/** What a PlotDisplay needs from the world; tests pass fakes. */
export interface DisplayHost {
  /** The kernel's writer, or null outside a kernel. */
  writer(): DisplayWriter | null;
  /** Where text goes outside a kernel. */
  print(text: string): void;
  /** plotly.js gzip-compressed and base64-encoded (plotlyjs.ts plotlyPacked). */
  plotlyPacked(): string;
  /** A fresh display_id for a live figure. */
  newId(): string;
}

/** The figure's three representations, ready to send. */
export function figureBundle(fig: Figure): Record<string, unknown> {
  const summary = figureSummary(fig);
  const height = fig.layout.height ?? DEFAULT_HEIGHT;
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout },
    "text/html": figureHtml(fig, summary, height),
    "text/plain": summary,
  };
}

export function createPlotDisplay(host: DisplayHost): PlotDisplay {
  let libraryShown = false;

  const send = (writer: DisplayWriter, fig: Figure, displayId: string | undefined, update: boolean) => {
    if (!libraryShown && !update) sendLibrary(writer);
    const data = figureBundle(fig);
    writer({ data, metadata: { ...FIGURE_METADATA }, transient: displayId ? { display_id: displayId } : {} }, update);
  };
  const sendLibrary = (writer: DisplayWriter) => {
    const data = { "text/html": loaderHtml(host.plotlyPacked()), "text/plain": "" };
    writer({ data, metadata: { ...LOADER_METADATA }, transient: {} }, false);
    libraryShown = true;
  };
  const showOne = (fig: Figure, displayId: string | undefined, update: boolean) => {
    const writer = host.writer();
    if (writer) send(writer, fig, displayId, update);
    else host.print(figureSummary(fig));
  };

  return {
    show: (fig) => showOne(fig, undefined, false),
    showLive(fig) {
      const displayId = host.newId();
      showOne(fig, displayId, false);
      return { displayId, update: (next) => showOne(next, displayId, true) };
    },
    loadPlotly() {
      const writer = host.writer();
      if (writer) sendLibrary(writer);
    },
    showTable(rows, options) {
      const data = tableBundle(rows, options);
      const writer = host.writer();
      if (writer) writer({ data, metadata: { ...TABLE_METADATA }, transient: {} }, false);
      else host.print(data["text/plain"]);
    },
  };
}

/**
 * tslab's current writer, found among loaded modules rather than by
 * `require("tslab/...")` alone, so it is the kernel's own tslab even when
 * vmlab resolves a different copy. Guarded: any surprise means "no kernel".
 */
export function tslabWriter(): DisplayWriter | null {
  try {
    for (const [path, mod] of Object.entries(require.cache)) {
      if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(path)) continue;
      const exported = mod?.exports as { lastWriteDisplayData?: unknown } | undefined;
      const write = exported?.lastWriteDisplayData;
      if (typeof write === "function") return write as DisplayWriter;
    }
  } catch {
    return null;
  }
  return null;
}

const kernelHost: DisplayHost = {
  writer: tslabWriter,
  print: (text) => console.log(text),
  plotlyPacked,
  newId: () => randomBytes(8).toString("hex"),
};

const kernelDisplay = createPlotDisplay(kernelHost);

/** Shows a figure in the current notebook cell (outside one, prints its summary). */
export function show(fig: Figure): void {
  kernelDisplay.show(fig);
}

/**
 * Shows a figure that `update` redraws in place, e.g. every few thousand
 * cycles of a running simulation:
 *
 *   const live = showLive(chart(samples));
 *   for (...) { machine.run({maxCycles: 1000}); live.update(chart(samples)); }
 */
export function showLive(fig: Figure): LiveFigure {
  return kernelDisplay.showLive(fig);
}

/** Sends plotly.js to the page again, for figures that wait for it. */
export function loadPlotly(): void {
  kernelDisplay.loadPlotly();
}

/**
 * Shows rows as a table (what console.table takes), as HTML that the page
 * lays out to its width, with an aligned-text fallback; see table.ts.
 */
export function showTable(rows: TableRows, options?: TableOptions): void {
  kernelDisplay.showTable(rows, options);
}

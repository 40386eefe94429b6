/**
 * show() and showLive() inside a real tslab kernel (through vmlab's own
 * runner): one display_data per figure with the plotly JSON, the HTML
 * fallback and the text summary; plotly.js sent once per kernel session;
 * a live figure updated in place from a later cell. Needs the built
 * package (npm run build), as every notebook does.
 */
import { describe, expect, it } from "vitest";
import { executeNotebook } from "../../src/notebook/execute";
import type { CodeCell, DisplayDataOutput, Notebook, Output } from "../../src/notebook/nbformat";
import { PLOTLY_MIME, figureSummary, lineChart } from "../../src/index";
import { plotlyPacked } from "../../src/plot/plotlyjs";

const cell = (id: string, source: string): CodeCell => ({ id, cell_type: "code", source, metadata: {}, execution_count: null, outputs: [] });

const notebook: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
  cells: [
    cell("two", [
      'import { lineChart, show, showLive } from "vmlab";',
      'show(lineChart({ name: "a", x: [1, 2], y: [3, 4] }, { title: "first" }));',
      'show(lineChart({ name: "b", x: [1, 2], y: [5, 6] }, { title: "second" }));',
    ].join("\n")),
    cell("live", 'const live = showLive(lineChart({ name: "c", x: [0], y: [0] }, { title: "live" }));'),
    cell("update", 'live.update(lineChart({ name: "c", x: [0, 1, 2], y: [0, 1, 4] }, { title: "live, updated" }));'),
  ],
};

const role = (o: Output) => (o.output_type === "display_data" ? (o.metadata as { vmlab?: { role?: string } }).vmlab?.role : o.output_type);

describe("show in a tslab kernel", () => {
  it("sends bundles, plotly.js once, and updates a live figure in place", async () => {
    const result = await executeNotebook(notebook, { cwd: __dirname, timeoutSeconds: 60 });
    expect(result.failures).toEqual([]);
    const [two, live, update] = result.notebook.cells as CodeCell[];

    expect(two.outputs.map(role)).toEqual(["plotly-loader", "figure", "figure"]);
    const first = two.outputs[1] as DisplayDataOutput;
    const expected = lineChart({ name: "a", x: [1, 2], y: [3, 4] }, { title: "first" });
    expect(first.data[PLOTLY_MIME]).toEqual({ data: expected.data, layout: expected.layout });
    expect(first.data["text/plain"]).toBe(figureSummary(expected));
    expect(String(first.data["text/html"])).toContain("Plotly.newPlot");
    const loader = String((two.outputs[0] as DisplayDataOutput).data["text/html"]);
    expect(loader).toContain(plotlyPacked());
    expect(loader.length).toBeLessThan(800_000);

    expect(live.outputs.map(role)).toEqual(["figure"]);
    const updated = (live.outputs[0] as DisplayDataOutput).data[PLOTLY_MIME] as { layout: { title: { text: string } } };
    expect(updated.layout.title.text).toBe("live, updated");
    expect(update.outputs).toEqual([]);
  });
});

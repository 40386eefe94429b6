import { Script } from "vm";
import { describe, expect, it } from "vitest";
import {
  PLOTLY_MIME,
  barChart,
  createPlotDisplay,
  figureBundle,
  figureSummary,
  lineChart,
  show,
  timelineChart,
} from "../../src/index";
import type { DisplayHost, DisplayMessage } from "../../src/index";
import { gunzipSync } from "zlib";
import { loaderHtml, scriptJson } from "../../src/plot/html";
import { plotlyPacked, plotlySource } from "../../src/plot/plotlyjs";

interface Sent {
  message: DisplayMessage;
  update: boolean;
}

function fakeHost(inKernel: boolean) {
  const sent: Sent[] = [];
  const printed: string[] = [];
  let next = 0;
  const host: DisplayHost = {
    writer: () => (inKernel ? (message, update) => sent.push({ message, update }) : null),
    print: (text) => printed.push(text),
    plotlyPacked: () => "cGFja2VkLXBsb3RseQ==",
    newId: () => `id${next++}`,
  };
  return { host, sent, printed };
}

const fig = lineChart({ name: "hits", x: [1, 2], y: [10, 20] }, { title: "demo" });

describe("show in a kernel", () => {
  it("sends plotly.js once, then one bundle per figure with three MIME types", () => {
    const { host, sent } = fakeHost(true);
    const display = createPlotDisplay(host);
    display.show(fig);
    display.show(fig);
    expect(sent).toHaveLength(3);
    const [loader, first, second] = sent;
    expect(loader.message.metadata).toEqual({ vmlab: { role: "plotly-loader" } });
    expect(loader.message.data["text/html"]).toContain("cGFja2VkLXBsb3RseQ==");
    for (const s of [first, second]) {
      expect(s.update).toBe(false);
      expect(Object.keys(s.message.data).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
      expect(s.message.data[PLOTLY_MIME]).toEqual({ data: fig.data, layout: fig.layout });
      expect(s.message.data["text/plain"]).toBe(figureSummary(fig));
      expect(s.message.data["text/html"]).not.toContain("cGFja2VkLXBsb3RseQ==");
    }
  });

  it("gives a figure the same HTML in every run, and different figures different ids", () => {
    const html = (f: typeof fig) => String(figureBundle(f)["text/html"]);
    const idOf = (f: typeof fig) => /id="(vmlab-fig-[0-9a-f]+)"/.exec(html(f))?.[1];
    expect(html(fig)).toBe(html(lineChart({ name: "hits", x: [1, 2], y: [10, 20] }, { title: "demo" })));
    expect(idOf(fig)).toBeTruthy();
    expect(idOf(fig)).not.toBe(idOf(lineChart({ name: "hits", x: [1, 2], y: [10, 21] }, { title: "demo" })));
  });

  it("showLive updates the same display_id in place, without the library", () => {
    const { host, sent } = fakeHost(true);
    const display = createPlotDisplay(host);
    const live = display.showLive(fig);
    const fig2 = lineChart({ name: "hits", x: [1, 2, 3], y: [10, 20, 30] });
    live.update(fig2);
    expect(sent.map((s) => s.update)).toEqual([false, false, true]);
    expect(sent[1].message.transient.display_id).toBe(live.displayId);
    expect(sent[2].message.transient.display_id).toBe(live.displayId);
    expect(sent[2].message.data[PLOTLY_MIME]).toEqual({ data: fig2.data, layout: fig2.layout });
    expect(sent[2].message.data["text/html"]).not.toContain("cGFja2VkLXBsb3RseQ==");
  });

  it("loadPlotly sends the library again", () => {
    const { host, sent } = fakeHost(true);
    const display = createPlotDisplay(host);
    display.show(fig);
    display.loadPlotly();
    expect(sent.map((s) => s.message.metadata)).toEqual([
      { vmlab: { role: "plotly-loader" } },
      { vmlab: { role: "figure" } },
      { vmlab: { role: "plotly-loader" } },
    ]);
  });
});

describe("show outside a kernel", () => {
  it("prints the text summary", () => {
    const { host, printed, sent } = fakeHost(false);
    createPlotDisplay(host).show(fig);
    expect(sent).toHaveLength(0);
    expect(printed).toEqual([figureSummary(fig)]);
  });

  it("the exported show() works under plain node (vitest has no tslab kernel)", () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (text: string) => lines.push(text);
    try {
      show(fig);
    } finally {
      console.log = original;
    }
    expect(lines).toEqual([figureSummary(fig)]);
  });
});

describe("figureSummary", () => {
  it("names the chart, its axes and each series' range", () => {
    const f = lineChart({ name: "8 entries", x: [1, 64], y: [100, 12.5] }, {
      title: "TLB hit rate",
      x: "pages",
      y: { title: "hit rate", percent: true },
    });
    expect(figureSummary(f)).toBe(
      'line chart: TLB hit rate\nx: pages; y: hit rate (%)\n  "8 entries": 2 points, x 1..64, y 12.5..100',
    );
  });

  it("lists a small bar chart in full and totals a timeline", () => {
    expect(figureSummary(barChart(["add", "sys"], { name: "n", values: [4, 1] }))).toBe(
      "bar chart\n  \tn\n  add\t4\n  sys\t1",
    );
    const t = timelineChart([
      { lane: "cpu", label: "A", start: 0, end: 10 },
      { lane: "cpu", label: "A", start: 20, end: 25 },
    ]);
    expect(figureSummary(t)).toContain('"A": 2 runs on cpu, 15 in all');
  });
});

describe("HTML safety", () => {
  it("scriptJson cannot close the script element", () => {
    const text = scriptJson({ title: "</script><script>alert(1)</script> <!--" });
    expect(text).not.toMatch(/<\/script|<!--/i);
    expect(JSON.parse(text)).toEqual({ title: "</script><script>alert(1)</script> <!--" });
  });

  it("the loader carries plotly.js packed, in a string that cannot end its element, and inflates it in the page", () => {
    const packed = plotlyPacked();
    expect(gunzipSync(Buffer.from(packed, "base64")).toString("utf8")).toBe(plotlySource());
    expect(packed.length).toBeLessThan(800_000);
    const html = loaderHtml(packed);
    expect(html).toContain(packed);
    expect(html).toContain('new DecompressionStream("gzip")');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const script = /<script[^>]*>([\s\S]*)<\/script>/.exec(html)![1];
    expect(() => new Script(script)).not.toThrow();
  });
});

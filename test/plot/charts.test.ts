import { describe, expect, it } from "vitest";
import {
  PALETTE,
  UserError,
  areaChart,
  barChart,
  heatmapChart,
  lineChart,
  scatterChart,
  segmentsFromSwitches,
  timelineChart,
} from "../../src/index";
import type { BarTrace, HeatmapTrace, ScatterTrace } from "../../src/index";

describe("lineChart and scatterChart", () => {
  it("makes one coloured trace per series with the axis titles asked for", () => {
    const fig = lineChart(
      [
        { name: "hits", x: [1, 2, 4], y: [100, 90, 50] },
        { name: "misses", x: [1, 2, 4], y: [0, 10, 50] },
      ],
      { title: "TLB", x: "pages", y: { title: "rate", percent: true, fromZero: true } },
    );
    expect(fig.data).toHaveLength(2);
    const [a, b] = fig.data as ScatterTrace[];
    expect(a).toMatchObject({ type: "scatter", mode: "lines", name: "hits", x: [1, 2, 4], y: [100, 90, 50] });
    expect(a.line?.color).toBe(PALETTE[0]);
    expect(b.line?.color).toBe(PALETTE[1]);
    expect(fig.layout.title).toEqual({ text: "TLB" });
    expect(fig.layout.xaxis?.title).toEqual({ text: "pages" });
    expect(fig.layout.yaxis).toMatchObject({ ticksuffix: "%", rangemode: "tozero" });
    expect(fig.layout.showlegend).toBe(true);
  });

  it("is deterministic and plain JSON", () => {
    const make = () => lineChart({ name: "s", x: [0, 1], y: [2, 3] }, { markers: true, step: true });
    expect(JSON.parse(JSON.stringify(make()))).toEqual(make());
    const trace = make().data[0] as ScatterTrace;
    expect(trace.mode).toBe("lines+markers");
    expect(trace.line?.shape).toBe("hv");
  });

  it("copies the caller's arrays", () => {
    const x = [1, 2];
    const fig = scatterChart({ name: "p", x, y: [3, 4] });
    x.push(3);
    expect((fig.data[0] as ScatterTrace).x).toEqual([1, 2]);
    expect((fig.data[0] as ScatterTrace).mode).toBe("markers");
    expect(fig.layout.showlegend).toBe(false);
  });

  it("log axes take their range in decades", () => {
    const fig = lineChart({ name: "s", x: [1, 1000], y: [1, 2] }, { x: { log: true, min: 1, max: 1000 } });
    expect(fig.layout.xaxis).toMatchObject({ type: "log", range: [0, 3] });
  });

  it("every builder's log axes write powers of ten, one label a decade over a decade or more", () => {
    const log = { log: true };
    const figures = [
      lineChart({ name: "s", x: [1e-5, 1e-1], y: [1, 1e4] }, { x: log, y: log }),
      scatterChart({ name: "s", x: [1e-5, 1e-1], y: [1, 1e4] }, { x: log, y: log }),
      barChart(["a", "b"], { name: "n", values: [1, 1e4] }, { y: log }),
      barChart(["a", "b"], { name: "n", values: [1, 1e4] }, { x: log, horizontal: true }),
      areaChart([1e-5, 1e-1], { name: "n", values: [1, 1e4] }, { x: log, y: log }),
      heatmapChart({ z: [[1]] }, { x: { log: true, min: 1e-5, max: 1e-1 }, y: { log: true, min: 1, max: 1e4 } }),
      timelineChart([{ lane: "cpu", label: "A", start: 1, end: 1e4 }], { x: log }),
    ];
    for (const fig of figures) {
      for (const axis of [fig.layout.xaxis, fig.layout.yaxis]) {
        if (axis?.type !== "log") continue;
        expect(axis).toMatchObject({ exponentformat: "power", dtick: 1, minor: { dtick: "D1" } });
      }
    }
    expect(figures.flatMap((f) => [f.layout.xaxis?.type, f.layout.yaxis?.type]).filter((t) => t === "log")).toHaveLength(11);
  });

  it("a log axis spanning under a decade keeps plotly's own ticks, in powers of ten if any", () => {
    const fig = lineChart({ name: "s", x: [1, 3], y: [2e-5, 5e-5] }, { x: { log: true }, y: { log: true } });
    for (const axis of [fig.layout.xaxis, fig.layout.yaxis]) {
      expect(axis?.exponentformat).toBe("power");
      expect(axis?.dtick).toBeUndefined();
    }
    expect(lineChart({ name: "s", x: [1, 3], y: [1, 2] }).layout.xaxis?.exponentformat).toBeUndefined();
  });

  it("rejects mismatched or non-finite data with a UserError naming the series", () => {
    expect(() => lineChart({ name: "bad", x: [1, 2, 3], y: [1, 2] })).toThrow(
      new UserError('lineChart: series "bad" has 3 x values but 2 y values'),
    );
    expect(() => lineChart({ name: "nan", x: [1], y: [NaN] })).toThrow(/series "nan" y\[0\] is NaN/);
    expect(() => lineChart([])).toThrow(UserError);
    expect(() => lineChart({ name: "s", x: [1], y: [1] }, { height: -5 })).toThrow(/height must be a positive/);
  });
});

describe("barChart and areaChart", () => {
  it("groups or stacks bars over categories kept in the given order", () => {
    const cats = ["user", "kernel"];
    const fig = barChart(cats, [
      { name: "A", values: [70, 30] },
      { name: "B", values: [50, 50] },
    ], { stacked: true, labels: true });
    expect(fig.layout.barmode).toBe("stack");
    expect(fig.layout.xaxis).toMatchObject({ type: "category", categoryarray: ["user", "kernel"] });
    const a = fig.data[0] as BarTrace;
    expect(a).toMatchObject({ type: "bar", x: ["user", "kernel"], y: [70, 30], text: ["70", "30"] });
    expect(barChart(cats, { name: "A", values: [1, 2] }).layout.barmode).toBe("group");
  });

  it("turns horizontal bars around, first category on top", () => {
    const fig = barChart(["add", "lw"], { name: "count", values: [5, 2] }, { horizontal: true });
    expect(fig.data[0]).toMatchObject({ orientation: "h", x: [5, 2], y: ["add", "lw"] });
    expect(fig.layout.yaxis).toMatchObject({ type: "category", autorange: "reversed" });
  });

  it("rejects a series whose length differs from the categories", () => {
    expect(() => barChart(["a", "b"], { name: "s", values: [1] })).toThrow(
      'barChart: series "s" has 1 values for 2 categories',
    );
  });

  it("stacks areas in one stack group", () => {
    const fig = areaChart([0, 100, 200], [
      { name: "user", values: [1, 2, 3] },
      { name: "kernel", values: [3, 2, 1] },
    ]);
    for (const t of fig.data as ScatterTrace[]) expect(t.stackgroup).toBe("stack");
  });
});

describe("heatmapChart", () => {
  it("keeps rows as written, row 0 on top", () => {
    const fig = heatmapChart({ z: [[1, 2], [3, 4]], x: ["c0", "c1"], y: ["r0", "r1"], zTitle: "hits" });
    const h = fig.data[0] as HeatmapTrace;
    expect(h.z).toEqual([[1, 2], [3, 4]]);
    expect(h.colorbar?.title?.text).toBe("hits");
    expect(fig.layout.yaxis?.autorange).toBe("reversed");
    expect(h.reversescale).toBeUndefined();
    expect((heatmapChart({ z: [[0, 1]] }, { colorscale: "Blues", reverse: true }).data[0] as HeatmapTrace).reversescale).toBe(true);
  });

  it("rejects ragged grids and miscounted labels", () => {
    expect(() => heatmapChart({ z: [[1, 2], [3]] })).toThrow("heatmapChart: z row 1 has 1 values, row 0 has 2");
    expect(() => heatmapChart({ z: [[1, 2]], x: ["a"] })).toThrow("heatmapChart: 1 x labels for 2 columns");
  });
});

describe("timelineChart", () => {
  const segments = [
    { lane: "cpu0", label: "A", start: 0, end: 100 },
    { lane: "cpu0", label: "B", start: 100, end: 250, detail: "timer" },
    { lane: "cpu0", label: "A", start: 250, end: 300 },
  ];

  it("draws each label as floating horizontal bars: base = start, x = length", () => {
    const fig = timelineChart(segments, { title: "who ran" });
    expect(fig.data).toHaveLength(2);
    const a = fig.data[0] as BarTrace;
    expect(a).toMatchObject({ name: "A", orientation: "h", base: [0, 250], x: [100, 50], y: ["cpu0", "cpu0"] });
    expect((fig.data[1] as BarTrace).text?.[0]).toContain("timer");
    expect(fig.layout.xaxis?.title?.text).toBe("cycle");
    expect(fig.layout.yaxis).toMatchObject({ categoryarray: ["cpu0"], autorange: "reversed" });
  });

  it("the hover box gives each bar's length in simulated time at the cost table's clock", () => {
    const fig = timelineChart([{ lane: "cpu0", label: "A", start: 0, end: 2_500 }]);
    expect((fig.data[0] as BarTrace).text?.[0]).toBe("cycles 0 to 2500 (2500, 2.5 µs)");
  });

  it("uses fixed colours when given", () => {
    const fig = timelineChart(segments, { colors: { B: "#123456" } });
    expect((fig.data[1] as BarTrace).marker?.color).toBe("#123456");
    expect((fig.data[0] as BarTrace).marker?.color).toBe(PALETTE[0]);
  });

  it("rejects a segment that ends before it starts", () => {
    expect(() => timelineChart([{ lane: "c", label: "X", start: 5, end: 2 }])).toThrow(
      "timelineChart: segment 0 (X) ends at 2, before it starts at 5",
    );
  });

  it("segmentsFromSwitches closes each run at the next switch on its lane", () => {
    const out = segmentsFromSwitches(
      [
        { at: 0, lane: "cpu", label: "A" },
        { at: 40, lane: "cpu", label: "B" },
        { at: 10, lane: "cpu1", label: "C" },
        { at: 90, lane: "cpu", label: "A" },
      ],
      120,
    );
    expect(out).toEqual([
      { lane: "cpu", label: "A", start: 0, end: 40 },
      { lane: "cpu1", label: "C", start: 10, end: 120 },
      { lane: "cpu", label: "B", start: 40, end: 90 },
      { lane: "cpu", label: "A", start: 90, end: 120 },
    ]);
  });
});

/**
 * The figures' HTML as a notebook frontend runs it, in a real browser
 * (Debian's Chromium, headless, every request but the test's own page
 * refused): the loader output inflates the packed plotly.js bundle, figures
 * of every builder draw, whatever order the outputs run in, and a page with
 * figures but no loader draws from the browser's cached copy.
 *
 * Also: every trace type a builder can emit (TRACE_TYPES) is registered by
 * the bundle the loader carries, so no figure comes out blank because the
 * partial bundle lacks its trace module.
 *
 * Pages are served from 127.0.0.1 (as Jupyter serves notebooks), so the
 * page has an origin and IndexedDB works as it does in a notebook.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type Figure,
  areaChart,
  barChart,
  figureBundle,
  heatmapChart,
  lineChart,
  scatterChart,
  timelineChart,
} from "../../src/index";
import { TRACE_TYPES } from "../../src/plot/figure";
import { loaderHtml } from "../../src/plot/html";
import { plotlyPacked } from "../../src/plot/plotlyjs";

// Chromium on a busy 2-core machine can take a minute per page: no test here measures time.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];
const ARTIFACTS = path.join(__dirname, "..", "..", "test-artifacts", "plot");

/** One figure of each builder, with the options that change the traces it emits. */
const FIGURES: Record<string, Figure> = {
  line: lineChart([{ name: "a", x: [1, 10, 100], y: [1, 2, 3] }], { x: { title: "n", log: true }, y: { title: "f", log: true } }),
  /** Chapter 00's slowdown against the fraction of trapping instructions. */
  logFractions: lineChart(
    [{ name: "trap", x: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], y: [1.002, 1.02, 1.2, 3, 21] }, { name: "interpret", x: [1e-5, 1e-1], y: [30, 30] }],
    { x: { title: "fraction", log: true }, y: { title: "slowdown", log: true } },
  ),
  lineStepMarkers: lineChart({ name: "s", x: [0, 1, 2], y: [3, 1, 2] }, { step: true, markers: true }),
  scatter: scatterChart([{ name: "p", x: [1, 2], y: [2, 1] }, { name: "q", x: [1, 2], y: [1, 2] }]),
  bar: barChart(["add", "lw"], { name: "n", values: [4, 2] }, { labels: true }),
  barStackedHorizontal: barChart(["a", "b"], [{ name: "x", values: [1, 2] }, { name: "y", values: [2, 1] }], { stacked: true, horizontal: true }),
  area: areaChart([0, 1, 2], [{ name: "user", values: [1, 2, 3] }, { name: "kernel", values: [1, 1, 1] }], { step: true }),
  heatmap: heatmapChart({ z: [[1, 2], [3, 4]], x: ["c0", "c1"], y: ["r0", "r1"], zTitle: "cycles" }, { labels: true }),
  timeline: timelineChart([{ lane: "cpu", label: "A", start: 0, end: 10 }, { lane: "cpu", label: "B", start: 10, end: 25 }]),
};

function figureOutput(fig: Figure): string {
  return String(figureBundle(fig)["text/html"]);
}

/** An output area: each output in its own div, in the given order. */
function outputsPage(outputs: readonly string[]): string {
  const body = outputs.map((html) => `<div class="output_area">${html}</div>`).join("\n");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>outputs</title></head><body>${body}</body></html>`;
}

const pages = new Map<string, string>();
let server: http.Server;
let base = "";
let browser: Browser;
/** The tick labels plotly drew on the log-log figure, read by the first test's page. */
let logLabels: { x: string[]; y: string[] } = { x: [], y: [] };
/** The trace types the bundle registered, read by the first test's page. */
let registered: string[] = [];

beforeAll(async () => {
  const loader = loaderHtml(plotlyPacked());
  const figures = Object.values(FIGURES).map(figureOutput);
  pages.set("/loader-first.html", outputsPage([loader, ...figures]));
  pages.set("/figures-first.html", outputsPage([...figures, loader]));
  pages.set("/no-loader.html", outputsPage([figureOutput(FIGURES.heatmap)]));
  server = http.createServer((req, res) => {
    const page = pages.get(req.url ?? "");
    res.writeHead(page ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(page ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function visit(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.route("**/*", (route) => {
    if (route.request().url().startsWith(base)) return route.continue();
    problems.push(`network request: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(`${base}/${name}`, { waitUntil: "domcontentloaded", timeout: 120_000 });
  return problems;
}

/** Waits until every figure box holds a drawn plot; returns how many there are. */
async function expectAllDrawn(page: Page): Promise<number> {
  const count = await page.locator(".vmlab-figure").count();
  await page.waitForFunction(
    (n) => document.querySelectorAll(".vmlab-figure svg.main-svg").length >= n && !document.querySelector(".vmlab-wait"),
    count,
    { timeout: 120_000 },
  );
  for (let i = 0; i < count; i++) {
    expect(await page.locator(".vmlab-figure").nth(i).locator("svg.main-svg").count()).toBeGreaterThan(0);
  }
  return count;
}

describe("the packed plotly.js loader in Chromium", () => {
  it("draws every builder's figure after the loader, offline, without an error or warning; a later page without a loader draws from the cached copy", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await visit(page, "loader-first.html");
    expect(await expectAllDrawn(page)).toBe(Object.keys(FIGURES).length);
    await page.screenshot({ path: path.join(ARTIFACTS, "loader-first.png"), fullPage: true });
    logLabels = await page.locator(".vmlab-figure").nth(Object.keys(FIGURES).indexOf("logFractions")).evaluate((el) => ({
      x: [...el.querySelectorAll(".xtick text")].map((t) => t.textContent ?? ""),
      y: [...el.querySelectorAll(".ytick text")].map((t) => t.textContent ?? ""),
    }));
    registered = await page.evaluate(() =>
      Object.keys((window as unknown as { Plotly: { PlotSchema: { get(): { traces: object } } } }).Plotly.PlotSchema.get().traces),
    );
    await page.waitForFunction(() => new Promise((resolve) => {
      const open = indexedDB.open("vmlab", 1);
      open.onsuccess = () => {
        const got = open.result.transaction("scripts").objectStore("scripts").get("plotly-loader");
        got.onsuccess = () => resolve(typeof got.result === "string");
      };
    }));
    await page.close();
    const later = await context.newPage();
    const laterProblems = await visit(later, "no-loader.html");
    expect(await expectAllDrawn(later)).toBe(1);
    expect([...problems, ...laterProblems]).toEqual([]);
    await context.close();
  });

  it("draws figures whose outputs ran before the loader's (a reopened notebook)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await visit(page, "figures-first.html");
    expect(await expectAllDrawn(page)).toBe(Object.keys(FIGURES).length);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a page with neither loader nor cache says why its figure is not drawn", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await visit(page, "no-loader.html");
    await page.waitForSelector(".vmlab-figure .vmlab-wait", { timeout: 60_000 });
    expect(await page.locator(".vmlab-figure svg.main-svg").count()).toBe(0);
    expect(await page.locator(".vmlab-figure pre").textContent()).toContain("heatmap");
    await context.close();
  });
});

describe("a browser that cannot inflate the bundle", () => {
  it("shows each figure's summary with a note saying why it is not drawn", async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      delete (window as unknown as { DecompressionStream?: unknown }).DecompressionStream;
    });
    const page = await context.newPage();
    await visit(page, "loader-first.html");
    await page.waitForSelector(".vmlab-figure .vmlab-wait", { timeout: 60_000 });
    expect(await page.locator(".vmlab-wait").first().textContent()).toContain("could not unpack plotly.js");
    expect(await page.locator(".vmlab-figure svg.main-svg").count()).toBe(0);
    expect(await page.locator(".vmlab-figure pre").first().textContent()).toContain("line chart");
    await context.close();
  });
});

describe("log axes in Chromium", () => {
  it("label fractions as powers of ten, once a decade, and never with an SI prefix", () => {
    const clean = (labels: string[]) => labels.map((l) => l.replace(/\u200b/g, ""));
    expect(clean(logLabels.x)).toEqual(["10−5", "10−4", "10−3", "10−2", "10−1"]);
    expect(clean(logLabels.y)).toEqual(["1", "10"]);
    expect([...logLabels.x, ...logLabels.y].join(" ")).not.toMatch(/[µmkMG]/);
  });
});

describe("the bundle has every trace type the builders emit", () => {
  it("each builder's traces are of a listed type", () => {
    const emitted = new Set(Object.values(FIGURES).flatMap((f) => f.data.map((t) => t.type)));
    for (const type of emitted) expect(TRACE_TYPES).toContain(type);
  });

  it("the packed bundle's PlotSchema registers every listed type", () => {
    expect(registered.length).toBeGreaterThan(0);
    for (const type of TRACE_TYPES) expect(registered).toContain(type);
  });
});

/**
 * A chapter as a student saves it: executed (by `vmlab run`, and by Debian's
 * `jupyter nbconvert --execute`, as the classic Notebook's kernel runs it)
 * with its outputs in the file.
 * - It is at most SIZE_GOAL bytes larger than its source (issue 19: plotly.js
 *   in full made chapter 00 grow from 31 kB to 5 MB).
 * - Its figures still draw, offline: the saved notebook is turned into a
 *   page by nbconvert's HTML exporter (which shows each output's text/html,
 *   as the classic Notebook does) and opened in headless Chromium with every
 *   request refused; every figure box must hold a drawn plot.
 * - No line of its text output is over MAX_LINE characters, so nothing
 *   wraps in the classic Notebook's column (about 114 characters).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { installKernelSpec } from "../../src/notebook/kernelspec";

// Chromium on a busy 2-core machine can take a minute per page: no test here measures time.
vi.setConfig({ testTimeout: 300_000 });

const ROOT = path.join(__dirname, "..", "..");
const CHAPTERS = path.join(ROOT, "notebooks");
const SIZE_GOAL = 1.5e6;
const MAX_LINE = 100;
/** Executed by nbconvert too: the first chapter (a bar chart, a log-log plot, a heatmap). */
const NBCONVERT_CHAPTERS = ["00-introduction.ipynb"];
/** Drawn in Chromium from vmlab's copy: the first and the last chapter. */
const DRAWN_CHAPTERS = ["00-introduction.ipynb", "03-binary-translation.ipynb"];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-saved-"));
const byVmlab = path.join(tmp, "vmlab");
const byNbconvert = path.join(tmp, "nbconvert");
const pages = path.join(tmp, "html");
const chapters = fs.readdirSync(CHAPTERS).filter((f) => f.endsWith(".ipynb")).sort();
let browser: Browser;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { env, encoding: "utf8", timeout: 600_000 });
  if (result.error) throw new Error(`${command} did not start (${result.error.message}): apt-get install jupyter-nbconvert python3-nbclient (.ci/run does)`);
  expect(result.status, `${command} ${args.join(" ")}\n${result.stderr}`).toBe(0);
}

beforeAll(() => {
  run(process.execPath, [path.join(ROOT, "bin", "vmlab.js"), "run", ...chapters.map((c) => path.join(CHAPTERS, c)), "--out", byVmlab, "--jobs", "2"]);
  const prefix = path.join(tmp, "jupyter");
  installKernelSpec({ prefix });
  const env = { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" };
  run("jupyter-nbconvert", ["--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=300", "--output-dir", byNbconvert,
    ...NBCONVERT_CHAPTERS.map((c) => path.join(CHAPTERS, c))], env);
  run("jupyter-nbconvert", ["--to", "html", "--output-dir", path.join(pages, "nbconvert"), ...NBCONVERT_CHAPTERS.map((c) => path.join(byNbconvert, c))], env);
  run("jupyter-nbconvert", ["--to", "html", "--output-dir", path.join(pages, "vmlab"), ...DRAWN_CHAPTERS.map((c) => path.join(byVmlab, c))], env);
}, 900_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface SavedOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  traceback?: string[];
  data?: Record<string, string | string[] | object>;
}

function outputsOf(file: string): SavedOutput[][] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { outputs?: SavedOutput[] }[] };
  return nb.cells.map((c) => c.outputs ?? []);
}

const joined = (text: string | string[] | object | undefined): string =>
  typeof text === "string" ? text : Array.isArray(text) ? text.join("") : "";

/** What a reader sees as text: streams, tracebacks, and text/plain where nothing richer is shown. */
function textShown(o: SavedOutput): string {
  if (o.output_type === "stream") return joined(o.text);
  if (o.output_type === "error") return (o.traceback ?? []).join("\n");
  const data = o.data ?? {};
  const richer = Object.keys(data).some((m) => m === "text/html" || m.startsWith("image/") || m.endsWith("+json"));
  return richer ? "" : joined(data["text/plain"]);
}

describe("a chapter executed and saved", () => {
  it.each(chapters)("%s by vmlab run is at most 1.5 MB larger than its source", (chapter) => {
    const growth = fs.statSync(path.join(byVmlab, chapter)).size - fs.statSync(path.join(CHAPTERS, chapter)).size;
    expect(growth).toBeGreaterThan(0);
    expect(growth).toBeLessThanOrEqual(SIZE_GOAL);
  });

  it.each(NBCONVERT_CHAPTERS)("%s by jupyter nbconvert --execute is at most 1.5 MB larger than its source", (chapter) => {
    const growth = fs.statSync(path.join(byNbconvert, chapter)).size - fs.statSync(path.join(CHAPTERS, chapter)).size;
    expect(growth).toBeGreaterThan(0);
    expect(growth).toBeLessThanOrEqual(SIZE_GOAL);
  });

  it("has no text output line over 100 characters in any chapter", () => {
    const long: string[] = [];
    for (const chapter of chapters) {
      outputsOf(path.join(byVmlab, chapter)).forEach((outputs, cell) => {
        for (const o of outputs) {
          for (const line of textShown(o).split("\n")) {
            if ([...line].length > MAX_LINE) long.push(`${chapter} cell ${cell + 1}: ${line.slice(0, 60)}...`);
          }
        }
      });
    }
    expect(long).toEqual([]);
  });
});

describe("a saved chapter's figures in Chromium, offline", () => {
  const saved = [
    ...NBCONVERT_CHAPTERS.map((c) => ({ by: "nbconvert", chapter: c })),
    ...DRAWN_CHAPTERS.map((c) => ({ by: "vmlab", chapter: c })),
  ];
  it.each(saved)("$chapter executed by $by: every figure draws from the saved loader", async ({ by, chapter }) => {
    browser ??= await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    const file = path.join(pages, by, chapter.replace(/\.ipynb$/, ".html"));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
    await page.goto(`file://${file}`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    const figures = await page.locator(".vmlab-figure").count();
    expect(figures).toBeGreaterThan(0);
    await page.waitForFunction(
      (n) => document.querySelectorAll(".vmlab-figure svg.main-svg").length >= n || document.querySelector(".vmlab-wait") !== null,
      figures,
      { timeout: 120_000 },
    );
    expect(await page.locator(".vmlab-wait").count()).toBe(0);
    expect(await page.locator(".vmlab-figure svg.main-svg").count()).toBeGreaterThanOrEqual(figures);
    expect(errors).toEqual([]);
    await page.close();
  });
});

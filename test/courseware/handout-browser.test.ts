/**
 * Exported pages in a real browser (Debian's Chromium, headless, network
 * blocked): they draw their plotly figures, KaTeX's markup and fonts work
 * offline, the contents links land on headings, printing hides the
 * navigation, and nothing logs an error. A screenshot of each page is saved
 * in test-artifacts/handouts/ for a person to look at.
 *
 * Pages: the fixtures (every output type) as a small course, one of them
 * standalone, and the real course as `vmlab build` makes it (every chapter
 * notebook that exists, executed by the runner).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCourse, parseCourse } from "../../src/courseware/course";
import { buildHandouts } from "../../src/courseware/handout/build";
import { writeCourseSite, writePages } from "../../src/courseware/handout/site";
import { readNotebook } from "../../src/notebook/read";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures");
const ARTIFACTS = path.join(ROOT, "test-artifacts", "handouts");
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-browser-"));
const site = path.join(tmp, "site");
const standalone = path.join(tmp, "standalone");
const built = path.join(tmp, "handouts");
let browser: Browser;
let builtPages: string[] = [];

/** The fixtures as a two-chapter course: chapter pages, index and assets. */
function exportFixtures(): void {
  const course = parseCourse(
    {
      title: "Fixture course",
      notebooks: FIXTURES,
      chapters: [
        { file: "every-output.ipynb", title: "Every output", summary: "Each output type a handout shows." },
        { file: "second-chapter.ipynb", title: "Second", summary: "A small second chapter." },
      ],
    },
    path.join(tmp, "course.json"),
  );
  const built = new Map(course.chapters.map((ch) => [ch.name, readNotebook(ch.file)]));
  writeCourseSite(course, built, { outDir: site });
  const file = path.join(FIXTURES, "every-output.ipynb");
  writePages([{ notebook: readNotebook(file), file }], { outDir: standalone, standalone: true });
}

const PAGES = [
  { name: "index", file: () => path.join(site, "index.html"), figures: 0, math: false },
  { name: "every-output", file: () => path.join(site, "every-output.html"), figures: 2, math: true },
  { name: "second-chapter", file: () => path.join(site, "second-chapter.html"), figures: 0, math: false },
  { name: "every-output-standalone", file: () => path.join(standalone, "every-output.html"), figures: 2, math: true },
];

interface Visit {
  page: Page;
  problems: string[];
}

async function visit(file: string): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.route("**/*", (route) => {
    if (route.request().url().startsWith("file:")) return route.continue();
    problems.push(`network request: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(`file://${file}`, { waitUntil: "load" });
  return { page, problems };
}

beforeAll(async () => {
  exportFixtures();
  const result = await buildHandouts(loadCourse(path.join(ROOT, "course")), { outDir: built, jobs: 2 });
  builtPages = ["index", ...result.built.map((ch) => ch.name)];
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Expect {
  /** Figures the page must draw; undefined: however many it has. */
  figures?: number;
  /** Whether the page must have math; undefined: check it if it has any. */
  math?: boolean;
}

async function checkPage(file: string, name: string, want: Expect): Promise<void> {
  const { page, problems } = await visit(file);
  try {
    const figures = page.locator(".plotly-figure");
    const count = await figures.count();
    if (want.figures !== undefined) expect(count).toBe(want.figures);
    if (count > 0) {
      await page.waitForFunction(
        (n) => document.querySelectorAll(".plotly-figure svg.main-svg").length >= n,
        count,
        { timeout: 30_000 },
      );
      for (let i = 0; i < count; i++) expect(await figures.nth(i).locator("svg.main-svg").count()).toBeGreaterThan(0);
    }
    if (want.math) await expectKatex(page, { inline: 4, display: 1 });
    else if ((await page.locator(".katex").count()) > 0) await expectKatex(page, { inline: 1, display: 0 });
    await expectTocResolves(page);
    await expectLinkedFilesExist(page, file);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    await expectPrintHidesNavigation(page);
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}

describe.each(PAGES)("fixture page $name in Chromium, offline", (spec) => {
  it("draws its figures and math, resolves its links, prints without navigation, logs no error", async () => {
    await checkPage(spec.file(), spec.name, { figures: spec.figures, math: spec.math });
  });
});

describe("the course's handouts in Chromium, offline", () => {
  it("every page vmlab build wrote draws its figures and math, resolves its links, prints without navigation, logs no error", async () => {
    expect(builtPages[0]).toBe("index");
    for (const name of builtPages) await checkPage(path.join(built, `${name}.html`), `course-${name}`, {});
  }, 300_000);
});

/**
 * KaTeX's HTML is there (at least `least` formulas: the fixtures know how
 * many they hold, a chapter may have a single one), styled by its CSS, in
 * its own fonts (loaded offline), and no formula failed to render.
 */
async function expectKatex(page: Page, least: { inline: number; display: number }): Promise<void> {
  expect(await page.locator(".katex .katex-html").count()).toBeGreaterThanOrEqual(least.inline);
  expect(await page.locator(".katex-display").count()).toBeGreaterThanOrEqual(least.display);
  expect(await page.locator(".math-error").count()).toBe(0);
  const font = await page.locator(".katex").first().evaluate((el) => getComputedStyle(el).fontFamily);
  expect(font).toContain("KaTeX_Main");
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready;
    return document.fonts.check("16px KaTeX_Main") && [...document.fonts].some((f) => f.family.includes("KaTeX_Main") && f.status === "loaded");
  });
  expect(loaded).toBe(true);
}

/** Every in-page link (contents, footnotes) lands on an element with that id. */
async function expectTocResolves(page: Page): Promise<void> {
  const missing = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLAnchorElement>('a[href^="#"]')]
      .map((a) => decodeURIComponent(a.getAttribute("href")!.slice(1)))
      .filter((id) => document.getElementById(id) === null),
  );
  expect(missing).toEqual([]);
  const tocLinks = await page.locator('.toc a[href^="#"]').count();
  if ((await page.locator(".toc").count()) > 0) expect(tocLinks).toBeGreaterThan(0);
}

/** Links to other pages (index, previous, next) point at files that exist. */
async function expectLinkedFilesExist(page: Page, file: string): Promise<void> {
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLAnchorElement>("a[href]")].map((a) => a.getAttribute("href")!).filter((h) => /\.html$/.test(h)),
  );
  for (const href of hrefs) expect(fs.existsSync(path.join(path.dirname(file), href)), href).toBe(true);
}

async function expectPrintHidesNavigation(page: Page): Promise<void> {
  await page.emulateMedia({ media: "print" });
  const shown = await page.evaluate(() =>
    [...document.querySelectorAll("nav, .toc, .site-header, .chapter-nav")]
      .filter((el) => getComputedStyle(el).display !== "none")
      .map((el) => el.className || el.tagName),
  );
  expect(shown).toEqual([]);
  await page.emulateMedia({ media: "screen" });
}

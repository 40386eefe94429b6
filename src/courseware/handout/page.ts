/**
 * A notebook to one HTML page string: the function `vmlab export`, `vmlab
 * build` and `vmlab feedback` share.
 *
 *   <header>  course title -> index                          (nav)
 *   <nav.toc> headings h1-h3 of the markdown cells            (nav)
 *   <main>    banner?, cells, previous / next chapter         (nav)
 *   scripts   plotly.js and the figure loader, if figures
 *
 * Pages link their assets (assets.ts) relative to `assetsHref`, or with
 * `standalone` carry them inline: one self-contained file.
 */
import * as path from "path";
import type { Notebook } from "../../notebook/nbformat";
import { katexCssInline, plotlyJs } from "./assets";
import { renderCell } from "./cells";
import { escapeHtml } from "./html";
import type { Heading } from "./markdown";
import { MarkdownPage, notebookTitle } from "./markdown";
import { OutputContext } from "./outputs";
import { stripSolutions } from "./solutions";
import { HANDOUT_CSS } from "./theme";

export interface PageLink {
  readonly href: string;
  readonly title: string;
}

export interface PageOptions {
  /** Where the notebook came from, for error messages and the default title. */
  readonly file?: string;
  /** The page's title; default: the first heading, else the file name. */
  readonly title?: string;
  /** Shown in the header, linking to `index`. */
  readonly courseTitle?: string;
  /** Keep solutions, hidden tests and their outputs (default: strip them). */
  readonly withSolutions?: boolean;
  /** Inline every asset (default: link them under `assetsHref`). */
  readonly standalone?: boolean;
  /** Where the assets folder is, relative to the page (default "assets"). */
  readonly assetsHref?: string;
  readonly index?: PageLink;
  readonly previous?: PageLink;
  readonly next?: PageLink;
  /** Trusted HTML shown above the first cell (e.g. a grade summary). */
  readonly bannerHtml?: string;
}

export interface RenderedPage {
  readonly html: string;
  readonly title: string;
  readonly headings: readonly Heading[];
  /** Whether the page draws plotly figures (and so needs plotly.js). */
  readonly usesPlotly: boolean;
}

/** The title `renderNotebookPage` gives `nb`: its first heading, else the file's name. */
export function pageTitle(nb: Notebook, file: string): string {
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown" && !(c.metadata.tags ?? []).includes("remove-cell"));
  return notebookTitle(markdown.map((c) => c.source)) ?? path.basename(file, ".ipynb");
}

/** Renders `nb` as a handout page. Throws UserError for unbalanced solution markers. */
export function renderNotebookPage(nb: Notebook, options: PageOptions = {}): RenderedPage {
  const file = options.file ?? "notebook";
  const stripped = options.withSolutions ? { notebook: nb, withheld: new Set<string>() } : stripSolutions(nb, file);
  const markdown = new MarkdownPage(options.file ? path.dirname(path.resolve(options.file)) : undefined);
  const outputs = new OutputContext();
  const named = [nb.metadata.language_info?.name, nb.metadata.kernelspec?.language];
  const language = named.find((n): n is string => typeof n === "string") ?? "typescript";
  const ctx = { markdown, outputs, language, withheld: stripped.withheld };
  const body = stripped.notebook.cells.map((cell, i) => renderCell(cell, i, ctx)).filter((s) => s !== "");
  const firstHeading = markdown.headings.find((h) => h.level === 1) ?? markdown.headings[0];
  const title = options.title ?? firstHeading?.text ?? path.basename(file, ".ipynb");
  const main = [
    options.bannerHtml ? `<div class="banner">${options.bannerHtml}</div>` : "",
    ...body,
    chapterNav(options.previous, options.next),
  ].join("\n");
  const usesMath = main.includes('class="katex');
  const html = document({
    title: options.courseTitle ? `${title} · ${options.courseTitle}` : title,
    head: headAssets(options, usesMath, outputs.usesPlotly),
    header: siteHeader(options),
    toc: tableOfContents(markdown.headings),
    main,
    scripts: outputs.usesPlotly ? plotlyScripts(options) : "",
  });
  return { html, title, headings: markdown.headings, usesPlotly: outputs.usesPlotly };
}

/** The pieces of a handout page; the index page uses the same shell. */
export interface Parts {
  title: string;
  head: string;
  header: string;
  toc: string;
  main: string;
  scripts: string;
  /** Classes of <main> beside "chapter" (the index page's "index"). */
  mainClass?: string;
  /** The command that wrote the page, for <meta name="generator">. */
  generator?: string;
}

export function document(p: Parts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${p.generator ?? "vmlab export"}">
<title>${escapeHtml(p.title)}</title>
${p.head}
</head>
<body>
${p.header}
<div class="layout">
${p.toc}
<main class="${p.mainClass ? `chapter ${p.mainClass}` : "chapter"}">
${p.main}
</main>
</div>
${p.scripts}
</body>
</html>
`;
}

function assetsHref(options: PageOptions): string {
  return (options.assetsHref ?? "assets").replace(/\/+$/, "");
}

function headAssets(options: PageOptions, usesMath: boolean, usesPlotly: boolean): string {
  if (options.standalone) {
    return [usesMath ? `<style>${katexCssInline()}</style>` : "", `<style>${HANDOUT_CSS}</style>`].join("\n");
  }
  const a = escapeHtml(assetsHref(options));
  const links = [`<link rel="stylesheet" href="${a}/handout.css">`];
  if (usesMath) links.unshift(`<link rel="stylesheet" href="${a}/katex/katex.min.css">`);
  if (usesPlotly) links.push(`<script src="${a}/plotly.min.js" defer></script>`);
  return links.join("\n");
}

function siteHeader(options: PageOptions): string {
  if (!options.index && !options.courseTitle) return "";
  const label = escapeHtml(options.courseTitle ?? options.index?.title ?? "Index");
  const inner = options.index ? `<a href="${escapeHtml(options.index.href)}">${label}</a>` : label;
  return `<header class="site-header"><nav aria-label="Course">${inner}</nav></header>`;
}

function tableOfContents(headings: readonly Heading[]): string {
  const items = headings
    .filter((h) => h.level <= 3)
    .map((h) => `<li class="toc-h${h.level}"><a href="#${encodeURIComponent(h.id)}">${h.html}</a></li>`);
  if (items.length === 0) return "";
  return `<nav class="toc" aria-label="Contents">\n<h2>Contents</h2>\n<ul>\n${items.join("\n")}\n</ul>\n</nav>`;
}

function chapterNav(previous: PageLink | undefined, next: PageLink | undefined): string {
  if (!previous && !next) return "";
  const link = (cls: string, word: string, l: PageLink): string =>
    `<a class="${cls}" rel="${cls}" href="${escapeHtml(l.href)}"><small>${word}</small>${escapeHtml(l.title)}</a>`;
  return [
    `<nav class="chapter-nav" aria-label="Chapters">`,
    previous ? link("prev", "Previous", previous) : "",
    next ? link("next", "Next", next) : "",
    `</nav>`,
  ].join("");
}

/**
 * Draws every `.plotly-figure` from the JSON beside it. Written so a page
 * whose plotly.js failed to load says so in the figure's place.
 */
const FIGURE_LOADER = `<script>
(function () {
  function draw() {
    var figures = document.querySelectorAll(".plotly-figure");
    for (var i = 0; i < figures.length; i++) {
      var el = figures[i];
      var fig = JSON.parse(document.getElementById(el.getAttribute("data-figure")).textContent);
      if (!window.Plotly) { el.textContent = "(plotly.js is missing: this figure cannot be drawn)"; continue; }
      var config = Object.assign({ responsive: true, displaylogo: false }, fig.config);
      window.Plotly.newPlot(el, fig.data, fig.layout, config);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
</script>`;

function plotlyScripts(options: PageOptions): string {
  if (!options.standalone) return FIGURE_LOADER;
  return `<script>${plotlyJs().replace(/<\/script/gi, "<\\/script")}</script>\n${FIGURE_LOADER}`;
}

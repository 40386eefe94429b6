/**
 * One cell's outputs to HTML. For rich outputs the richest type this page
 * can show wins, in this order (Jupyter's display priority, with plotly
 * first because its figures are interactive):
 *
 *   application/vnd.plotly.v1+json  drawn by plotly.js when the page loads
 *   text/html                       as is (notebooks are trusted, as in Jupyter Book)
 *   image/svg+xml                   inline
 *   image/png, image/jpeg, image/gif  <img> with a data: URL
 *   text/markdown                   markdown-it
 *   text/latex                      KaTeX
 *   text/plain                      preformatted, ANSI colours kept
 *
 * A bundle with none of these shows its text/plain (or its JSON, or a note
 * naming its types): an output is never silently dropped. The one
 * exception is vmlab's own plotly loader (metadata `vmlab.role:
 * "plotly-loader"`, src/plot/html.ts): an invisible output carrying
 * plotly.js for notebook frontends, which a page replaces with its own
 * copy (assets/plotly.min.js), so it is not written a second time. Streams keep
 * their ANSI colours; errors show their traceback, styled as errors.
 */
import type { MimeBundle, Output } from "../../notebook/nbformat";
import { joinSource } from "../../notebook/nbformat";
import { ansiToHtml } from "./ansi";
import { escapeHtml, jsonForScript } from "./html";
import { renderMarkdownFragment } from "./markdown";
import { renderTex } from "./math";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Per-page state: figure numbering and whether plotly.js is needed. */
export class OutputContext {
  private figures = 0;
  private fragments = 0;
  get usesPlotly(): boolean {
    return this.figures > 0;
  }
  nextFigureId(): string {
    return `figure-${++this.figures}`;
  }
  nextFragmentId(): string {
    return `out${++this.fragments}`;
  }
}

/** HTML of all of a cell's outputs; consecutive stream pieces are joined. */
export function renderOutputs(outputs: readonly Output[], ctx: OutputContext): string {
  const parts: string[] = [];
  for (let i = 0; i < outputs.length; i++) {
    const out = outputs[i];
    if (out.output_type === "stream") {
      let text = joinSource(out.text);
      while (i + 1 < outputs.length) {
        const next = outputs[i + 1];
        if (next.output_type !== "stream" || next.name !== out.name) break;
        text += joinSource(next.text);
        i++;
      }
      parts.push(`<pre class="output output-stream output-${out.name}">${ansiToHtml(carriageReturns(text))}</pre>`);
    } else if (out.output_type === "error") {
      parts.push(renderError(out.ename, out.evalue, out.traceback));
    } else if (!isPlotlyLoader(out.metadata)) {
      parts.push(renderBundle(out.data, out.metadata, ctx));
    }
  }
  return parts.join("\n");
}

/** vmlab's plotly.js loader output (src/plot/html.ts LOADER_METADATA). */
export function isPlotlyLoader(metadata: Record<string, unknown> | undefined): boolean {
  const vmlab = metadata?.vmlab;
  return typeof vmlab === "object" && vmlab !== null && (vmlab as { role?: unknown }).role === "plotly-loader";
}

/** A terminal's `\r`: what follows it overwrites the line (progress bars). */
function carriageReturns(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const parts = line.replace(/\r+$/, "").split("\r");
      return parts[parts.length - 1];
    })
    .join("\n");
}

function renderError(ename: string, evalue: string, traceback: readonly string[]): string {
  const text = traceback.length > 0 ? traceback.join("\n") : `${ename}: ${evalue}`;
  return `<pre class="output output-error" role="alert">${ansiToHtml(text)}</pre>`;
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  return JSON.stringify(value, null, 2) ?? "";
}

type Renderer = (value: unknown, meta: Record<string, unknown>, mime: string, ctx: OutputContext) => string | null;

const RENDERERS: ReadonlyArray<[string, Renderer]> = [
  [PLOTLY_MIME, renderPlotly],
  ["text/html", (v) => `<div class="output output-html">${text(v)}</div>`],
  ["image/svg+xml", (v) => `<div class="output output-svg">${text(v)}</div>`],
  ["image/png", renderImage],
  ["image/jpeg", renderImage],
  ["image/gif", renderImage],
  ["text/markdown", (v, _m, _t, ctx) => `<div class="output output-markdown">${renderMarkdownFragment(text(v), ctx.nextFragmentId())}</div>`],
  ["text/latex", (v) => `<div class="output output-latex">${renderTex(unwrapLatex(text(v)), true)}</div>`],
  ["text/plain", (v) => `<pre class="output output-text">${ansiToHtml(text(v))}</pre>`],
];

function renderBundle(data: MimeBundle, metadata: Record<string, unknown>, ctx: OutputContext): string {
  for (const [mime, render] of RENDERERS) {
    if (!(mime in data)) continue;
    const meta = metadata?.[mime];
    const html = render(data[mime], typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>) : {}, mime, ctx);
    if (html !== null) return html;
  }
  const types = Object.keys(data);
  const json = types.find((t) => t === "application/json" || t.endsWith("+json"));
  if (json) return `<pre class="output output-text">${escapeHtml(JSON.stringify(data[json], null, 2) ?? "")}</pre>`;
  const what = types.length ? types.join(", ") : "no data";
  return `<div class="output output-unknown">[an output this page cannot show: ${escapeHtml(what)}]</div>`;
}

function renderImage(value: unknown, meta: Record<string, unknown>, mime: string): string {
  const size = ["width", "height"]
    .filter((k) => typeof meta[k] === "number")
    .map((k) => ` ${k}="${Number(meta[k])}"`)
    .join("");
  const b64 = text(value).replace(/\s+/g, "");
  return `<div class="output output-image"><img src="data:${mime};base64,${b64}"${size} alt="output image"></div>`;
}

/** A plotly figure `{data, layout, config}`; null (so a fallback shows) if malformed. */
function renderPlotly(value: unknown, _meta: Record<string, unknown>, _mime: string, ctx: OutputContext): string | null {
  if (typeof value !== "object" || value === null) return null;
  const fig = value as { data?: unknown; layout?: unknown; config?: unknown };
  if (!Array.isArray(fig.data)) return null;
  const id = ctx.nextFigureId();
  const figure = { data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? {} };
  return (
    `<div class="output output-plotly"><div class="plotly-figure" id="${id}" data-figure="${id}-json"></div>` +
    `<script type="application/json" id="${id}-json">${jsonForScript(figure)}</script></div>`
  );
}

/** `$$x$$`, `$x$`, `\[x\]` or a bare environment: the TeX KaTeX should see. */
function unwrapLatex(tex: string): string {
  const t = tex.trim();
  for (const [open, close] of [["$$", "$$"], ["\\[", "\\]"], ["$", "$"]]) {
    if (t.startsWith(open) && t.endsWith(close) && t.length > open.length + close.length) {
      return t.slice(open.length, t.length - close.length);
    }
  }
  return t;
}

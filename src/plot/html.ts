/**
 * The `text/html` half of a shown figure, for frontends without the plotly
 * renderer (JupyterLab without jupyterlab-plotly, the classic Notebook,
 * `jupyter nbconvert --to html`, vmlab's handouts).
 *
 * plotly.js is large (the cartesian bundle: 1.5 MB, 0.66 MB gzipped and in
 * base64 as the loader carries it, see plotlyjs.ts), so it travels once per
 * kernel session, in its own output (the "loader") just before the first
 * figure; every figure's script draws with `window.Plotly` if it is there and
 * otherwise queues itself for the loader:
 *
 *   output 1 (loader)    <script> inflate plotly.js; run it; drain queue </script>
 *   output 2 (figure A)  <div>summary</div><script> draw A, or queue it </script>
 *   output 3 (figure B)  <div>summary</div><script> draw B, or queue it </script>
 *
 * The queue makes the order of rendering irrelevant (a notebook reopened with
 * saved outputs may render a lower output first), and a live figure updated
 * in place never carries the library, so updates cannot erase it.
 * Until drawn, and wherever scripts do not run (an untrusted notebook), the
 * figure's text summary shows instead. A page with figures but no loader
 * (reloaded while the kernel ran on) takes plotly.js from the browser's
 * IndexedDB copy of the last loader it ran, if any.
 */
import { createHash } from "crypto";

/** Marks vmlab's outputs in `metadata`, so tools can recognise them. */
export const FIGURE_METADATA = { vmlab: { role: "figure" } } as const;
export const LOADER_METADATA = { vmlab: { role: "plotly-loader" } } as const;

/** How long (ms) a figure waits for plotly.js (while no loader is inflating it) before it says why it is blank. */
const WAIT_NOTE_MS = 4000;

/** `<`, `>` and `&` escaped so the text can sit in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * JSON that is safe inside a <script> element: no "</script>" or "<!--"
 * can end or confuse the element, since every "<" is written as \u003c.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * The browser's copy of the loader, kept in IndexedDB ("vmlab" database,
 * "scripts" store) so that a figure on a page without a loader -- the page
 * was reloaded while the kernel ran on, or the loader's output was cleared --
 * can still draw, offline, in any browser that has run a loader once.
 * Every step is guarded: where IndexedDB is missing or refused (some file://
 * pages), figures simply wait for a loader as before.
 */
const CACHE_JS = `function vmlabCache(then) {
    try {
      var open = indexedDB.open("vmlab", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("scripts"); };
      open.onsuccess = function () { try { then(open.result.transaction("scripts", "readwrite").objectStore("scripts")); } catch (e) {} };
    } catch (e) {}
  }`;
const CACHE_KEY = "plotly-loader";
const CACHED_SCRIPT_ID = "vmlab-cached-plotly-loader";

/**
 * Turns the packed bundle back into source: base64 (atob) to bytes, then the
 * Compression Streams standard's DecompressionStream("gzip") (WHATWG
 * Compression, in Chromium 80, Firefox 113, Safari 16.4), read out as text
 * through a Response. A browser without it gets a note in each figure.
 */
const INFLATE_JS = `function vmlabInflate(packed) {
    var bytes = atob(packed);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    var stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }`;

/**
 * The loader output: inflates plotly.js, runs it once per page, then draws
 * what waited. `packed` is plotlyPacked(): gzip, then base64.
 * window.__vmlabPlotlyLoading tells figures that a loader is at work, so they
 * do not also fetch the cached copy; __vmlabPlotlyProblem says why none came.
 */
export function loaderHtml(packed: string): string {
  return `<div class="vmlab-plotly-loader" style="display:none"></div>
<script type="text/javascript">
(function () {
  var me = document.currentScript;
  var packed = ${scriptJson(packed)};
  function drain() {
    var queue = window.__vmlabPlotQueue || [];
    window.__vmlabPlotQueue = [];
    for (var i = 0; i < queue.length; i++) queue[i]();
  }
  function run(source) {
    // Hide CommonJS and AMD (the classic Notebook has require.js) so that
    // plotly.js's bundle sets window.Plotly rather than registering a module.
    if (!window.Plotly) new Function("module", "exports", "define", "require", source).call(window);
    window.__vmlabPlotlyLoading = false;
    drain();
  }
  function fail(error) {
    window.__vmlabPlotlyLoading = false;
    window.__vmlabPlotlyProblem = "this browser could not unpack plotly.js (" + error + "); " +
      "a browser from 2023 or later (Chromium, Firefox, Safari) draws these figures.";
  }
  ${INFLATE_JS}
  ${CACHE_JS}
  if (window.Plotly) { drain(); return; }
  window.__vmlabPlotlyLoading = true;
  try {
    vmlabInflate(packed).then(run, fail);
  } catch (e) {
    fail(e);
  }
  if (me && me.id !== ${scriptJson(CACHED_SCRIPT_ID)} && me.text) {
    vmlabCache(function (store) { store.put(me.text, ${scriptJson(CACHE_KEY)}); });
  }
})();
</script>`;
}

/**
 * A figure's element id: a hash of its content, so the same figure gives the
 * same HTML in every run (executed notebooks compare equal, diffs stay quiet).
 * Two outputs of one figure share an id; each script claims its own element.
 */
export function figureElementId(fig: unknown): string {
  return `vmlab-fig-${createHash("sha256").update(JSON.stringify(fig)).digest("hex").slice(0, 16)}`;
}

/**
 * One figure as HTML: a box holding the text summary, and a script that
 * replaces it with the plot. The script finds its box as the element just
 * before it (JupyterLab and exported pages run scripts in place) or else as
 * the last unclaimed box with its id (the classic Notebook runs them in <head>).
 */
export function figureHtml(fig: unknown, summary: string, height: number): string {
  const id = figureElementId(fig);
  return `<div class="vmlab-figure" id="${id}" style="width:100%;min-height:${height}px">` +
    `<pre style="margin:0;white-space:pre-wrap">${escapeHtml(summary)}</pre></div>
<script type="text/javascript">
(function () {
  var id = ${scriptJson(id)};
  var figure = ${scriptJson(fig)};
  var me = document.currentScript;
  var mine = null;
  function box() {
    if (mine) return mine;
    var near = me && me.previousElementSibling;
    if (!(near && near.id === id && !near.hasAttribute("data-vmlab-claimed"))) {
      var all = document.querySelectorAll(".vmlab-figure");
      near = null;
      for (var i = all.length - 1; i >= 0 && !near; i--) {
        if (all[i].id === id && !all[i].hasAttribute("data-vmlab-claimed")) near = all[i];
      }
    }
    if (near) { near.setAttribute("data-vmlab-claimed", ""); mine = near; }
    return mine;
  }
  box();
  function draw() {
    var el = box();
    if (!el || !el.isConnected) { setTimeout(draw, 50); return; }
    el.innerHTML = "";
    window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
  }
  if (window.Plotly) { draw(); return; }
  (window.__vmlabPlotQueue = window.__vmlabPlotQueue || []).push(draw);
  ${CACHE_JS}
  if (!window.__vmlabCacheTried && !window.__vmlabPlotlyLoading) {
    window.__vmlabCacheTried = true;
    vmlabCache(function (store) {
      var got = store.get(${scriptJson(CACHE_KEY)});
      got.onsuccess = function () {
        if (window.Plotly || window.__vmlabPlotlyLoading || typeof got.result !== "string") return;
        var script = document.createElement("script");
        script.id = ${scriptJson(CACHED_SCRIPT_ID)};
        script.text = got.result;
        document.head.appendChild(script);
      };
    });
  }
  function waitNote() {
    var el = box();
    if (window.Plotly || !el || el.querySelector(".vmlab-wait")) return;
    if (window.__vmlabPlotlyLoading) { setTimeout(waitNote, ${WAIT_NOTE_MS}); return; } // a slow machine: still inflating
    var note = document.createElement("p");
    note.className = "vmlab-wait";
    note.style.color = "#a33";
    note.textContent = window.__vmlabPlotlyProblem ? "This figure cannot be drawn: " + window.__vmlabPlotlyProblem :
      "plotly.js is not loaded on this page: it comes with the first figure of a kernel session. " +
      "Run loadPlotly() from vmlab in a cell, or restart the kernel and run all cells.";
    el.appendChild(note);
  }
  setTimeout(waitNote, ${WAIT_NOTE_MS});
})();
</script>`;
}

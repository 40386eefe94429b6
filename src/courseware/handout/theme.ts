/**
 * The handout theme: one stylesheet for chapter pages and the index.
 * Layout (wide screens):
 *
 *   +---------------------------------------------------+
 *   | site header: course title, link to the index      |
 *   +------------+--------------------------------------+
 *   | contents   | chapter: markdown, code, outputs     |
 *   | (sticky)   | ...                                  |
 *   |            | previous / next chapter              |
 *   +------------+--------------------------------------+
 *
 * Narrow screens put the contents above the chapter. Print hides every
 * navigation element, starts each top-level heading on a new page and keeps
 * code cells and figures whole.
 */
export const HANDOUT_CSS = `
:root {
  --text: #1f2328; --muted: #59636e; --border: #d1d9e0; --code-bg: #f6f8fa;
  --accent: #0b5cad; --error-bg: #fff0f0; --error-border: #e5534b;
}
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--text); background: #fff; line-height: 1.6;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--accent); }
.site-header { border-bottom: 1px solid var(--border); padding: .6rem 1.5rem; font-weight: 600; }
.site-header a { text-decoration: none; }
.layout { display: flex; max-width: 78rem; margin: 0 auto; }
.toc { flex: 0 0 16rem; position: sticky; top: 0; align-self: flex-start; max-height: 100vh;
  overflow-y: auto; padding: 1.5rem 1rem; font-size: .9rem; border-right: 1px solid var(--border); }
.toc h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 .5rem; }
.toc ul { list-style: none; margin: 0; padding: 0; }
.toc li { margin: .2rem 0; }
.toc .toc-h2 { padding-left: .8rem; } .toc .toc-h3 { padding-left: 1.6rem; font-size: .85rem; }
.toc a { text-decoration: none; color: var(--text); } .toc a:hover { color: var(--accent); }
main.chapter { flex: 1 1 auto; min-width: 0; padding: 1.5rem 2rem 4rem; }
.banner { border: 1px solid var(--border); border-left: 4px solid var(--accent); padding: .8rem 1rem; margin-bottom: 1.5rem; background: #f5f9ff; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 .6em; }
main.chapter > .cell:first-child > :first-child, main.chapter > .banner + .cell > :first-child { margin-top: 0; }
main.index { max-width: 52rem; }
h1 { font-size: 2rem; } h2 { font-size: 1.5rem; border-bottom: 1px solid var(--border); padding-bottom: .2em; }
.header-anchor { text-decoration: none; color: var(--muted); margin-left: .2em; opacity: 0; }
h1:hover .header-anchor, h2:hover .header-anchor, h3:hover .header-anchor, h4:hover .header-anchor, .header-anchor:focus { opacity: 1; }
table { border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--border); padding: .3em .7em; }
th { background: var(--code-bg); }
blockquote { margin: 1em 0; padding: 0 1em; color: var(--muted); border-left: 4px solid var(--border); }
img, svg { max-width: 100%; height: auto; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
:not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
pre { margin: 0; padding: .7rem 1rem; overflow-x: auto; line-height: 1.45; font-size: .85rem;
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
pre.code { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; margin: 1em 0; }
.cell { margin: 1rem 0; }
.code-cell .cell-input pre.code { margin: 0; border-left: 3px solid var(--accent); }
.cell-output { margin-top: .3rem; }
.output { margin: .3rem 0; }
pre.output { border-left: 3px solid var(--border); }
pre.output-stderr { background: #fff8e6; }
pre.output-error { background: var(--error-bg); border-left-color: var(--error-border); }
.output-unknown { color: var(--muted); font-style: italic; }
.output-html { overflow-x: auto; }
.output-plotly .plotly-figure { width: 100%; min-height: 360px; }
.withheld { color: var(--muted); font-style: italic; font-size: .9rem; }
.exercise-label { display: inline-block; font-size: .75rem; font-weight: 600; color: #fff; background: var(--accent);
  border-radius: 3px; padding: 0 .4rem; margin-bottom: .2rem; }
.exercise-label.test { background: var(--muted); }
details { margin: .5rem 0; } details > summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
.math-block { overflow-x: auto; overflow-y: hidden; }
.math-error { color: var(--error-border); font-family: monospace; }
.footnotes { font-size: .9rem; color: var(--muted); }
.chapter-nav { display: flex; justify-content: space-between; gap: 1rem; margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); }
.chapter-nav a { text-decoration: none; } .chapter-nav .next { margin-left: auto; text-align: right; }
.chapter-nav small { display: block; color: var(--muted); }
.chapter-list { list-style: none; padding: 0; } .chapter-list li { margin: 1.2rem 0; }
.chapter-list .chapter-title { font-size: 1.15rem; font-weight: 600; }
.chapter-list .not-built { color: var(--muted); }
.chapter-list p { margin: .2rem 0; color: var(--muted); }
/* highlight.js scopes */
.hljs-keyword, .hljs-meta, .hljs-selector-tag { color: #cf222e; }
.hljs-built_in, .hljs-type { color: #8250df; }
.hljs-variable, .hljs-params, .hljs-attr { color: #953800; }
.hljs-title, .hljs-title.function_, .hljs-title.class_ { color: #6639ba; }
.hljs-string, .hljs-regexp { color: #0a3069; }
.hljs-number, .hljs-literal { color: #0550ae; }
.hljs-comment { color: #6e7781; font-style: italic; }
/* ANSI colours (the 16 of a terminal) */
.ansi-bold { font-weight: bold; } .ansi-faint { opacity: .7; } .ansi-italic { font-style: italic; } .ansi-underline { text-decoration: underline; }
.ansi-black-fg { color: #3e424d; } .ansi-red-fg { color: #e75c58; } .ansi-green-fg { color: #00a250; } .ansi-yellow-fg { color: #ddb62b; }
.ansi-blue-fg { color: #208ffb; } .ansi-magenta-fg { color: #d160c4; } .ansi-cyan-fg { color: #60c6c8; } .ansi-white-fg { color: #c5c1b4; }
.ansi-bright-black-fg { color: #282c36; } .ansi-bright-red-fg { color: #b22b31; } .ansi-bright-green-fg { color: #007427; } .ansi-bright-yellow-fg { color: #b27d12; }
.ansi-bright-blue-fg { color: #0065ca; } .ansi-bright-magenta-fg { color: #a03196; } .ansi-bright-cyan-fg { color: #258f8f; } .ansi-bright-white-fg { color: #a1a6b2; }
.ansi-black-bg { background: #3e424d; } .ansi-red-bg { background: #e75c58; } .ansi-green-bg { background: #00a250; } .ansi-yellow-bg { background: #ddb62b; }
.ansi-blue-bg { background: #208ffb; } .ansi-magenta-bg { background: #d160c4; } .ansi-cyan-bg { background: #60c6c8; } .ansi-white-bg { background: #c5c1b4; }
.ansi-bright-black-bg { background: #282c36; } .ansi-bright-red-bg { background: #b22b31; } .ansi-bright-green-bg { background: #007427; } .ansi-bright-yellow-bg { background: #b27d12; }
.ansi-bright-blue-bg { background: #0065ca; } .ansi-bright-magenta-bg { background: #a03196; } .ansi-bright-cyan-bg { background: #258f8f; } .ansi-bright-white-bg { background: #a1a6b2; }
@media (max-width: 60rem) {
  .layout { display: block; }
  .toc { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--border); }
  main.chapter { padding: 1rem; }
}
@page { margin: 18mm 16mm; }
@media print {
  .site-header, .toc, .chapter-nav, nav, .header-anchor { display: none !important; }
  .layout { display: block; max-width: none; }
  main.chapter { padding: 0; }
  body { font-size: 11pt; }
  h1 { break-before: page; } .cell:first-child h1, main.chapter > h1:first-child { break-before: avoid; }
  h1, h2, h3, h4 { break-after: avoid; }
  .code-cell, .output-plotly, .output-image, .output-svg, figure, table { break-inside: avoid; }
  pre { white-space: pre-wrap; word-break: break-word; }
  a { color: inherit; text-decoration: none; }
}
`;

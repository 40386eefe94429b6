/**
 * plotly.js itself, read from the installed plotly.js-cartesian-dist-min (no
 * network: the figures work offline), once per process.
 *
 * The partial "cartesian" bundle rather than the full one: it holds every
 * trace type vmlab's builders emit (TRACE_TYPES in figure.ts; a browser test
 * checks the bundle's PlotSchema has each) at 1.5 MB instead of 4.9 MB.
 * Notebooks get it gzip-compressed and base64-encoded (about 0.66 MB), which
 * the loader inflates in the browser (html.ts); handouts, which are not saved
 * into a notebook, link or inline it as it is.
 */
import { readFileSync } from "fs";
import { gzipSync } from "zlib";
import { UserError } from "../errors";

export const PLOTLY_PACKAGE = "plotly.js-cartesian-dist-min";

/** The trace types the bundle registers (its README's list). */
export const BUNDLE_TRACE_TYPES: readonly string[] = [
  "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
  "image", "pie", "scatter", "scatterternary", "violin",
];

/** Where the installed bundle is; a UserError saying what to run if it is missing. */
export function plotlyFile(): string {
  try {
    return require.resolve(`${PLOTLY_PACKAGE}/plotly-cartesian.min.js`);
  } catch {
    throw new UserError(`${PLOTLY_PACKAGE} is not installed: run \`npm install\` in the vmlab folder`);
  }
}

let source: string | undefined;
let packed: string | undefined;

/** plotly.js's minified source. */
export function plotlySource(): string {
  if (source === undefined) source = readFileSync(plotlyFile(), "utf8");
  return source;
}

/**
 * The source gzip-compressed (RFC 1952, level 9) and base64-encoded: what a
 * notebook's loader output carries. Node writes no file name and a zero
 * modification time, so the same bundle packs to the same text in every run.
 */
export function plotlyPacked(): string {
  if (packed === undefined) packed = gzipSync(Buffer.from(plotlySource(), "utf8"), { level: 9 }).toString("base64");
  return packed;
}

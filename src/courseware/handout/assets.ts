/**
 * What pages need besides their own HTML, so they work offline:
 *
 *   OUT/assets/
 *     handout.css            the theme (theme.ts)
 *     katex/katex.min.css    KaTeX's styles, fonts reduced to woff2
 *     katex/fonts/*.woff2    KaTeX's fonts (every browser that runs
 *                            plotly.js reads woff2)
 *     plotly.min.js          plotly.js (its cartesian bundle, as in the
 *                            notebooks), only if some page has a figure
 *
 * Copied once per output folder (a file already there with the same size
 * is kept). A standalone page instead inlines the CSS, the fonts as data:
 * URLs and plotly.js itself.
 */
import * as fs from "fs";
import * as path from "path";
import { HANDOUT_CSS } from "./theme";

export const ASSETS_DIR = "assets";

const katexDist = (): string => path.dirname(require.resolve("katex/dist/katex.min.css"));
/** The same partial bundle notebooks carry (src/plot/plotlyjs.ts: the trace types vmlab draws). */
const plotlyFile = (): string => require.resolve("plotly.js-cartesian-dist-min/plotly-cartesian.min.js");

/** KaTeX's CSS with every font source but woff2 removed. */
function katexCssWoff2(): string {
  const css = fs.readFileSync(path.join(katexDist(), "katex.min.css"), "utf8");
  return css.replace(/,url\(fonts\/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, "");
}

let inlineKatex: string | undefined;
/** KaTeX's CSS with its fonts as data: URLs, for standalone pages. */
export function katexCssInline(): string {
  if (inlineKatex === undefined) {
    const dir = katexDist();
    inlineKatex = katexCssWoff2().replace(/url\(fonts\/([^)]+\.woff2)\)/g, (_m, name: string) => {
      const data = fs.readFileSync(path.join(dir, "fonts", name)).toString("base64");
      return `url(data:font/woff2;base64,${data})`;
    });
  }
  return inlineKatex;
}

let plotlySource: string | undefined;
/** plotly.js's minified source, for standalone pages. */
export function plotlyJs(): string {
  if (plotlySource === undefined) plotlySource = fs.readFileSync(plotlyFile(), "utf8");
  return plotlySource;
}

/** Writes OUT/assets (plotly.js only if `withPlotly`); returns its path. */
export function writeAssets(outDir: string, withPlotly: boolean): string {
  const dir = path.join(outDir, ASSETS_DIR);
  fs.mkdirSync(path.join(dir, "katex", "fonts"), { recursive: true });
  writeIfChanged(path.join(dir, "handout.css"), HANDOUT_CSS);
  writeIfChanged(path.join(dir, "katex", "katex.min.css"), katexCssWoff2());
  const fonts = path.join(katexDist(), "fonts");
  for (const f of fs.readdirSync(fonts).filter((n) => n.endsWith(".woff2"))) {
    copyIfChanged(path.join(fonts, f), path.join(dir, "katex", "fonts", f));
  }
  if (withPlotly) copyIfChanged(plotlyFile(), path.join(dir, "plotly.min.js"));
  return dir;
}

function writeIfChanged(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.writeFileSync(file, text);
}

function copyIfChanged(from: string, to: string): void {
  if (fs.existsSync(to) && fs.statSync(to).size === fs.statSync(from).size) return;
  fs.copyFileSync(from, to);
}

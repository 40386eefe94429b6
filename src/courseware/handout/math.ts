/**
 * TeX math in markdown, rendered with KaTeX at export time, with the
 * delimiters Jupyter and pandoc's `tex_math_dollars` use:
 *
 *   $x^2$            inline: the opening `$` is not followed by a space,
 *                    the closing one is not preceded by a space nor
 *                    followed by a digit (so "$5 and $6" stays text);
 *   $$ ... $$        display math, inline or as a block of lines;
 *   \$               a literal dollar (markdown-it's escape rule).
 *
 * A formula KaTeX cannot parse is shown as its source, marked as an error
 * (`.math-error`, with KaTeX's message as its title), never dropped.
 */
import katex from "katex";
import type MarkdownIt from "markdown-it";

type StateBlock = MarkdownIt.StateBlock;
type StateInline = MarkdownIt.StateInline;
import { escapeHtml } from "./html";

/** KaTeX's macro table, shared by the formulas of one page. */
export type TexMacros = NonNullable<katex.KatexOptions["macros"]>;

/**
 * KaTeX's HTML for one formula, or the source marked as an error. `macros`
 * is shared by the formulas of one page, so a `\newcommand` in one cell
 * serves the cells after it, as MathJax does in Jupyter.
 */
export function renderTex(tex: string, displayMode: boolean, macros?: TexMacros): string {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, strict: "ignore", trust: false, macros, globalGroup: macros !== undefined });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const tag = displayMode ? "div" : "span";
    return `<${tag} class="math-error" title="${escapeHtml(message)}">${escapeHtml(tex)}</${tag}>`;
  }
}

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== DOLLAR) return false;
  const display = src.charCodeAt(start + 1) === DOLLAR;
  const open = display ? 2 : 1;
  const end = display ? findDisplayEnd(src, start + 2) : findInlineEnd(src, start + 1);
  if (end < 0) {
    if (!silent) state.pending += display ? "$$" : "$";
    state.pos += open;
    return true;
  }
  if (!silent) {
    const token = state.push(display ? "math_display" : "math_inline", "math", 0);
    token.content = src.slice(start + open, end);
    token.markup = display ? "$$" : "$";
  }
  state.pos = end + open;
  return true;
}

function findDisplayEnd(src: string, from: number): number {
  const end = src.indexOf("$$", from);
  return end > from ? end : -1;
}

function findInlineEnd(src: string, from: number): number {
  if (from >= src.length || isSpace(src.charCodeAt(from))) return -1;
  for (let i = from; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
      continue;
    }
    if (c !== DOLLAR) continue;
    const before = src.charCodeAt(i - 1);
    const after = src.charCodeAt(i + 1);
    if (i === from || isSpace(before)) return -1;
    if (after >= 0x30 && after <= 0x39) return -1;
    return i;
  }
  return -1;
}

/** A block starting with `$$` on its own line, up to the line ending in `$$`. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  if (!state.src.startsWith("$$", pos)) return false;
  if (silent) return true;
  pos += 2;
  let first = state.src.slice(pos, max);
  let last = "";
  let line = startLine;
  let found = false;
  if (first.trim().endsWith("$$") && first.trim().length >= 2) {
    first = first.trim().slice(0, -2);
    found = true;
  }
  while (!found) {
    line++;
    if (line >= endLine) break;
    pos = state.bMarks[line] + state.tShift[line];
    max = state.eMarks[line];
    const text = state.src.slice(pos, max).trimEnd();
    if (text.endsWith("$$")) {
      last = text.slice(0, -2);
      found = true;
    }
  }
  if (!found) return false; // no closing $$: leave it to the paragraph rule
  state.line = line + 1;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  const middle = line > startLine + 1 ? state.getLines(startLine + 1, line, state.tShift[startLine], true) : "";
  token.content = [first, middle, last].filter((s) => s.trim() !== "").join("\n");
  token.map = [startLine, state.line];
  token.markup = "$$";
  return true;
}

/** The markdown-it plugin. */
export function mathPlugin(md: MarkdownIt.MarkdownIt): void {
  md.inline.ruler.after("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, { alt: ["paragraph", "reference", "blockquote", "list"] });
  const macros = (env: unknown): TexMacros | undefined => (env as { katexMacros?: TexMacros } | undefined)?.katexMacros;
  md.renderer.rules.math_inline = (tokens, i, _o, env) => renderTex(tokens[i].content, false, macros(env));
  md.renderer.rules.math_display = (tokens, i, _o, env) => renderTex(tokens[i].content, true, macros(env));
  md.renderer.rules.math_block = (tokens, i, _o, env) => `<div class="math-block">${renderTex(tokens[i].content, true, macros(env))}</div>\n`;
}

/**
 * ANSI escape codes to HTML, for stream outputs and error tracebacks.
 * Follows ECMA-48 section 8.3.117 (SGR, "select graphic rendition"):
 * `ESC [ n ; n ... m`. Handled: 0 reset, 1 bold, 2 faint, 3 italic,
 * 4 underline, 22/23/24 their resets, 30-37 / 90-97 foreground, 40-47 /
 * 100-107 background, 39/49 default colours, and the 8-bit (`38;5;n`) and
 * 24-bit (`38;2;r;g;b`) forms. Every other escape sequence (cursor moves,
 * OSC titles) is dropped; text is HTML-escaped.
 *
 * The 16 basic colours become classes (`ansi-red-fg`, as nbconvert names
 * them) so the theme decides the palette; the others become inline styles.
 */
import { escapeHtml } from "./html";

const NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

interface Style {
  bold: boolean;
  faint: boolean;
  italic: boolean;
  underline: boolean;
  fg: string | null; // a class suffix ("red", "bright-red") or "#rrggbb"
  bg: string | null;
}

const plain = (): Style => ({ bold: false, faint: false, italic: false, underline: false, fg: null, bg: null });

// CSI sequences (ESC [ params final), OSC sequences (ESC ] ... BEL/ST), and
// lone two-character escapes.
const ESCAPE = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;

/** HTML for text that may hold ANSI escapes. */
export function ansiToHtml(text: string): string {
  let out = "";
  let style = plain();
  let last = 0;
  for (const m of text.matchAll(ESCAPE)) {
    out += span(style, text.slice(last, m.index));
    last = (m.index ?? 0) + m[0].length;
    if (m[2] === "m") style = applySgr(style, m[1]);
  }
  return out + span(style, text.slice(last));
}

/** Text with every escape sequence removed. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, "");
}

function span(style: Style, text: string): string {
  if (text === "") return "";
  const classes: string[] = [];
  const css: string[] = [];
  if (style.bold) classes.push("ansi-bold");
  if (style.faint) classes.push("ansi-faint");
  if (style.italic) classes.push("ansi-italic");
  if (style.underline) classes.push("ansi-underline");
  colour(style.fg, "fg", "color", classes, css);
  colour(style.bg, "bg", "background-color", classes, css);
  const body = escapeHtml(text);
  if (classes.length === 0 && css.length === 0) return body;
  const cls = classes.length ? ` class="${classes.join(" ")}"` : "";
  const st = css.length ? ` style="${css.join(";")}"` : "";
  return `<span${cls}${st}>${body}</span>`;
}

function colour(c: string | null, kind: string, property: string, classes: string[], css: string[]): void {
  if (c === null) return;
  if (c.startsWith("#")) css.push(`${property}:${c}`);
  else classes.push(`ansi-${c}-${kind}`);
}

function applySgr(current: Style, params: string): Style {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  let s = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) s = plain();
    else if (c === 1) s.bold = true;
    else if (c === 2) s.faint = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.faint = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = NAMES[c - 30];
    else if (c >= 90 && c <= 97) s.fg = `bright-${NAMES[c - 90]}`;
    else if (c >= 40 && c <= 47) s.bg = NAMES[c - 40];
    else if (c >= 100 && c <= 107) s.bg = `bright-${NAMES[c - 100]}`;
    else if (c === 39) s.fg = null;
    else if (c === 49) s.bg = null;
    else if (c === 38 || c === 48) {
      const { value, used } = extendedColour(codes, i + 1);
      if (c === 38) s.fg = value;
      else s.bg = value;
      i += used;
    }
  }
  return s;
}

/** `5;n` (xterm's 256 colours) or `2;r;g;b`; returns the colour and how many codes it used. */
function extendedColour(codes: number[], at: number): { value: string | null; used: number } {
  if (codes[at] === 5 && at + 1 < codes.length) return { value: xterm256(codes[at + 1]), used: 2 };
  if (codes[at] === 2 && at + 3 < codes.length) {
    return { value: hex(codes[at + 1], codes[at + 2], codes[at + 3]), used: 4 };
  }
  return { value: null, used: codes.length - at };
}

function xterm256(n: number): string | null {
  if (!(n >= 0 && n <= 255)) return null;
  if (n < 8) return NAMES[n];
  if (n < 16) return `bright-${NAMES[n - 8]}`;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return hex(v, v, v);
  }
  const i = n - 16;
  const level = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
  return hex(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
}

function hex(r: number, g: number, b: number): string {
  const h = (x: number): string => Math.max(0, Math.min(255, x | 0)).toString(16).padStart(2, "0");
  return `#${h(r)}${h(g)}${h(b)}`;
}

/**
 * A one-pass TypeScript highlighter for code cells. highlight.js's
 * TypeScript grammar tries dozens of look-ahead patterns at every position
 * and was half the time of an export; notebook cells need far less: this
 * scanner is a single left-to-right pass over the source.
 *
 *   // line and /* block *\/ comments           hljs-comment
 *   'x' "x" strings, `template ${expr}` literals hljs-string, hljs-subst
 *   keywords, literals, built-in objects         hljs-keyword, hljs-literal, hljs-built_in
 *   numbers (0x, 0b, 0o, 1_000, 1e3, 10n)        hljs-number
 *   name( calls, Capitalized names               hljs-title function_, hljs-title class_
 *   /regex/flags where an operand may start      hljs-regexp
 *
 * Inside `${...}` the scanner recurses, counting braces. A template literal
 * holding a toy32 program (toy32-language.ts) is highlighted as toy32.
 * The output uses highlight.js's class names, so one theme styles both.
 */
import { escapeHtml } from "./html";

const KEYWORDS = new Set(
  ("abstract as async await break case catch class const continue debugger declare default delete do else enum " +
    "export extends finally for from function get if implements import in infer instanceof interface is keyof let " +
    "namespace new of override private protected public readonly return satisfies set static super switch this " +
    "throw try type typeof unique var void while with yield").split(" "),
);
const LITERALS = new Set(["true", "false", "null", "undefined", "NaN", "Infinity"]);
const BUILT_INS = new Set(
  ("Array ArrayBuffer BigInt Boolean DataView Date Error JSON Map Math Number Object Promise Proxy Reflect RegExp " +
    "Set String Symbol TypeError RangeError Uint8Array Uint16Array Uint32Array Int8Array Int16Array Int32Array " +
    "Float32Array Float64Array BigInt64Array BigUint64Array WeakMap WeakSet console process globalThis " +
    "any boolean never number object string symbol unknown bigint").split(" "),
);

/** Highlights embedded toy32 (given by the caller, so this file knows no grammar but TypeScript's). */
export type EmbeddedHighlighter = (templateBody: string) => string | null;

const span = (cls: string, text: string): string => `<span class="${cls}">${escapeHtml(text)}</span>`;

class Scanner {
  private out = "";
  private pos = 0;
  /** The last significant token: decides whether `/` is a regex or a division. */
  private last: "operand" | "operator" | "keyword" = "operator";

  constructor(private readonly src: string, private readonly embedded: EmbeddedHighlighter) {}

  /** Scans until the end, or (inside `${`) until the brace that closes it. */
  run(stopAtBrace: boolean): string {
    let depth = 0;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (stopAtBrace && c === "}" && depth === 0) break;
      if (c === "{") depth++;
      if (c === "}") depth--;
      this.step(c);
    }
    return this.out;
  }

  private step(c: string): void {
    const src = this.src;
    const next = src[this.pos + 1];
    if (c === "/" && next === "/") return this.until("hljs-comment", src.indexOf("\n", this.pos), 0);
    if (c === "/" && next === "*") return this.until("hljs-comment", src.indexOf("*/", this.pos + 2), 2);
    if (c === '"' || c === "'") return this.quoted(c);
    if (c === "`") return this.template();
    if (c === "/" && this.last !== "operand") return this.regex();
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(next ?? ""))) return this.number();
    if (/[A-Za-z_$]/.test(c)) return this.word();
    if (c === "@" && /[A-Za-z_]/.test(next ?? "")) return this.decorator();
    this.out += escapeHtml(c);
    this.pos++;
    if (/\s/.test(c)) return;
    this.last = c === ")" || c === "]" || c === "}" ? "operand" : "operator";
  }

  /** A token running to `end` (exclusive) plus `extra` characters, or to the end of input. */
  private until(cls: string, end: number, extra: number): void {
    const stop = end < 0 ? this.src.length : end + extra;
    this.out += span(cls, this.src.slice(this.pos, stop));
    this.pos = stop;
  }

  private quoted(quote: string): void {
    const src = this.src;
    let i = this.pos + 1;
    while (i < src.length && src[i] !== quote && src[i] !== "\n") i += src[i] === "\\" ? 2 : 1;
    const end = i < src.length && src[i] === quote ? i + 1 : Math.min(i, src.length); // unterminated: stop at the newline
    this.out += span("hljs-string", src.slice(this.pos, end));
    this.pos = end;
    this.last = "operand";
  }

  private template(): void {
    const start = this.pos;
    const end = this.templateEnd(start + 1);
    const body = this.src.slice(start + 1, end);
    const asm = this.embedded(body);
    if (asm !== null) {
      this.out += span("hljs-string", "`") + asm + (end < this.src.length ? span("hljs-string", "`") : "");
      this.pos = Math.min(end + 1, this.src.length);
      this.last = "operand";
      return;
    }
    this.out += '<span class="hljs-string">`';
    this.pos = start + 1;
    while (this.pos < this.src.length && this.src[this.pos] !== "`") {
      if (this.src.startsWith("${", this.pos)) {
        const inner = new Scanner(this.src, this.embedded);
        inner.pos = this.pos + 2;
        const html = inner.run(true);
        this.out += `<span class="hljs-subst">\${${html}}</span>`;
        this.pos = inner.pos + 1;
      } else {
        const step = this.src[this.pos] === "\\" ? 2 : 1;
        this.out += escapeHtml(this.src.slice(this.pos, this.pos + step));
        this.pos += step;
      }
    }
    if (this.pos < this.src.length) this.out += "`";
    this.out += "</span>";
    this.pos = Math.min(this.pos + 1, this.src.length);
    this.last = "operand";
  }

  /** Index of the closing backtick of a template starting at `from` (skipping `${...}`). */
  private templateEnd(from: number): number {
    let i = from;
    while (i < this.src.length && this.src[i] !== "`") {
      if (this.src[i] === "\\") i += 2;
      else if (this.src.startsWith("${", i)) i = this.substEnd(i + 2) + 1;
      else i++;
    }
    return i;
  }

  private substEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === "`") i = this.templateEnd(i + 1);
      else if (c === "{") depth++;
      else if (c === "}" && depth-- === 0) return i;
    }
    return this.src.length;
  }

  private regex(): void {
    let i = this.pos + 1;
    let inClass = false;
    while (i < this.src.length && this.src[i] !== "\n") {
      const c = this.src[i];
      if (c === "\\") i++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      i++;
    }
    if (this.src[i] !== "/") {
      this.out += escapeHtml("/"); // not a regex after all: a lone slash
      this.pos++;
      this.last = "operator";
      return;
    }
    i++;
    while (i < this.src.length && /[a-z]/.test(this.src[i])) i++;
    this.until("hljs-regexp", i, 0);
    this.last = "operand";
  }

  private number(): void {
    const m = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)n?/.exec(this.src.slice(this.pos, this.pos + 64));
    const text = m && m[0] !== "" ? m[0] : this.src[this.pos];
    this.out += span("hljs-number", text);
    this.pos += text.length;
    this.last = "operand";
  }

  private word(): void {
    const m = /^[A-Za-z_$][\w$]*/.exec(this.src.slice(this.pos, this.pos + 256));
    const w = m ? m[0] : this.src[this.pos];
    const after = this.src.slice(this.pos + w.length, this.pos + w.length + 64);
    const member = this.src[this.pos - 1] === ".";
    this.pos += w.length;
    if (!member && KEYWORDS.has(w)) {
      this.out += span("hljs-keyword", w);
      // After a keyword (return, typeof, ...) a `/` starts a regex; after this/super it divides.
      this.last = w === "this" || w === "super" ? "operand" : "keyword";
      return;
    }
    this.last = "operand";
    if (!member && LITERALS.has(w)) this.out += span("hljs-literal", w);
    else if (!member && BUILT_INS.has(w)) this.out += span("hljs-built_in", w);
    else if (/^\s*(?:<[^>()]*>)?\s*\(/.test(after)) this.out += span("hljs-title function_", w);
    else if (/^[A-Z]/.test(w) && /[a-z]/.test(w)) this.out += span("hljs-title class_", w);
    else this.out += escapeHtml(w);
  }

  private decorator(): void {
    const m = /^@[\w$.]+/.exec(this.src.slice(this.pos, this.pos + 128));
    const text = m ? m[0] : "@";
    this.out += span("hljs-meta", text);
    this.pos += text.length;
  }
}

/** TypeScript source as highlighted HTML. */
export function highlightTypeScript(source: string, embedded: EmbeddedHighlighter = () => null): string {
  return new Scanner(source, embedded).run(false);
}

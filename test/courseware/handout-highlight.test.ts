/**
 * The one-pass TypeScript highlighter: what it marks, that it never loses
 * or reorders a character (the page shows exactly the cell's code), and
 * that toy32 programs in template literals come out as assembly.
 */
import { describe, expect, it } from "vitest";
import { highlight } from "../../src/courseware/handout/highlight";
import { looksLikeToy32 } from "../../src/courseware/handout/toy32-language";

/** The text a reader sees: tags dropped, entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, "&");
}

const ts = (code: string): string => highlight(code, "typescript");

describe("TypeScript highlighting", () => {
  it("marks keywords, literals, built-ins, numbers, strings, comments and calls", () => {
    const html = ts('const n: number = 0x1f + 1_000n; // note\nif (ok === true) console.log("a\\"b", Math.max(2, 3)); /* end */');
    expect(html).toContain('<span class="hljs-keyword">const</span> n: <span class="hljs-built_in">number</span>');
    expect(html).toContain('<span class="hljs-number">0x1f</span> + <span class="hljs-number">1_000n</span>');
    expect(html).toContain('<span class="hljs-comment">// note</span>');
    expect(html).toContain('<span class="hljs-literal">true</span>');
    expect(html).toContain('<span class="hljs-built_in">console</span>.<span class="hljs-title function_">log</span>(<span class="hljs-string">&quot;a\\&quot;b&quot;</span>');
    expect(html).toContain('<span class="hljs-comment">/* end */</span>');
  });

  it("tells a regular expression from a division", () => {
    expect(ts("const r = /a\\/b[/]/g.test(s);")).toContain('<span class="hljs-regexp">/a\\/b[/]/g</span>');
    expect(ts("const half = total / 2 / count;")).not.toContain("hljs-regexp");
    expect(ts("const x = (a + b) / 2;")).not.toContain("hljs-regexp");
  });

  it("highlights code inside ${...}, nested templates included", () => {
    const html = ts("const s = `a ${f(`b ${1}`)} c`;");
    expect(html).toContain('<span class="hljs-string">`a <span class="hljs-subst">${<span class="hljs-title function_">f</span>(');
    expect(html).toContain('<span class="hljs-subst">${<span class="hljs-number">1</span>}</span>');
  });

  it("shows a toy32 program in a template literal as toy32", () => {
    const html = ts("const p = assemble(`\n  # sum\nloop:  addi t0, t0, -1\n       bnez t0, loop\n`);");
    expect(html).toContain('<span class="language-toy32">');
    expect(html).toContain('<span class="hljs-keyword">addi</span> <span class="hljs-variable">t0</span>');
    expect(looksLikeToy32("handler:\n  csrr k0, CAUSE")).toBe(true);
    expect(looksLikeToy32("   .equ N, 10")).toBe(true);
    expect(looksLikeToy32("console: ${x}")).toBe(false);
    expect(looksLikeToy32("stopped: halted")).toBe(false);
    expect(looksLikeToy32("addition of two numbers")).toBe(false);
  });

  it("never loses, adds or reorders a character, whatever the input", () => {
    const pieces = ["`", "${", "}", "{", "'", '"', "/", "*", "//", "/*", "*/", "\\", "\n", " ", "a", "if", "1", "0x", ".", "<b>", "&", "(", ")", "#", "li a0, 1", "loop:"];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let trial = 0; trial < 500; trial++) {
      const code = Array.from({ length: 1 + random(40) }, () => pieces[random(pieces.length)]).join("");
      expect(visible(ts(code))).toBe(code);
    }
  });
});

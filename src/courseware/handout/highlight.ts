/**
 * Syntax highlighting at export time, so pages need no script for it.
 * TypeScript and JavaScript (the notebooks' code) go through the one-pass
 * scanner of typescript-highlight.ts, with toy32 programs in template
 * literals highlighted as assembly; toy32 itself and the few other
 * languages of markdown fences go through one private highlight.js
 * instance.
 */
import hljsCore from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import { escapeHtml } from "./html";
import { highlightTypeScript } from "./typescript-highlight";
import { looksLikeToy32, toy32Language } from "./toy32-language";

const hljs = hljsCore.newInstance();
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("python", python);
hljs.registerLanguage("toy32", toy32Language);

const SCRIPT_LANGUAGES: Readonly<Record<string, string>> = {
  typescript: "typescript", ts: "typescript", tsx: "typescript", javascript: "javascript", js: "javascript",
};

/** The language this module highlights by this name or alias, if any. */
export function knownLanguage(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lang = name.trim().toLowerCase().split(/\s+/)[0];
  if (SCRIPT_LANGUAGES[lang]) return SCRIPT_LANGUAGES[lang];
  return hljs.getLanguage(lang) ? lang : undefined;
}

function toy32Template(body: string): string | null {
  if (!looksLikeToy32(body)) return null;
  return `<span class="language-toy32">${hljs.highlight(body, { language: "toy32", ignoreIllegals: true }).value}</span>`;
}

/** Highlighted HTML of `code` (escaped plain text if the language is unknown). */
export function highlight(code: string, language: string | undefined): string {
  const lang = knownLanguage(language);
  if (!lang) return escapeHtml(code);
  if (lang === "typescript" || lang === "javascript") return highlightTypeScript(code, toy32Template);
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

/** `<pre><code>` for a block of code, with the classes the theme styles. */
export function codeBlock(code: string, language: string | undefined): string {
  const lang = knownLanguage(language);
  const cls = lang ? `hljs language-${lang}` : "hljs";
  return `<pre class="code"><code class="${cls}">${highlight(code, lang)}</code></pre>`;
}

/**
 * Syntax highlighting with highlight.js at export time, so pages need no
 * script for it. One private highlight.js instance carries the languages
 * handouts meet: the notebooks' TypeScript (with the toy32 programs in its
 * template literals highlighted as assembly), toy32 assembly itself, and
 * the few that show up in markdown fences.
 */
import hljsCore from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import typescript from "highlight.js/lib/languages/typescript";
import { escapeHtml } from "./html";
import { toy32Language, toy32TemplateMode } from "./toy32-language";

const hljs = hljsCore.newInstance();
hljs.registerLanguage("typescript", (api) => {
  const lang = typescript(api);
  lang.contains = [toy32TemplateMode(), ...(lang.contains ?? [])];
  return lang;
});
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("python", python);
hljs.registerLanguage("toy32", toy32Language);

/** The language highlight.js knows by this name or alias, if any. */
export function knownLanguage(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lang = name.trim().toLowerCase().split(/\s+/)[0];
  return hljs.getLanguage(lang) ? lang : undefined;
}

/** Highlighted HTML of `code` (escaped plain text if the language is unknown). */
export function highlight(code: string, language: string | undefined): string {
  const lang = knownLanguage(language);
  if (!lang) return escapeHtml(code);
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

/** `<pre><code>` for a block of code, with the classes the theme styles. */
export function codeBlock(code: string, language: string | undefined): string {
  const lang = knownLanguage(language);
  const cls = lang ? `hljs language-${lang}` : "hljs";
  return `<pre class="code"><code class="${cls}">${highlight(code, lang)}</code></pre>`;
}

/**
 * Markdown cells to HTML with markdown-it: CommonMark plus GFM tables and
 * strikethrough, footnotes (markdown-it-footnote), heading anchors
 * (markdown-it-anchor), TeX math rendered by KaTeX (math.ts), highlighted
 * fenced code, and images from the cell's attachments (nbformat 4.5:
 * `![alt](attachment:name.png)` refers to `cell.attachments["name.png"]`).
 *
 * Cells of one page share a MarkdownPage, so heading ids stay unique across
 * the page and every heading lands in its table of contents. Footnote ids
 * carry the cell's number so two cells' `[^1]` do not collide.
 */
import * as fs from "fs";
import * as path from "path";
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import footnote from "markdown-it-footnote";
import type { MimeBundle } from "../../notebook/nbformat";
import { joinSource } from "../../notebook/nbformat";
import { codeBlock } from "./highlight";
import { escapeHtml } from "./html";
import { mathPlugin, renderTex, type TexMacros } from "./math";

type Token = MarkdownIt.Token;

export interface Heading {
  readonly level: number;
  readonly id: string;
  /** The heading's text as HTML (code and math kept, links dropped). */
  readonly html: string;
  /** The heading's plain text. */
  readonly text: string;
}

/** What the markdown cells of one page share. */
export class MarkdownPage {
  readonly headings: Heading[] = [];
  readonly slugs: Record<string, boolean> = {};
  /** KaTeX macros defined so far (`\newcommand` in one cell serves the next). */
  readonly katexMacros: TexMacros = {};
  /** `baseDir`: the notebook's folder, for relative image paths. */
  constructor(readonly baseDir?: string) {}
}

/** A heading's id: lower case words joined by dashes, like GitHub's. */
export function slugify(text: string): string {
  const slug = text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s+/g, "-");
  return slug === "" ? "section" : slug;
}

function createRenderer(): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt({
    html: true,
    linkify: true,
    typographer: false,
    highlight: (code, lang) => codeBlock(code, lang || undefined),
  });
  md.use(mathPlugin);
  md.use(footnote);
  md.use(anchor, {
    level: [1, 2, 3, 4, 5, 6],
    slugify,
    tabIndex: false,
    // A "¶" after each heading links to it (hidden from screen readers and from print).
    permalink: anchor.permalink.ariaHidden({ placement: "after", symbol: "¶", class: "header-anchor" }),
  });
  const image = md.renderer.rules.image;
  md.renderer.rules.image = (tokens, i, options, env, self) => {
    const src = String(tokens[i].attrGet("src") ?? "");
    const attachments = (env as Partial<RenderEnv>).attachments;
    if (src.startsWith("attachment:")) tokens[i].attrSet("src", attachmentUrl(src.slice(11), attachments));
    else tokens[i].attrSet("src", localImageUrl(src, (env as Partial<RenderEnv>).baseDir) ?? src);
    return image ? image(tokens, i, options, env, self) : self.renderToken(tokens, i, options);
  };
  return md;
}

interface RenderEnv extends MarkdownIt.Env {
  docId: string;
  markdownItAnchor: { slugs: Record<string, boolean> };
  attachments?: Record<string, MimeBundle>;
  /** The notebook's folder, against which relative image paths resolve. */
  baseDir?: string;
  katexMacros?: TexMacros;
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".svg": "image/svg+xml", ".webp": "image/webp",
};
const MAX_INLINE_IMAGE = 8 << 20;

/**
 * A relative image path below the notebook's folder (`![](figures/ring.svg)`) as a
 * data: URL, so the page works wherever it is written; null if it is not a
 * readable local image (the link is then kept as written).
 */
function localImageUrl(src: string, baseDir: string | undefined): string | null {
  if (!baseDir || src === "" || /^[a-z][a-z0-9+.-]*:|^\/|^#/i.test(src)) return null;
  let file: string;
  try {
    file = path.resolve(baseDir, decodeURI(src.split(/[?#]/)[0]));
  } catch {
    return null;
  }
  // Only inside the notebook's folder: a submitted notebook rendered as a
  // feedback page must not pull in the grader's other files.
  const rel = path.relative(baseDir, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return null;
  const mime = IMAGE_TYPES[path.extname(file).toLowerCase()];
  try {
    if (!mime || !fs.statSync(file).isFile() || fs.statSync(file).size > MAX_INLINE_IMAGE) return null;
    return `data:${mime};base64,${fs.readFileSync(file).toString("base64")}`;
  } catch {
    return null;
  }
}

function attachmentUrl(name: string, attachments: Record<string, MimeBundle> | undefined): string {
  const bundle = attachments?.[decodeURIComponent(name)];
  if (!bundle) return `attachment:${name}`;
  for (const [mime, data] of Object.entries(bundle)) {
    if (!mime.startsWith("image/")) continue;
    const text = typeof data === "string" ? data : Array.isArray(data) ? data.join("") : "";
    if (mime === "image/svg+xml") return `data:${mime};charset=utf-8,${encodeURIComponent(text)}`;
    return `data:${mime};base64,${text.replace(/\s+/g, "")}`;
  }
  return `attachment:${name}`;
}

const md = createRenderer();

/** HTML of one markdown cell; its headings are added to `page.headings`. */
export function renderMarkdown(
  source: string | string[],
  page: MarkdownPage,
  cellId: string,
  attachments?: Record<string, MimeBundle>,
): string {
  const env: RenderEnv = { docId: cellId, markdownItAnchor: { slugs: page.slugs }, attachments, baseDir: page.baseDir, katexMacros: page.katexMacros };
  const tokens = md.parse(joinSource(source), env);
  collectHeadings(tokens, page.headings, page.katexMacros);
  return md.renderer.render(tokens, md.options, env);
}

function collectHeadings(tokens: Token[], into: Heading[], macros: TexMacros): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const id = t.type === "heading_open" ? t.attrGet("id") : null;
    if (id === null) continue;
    const slug = String(id);
    const children = tokens[i + 1]?.children ?? [];
    into.push({ level: Number(t.tag.slice(1)), id: slug, html: inlineHtml(children, macros), text: inlineText(children) });
  }
}

/** The heading's own inline tokens: the permalink the anchor plugin appended is left out. */
function headingChildren(children: Token[]): Token[] {
  const link = children.findIndex((c) => c.type === "link_open" && c.attrGet("class") === "header-anchor");
  return link < 0 ? children : children.slice(0, link);
}

function inlineHtml(children: Token[], macros: TexMacros): string {
  return headingChildren(children)
    .map((c) => {
      if (c.type === "text") return escapeHtml(c.content);
      if (c.type === "code_inline") return `<code>${escapeHtml(c.content)}</code>`;
      if (c.type === "math_inline") return renderTex(c.content, false, macros);
      return "";
    })
    .join("")
    .trim();
}

function inlineText(children: Token[]): string {
  return headingChildren(children)
    .filter((c) => c.type === "text" || c.type === "code_inline" || c.type === "math_inline")
    .map((c) => c.content)
    .join("")
    .trim();
}

/**
 * The title a notebook's page gets: the text of its first level-1 heading,
 * else of its first heading. Parses without rendering (no KaTeX), so
 * pages can name their neighbours before those are rendered.
 */
export function notebookTitle(markdownSources: Iterable<string | string[]>): string | undefined {
  let first: string | undefined;
  for (const source of markdownSources) {
    const tokens = md.parse(joinSource(source), { docId: "t", markdownItAnchor: { slugs: {} } });
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].type !== "heading_open") continue;
      const text = inlineText(tokens[i + 1]?.children ?? []);
      if (tokens[i].tag === "h1") return text;
      first ??= text;
    }
  }
  return first;
}

/** Markdown (e.g. a `text/markdown` output) rendered on its own, outside the page's TOC. */
export function renderMarkdownFragment(source: string, idPrefix: string): string {
  const env: RenderEnv = { docId: idPrefix, markdownItAnchor: { slugs: {} } };
  return md.render(source, env);
}

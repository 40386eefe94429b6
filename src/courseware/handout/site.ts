/**
 * Writing handout pages to a folder: one NAME.html per notebook, chained by
 * previous/next links in the order given, the shared assets beside them
 * (or inlined, `standalone`), and for a course an index.html.
 *
 *   OUT/
 *     index.html            the course's chapters with their summaries
 *     00-introduction.html
 *     01-machine.html
 *     assets/               assets.ts (not written for standalone pages)
 */
import * as fs from "fs";
import * as path from "path";
import { UserError, writing } from "../../errors";
import type { Notebook } from "../../notebook/nbformat";
import type { Course } from "../course";
import { writeAssets } from "./assets";
import { renderIndexPage } from "./index-page";
import type { PageLink } from "./page";
import { pageTitle, renderNotebookPage } from "./page";

export interface HandoutSource {
  readonly notebook: Notebook;
  /** The notebook's path, for messages. */
  readonly file: string;
  /** The page's title (default: the notebook's first heading). */
  readonly title?: string;
}

export interface SiteOptions {
  readonly outDir: string;
  readonly standalone?: boolean;
  readonly withSolutions?: boolean;
  readonly courseTitle?: string;
  /** Link every page's header to this index page. */
  readonly index?: PageLink;
}

export interface WrittenPage {
  readonly file: string;
  readonly title: string;
  readonly bytes: number;
}

/** The page file name of a notebook: NAME.ipynb -> NAME.html. */
export function pageName(notebookFile: string): string {
  return `${path.basename(notebookFile, ".ipynb")}.html`;
}

/** Runs a file-system step, turning its failure into a UserError (errors.ts). */
export { writing };

/** Writes one page per source, linked in order, and the assets they need. */
export function writePages(sources: readonly HandoutSource[], options: SiteOptions): WrittenPage[] {
  checkDistinctNames(sources);
  writing(options.outDir, () => fs.mkdirSync(options.outDir, { recursive: true }));
  const titles = sources.map((s) => s.title ?? pageTitle(s.notebook, s.file));
  const written: WrittenPage[] = [];
  let plotly = false;
  sources.forEach((s, i) => {
    const link = (j: number): PageLink | undefined =>
      j >= 0 && j < sources.length ? { href: pageName(sources[j].file), title: titles[j] } : undefined;
    const page = renderNotebookPage(s.notebook, {
      file: s.file,
      title: titles[i],
      courseTitle: options.courseTitle,
      withSolutions: options.withSolutions,
      standalone: options.standalone,
      index: options.index,
      previous: link(i - 1),
      next: link(i + 1),
    });
    plotly ||= page.usesPlotly;
    const out = path.join(options.outDir, pageName(s.file));
    writing(out, () => fs.writeFileSync(out, page.html));
    written.push({ file: out, title: page.title, bytes: Buffer.byteLength(page.html) });
  });
  if (!options.standalone) writing(options.outDir, () => writeAssets(options.outDir, plotly));
  return written;
}

function checkDistinctNames(sources: readonly HandoutSource[]): void {
  const seen = new Map<string, string>();
  for (const s of sources) {
    const name = pageName(s.file);
    const other = seen.get(name);
    if (other !== undefined) throw new UserError(`${s.file}: same page name ${name} as ${other}; rename one of them`);
    seen.set(name, s.file);
  }
}

/** A course's handouts: the built chapters (in course order) and the index. */
export function writeCourseSite(
  course: Course,
  built: ReadonlyMap<string, Notebook>,
  options: Omit<SiteOptions, "courseTitle" | "index">,
): { index: string; pages: WrittenPage[] } {
  const sources = course.chapters
    .filter((ch) => built.has(ch.name))
    .map((ch) => ({ notebook: built.get(ch.name) as Notebook, file: ch.file, title: ch.title }));
  const pages = writePages(sources, { ...options, courseTitle: course.title, index: { href: "index.html", title: course.title } });
  const index = path.join(options.outDir, "index.html");
  writing(index, () => fs.writeFileSync(index, renderIndexPage(course, new Set(built.keys()), { standalone: options.standalone })));
  if (!options.standalone) writeAssets(options.outDir, false); // the index's CSS, even with no chapter built
  return { index, pages };
}

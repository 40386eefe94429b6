/**
 * The handouts' front page: the course title and description, then every
 * chapter of course.json in order with its summary, linked when its page
 * was built (a chapter whose notebook does not exist yet, or failed, is
 * listed without a link).
 */
import type { Course } from "../course";
import { escapeHtml } from "./html";
import { document } from "./page";
import { HANDOUT_CSS } from "./theme";

export function renderIndexPage(course: Course, built: ReadonlySet<string>, options: { standalone?: boolean } = {}): string {
  const items = course.chapters.map((ch, i) => {
    const number = String(i).padStart(2, "0");
    const title = `${number} · ${escapeHtml(ch.title)}`;
    const heading = built.has(ch.name)
      ? `<a class="chapter-title" href="${escapeHtml(ch.name)}.html">${title}</a>`
      : `<span class="chapter-title not-built">${title} (not available)</span>`;
    return `<li>${heading}<p>${escapeHtml(ch.summary)}</p></li>`;
  });
  const style = options.standalone ? `<style>${HANDOUT_CSS}</style>` : `<link rel="stylesheet" href="assets/handout.css">`;
  const description = course.description ? `<p>${escapeHtml(course.description)}</p>` : "";
  return document({
    title: course.title,
    head: style,
    header: "",
    toc: "",
    main: `<h1>${escapeHtml(course.title)}</h1>
${description}
<h2>Chapters</h2>
<ol class="chapter-list">
${items.join("\n")}
</ol>`,
    scripts: "",
    mainClass: "index",
    generator: "vmlab build",
  });
}

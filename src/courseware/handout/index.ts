/**
 * The handout writer's public face, for `vmlab export`, `vmlab build` and
 * `vmlab feedback`:
 *
 *   renderNotebookPage(nb, options)   one notebook -> one HTML page string
 *   writeAssets(outDir, withPlotly)   the shared assets/ folder those pages link
 *   writePages(sources, options)      pages on disk, chained previous/next
 *   writeCourseSite(course, ...)      chapter pages plus index.html
 *   buildHandouts(course, options)    execute the chapters, then writeCourseSite
 */
export { renderNotebookPage, pageTitle } from "./page";
export type { PageLink, PageOptions, RenderedPage } from "./page";
export { ASSETS_DIR, writeAssets } from "./assets";
export { pageName, writeCourseSite, writePages } from "./site";
export type { HandoutSource, SiteOptions, WrittenPage } from "./site";
export { buildHandouts } from "./build";
export type { BuildOptions, BuildResult, ChapterFailure } from "./build";
export { stripSolutions } from "./solutions";

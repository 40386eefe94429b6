/**
 * The page a reader gets from a notebook: every output type shown (or its
 * text/plain), Jupyter Book's tags honoured, answers kept out unless asked
 * for, math and code rendered at export time.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { renderNotebookPage } from "../../src/courseware/handout/page";
import { UserError } from "../../src/errors";
import type { Notebook } from "../../src/notebook/nbformat";
import { readNotebook } from "../../src/notebook/read";

const FIXTURE = path.join(__dirname, "fixtures", "every-output.ipynb");
const nb = readNotebook(FIXTURE);
const page = renderNotebookPage(nb, { file: FIXTURE }).html;
const withSolutions = renderNotebookPage(nb, { file: FIXTURE, withSolutions: true }).html;

function notebookOf(cells: Notebook["cells"]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: { language_info: { name: "typescript" } }, cells };
}

describe("outputs", () => {
  it("shows streams with their ANSI colours, escaped", () => {
    expect(page).toContain('<span class="ansi-green-fg">green</span>');
    expect(page).toContain('<span class="ansi-bold ansi-red-fg">bold red</span>');
    expect(page).toContain("second line &lt;b&gt;not bold&lt;/b&gt;");
    expect(page).toMatch(/class="output output-stream output-stderr">a warning/);
  });

  it("shows html, svg, png, jpeg, markdown and latex outputs as themselves", () => {
    expect(page).toContain('<table class="html-output">');
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" class="svg-output">');
    expect(page).toMatch(/<img src="data:image\/png;base64,iVBOR[^"]+" width="80" height="60"/);
    expect(page).toMatch(/<img src="data:image\/jpeg;base64,\/9j\/[^"]+"/);
    expect(page).toContain("<strong>Markdown output</strong>");
    expect(page).toMatch(/class="output output-latex"><span class="katex-display">/);
  });

  it("draws plotly figures from their JSON rather than their HTML fallback", () => {
    expect(page.match(/class="plotly-figure"/g)).toHaveLength(2);
    expect(page).toContain('"text":"Cycles per trap"');
    expect(page).not.toContain("FALLBACK_HTML_NOT_USED");
    expect(page).not.toContain("LOADER_SHOULD_NOT_RUN"); // the page brings its own plotly.js
    expect(page).toContain('<script src="assets/plotly.min.js" defer></script>');
  });

  it("styles errors as errors", () => {
    expect(page).toMatch(/<pre class="output output-error" role="alert"><span class="ansi-red-fg">Error: boom<\/span>/);
  });

  it("shows an output it cannot render as its text/plain, and names one without text", () => {
    expect(page).toContain("CUSTOM_PLAIN_FALLBACK");
    expect(page).toContain("[an output this page cannot show: application/x-only-this]");
  });
});

describe("cell tags", () => {
  it("removes what remove-cell, remove-input and remove-output say", () => {
    expect(page).not.toContain("REMOVED_CELL_SOURCE");
    expect(page).not.toContain("REMOVED_CELL_OUTPUT");
    expect(page).not.toContain("REMOVED_INPUT_SOURCE");
    expect(page).toContain("KEPT_OUTPUT_OF_REMOVE_INPUT");
    expect(page).toContain("KEPT_SOURCE_OF_REMOVE_OUTPUT");
    expect(page).not.toContain("REMOVED_OUTPUT_TEXT");
  });

  it("folds hide-input and hide-output into closed <details>", () => {
    expect(page).toMatch(/<details class="hide-input"><summary>Show code<\/summary>[^]*HIDDEN_INPUT_SOURCE[^]*?<\/details>/);
    expect(page).toMatch(/<\/details>\n<div class="cell-output"><pre[^>]*>SHOWN_OUTPUT_OF_HIDE_INPUT/);
    expect(page).toMatch(/<details class="hide-output"><summary>Show output<\/summary><div class="cell-output"><pre[^>]*>HIDDEN_OUTPUT_TEXT/);
  });
});

describe("hide-cell", () => {
  it("folds code and outputs together", () => {
    const nbHide = notebookOf([{ cell_type: "code", id: "h", metadata: { tags: ["hide-cell"] }, source: "CELL_CODE", execution_count: 1,
      outputs: [{ output_type: "stream", name: "stdout", text: "CELL_OUT" }] }]);
    expect(renderNotebookPage(nbHide).html).toMatch(/<details class="hide-cell"><summary>Show code cell<\/summary>[^]*CELL_CODE[^]*CELL_OUT[^]*<\/details>/);
  });
});

describe("solutions and hidden tests", () => {
  it("are replaced, removed, and their outputs withheld by default", () => {
    for (const secret of ["SOLUTION_SOURCE", "SOLUTION_OUTPUT_55", "HIDDEN_TEST_SOURCE", "HIDDEN_TEST_OUTPUT", "WRITTEN_ANSWER_TEXT"]) {
      expect(page).not.toContain(secret);
    }
    expect(page).toContain("// YOUR CODE HERE");
    expect(page).toContain("YOUR ANSWER HERE");
    expect(page).toContain("fib(1)"); // the visible test stays
    expect(page.match(/Outputs withheld/g)).toHaveLength(2);
  });

  it("all appear with withSolutions", () => {
    for (const secret of ["SOLUTION_SOURCE", "SOLUTION_OUTPUT_55", "HIDDEN_TEST_SOURCE", "HIDDEN_TEST_OUTPUT", "WRITTEN_ANSWER_TEXT"]) {
      expect(withSolutions).toContain(secret);
    }
    expect(withSolutions).not.toContain("Outputs withheld");
  });

  it("prose that mentions the markers is left alone", () => {
    const prose = "Write your answer between `// BEGIN SOLUTION` and `// END SOLUTION`.";
    const html = renderNotebookPage(notebookOf([{ cell_type: "markdown", id: "m", metadata: {}, source: prose }])).html;
    expect(html).toContain("<code>// BEGIN SOLUTION</code> and <code>// END SOLUTION</code>");
  });

  it("a BEGIN SOLUTION without its END is a UserError naming the cell and line", () => {
    const bad = notebookOf([
      { cell_type: "code", id: "ok", metadata: {}, source: "1", execution_count: null, outputs: [] },
      { cell_type: "code", id: "broken", metadata: {}, source: "let a = 1;\n// BEGIN SOLUTION\na = 2;", execution_count: null, outputs: [] },
    ]);
    expect(() => renderNotebookPage(bad, { file: "ex.ipynb" })).toThrow(UserError);
    expect(() => renderNotebookPage(bad, { file: "ex.ipynb" })).toThrow("ex.ipynb: cell 2 (broken): line 2: BEGIN SOLUTION is never closed");
  });
});

describe("markdown, math and code", () => {
  it("renders GFM tables, footnotes and strikethrough", () => {
    expect(page).toContain('<th style="text-align:right">cycles</th>');
    expect(page).toContain("<s>slow</s>");
    expect(page).toMatch(/<sup class="footnote-ref"><a href="#fn-c1-1" id="fnref-c1-1">/);
    expect(page).toMatch(/<li id="fn-c1-1" class="footnote-item">/);
  });

  it("renders $...$ and $$...$$ with KaTeX, and leaves prices alone", () => {
    expect(page).toMatch(/identity <span class="katex">/);
    expect(page).toContain('<div class="math-block"><span class="katex-display">');
    expect(page).toContain("a price of $5 and $6 that is not math");
    expect(page).not.toContain("math-error");
  });

  it("keeps a \\newcommand of one cell for the cells after it", () => {
    const html = renderNotebookPage(notebookOf([
      { cell_type: "markdown", id: "a", metadata: {}, source: "$$\\newcommand{\\Mem}{\\mathcal{M}}$$" },
      { cell_type: "markdown", id: "b", metadata: {}, source: "Memory $\\Mem$ here." },
    ])).html;
    expect(html).not.toContain("math-error");
    expect(html).toContain('<mi mathvariant="script">M</mi>');
  });

  it("shows a formula KaTeX cannot parse as its source, marked", () => {
    const html = renderNotebookPage(notebookOf([{ cell_type: "markdown", id: "m", metadata: {}, source: "bad $\\frac{1$ here" }])).html;
    expect(html).toMatch(/<span class="math-error" title="[^"]*">\\frac\{1<\/span>/);
  });

  it("highlights TypeScript cells and toy32 assembly from the instruction table", () => {
    expect(page).toContain('<span class="hljs-keyword">const</span> answer: <span class="hljs-built_in">number</span> = <span class="hljs-number">6</span> * <span class="hljs-number">7</span>;');
    expect(page).toContain('<span class="hljs-title">loop</span>:   <span class="hljs-keyword">addi</span> <span class="hljs-variable">t0</span>');
    expect(page).toContain('<span class="hljs-keyword">csrw</span> <span class="hljs-built_in">EPC</span>');
    expect(page).toContain('<span class="hljs-meta">.asciz</span> <span class="hljs-string">&quot;done\\n&quot;</span>');
    expect(page).toContain('<span class="hljs-keyword">li</span> <span class="hljs-variable">a0</span>, <span class="hljs-number">0x2a</span>');
    expect(page).toContain('<span class="hljs-comment">; one less</span>');
  });
});

describe("assembly inside TypeScript", () => {
  it("a template literal holding a toy32 program is highlighted as toy32; other template literals stay strings", () => {
    const source = 'const p = assemble(`\n# sum\n        .equ N, 10\n_start: li a0, 0\n        halt\n`);\nconsole.log(`console: ${p}`);';
    const html = renderNotebookPage(notebookOf([{ cell_type: "code", id: "a", metadata: {}, source, execution_count: null, outputs: [] }])).html;
    expect(html).toContain('<span class="hljs-string">`</span><span class="language-toy32">');
    expect(html).toContain('<span class="hljs-title">_start</span>: <span class="hljs-keyword">li</span> <span class="hljs-variable">a0</span>');
    expect(html).toContain('<span class="hljs-meta">.equ</span> N, <span class="hljs-number">10</span>');
    expect(html).toContain('<span class="hljs-string">`console: <span class="hljs-subst">');
  });
});

describe("the page", () => {
  it("has a table of contents whose links are the headings' ids, unique across cells", () => {
    const toc = page.slice(page.indexOf('<nav class="toc"'), page.indexOf("</nav>"));
    const hrefs = [...toc.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      "every-output-a-handout-shows", "streams-and-results", "pictures", "figures",
      "traps-and-errors", "tags", "exercises", "traps-and-errors-1",
    ]);
    for (const id of hrefs) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('<h2 id="pictures">Pictures <a class="header-anchor" href="#pictures" aria-hidden="true">¶</a></h2>');
    expect(toc).toContain('<a href="#pictures">Pictures</a>');
  });

  it("takes its title from the first heading, links chapters and shows a banner", () => {
    const p = renderNotebookPage(nb, {
      file: FIXTURE,
      courseTitle: "Course",
      index: { href: "index.html", title: "Course" },
      previous: { href: "a.html", title: "A <chapter>" },
      next: { href: "c.html", title: "C" },
      bannerHtml: "<strong>Score: 7/10</strong>",
    });
    expect(p.title).toBe("Every output a handout shows");
    expect(p.html).toContain("<title>Every output a handout shows · Course</title>");
    expect(p.html).toContain('<a class="prev" rel="prev" href="a.html"><small>Previous</small>A &lt;chapter&gt;</a>');
    expect(p.html).toContain('<a class="next" rel="next" href="c.html">');
    expect(p.html).toContain('<div class="banner"><strong>Score: 7/10</strong></div>');
    expect(p.html).toContain('<header class="site-header"><nav aria-label="Course"><a href="index.html">Course</a>');
  });

  it("standalone pages carry their assets inline", () => {
    const p = renderNotebookPage(nb, { file: FIXTURE, standalone: true }).html;
    expect(p).not.toMatch(/<link [^>]*href="assets|<script src=/);
    expect(p).toContain("url(data:font/woff2;base64,");
    expect(p).toMatch(/<script>[^<]*plotly/i);
  });

  it("an empty notebook is still a page", () => {
    const p = renderNotebookPage(notebookOf([]), { file: "empty.ipynb" });
    expect(p.title).toBe("empty");
    expect(p.html).toContain("<main class=\"chapter\">");
  });
});

describe("images in markdown", () => {
  it("come inline from attachments and from files below the notebook's folder, never from outside it", () => {
    const file = path.join(__dirname, "fixtures", "second-chapter.ipynb");
    const html = renderNotebookPage(readNotebook(file), { file }).html;
    expect(html).toMatch(/<img src="data:image\/png;base64,iVBOR[^"]*" alt="dot">/);
    expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+" alt="ring">/);
    // The same relative path, "../images/ring.svg", from two folders: the file exists either way.
    const outside = notebookOf([{ cell_type: "markdown", id: "m", metadata: {}, source: "![up](../images/ring.svg)" }]);
    const fromInside = path.join(__dirname, "fixtures", "images", "x.ipynb");
    const fromSibling = path.join(__dirname, "fixtures", "other", "x.ipynb");
    expect(renderNotebookPage(outside, { file: fromInside }).html).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+" alt="up">/);
    expect(renderNotebookPage(outside, { file: fromSibling }).html).toContain('<img src="../images/ring.svg" alt="up">');
  });
});

describe("hostile but valid notebooks", () => {
  it("render without crashing, showing what they can", () => {
    const weird = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { language_info: { name: 42 }, kernelspec: { name: "x", display_name: "y", language: ["no"] } },
      cells: [
        { cell_type: "markdown", id: "m", metadata: { nbgrader: "nonsense" }, source: "# Odd & \\$ title\n![x](attachment:nope.png)", attachments: "not a map" },
        { cell_type: "code", id: "c", metadata: { nbgrader: { points: "lots", solution: "yes" } }, source: ["1"], execution_count: null, outputs: [
          { output_type: "display_data", metadata: { "image/png": 7 }, data: { "image/png": 12345, "text/plain": { obj: true } } },
          { output_type: "display_data", metadata: {}, data: { "application/vnd.plotly.v1+json": { data: "not a list" }, "text/plain": "PLOT_TEXT" } },
          { output_type: "display_data", metadata: {}, data: { "application/vnd.plotly.v1+json": { data: [{ name: "</script><b>x</b>" }] } } },
          { output_type: "error", ename: "E", evalue: "v", traceback: [1, null] },
          { output_type: "display_data", metadata: {}, data: {} },
        ] },
      ],
    } as unknown as Notebook;
    const html = renderNotebookPage(weird, { file: "weird.ipynb" }).html;
    expect(html).toContain("<title>Odd &amp; $ title</title>");
    expect(html).toContain('<img src="attachment:nope.png" alt="x">');
    expect(html).toContain("PLOT_TEXT");
    expect(html).toContain("[an output this page cannot show: no data]");
    expect(html).toContain("\\u003c/script\\u003e\\u003cb\\u003ex");
    expect(html.match(/<\/script>/g)?.length).toBe((html.match(/<script/g) ?? []).length);
  });
});


/**
 * One notebook cell to HTML, honouring Jupyter Book's cell tags
 * (jupyterbook.org, "Hide or remove content"):
 *
 *   remove-cell     nothing of the cell is written (nor of a `claim`
 *                   cell: claims check the prose for its authors, claim.ts)
 *   remove-input    only the outputs          remove-output  only the code
 *   hide-input      code in a closed <details>, outputs shown
 *   hide-output     outputs in a closed <details>, code shown
 *   hide-cell       code and outputs together in a closed <details>
 *
 * Raw cells are written only when their `raw_mimetype` is text/html or
 * text/markdown (like nbconvert's HTML exporter, which skips raw cells meant
 * for other formats).
 */
import type { Cell, CodeCell } from "../../notebook/nbformat";
import { joinSource } from "../../notebook/nbformat";
import { CLAIM_TAG } from "../claim";
import { codeBlock } from "./highlight";
import { escapeHtml } from "./html";
import type { MarkdownPage } from "./markdown";
import { renderMarkdown } from "./markdown";
import type { OutputContext } from "./outputs";
import { renderOutputs } from "./outputs";

export interface CellContext {
  readonly markdown: MarkdownPage;
  readonly outputs: OutputContext;
  /** The code cells' language (from the notebook's metadata). */
  readonly language: string;
  /** Ids of cells whose outputs were withheld (they would give answers away). */
  readonly withheld: ReadonlySet<string>;
}

export function renderCell(cell: Cell, index: number, ctx: CellContext): string {
  const tags = new Set(cell.metadata.tags ?? []);
  if (tags.has("remove-cell") || tags.has(CLAIM_TAG)) return "";
  const id = `cell-${escapeHtml(cell.id || String(index + 1))}`;
  if (cell.cell_type === "markdown") {
    const html = renderMarkdown(cell.source, ctx.markdown, `c${index + 1}`, cell.attachments);
    return `<div class="cell markdown-cell" id="${id}">\n${html}</div>`;
  }
  if (cell.cell_type === "raw") {
    const format = cell.metadata.raw_mimetype ?? cell.metadata.format;
    if (format === "text/html") return `<div class="cell raw-cell" id="${id}">${joinSource(cell.source)}</div>`;
    if (format === "text/markdown") {
      const html = renderMarkdown(cell.source, ctx.markdown, `c${index + 1}`, cell.attachments);
      return `<div class="cell raw-cell" id="${id}">${html}</div>`;
    }
    return "";
  }
  return renderCodeCell(cell, id, tags, ctx);
}

function renderCodeCell(cell: CodeCell, id: string, tags: ReadonlySet<string>, ctx: CellContext): string {
  const source = joinSource(cell.source);
  const parts: string[] = [];
  const label = exerciseLabel(cell);
  if (label) parts.push(label);
  if (!tags.has("remove-input") && source.trim() !== "") {
    const input = `<div class="cell-input">${codeBlock(source, ctx.language)}</div>`;
    parts.push(tags.has("hide-input") ? collapsible("hide-input", "Show code", input) : input);
  }
  if (!tags.has("remove-output")) {
    if (ctx.withheld.has(cell.id)) {
      parts.push(`<div class="cell-output withheld">Outputs withheld: they would give the answer away.</div>`);
    } else {
      const rendered = renderOutputs(cell.outputs, ctx.outputs);
      const outputs = `<div class="cell-output">${rendered}</div>`;
      if (rendered !== "") parts.push(tags.has("hide-output") ? collapsible("hide-output", "Show output", outputs) : outputs);
    }
  }
  if (parts.length === 0) return "";
  const body = tags.has("hide-cell") ? collapsible("hide-cell", "Show code cell", parts.join("\n")) : parts.join("\n");
  return `<div class="cell code-cell" id="${id}">\n${body}\n</div>`;
}

function collapsible(cls: string, summary: string, body: string): string {
  return `<details class="${cls}"><summary>${summary}</summary>${body}</details>`;
}

/** "Exercise (3 points)" above an nbgrader answer cell, "Tests" above a test cell. */
function exerciseLabel(cell: CodeCell): string {
  const nb = cell.metadata.nbgrader;
  if (!nb) return "";
  const points = typeof nb.points === "number" && nb.points > 0 ? ` (${nb.points} point${nb.points === 1 ? "" : "s"})` : "";
  if (nb.solution) return `<div class="exercise-label">Exercise${nb.grade ? points : ""}</div>`;
  if (nb.grade) return `<div class="exercise-label test">Tests${points}</div>`;
  return "";
}

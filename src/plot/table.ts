/**
 * Tables for a notebook cell: what console.table prints, as a display
 * bundle that every frontend can show without wrapping a line.
 *
 *   text/html    a <table>: the classic Notebook, JupyterLab, nbconvert's
 *                HTML and vmlab's handouts lay it out to the page's width
 *   text/plain   the same rows in aligned columns, for text-only readers
 *
 * Input is what console.table takes: an array of rows (objects, or single
 * values) or an object whose keys name the rows. Columns are the rows' keys
 * in the order first seen.
 *
 *   showTable([{ slice: 2000, switches: 41 }, { slice: 5000, switches: 17 }])
 *   showTable({ "bare metal": { cycles: 120 }, "trap-and-emulate": { cycles: 1218 } })
 */
import { escapeHtml } from "./html";

/** Marks a table's output in `metadata`, as figures are marked (html.ts). */
export const TABLE_METADATA = { vmlab: { role: "table" } } as const;

/** An array of rows, or an object whose keys name its rows (any object: an interface needs no index signature). */
export type TableRows = readonly unknown[] | object;

export interface TableOptions {
  /** A caption above the table. */
  title?: string;
  /** The columns, in order (default: every key, in the order first seen). */
  columns?: readonly string[];
  /**
   * The heading of the row-name column: an object's keys name its rows
   * (default heading: none). For an array, a heading here numbers the rows
   * from 0, as console.table's "(index)" does; without one they are not numbered.
   */
  index?: string;
}

/** A table in cells of text, ready to lay out. */
export interface Table {
  title?: string;
  /** The row-name column's heading, or undefined if the rows have no names. */
  index?: string;
  columns: string[];
  rows: { name?: string; cells: string[] }[];
  /** Per column: every value given is a number (so it is right-aligned). */
  numeric: boolean[];
}

/** The column a row that is a single value goes in (console.table's "Values"). */
const VALUE_COLUMN = "value";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A cell as text: whole numbers as they are, others to 4 significant digits, objects as JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(4)));
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** console.table's rows and columns, as text. */
export function tableOf(input: TableRows, options: TableOptions = {}): Table {
  const named = !Array.isArray(input);
  const entries: [string, unknown][] = named
    ? Object.entries(input as Record<string, unknown>)
    : (input as readonly unknown[]).map((row, i) => [String(i), row]);
  const seen = new Set<string>();
  for (const [, row] of entries) {
    if (isRecord(row)) for (const key of Object.keys(row)) seen.add(key);
    else seen.add(VALUE_COLUMN);
  }
  const columns = options.columns ? [...options.columns] : [...seen];
  const valueAt = (row: unknown, column: string): unknown => (isRecord(row) ? row[column] : column === VALUE_COLUMN ? row : undefined);
  const rows = entries.map(([name, row]) => ({
    name: named || options.index !== undefined ? name : undefined,
    cells: columns.map((c) => cellText(valueAt(row, c))),
  }));
  const numeric = columns.map((c) => {
    const filled = entries.map(([, row]) => valueAt(row, c)).filter((v) => v !== undefined && v !== null);
    return filled.length > 0 && filled.every((v) => typeof v === "number" || typeof v === "bigint");
  });
  const index = named || options.index !== undefined ? options.index ?? "" : undefined;
  return { title: options.title, index, columns, rows, numeric };
}

/** The table as HTML: numbers right-aligned, row names as row headings. */
export function tableHtml(t: Table): string {
  const align = (c: number) => (t.numeric[c] ? "right" : "left");
  const head = [
    t.index !== undefined ? `<th style="text-align:left">${escapeHtml(t.index)}</th>` : "",
    ...t.columns.map((c, i) => `<th style="text-align:${align(i)}">${escapeHtml(c)}</th>`),
  ].join("");
  const body = t.rows.map((r) => {
    const name = t.index !== undefined ? `<th style="text-align:left">${escapeHtml(r.name ?? "")}</th>` : "";
    const cells = r.cells.map((cell, i) => `<td style="text-align:${align(i)}">${escapeHtml(cell)}</td>`).join("");
    return `<tr>${name}${cells}</tr>`;
  });
  const caption = t.title ? `<caption style="text-align:left">${escapeHtml(t.title)}</caption>` : "";
  return `<table class="vmlab-table">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body.join("\n")}\n</tbody></table>`;
}

/** The table as aligned text: two spaces between columns, a rule under the headings. */
export function tableText(t: Table): string {
  const grid = [
    [...(t.index !== undefined ? [t.index] : []), ...t.columns],
    ...t.rows.map((r) => [...(t.index !== undefined ? [r.name ?? ""] : []), ...r.cells]),
  ];
  const numeric = [...(t.index !== undefined ? [false] : []), ...t.numeric];
  const widths = grid[0].map((_, c) => Math.max(...grid.map((row) => [...row[c]].length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const lines = [line(grid[0]), rule, ...grid.slice(1).map(line)];
  return (t.title ? [t.title, ...lines] : lines).join("\n");
}

/** The display bundle of a table: HTML and its text fallback. */
export function tableBundle(input: TableRows, options: TableOptions = {}): Record<string, string> {
  const t = tableOf(input, options);
  return { "text/html": tableHtml(t), "text/plain": tableText(t) };
}

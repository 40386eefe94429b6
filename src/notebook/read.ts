/**
 * Reading, validating and writing nbformat 4.5 notebooks
 * (https://nbformat.readthedocs.io/en/latest/format_description.html).
 *
 * Reading is strict about what the runner, the grader and the handout
 * exporter rely on and forgiving about the rest, as nbformat itself is:
 * - bad JSON is reported as `file:line:col: ...` (json-error.ts finds where);
 * - a notebook that is not nbformat 4 is refused;
 * - 4.0-4.4 notebooks are upgraded to 4.5: cells without an `id` get one
 *   (eight hex digits, as nbformat's `random_cell_id` makes them);
 * - a missing field the schema requires is reported with the cell number.
 *
 * Writing follows nbformat's `writes()`: multiline strings split into lists
 * of lines, keys sorted, one space of indent, a trailing newline. A notebook
 * written here and by Jupyter compares equal byte for byte.
 */
import * as fs from "fs";
import { randomBytes } from "crypto";
import { located, UserError } from "../errors";
import { findJsonError } from "./json-error";
import type { Cell, Notebook, Output } from "./nbformat";

/** nbformat 4.5: `^[a-zA-Z0-9-_]+$`, 1 to 64 characters. */
const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** A notebook from a file; UserError for anything a user got wrong. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read notebook (${code === "ENOENT" ? "no such file" : String(code)})`);
  }
  return parseNotebook(text, file);
}

/** A notebook from its JSON text; `file` names it in error messages. */
export function parseNotebook(text: string, file: string): Notebook {
  const json = parseJson(text, file);
  validateNotebook(json, file);
  upgradeTo45(json);
  return json;
}

/** JSON.parse with the failure turned into `file:line:col: message`. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const problem = findJsonError(text) ?? { offset: 0, message: (err as Error).message.split("\n")[0] };
    const { line, column } = lineColumn(text, problem.offset);
    throw new UserError(located(file, line, column, `not valid JSON: ${problem.message}`));
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}

// ---------------------------------------------------------------------------
// Validation: the parts of the nbformat 4.5 JSON schema vmlab relies on.

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isMultiline(v: unknown): boolean {
  return typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
}

/**
 * Throws UserError naming the first thing that makes `json` not an
 * nbformat 4 notebook. Missing cell ids are allowed (reading assigns them).
 */
export function validateNotebook(json: unknown, file: string): asserts json is Notebook {
  const fail = (what: string): never => {
    throw new UserError(`${file}: not a valid notebook: ${what}`);
  };
  if (!isObject(json)) return fail("the top level is not a JSON object");
  if (json.nbformat === undefined) fail("missing field 'nbformat'");
  if (json.nbformat !== 4) fail(`nbformat ${JSON.stringify(json.nbformat)} is not supported (vmlab reads nbformat 4)`);
  if (typeof json.nbformat_minor !== "number") fail("missing or non-numeric field 'nbformat_minor'");
  if (!isObject(json.metadata)) fail("missing field 'metadata' (an object)");
  const spec = (json.metadata as Json).kernelspec;
  if (spec !== undefined && !(isObject(spec) && typeof spec.name === "string" && typeof spec.display_name === "string")) {
    fail("metadata.kernelspec needs a 'name' and a 'display_name'");
  }
  if (!Array.isArray(json.cells)) fail("missing field 'cells' (a list)");
  const seen = new Set<string>();
  (json.cells as unknown[]).forEach((cell, i) => {
    const problem = cellProblem(cell, seen);
    if (problem) fail(`cell ${i + 1}: ${problem}`);
  });
}

function cellProblem(cell: unknown, seen: Set<string>): string | undefined {
  if (!isObject(cell)) return "not a JSON object";
  const type = cell.cell_type;
  if (type !== "code" && type !== "markdown" && type !== "raw") return `unknown cell_type ${JSON.stringify(type)}`;
  if (!isMultiline(cell.source)) return "missing field 'source' (a string or a list of strings)";
  if (!isObject(cell.metadata)) return "missing field 'metadata' (an object)";
  if (cell.id !== undefined) {
    if (typeof cell.id !== "string" || !CELL_ID.test(cell.id)) return `id ${JSON.stringify(cell.id)} is not 1-64 of [a-zA-Z0-9-_]`;
    if (seen.has(cell.id)) return `duplicate id "${cell.id}"`;
    seen.add(cell.id);
  }
  const tags = cell.metadata.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === "string"))) return "metadata.tags is not a list of strings";
  if (type !== "code") return undefined;
  if (!Array.isArray(cell.outputs)) return "missing field 'outputs' (a list)";
  if (cell.execution_count === undefined) return "missing field 'execution_count'";
  if (cell.execution_count !== null && typeof cell.execution_count !== "number") return "execution_count is not a number or null";
  for (let j = 0; j < cell.outputs.length; j++) {
    const problem = outputProblem(cell.outputs[j]);
    if (problem) return `output ${j + 1}: ${problem}`;
  }
  return undefined;
}

function outputProblem(out: unknown): string | undefined {
  if (!isObject(out)) return "not a JSON object";
  switch (out.output_type) {
    case "stream":
      if (out.name !== "stdout" && out.name !== "stderr") return "stream name is not stdout or stderr";
      return isMultiline(out.text) ? undefined : "missing field 'text'";
    case "display_data":
    case "execute_result":
      if (!isObject(out.data)) return "missing field 'data' (an object)";
      if (!isObject(out.metadata)) return "missing field 'metadata' (an object)";
      return undefined;
    case "error":
      if (typeof out.ename !== "string" || typeof out.evalue !== "string") return "missing field 'ename' or 'evalue'";
      return Array.isArray(out.traceback) ? undefined : "missing field 'traceback'";
    default:
      return `unknown output_type ${JSON.stringify(out.output_type)}`;
  }
}

/** nbformat 4.0-4.4 to 4.5: every cell gets a unique id. */
function upgradeTo45(nb: Notebook): void {
  const taken = new Set(nb.cells.map((c) => c.id).filter((id) => id !== undefined));
  for (const cell of nb.cells) {
    if (cell.id !== undefined) continue;
    let id: string;
    do id = randomBytes(4).toString("hex");
    while (taken.has(id));
    taken.add(id);
    cell.id = id;
  }
  if (nb.nbformat_minor < 5) nb.nbformat_minor = 5;
}

/** A fresh cell id, unique among `nb`'s cells. */
export function newCellId(nb: Notebook): string {
  const taken = new Set(nb.cells.map((c) => c.id));
  let id: string;
  do id = randomBytes(4).toString("hex");
  while (taken.has(id));
  return id;
}

// ---------------------------------------------------------------------------
// Writing, as nbformat's `writes(nb)` does.

/** The notebook's text: nbformat's JSON style, ending in a newline. */
export function serializeNotebook(nb: Notebook): string {
  const out = { ...nb, cells: nb.cells.map(splitCell) };
  return JSON.stringify(sortKeys(out), null, 1) + "\n";
}

/** Writes `nb` to `file` (whole, through a temporary file and a rename). */
export function writeNotebook(file: string, nb: Notebook): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, serializeNotebook(nb));
  fs.renameSync(tmp, file);
}

/** nbformat's `split_lines`: source, stream text and textual MIME data. */
function splitCell(cell: Cell): Cell {
  const source = splitMultiline(cell.source);
  if (cell.cell_type !== "code") return { ...cell, source };
  return { ...cell, source, outputs: cell.outputs.map(splitOutput) };
}

function splitOutput(out: Output): Output {
  switch (out.output_type) {
    case "stream":
      return { ...out, text: splitMultiline(out.text) };
    case "display_data":
    case "execute_result": {
      const data: Record<string, unknown> = {};
      for (const [mime, value] of Object.entries(out.data)) {
        data[mime] = isJsonMime(mime) || !isMultiline(value) ? value : splitMultiline(value as string | string[]);
      }
      return { ...out, data };
    }
    case "error":
      return out;
  }
}

/** nbformat's `_is_json_mime`: application/json and application/...+json. */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

/** Python's `str.splitlines(True)`, which nbformat's `split_lines` calls. */
function splitMultiline(s: string | string[]): string[] {
  const text = Array.isArray(s) ? s.join("") : s;
  return text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]$)/g) ?? [];
}

/** Keys sorted at every level, as Python's `json.dumps(sort_keys=True)`. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const sorted: Json = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined) sorted[key] = sortKeys(value[key]);
  }
  return sorted;
}

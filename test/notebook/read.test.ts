import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors";
import { joinSource, Notebook } from "../../src/notebook/nbformat";
import { parseNotebook, readNotebook, serializeNotebook, writeNotebook } from "../../src/notebook/read";

const FIXTURES = path.join(__dirname, "fixtures");

function problem(text: string, file = "nb.ipynb"): string {
  try {
    parseNotebook(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error("expected a UserError");
}

const minimal = (cells: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...extra });

describe("reading notebooks", () => {
  it("reads a fixture with its cells and ids", () => {
    const nb = readNotebook(path.join(FIXTURES, "print.ipynb"));
    expect(nb.nbformat).toBe(4);
    expect(nb.cells[0].cell_type).toBe("markdown");
    expect(joinSource(nb.cells[1].source)).toBe('console.log("hello");\nconsole.log("world");');
    expect(nb.cells.map((c) => c.id)).toEqual(nb.cells.map((_, i) => `cell-${i + 1}`));
  });

  it("reports bad JSON as file:line:col", () => {
    expect(problem('{\n "nbformat": 4,\n "cells": [1,]\n}', "broken.ipynb")).toMatch(/^broken\.ipynb:3:14: not valid JSON/);
    expect(problem('{"nbformat": 4,', "cut.ipynb")).toMatch(/^cut\.ipynb:1:16: not valid JSON: unexpected end of file$/);
  });

  it("reports the malformed fixture with its line", () => {
    const file = path.join(FIXTURES, "hostile", "malformed.ipynb");
    expect(() => readNotebook(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:6:\\d+: not valid JSON`));
  });

  it("refuses other nbformat versions and missing fields, naming the cell", () => {
    expect(problem(fs.readFileSync(path.join(FIXTURES, "hostile", "nbformat3.ipynb"), "utf8"))).toBe(
      "nb.ipynb: not a valid notebook: nbformat 3 is not supported (vmlab reads nbformat 4)",
    );
    expect(problem('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}')).toBe("nb.ipynb: not a valid notebook: missing field 'cells' (a list)");
    expect(problem(minimal([{ cell_type: "code", metadata: {}, outputs: [], execution_count: null }]))).toBe(
      "nb.ipynb: not a valid notebook: cell 1: missing field 'source' (a string or a list of strings)",
    );
    expect(problem(minimal([{ cell_type: "markdown", metadata: {}, source: "" }, { cell_type: "code", metadata: {}, source: "" }]))).toBe(
      "nb.ipynb: not a valid notebook: cell 2: missing field 'outputs' (a list)",
    );
    expect(problem(minimal([{ cell_type: "code", metadata: {}, source: "", execution_count: null, outputs: [{ output_type: "stream", name: "stdout" }] }]))).toBe(
      "nb.ipynb: not a valid notebook: cell 1: output 1: missing field 'text'",
    );
    expect(problem(minimal([{ cell_type: "heading", metadata: {}, source: "" }]))).toBe('nb.ipynb: not a valid notebook: cell 1: unknown cell_type "heading"');
    expect(problem(minimal([], { metadata: { kernelspec: { name: "tslab" } } }))).toBe("nb.ipynb: not a valid notebook: metadata.kernelspec needs a 'name' and a 'display_name'");
  });

  it("refuses bad and duplicate cell ids", () => {
    const cell = (id: string) => ({ id, cell_type: "markdown", metadata: {}, source: "" });
    expect(problem(minimal([cell("a"), cell("a")]))).toBe('nb.ipynb: not a valid notebook: cell 2: duplicate id "a"');
    expect(problem(minimal([cell("no spaces")]))).toBe('nb.ipynb: not a valid notebook: cell 1: id "no spaces" is not 1-64 of [a-zA-Z0-9-_]');
  });

  it("upgrades 4.4 to 4.5: cells without ids get unique ones", () => {
    const cells = [{ cell_type: "markdown", metadata: {}, source: "a" }, { id: "kept", cell_type: "markdown", metadata: {}, source: "b" }, { cell_type: "markdown", metadata: {}, source: "c" }];
    const nb = parseNotebook(minimal(cells, { nbformat_minor: 4 }), "old.ipynb");
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.cells[1].id).toBe("kept");
    for (const c of nb.cells) expect(c.id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(3);
  });
});

describe("writing notebooks", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [
      {
        id: "x1",
        cell_type: "code",
        metadata: { tags: ["t"] },
        source: "a\nb",
        execution_count: 1,
        outputs: [
          { output_type: "stream", name: "stdout", text: "one\ntwo\n" },
          { output_type: "display_data", data: { "text/html": "<b>\n</b>", "application/json": { k: "v\nw" } }, metadata: {} },
        ],
      },
    ],
  };

  it("writes nbformat's style: sorted keys, one-space indent, lines split, trailing newline", () => {
    const text = serializeNotebook(nb);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe(' "cells": [');
    expect(text).toContain('"source": [\n    "a\\n",\n    "b"\n   ]');
    expect(text).toContain('"text": [\n      "one\\n",\n      "two\\n"\n     ]');
    expect(text).toContain('"text/html": [\n       "<b>\\n",\n       "</b>"\n      ]');
    expect(text).toContain('"application/json": {\n       "k": "v\\nw"\n      }');
    const keys = Object.keys(JSON.parse(text).cells[0]);
    expect(keys).toEqual([...keys].sort());
  });

  it("reads back what it wrote", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-read-"));
    const file = path.join(dir, "round.ipynb");
    writeNotebook(file, nb);
    const back = readNotebook(file);
    expect(joinSource(back.cells[0].source)).toBe("a\nb");
    expect(serializeNotebook(back)).toBe(serializeNotebook(nb));
    fs.rmSync(dir, { recursive: true });
  });
});

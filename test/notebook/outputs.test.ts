import { describe, expect, it } from "vitest";
import { describeFailure, errorFromStderr } from "../../src/notebook/failure";
import { findJsonError } from "../../src/notebook/json-error";
import { CellOutputs, DisplayRegistry } from "../../src/notebook/outputs";
import type { Message } from "../../src/notebook/wire";
import { Session } from "../../src/notebook/wire";

function iopub(msgType: string, content: Record<string, unknown>): Message {
  const msg = new Session("k").request(msgType, content);
  return msg;
}
const stream = (name: string, text: string) => iopub("stream", { name, text });
const display = (data: Record<string, unknown>, id?: string, update = false) =>
  iopub(update ? "update_display_data" : "display_data", { data, metadata: {}, transient: id ? { display_id: id } : {} });

describe("iopub messages into outputs", () => {
  it("merges consecutive streams of the same name, as Jupyter does", () => {
    const cell = new CellOutputs(new DisplayRegistry());
    for (const m of [stream("stdout", "a"), stream("stdout", "b\n"), stream("stderr", "warn\n"), stream("stdout", "c\n")]) cell.handle(m);
    expect(cell.finish()).toEqual([
      { output_type: "stream", name: "stdout", text: "ab\n" },
      { output_type: "stream", name: "stderr", text: "warn\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
  });

  it("drops text overwritten by a carriage return, as nbconvert's coalesce_streams does", () => {
    const cell = new CellOutputs(new DisplayRegistry());
    cell.handle(stream("stdout", "10%\r50%\r100%\ndone\r\n"));
    expect(cell.finish()).toEqual([{ output_type: "stream", name: "stdout", text: "100%\ndone\r\n" }]);
  });

  it("updates every earlier output with a display_id, in any cell, and never writes transient", () => {
    const displays = new DisplayRegistry();
    const first = new CellOutputs(displays);
    first.handle(display({ "text/plain": "v1" }, "d"));
    first.handle(display({ "text/plain": "other" }));
    const second = new CellOutputs(displays);
    second.handle(display({ "text/plain": "v2" }, "d", true));
    second.handle(display({ "text/plain": "v3" }, "d"));
    expect(first.finish()).toEqual([
      { output_type: "display_data", data: { "text/plain": "v3" }, metadata: {} },
      { output_type: "display_data", data: { "text/plain": "other" }, metadata: {} },
    ]);
    expect(second.finish()).toEqual([{ output_type: "display_data", data: { "text/plain": "v3" }, metadata: {} }]);
  });

  it("keeps the first bytes of a flood and says how much was dropped", () => {
    const cell = new CellOutputs(new DisplayRegistry(), 1000);
    cell.handle(stream("stdout", "x".repeat(600)));
    cell.handle(stream("stdout", "y".repeat(600)));
    cell.handle(stream("stdout", "z".repeat(5000)));
    const [out] = cell.finish();
    const text = out.output_type === "stream" ? String(out.text) : "";
    expect(text.startsWith("x".repeat(600) + "y".repeat(400) + "\n[vmlab: output truncated: 1 line (5.1 KiB) of stdout were not kept;")).toBe(true);
    expect(text.length).toBeLessThan(1200);
  });

  it("says how many lines and bytes it dropped, the kernel's count folded in", () => {
    const cell = new CellOutputs(new DisplayRegistry(), 21);
    cell.handle(stream("stdout", "line 1\nline 2\nline 3\nline 4\nline 5\n"));
    // What the kernel dropped before sending (iopub-queue.ts) arrives as a count, not as text.
    cell.handle(iopub("stream", { name: "stdout", text: "[note]", vmlab_dropped: { bytes: 70, lines: 10 } }));
    const [out] = cell.finish();
    expect(out).toEqual({
      output_type: "stream",
      name: "stdout",
      text: "line 1\nline 2\nline 3\n\n[vmlab: output truncated: 12 lines (84 bytes) of stdout were not kept; a cell keeps 21 bytes per stream (--max-output)]\n",
    });
  });

  it("honours clear_output, waiting for the next output when asked", () => {
    const cell = new CellOutputs(new DisplayRegistry());
    cell.handle(stream("stdout", "old\n"));
    cell.handle(iopub("clear_output", { wait: true }));
    expect(cell.outputs.length).toBe(1);
    cell.handle(stream("stdout", "new\n"));
    expect(cell.finish()).toEqual([{ output_type: "stream", name: "stdout", text: "new\n" }]);
  });
});

describe("error outputs from tslab's stderr", () => {
  it("takes ename and evalue from the last stack printed", () => {
    const stderr = "evalmachine.<anonymous>:2\nthrow new TypeError(\"boom\");\n^\n\nTypeError: boom\n    at evalmachine.<anonymous>:2:7\n    at Object.execute (/x/executor.js:160:38)\n";
    expect(errorFromStderr(stderr)).toEqual({ ename: "TypeError", evalue: "boom" });
    const custom = "some earlier output\nMyErr: first line\nsecond line\n    at f (x.js:1:1) {\n  code: 3\n}\n";
    expect(errorFromStderr(custom)).toEqual({ ename: "MyErr", evalue: "first line\nsecond line" });
  });

  it("turns compile diagnostics into CompileError", () => {
    expect(errorFromStderr("1:7 - Type 'string' is not assignable to type 'number'.\n")).toEqual({
      ename: "CompileError",
      evalue: "line 1, column 7: Type 'string' is not assignable to type 'number'.",
    });
  });

  it("keeps a thrown non-Error as the value", () => {
    expect(errorFromStderr("just a string\n")).toEqual({ ename: "Error", evalue: "just a string" });
    expect(errorFromStderr("")).toEqual({ ename: "Error", evalue: "the cell failed (tslab printed no reason)" });
  });

  it("summarizes a failure in one line with the cell number", () => {
    expect(describeFailure({ cellIndex: 2, ename: "MyErr", evalue: "first line\nsecond line", reason: "error" })).toBe("cell 3: MyErr: first line");
  });
});

describe("locating JSON errors", () => {
  it("agrees with JSON.parse on what is valid", () => {
    const texts = ['{"a": [1, 2.5e3, -0, true, false, null, "s\\n\\u00e9"]}', "[]", '  {"a":{}}  ', "{,}", "[1,]", '{"a" 1}', '{"a": 01}', '"\\x"', "[1] 2", '{"a": tru}', "", '"unterminated'];
    for (const t of texts) expect(findJsonError(t) === undefined, t).toBe((() => { try { JSON.parse(t); return true; } catch { return false; } })());
  });

  it("points at the offending character", () => {
    expect(findJsonError('{"a": 1,\n "b": 2,\n}')).toEqual({ offset: 18, message: "trailing comma before '}'" });
    expect(findJsonError('{"a": 1 "b": 2}')).toEqual({ offset: 8, message: "expected ',' or '}', found \"\\\"\"" });
    expect(findJsonError('{"a": [1, 2')).toEqual({ offset: 11, message: "unexpected end of file" });
  });
});

/**
 * executeNotebook against real tslab kernels: the fixture notebooks state
 * the outputs their cells must produce; the hostile ones must fail in the
 * way a user is told about, and never hang the runner.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors";
import { executeNotebook, ExecutionResult } from "../../src/notebook/execute";
import { Kernel } from "../../src/notebook/kernel";
import { CodeCell, joinSource, Notebook, Output } from "../../src/notebook/nbformat";
import { readNotebook } from "../../src/notebook/read";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures");
const HOSTILE = path.join(FIXTURES, "hostile");

async function run(file: string, options: { timeoutSeconds?: number; allowErrors?: boolean; maxOutputBytes?: number } = {}): Promise<ExecutionResult> {
  return executeNotebook(readNotebook(file), { cwd: path.dirname(file), timeoutSeconds: 30, ...options });
}

/** A TypeScript notebook with one code cell per source. */
function notebookOf(sources: string[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: sources.map((source, i): CodeCell => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  };
}

const code = (r: ExecutionResult): CodeCell[] => r.notebook.cells.filter((c): c is CodeCell => c.cell_type === "code");
const text = (outs: Output[]): string => outs.map((o) => (o.output_type === "stream" ? joinSource(o.text) : "")).join("");

describe("executing the fixtures", () => {
  it("print.ipynb: streams merged, last expressions printed, vmlab importable, counts set", async () => {
    const r = await run(path.join(FIXTURES, "print.ipynb"));
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    const cells = code(r);
    expect(cells[0].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "hello\nworld\n" }]);
    expect(cells[1].outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "no newline, then the rest\n" },
      { output_type: "stream", name: "stderr", text: "a warning on stderr\n" },
      { output_type: "stream", name: "stdout", text: "back on stdout\n" },
    ]);
    expect(text(cells[2].outputs)).toBe("42\n");
    expect(cells[3].execution_count).toBe(null); // the empty cell is not run
    expect(text(cells[4].outputs)).toBe("finished\n");
    expect(text(cells[5].outputs)).toBe("UserError\n");
    expect(text(cells[6].outputs)).toBe("awaited 42\n");
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3, null, 4, 5, 6]);
    expect(r.notebook.metadata.language_info?.name).toBe("typescript");
  });

  it("display.ipynb: rich outputs, and updates by display_id across cells", async () => {
    const r = await run(path.join(FIXTURES, "display.ipynb"));
    expect(r.ok).toBe(true);
    const cells = code(r);
    expect(cells[0].outputs).toEqual([
      { output_type: "display_data", data: { "text/html": "<b>bold</b>" }, metadata: {} },
      { output_type: "display_data", data: { "text/markdown": "*emphasis*" }, metadata: {} },
    ]);
    expect(Object.keys((cells[1].outputs[0] as { data: object }).data)).toEqual(["image/svg+xml"]);
    expect(cells[2].outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "count: 1" }, metadata: {} }]);
    expect(cells[3].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "updated the display above\n" }]);
    expect(cells[4].outputs).toEqual([{ output_type: "display_data", data: { "text/html": "<i>third</i>" }, metadata: {} }]);
  });

  it("tags.ipynb: raises-exception fails without failing; skip-execution is not run", async () => {
    const r = await run(path.join(FIXTURES, "tags.ipynb"));
    expect(r.failures).toEqual([]);
    const cells = code(r);
    expect(cells[1].outputs.at(-1)).toEqual({ output_type: "error", ename: "RangeError", evalue: "expected to fail", traceback: ["RangeError: expected to fail"] });
    expect(cells[2].execution_count).toBe(null);
    expect(cells[2].outputs).toEqual([]);
    expect(text(cells[3].outputs)).toBe("after\n");
  });
});

describe("hostile notebooks", () => {
  it("a cell that throws stops the notebook with the error's name and message", async () => {
    const r = await run(path.join(HOSTILE, "throws.ipynb"));
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual([{ cellIndex: 1, reason: "error", ename: "TypeError", evalue: "Cannot read properties of undefined (reading 'field')" }]);
    const cells = code(r);
    expect(cells[1].outputs.map((o) => o.output_type)).toEqual(["stream", "error"]);
    expect(cells[2].execution_count).toBe(null);
    expect(cells[2].outputs).toEqual([]);
  });

  it("a compile error is a CompileError with line and column; --allow-errors runs on", async () => {
    const r = await run(path.join(HOSTILE, "throws.ipynb"), { allowErrors: true });
    expect(r.failures.map((f) => f.cellIndex)).toEqual([1]);
    expect(text(code(r)[2].outputs)).toBe("not reached\n");
    const c = await run(path.join(HOSTILE, "compile-error.ipynb"));
    expect(c.failures).toEqual([{ cellIndex: 0, reason: "error", ename: "CompileError", evalue: "line 1, column 7: Type 'string' is not assignable to type 'number'." }]);
  });

  it("an endless loop times out, is interrupted, and the kernel lives on", async () => {
    const r = await run(path.join(HOSTILE, "loop.ipynb"), { timeoutSeconds: 3, allowErrors: true });
    expect(r.failures).toEqual([{ cellIndex: 0, reason: "timeout", ename: "TimeoutError", evalue: "the cell timed out after 3 s; it was interrupted" }]);
    const cells = code(r);
    expect(text(cells[0].outputs)).toContain("looping\n");
    expect(cells[0].outputs.at(-1)?.output_type).toBe("error");
    expect(text(cells[1].outputs)).toBe("survived the interrupt\n");
  });

  it("a loop SIGINT cannot stop (in a timer) gets its kernel killed", async () => {
    const r = await run(path.join(HOSTILE, "timer-loop.ipynb"), { timeoutSeconds: 3, allowErrors: true });
    expect(r.failures).toEqual([{ cellIndex: 0, reason: "timeout", ename: "TimeoutError", evalue: "the cell timed out after 3 s; the kernel was killed" }]);
    expect(code(r)[1].execution_count).toBe(null);
  });

  it("process.exit(3) is a dead kernel, noticed long before the timeout", async () => {
    const r = await run(path.join(HOSTILE, "exit.ipynb"), { timeoutSeconds: 600 });
    expect(r.failures).toEqual([{ cellIndex: 0, reason: "kernel-died", ename: "KernelDied", evalue: "the kernel died while running the cell (exit code 3)" }]);
    expect(code(r)[0].outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "exiting\n" },
      { output_type: "error", ename: "KernelDied", evalue: "the kernel died while running the cell (exit code 3)", traceback: ["KernelDied: the kernel died while running the cell (exit code 3)"] },
    ]);
  });

  it("running out of memory is a dead kernel that says so", async () => {
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = "--max-old-space-size=96"; // inherited by the kernel: fail fast
    try {
      const r = await run(path.join(HOSTILE, "oom.ipynb"), { timeoutSeconds: 600 });
      expect(r.failures).toEqual([{ cellIndex: 0, reason: "kernel-died", ename: "KernelDied", evalue: "the kernel died while running the cell (out of memory)" }]);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
  });

  it("a 50 MB print is cut to the cap with a note, and the notebook goes on", async () => {
    const r = await run(path.join(HOSTILE, "flood.ipynb"), { maxOutputBytes: 64 * 1024 });
    expect(r.ok).toBe(true);
    const flood = text(code(r)[0].outputs);
    expect(flood.length).toBeLessThan(65 * 1024);
    expect(flood).toMatch(/^x{65536}\n\[vmlab: output truncated: 1 line \(49\.9 MiB\) of stdout were not kept; a cell keeps 64\.0 KiB per stream \(--max-output\)\]\n$/);
    expect(text(code(r)[1].outputs)).toBe("still here\n");
  });

  it("a cell printing 2,000 lines in a loop keeps every line, and the next cell runs", async () => {
    const r = await executeNotebook(notebookOf(['for (let i = 0; i < 2000; i++) console.log("line " + i);', 'console.log("next")']), { cwd: FIXTURES, timeoutSeconds: 30 });
    expect(r.ok).toBe(true);
    const lines = text(code(r)[0].outputs).split("\n");
    expect(lines.length).toBe(2001);
    expect(lines.slice(-2)).toEqual(["line 1999", ""]);
    expect(text(code(r)[1].outputs)).toBe("next\n");
  });

  it("a cell over the cap says how many lines and bytes of which stream it dropped", async () => {
    const r = await executeNotebook(notebookOf(['for (let i = 0; i < 2000; i++) console.error("e" + String(i).padStart(4, "0"));']), { cwd: FIXTURES, maxOutputBytes: 600 });
    const err = text(code(r)[0].outputs);
    // 100 lines of 6 bytes kept; 1,900 lines of 6 bytes dropped (in the kernel, before sending).
    expect(err).toBe(Array.from({ length: 100 }, (_, i) => `e${String(i).padStart(4, "0")}\n`).join("") + "\n[vmlab: output truncated: 1,900 lines (11.1 KiB) of stderr were not kept; a cell keeps 600 bytes per stream (--max-output)]\n");
  });

  it("a huge --timeout (over 2^31 ms) lets a correct cell run and succeed", async () => {
    const r = await executeNotebook(notebookOf(['await new Promise((r) => setTimeout(r, 300)); console.log("ok")']), { cwd: FIXTURES, timeoutSeconds: 10_000_000 });
    expect(r.failures).toEqual([]);
    expect(text(code(r)[0].outputs)).toBe("ok\n");
  });

  it("with keepUnrunOutputs (vmlab run), cells after a failure keep their saved outputs and counts", async () => {
    const nb = notebookOf(['console.log("one")', 'throw new Error("stop")', 'console.log("three")', 'console.log("four")']);
    const saved: Output[] = [{ output_type: "stream", name: "stdout", text: "saved three\n" }];
    (nb.cells[2] as CodeCell).outputs = saved;
    (nb.cells[2] as CodeCell).execution_count = 7;
    (nb.cells[3] as CodeCell).execution_count = 8;
    const r = await executeNotebook(nb, { cwd: FIXTURES, keepUnrunOutputs: true });
    expect(r.failures.map((f) => f.cellIndex)).toEqual([1]);
    const cells = code(r);
    expect(text(cells[0].outputs)).toBe("one\n");
    expect(cells[1].outputs.some((o) => o.output_type === "error")).toBe(true);
    expect([cells[2].outputs, cells[2].execution_count, cells[3].execution_count]).toEqual([saved, 7, 8]);
  });

  it("without keepUnrunOutputs (grading), cells that did not run are empty: saved outputs never pass for run ones", async () => {
    const nb = notebookOf(['throw new Error("stop")', 'console.log("two")']);
    (nb.cells[1] as CodeCell).outputs = [{ output_type: "stream", name: "stdout", text: "vmlab-score: 1\n" }];
    (nb.cells[1] as CodeCell).execution_count = 2;
    const cells = code(await executeNotebook(nb, { cwd: FIXTURES }));
    expect([cells[1].outputs, cells[1].execution_count]).toEqual([[], null]);
  });

  it("a notebook for another kernel is refused with a one-line message", async () => {
    await expect(run(path.join(HOSTILE, "python.ipynb"))).rejects.toThrow(UserError);
    await expect(run(path.join(HOSTILE, "python.ipynb"))).rejects.toThrow(/kernel is "python3" \(python\); vmlab runs TypeScript notebooks with tslab only/);
  });
});

describe("the kernel process", () => {
  /** Running (a zombie awaiting its reaper counts as gone). */
  const alive = (pid: number): boolean => {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
    } catch {
      return false;
    }
  };
  const until = async (condition: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  };

  it("shutdown leaves nothing of the kernel's process group behind", async () => {
    const kernel = await Kernel.start(FIXTURES);
    let out = "";
    const reply = await kernel.execute(
      'const child = require("child_process").spawn("sleep", ["300"], { stdio: "ignore" });\nconsole.log(child.pid);',
      (m) => (out += m.header.msg_type === "stream" ? String(m.content.text) : ""),
    );
    expect(reply?.status).toBe("ok");
    const child = Number(out.trim());
    expect(alive(child)).toBe(true);
    await kernel.shutdown();
    expect(alive(kernel.pid as number)).toBe(false);
    await until(() => !alive(child)); // killed with the group; reaped by init
    expect(alive(child)).toBe(false);
  });

  it("a kernel whose runner was killed ends itself", async () => {
    const script = `require(${JSON.stringify(path.join(ROOT, "dist", "notebook", "kernel.js"))}).Kernel.start(${JSON.stringify(FIXTURES)})
      .then((k) => { console.log(k.pid); process.kill(process.pid, "SIGKILL"); });`;
    const runner = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 120_000 });
    const kernel = Number(runner.stdout.trim());
    expect(kernel).toBeGreaterThan(0);
    await until(() => !alive(kernel));
    expect(alive(kernel)).toBe(false);
  });
});

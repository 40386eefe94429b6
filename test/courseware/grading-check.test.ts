import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { check, CheckFailure, SCORE_MIME, SCORE_PREFIX, setCheckHost } from "../../src/courseware/check";
import type { DisplayMessage } from "../../src/plot/display";
import type { CodeCell, Notebook, Output } from "../../src/notebook/nbformat";
import { gradeCell, scoreLines } from "../../src/courseware/score";

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
});
afterEach(() => vi.restoreAllMocks());

const stdout = (): Output[] => [{ output_type: "stream", name: "stdout", text: printed.join("\n") + "\n" }];

describe("check", () => {
  it("passes quietly: a readable verdict and a full score line", () => {
    check("sum", (t) => {
      t.equal(6, 6, "sum([1, 2, 3])");
      t.close(0.1 + 0.2, 0.3, undefined, "floats");
      t.ok(true, "ok");
    });
    expect(scoreLines(stdout())).toEqual([{ name: "sum", points: 3, max: 3, message: "all tests passed" }]);
    expect(printed.join("\n")).toContain("✓ sum: 3 of 3 points (all 3 tests passed)\n  ✓ sum([1, 2, 3])\n  ✓ floats\n  ✓ ok\n" + SCORE_PREFIX);
  });

  it("in a kernel, shows the student a verdict and carries the score where students do not read it", () => {
    const sent: DisplayMessage[] = [];
    setCheckHost({ writer: () => (message) => void sent.push(message), print: (text) => void printed.push(text) });
    try {
      expect(() => check("mean", (t) => {
        t.close(3, 3, 1e-9, "mean([2, 4])");
        t.close(2, 1.5, 1e-9, "mean([1, 2])");
      })).toThrow(CheckFailure);
      check("sum", (t) => t.ok(true, "sums"));
    } finally {
      setCheckHost();
    }
    expect(printed).toEqual([]);
    expect(sent.map((m) => m.data["text/plain"])).toEqual(["✗ mean: 1 of 2 points\n  ✓ mean([2, 4])\n  ✗ mean([1, 2]): expected 1.5, got 2", "✓ sum: 1 of 1 point\n  ✓ sums"]);
    const outputs: Output[] = sent.map((m) => ({ output_type: "display_data", data: m.data, metadata: m.metadata }));
    expect(JSON.stringify(outputs)).not.toContain(SCORE_PREFIX);
    expect(scoreLines(outputs)).toEqual([
      { name: "mean", points: 1, max: 2, message: "mean([1, 2]): expected 1.5, got 2" },
      { name: "sum", points: 1, max: 1, message: "all tests passed" },
    ]);
    expect(Object.keys(sent[0].data)).toEqual(["text/plain", SCORE_MIME]);
  });

  it("throws when a test fails, after saying what was expected", () => {
    expect(() => check("sum", (t) => t.equal(0x5234 + 1, 0x5234, "translate"))).toThrow(CheckFailure);
    const text = printed.join("\n");
    expect(text).toContain("✗ translate: expected 21044 (0x5234), got 21045 (0x5235)");
    expect(scoreLines(stdout())).toEqual([{ name: "sum", points: 0, max: 1, message: "translate: expected 21044 (0x5234), got 21045 (0x5235)" }]);
  });

  it("gives partial credit by weight", () => {
    expect(() =>
      check("mean", (t) => {
        t.close(3, 3, 1e-9, "mean([2, 4])", 1);
        t.close(2, 1.5, 1e-9, "mean([1, 2])", 2);
      }),
    ).toThrow("check mean: 1/3");
    expect(scoreLines(stdout())[0]).toMatchObject({ points: 1, max: 3 });
  });

  it("catches a throwing function given as the actual value; a throwing body stops the check", () => {
    const boom = (): number => {
      throw new Error("not implemented yet");
    };
    expect(() =>
      check("f", (t) => {
        t.equal(boom, 1, "first");
        t.equal(2, 2, "second");
        boom();
      }),
    ).toThrow(CheckFailure);
    const [s] = scoreLines(stdout());
    expect(s).toMatchObject({ points: 1, max: 3 });
    expect(s.message).toBe("first: threw Error: not implemented yet; the test stopped: Error: not implemented yet");
  });

  it("tells many assertions failing the same way once", () => {
    const stub = (): number => {
      throw new Error("not implemented yet");
    };
    expect(() => check("many", (t) => [1, 2, 3, 4].forEach((i) => t.equal(stub, i, `case ${i}`)))).toThrow(CheckFailure);
    expect(scoreLines(stdout())[0].message).toBe("4 tests threw Error: not implemented yet (case 1, case 2, case 3, ...)");
  });

  it("compares deeply and within tolerances", () => {
    expect(() => check("deep", (t) => t.equal([1, { a: [2] }], [1, { a: [2] }]))).not.toThrow();
    expect(() => check("arrays", (t) => t.close([1, 2.0000001], [1, 2], { abs: 1e-6 }))).not.toThrow();
    expect(() => check("far", (t) => t.close([1, 2.1], [1, 2], { abs: 1e-6 }))).toThrow(/differs at \[1\]/);
  });

  it("awaits an async body", async () => {
    await expect(check("later", async (t) => void t.ok(await Promise.resolve(false), "resolved"))).rejects.toThrow(CheckFailure);
  });
});

describe("scoring a grade cell", () => {
  const cell = (outputs: Output[], count: number | null = 1): Notebook => ({
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [{ cell_type: "code", id: "t", metadata: {}, source: "", outputs, execution_count: count } as CodeCell],
  });
  const line = (points: number, max: number): Output => ({ output_type: "stream", name: "stdout", text: `verdict\n${SCORE_PREFIX}${JSON.stringify({ name: "x", points, max, message: "m" })}\n` });
  const err = { cellIndex: 0, ename: "CheckFailure", evalue: "check x", reason: "error" as const };

  it("full points for a cell that ran without error (nbgrader's rule)", () => {
    expect(gradeCell(cell([]), 0, "g", 2, { failures: [] })).toMatchObject({ points: 2, status: "passed" });
  });
  it("the check's fraction of the cell's points", () => {
    expect(gradeCell(cell([line(1, 3)]), 0, "g", 3, { failures: [err] })).toMatchObject({ points: 1, status: "partial", message: "m" });
    expect(gradeCell(cell([line(1, 3)]), 0, "g", 2, { failures: [err] })).toMatchObject({ points: 0.67, status: "partial" });
  });
  it("zero with the error when the cell failed otherwise", () => {
    const f = { cellIndex: 0, ename: "TypeError", evalue: "x is not a function\n  more", reason: "error" as const };
    expect(gradeCell(cell([line(2, 2)]), 0, "g", 2, { failures: [f] })).toMatchObject({ points: 0, status: "failed", message: "TypeError: x is not a function / more" });
  });
  it("a forged full score line does not rescue a failed cell", () => {
    expect(gradeCell(cell([line(5, 5)]), 0, "g", 2, { failures: [err] })).toMatchObject({ points: 0, status: "failed" });
  });
});

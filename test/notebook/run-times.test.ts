/**
 * `vmlab run` starts the notebooks expected to take longest first, from the
 * times it recorded when they last ran (or from their code's length), so
 * that two lanes end together instead of one running the long chapter
 * alone at the end.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Notebook } from "vmlab/dist/notebook/nbformat";
import { runNotebooks, type NotebookRun } from "vmlab/dist/notebook/run";
import { longestFirst, readRunTimes, recordRunTimes } from "vmlab/dist/notebook/run-times";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-times-"));
const savedCacheDir = process.env.VMLAB_CACHE_DIR;
afterAll(() => {
  if (savedCacheDir === undefined) delete process.env.VMLAB_CACHE_DIR;
  else process.env.VMLAB_CACHE_DIR = savedCacheDir;
  fs.rmSync(tmp, { recursive: true, force: true });
});
let cache = "";
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(tmp, "cache-"));
  process.env.VMLAB_CACHE_DIR = cache;
});

function notebook(codeChars: number): Notebook {
  const cell = { cell_type: "code", id: "c", metadata: {}, source: "x".repeat(codeChars), outputs: [], execution_count: null };
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell] } as unknown as Notebook;
}

describe("longestFirst", () => {
  it("orders by the recorded seconds, ties in the given order, whatever the code's length", () => {
    const jobs = ["a", "b", "c", "d"].map((n) => ({ path: `/nb/${n}.ipynb`, notebook: notebook(100) }));
    const times = { "/nb/a.ipynb": 3, "/nb/b.ipynb": 21, "/nb/c.ipynb": 10, "/nb/d.ipynb": 10 };
    expect(longestFirst(jobs, times)).toEqual([1, 2, 3, 0]);
  });

  it("estimates a notebook never timed from its code, at the rate of the timed ones", () => {
    const jobs = [
      // 17 s for 2,000 characters of timed code: 0.0085 s per character
      { path: "/nb/timed.ipynb", notebook: notebook(1000) }, // 10 s
      { path: "/nb/long-new.ipynb", notebook: notebook(3000) }, // about 25 s
      { path: "/nb/short-new.ipynb", notebook: notebook(500) }, // about 4 s
      { path: "/nb/timed-short.ipynb", notebook: notebook(1000) }, // 7 s
    ];
    expect(longestFirst(jobs, { "/nb/timed.ipynb": 10, "/nb/timed-short.ipynb": 7 })).toEqual([1, 0, 3, 2]);
  });

  it("with no times at all puts longer code first, and a notebook that cannot be read last", () => {
    const jobs = [{ path: "/nb/broken.ipynb" }, { path: "/nb/small.ipynb", notebook: notebook(10) }, { path: "/nb/big.ipynb", notebook: notebook(900) }];
    expect(longestFirst(jobs, {})).toEqual([2, 1, 0]);
  });
});

describe("the recorded times", () => {
  /** Notebook files in the cache folder (the times of files that do not exist are forgotten). */
  const files = (...names: string[]): string[] =>
    names.map((n) => {
      const f = path.join(cache, `${n}.ipynb`);
      fs.writeFileSync(f, "{}");
      return f;
    });

  it("average the last estimate with each new run, as CTest's COST does", () => {
    const [a, b] = files("a", "b");
    recordRunTimes(new Map([[a, 10]]));
    expect(readRunTimes()).toEqual({ [a]: 10 });
    recordRunTimes(new Map([[a, 20], [b, 4]]));
    expect(readRunTimes()).toEqual({ [a]: 15, [b]: 4 });
  });

  it("forget notebooks that no longer exist, so the file does not grow with every temporary copy", () => {
    const [kept, gone] = files("kept", "gone");
    recordRunTimes(new Map([[kept, 3], [gone, 4]]));
    fs.rmSync(gone);
    recordRunTimes(new Map([[kept, 5]]));
    expect(readRunTimes()).toEqual({ [kept]: 4 });
  });

  it("a broken file is ignored and replaced, not an error", () => {
    const [a] = files("a");
    fs.writeFileSync(path.join(cache, "run-times.json"), `{${JSON.stringify(a)}: "soon", "/nb/b.ipynb": -1, `);
    expect(readRunTimes()).toEqual({});
    recordRunTimes(new Map([[a, 2]]));
    expect(readRunTimes()).toEqual({ [a]: 2 });
  });
});

describe("vmlab run", () => {
  it("starts the notebook that took longest last time first, records this run, and reports in the order given", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "run-"));
    const files = ["quick", "slow"].map((n) => path.join(dir, `${n}.ipynb`));
    for (const [i, f] of files.entries()) {
      const cell = { cell_type: "code", id: "c", metadata: {}, source: `console.log(${i})`, outputs: [], execution_count: null };
      const metadata = { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } };
      fs.writeFileSync(f, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells: [cell] }));
    }
    recordRunTimes(new Map([[files[0], 1], [files[1], 30]]));
    const started: string[] = [];
    const progress = { started: (p: string) => void started.push(p), cell: () => undefined, finished: () => undefined, done: () => undefined };
    const runs: NotebookRun[] = await runNotebooks(files, { jobs: 1, progress });
    expect(started).toEqual([files[1], files[0]]);
    expect(runs.map((r) => [r.path, r.ok])).toEqual([[files[0], true], [files[1], true]]);
    const times = readRunTimes();
    expect(times[files[1]]).toBeLessThan(30); // (30 + this run's few seconds) / 2
    expect(times[files[1]]).toBeGreaterThan(15);
  }, 120_000);
});

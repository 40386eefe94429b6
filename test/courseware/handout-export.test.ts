/**
 * `vmlab export` and `vmlab build` as a user runs them: pages and assets
 * on disk, failures named by chapter and cell, the index path printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main";
import { parseCourse } from "../../src/courseware/course";
import { buildHandouts } from "../../src/courseware/handout/build";

const FIXTURES = path.join(__dirname, "fixtures");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-export-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function vmlab(...args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await buildProgram().parseAsync(["node", "vmlab", ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out.join("");
}

describe("vmlab export", () => {
  it("writes one page per notebook, linked in order, and the shared assets once", async () => {
    const out = path.join(tmp, "site");
    const printed = await vmlab("export", path.join(FIXTURES, "every-output.ipynb"), path.join(FIXTURES, "second-chapter.ipynb"), "--out", out);
    expect(printed.trim().split("\n")).toEqual([path.join(out, "every-output.html"), path.join(out, "second-chapter.html")]);
    const first = fs.readFileSync(path.join(out, "every-output.html"), "utf8");
    const second = fs.readFileSync(path.join(out, "second-chapter.html"), "utf8");
    expect(first).toContain('<a class="next" rel="next" href="second-chapter.html"><small>Next</small>A second chapter</a>');
    expect(second).toContain('<a class="prev" rel="prev" href="every-output.html">');
    for (const asset of ["handout.css", "plotly.min.js", "katex/katex.min.css", "katex/fonts/KaTeX_Main-Regular.woff2"]) {
      expect(fs.existsSync(path.join(out, "assets", asset))).toBe(true);
    }
    const css = fs.readFileSync(path.join(out, "assets", "katex", "katex.min.css"), "utf8");
    for (const font of css.matchAll(/url\(([^)]+)\)/g)) expect(fs.existsSync(path.join(out, "assets", "katex", font[1]))).toBe(true);
    expect(first).not.toContain("SOLUTION_SOURCE");
  });

  it("--standalone writes self-contained pages and no assets folder; --with-solutions keeps answers", async () => {
    const out = path.join(tmp, "standalone");
    await vmlab("export", path.join(FIXTURES, "every-output.ipynb"), "--out", out, "--standalone", "--with-solutions");
    expect(fs.existsSync(path.join(out, "assets"))).toBe(false);
    const page = fs.readFileSync(path.join(out, "every-output.html"), "utf8");
    expect(page).not.toMatch(/(href|src)="assets\//);
    expect(page).toContain("SOLUTION_SOURCE");
  });

  it("an output folder that cannot be made is a UserError naming it", async () => {
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "");
    await expect(vmlab("export", path.join(FIXTURES, "second-chapter.ipynb"), "--out", path.join(file, "x"))).rejects.toThrow(
      `cannot write ${path.join(file, "x")}: a part of the path is a file`,
    );
  });

  it("a notebook that is not JSON is a UserError naming the file", async () => {
    const bad = path.join(tmp, "bad.ipynb");
    fs.writeFileSync(bad, "{ not json");
    await expect(vmlab("export", bad, "--out", path.join(tmp, "bad"))).rejects.toThrow(/bad\.ipynb/);
  });
});

describe("vmlab build", () => {
  function course(): string {
    const dir = path.join(tmp, "course-build");
    fs.mkdirSync(path.join(dir, "course"), { recursive: true });
    fs.mkdirSync(path.join(dir, "notebooks"), { recursive: true });
    const meta = { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } };
    const code = (id: string, source: string): object => ({ cell_type: "code", id, metadata: {}, source, execution_count: null, outputs: [] });
    const notebook = (cells: object[]): string => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: meta, cells });
    fs.writeFileSync(path.join(dir, "notebooks", "a.ipynb"), notebook([
      { cell_type: "markdown", id: "m", metadata: {}, source: "# Alpha\n\nSquares: $x^2$." },
      code("c1", 'console.log("printed " + (6 * 7));'),
    ]));
    fs.writeFileSync(path.join(dir, "notebooks", "b.ipynb"), notebook([code("c1", "const q = 1;"), code("c2", 'throw new Error("broken chapter");')]));
    fs.writeFileSync(path.join(dir, "course", "course.json"), JSON.stringify({
      title: "Tiny course",
      chapters: [
        { file: "a.ipynb", title: "Alpha", summary: "The one that works." },
        { file: "b.ipynb", title: "Beta", summary: "The one that fails." },
        { file: "c.ipynb", title: "Gamma", summary: "The one not written yet." },
      ],
    }));
    return dir;
  }

  it("executes the chapters, builds the ones that run, names the failing cell and lists all in the index", async () => {
    const dir = course();
    const out = path.join(dir, "handouts");
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "b.html"), "a stale page");
    const c = parseCourse(JSON.parse(fs.readFileSync(path.join(dir, "course", "course.json"), "utf8")), path.join(dir, "course", "course.json"));
    const result = await buildHandouts(c, { jobs: 1 });
    expect(result.index).toBe(path.join(out, "index.html"));
    expect(result.built.map((ch) => ch.name)).toEqual(["a"]);
    expect(result.missing.map((ch) => ch.name)).toEqual(["c"]);
    expect(result.failed.map((f) => [f.chapter.name, f.problems])).toEqual([["b", ["cell 2: Error: broken chapter"]]]);
    const page = fs.readFileSync(path.join(out, "a.html"), "utf8");
    expect(page).toMatch(/class="output output-stream output-stdout">printed 42/);
    expect(page).toContain('<a href="index.html">Tiny course</a>');
    expect(fs.existsSync(path.join(out, "b.html"))).toBe(false);
    const index = fs.readFileSync(result.index, "utf8");
    expect(index).toContain('<a class="chapter-title" href="a.html">00 · Alpha</a><p>The one that works.</p>');
    expect(index).toContain('<span class="chapter-title not-built">01 · Beta (not available)</span>');
    expect(index).toContain("The one not written yet.");
  });
});

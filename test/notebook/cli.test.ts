/**
 * `vmlab run` and `vmlab kernel install` as a user types them (the built
 * bin/vmlab.js): exit statuses, the summary, where copies are written, one
 * line per problem and never a stack trace; the kernelspec as Jupyter sees it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const FIXTURES = path.join(__dirname, "fixtures");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function vmlab(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VMLAB, ...args], { encoding: "utf8", env, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vmlab run", () => {
  it("runs notebooks in parallel, writes copies to --out, and reports each failure in one line", () => {
    const out = path.join(tmp, "out");
    const sources = ["print.ipynb", "hostile/throws.ipynb", "hostile/malformed.ipynb", "hostile/python.ipynb", "hostile/loop.ipynb"].map((f) => path.join(FIXTURES, f));
    const before = sources.map((f) => fs.readFileSync(f, "utf8"));
    const r = vmlab(["run", ...sources, "--out", out, "--jobs", "2", "--timeout", "3"]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toContain(`FAILED ${sources[1]}: cell 2: TypeError: Cannot read properties of undefined (reading 'field')`);
    expect(lines.some((l) => l.startsWith(`FAILED ${sources[2]}:6:`) && l.includes("not valid JSON"))).toBe(true);
    expect(lines).toContain(`FAILED ${sources[3]}: the notebook's kernel is "python3" (python); vmlab runs TypeScript notebooks with tslab only`);
    expect(lines).toContain(`FAILED ${sources[4]}: cell 1: TimeoutError: the cell timed out after 3 s; it was interrupted`);
    expect(lines.at(-1)).toBe("1 passed, 4 failed (of 5 notebooks)");
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m); // no stack traces of vmlab's own
    expect(r.stderr).toContain(`pass  ${sources[0]}`); // the progress lines
    expect(fs.readdirSync(out).sort()).toEqual(["loop.ipynb", "print.ipynb", "throws.ipynb"]);
    expect(sources.map((f) => fs.readFileSync(f, "utf8"))).toEqual(before);
  });

  it("exits 0 when every notebook passes", () => {
    const r = vmlab(["run", path.join(FIXTURES, "tags.ipynb")]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("1 passed, 0 failed (of 1 notebook)");
    expect(r.status).toBe(0);
  });

  it("refuses to overwrite a source without --inplace, and bad flags, in one line", () => {
    const r = vmlab(["run", path.join(FIXTURES, "print.ipynb"), "--out", FIXTURES]);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`vmlab: refusing to write ${path.relative(process.cwd(), FIXTURES)}: it is the source folder ${path.relative(process.cwd(), FIXTURES)}, which would be overwritten`);
    const t = vmlab(["run", path.join(FIXTURES, "print.ipynb"), "--timeout", "soon"]);
    expect(t.status).toBe(2);
    expect(t.stderr).toBe('vmlab: --timeout "soon": expected a number of seconds from 0.001 to 2147483 (about 24 days)\n');
    for (const jobs of ["0", "2.5", "1e9", ""]) {
      const j = vmlab(["run", path.join(FIXTURES, "print.ipynb"), "--jobs", jobs]);
      expect([j.status, j.stderr]).toEqual([2, `vmlab: --jobs "${jobs}": expected a whole number from 1 to 256\n`]);
    }
  });

  it("--out through a regular file is one clear line, as export says it, and nothing runs", () => {
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "");
    const r = vmlab(["run", path.join(FIXTURES, "print.ipynb"), "--out", path.join(file, "sub")]);
    expect([r.status, r.stderr]).toEqual([2, `vmlab: cannot write ${path.join(file, "sub")}: a part of the path is a file (${file})\n`]);
  });

  it("runs a notebook outside this package that imports vmlab", () => {
    const course = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-course-"));
    try {
      const nb = path.join(course, "outside.ipynb");
      const cell = { cell_type: "code", id: "c0", metadata: {}, outputs: [], execution_count: null, source: 'import { UserError } from "vmlab";\nconsole.log(typeof UserError);' };
      fs.writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } }, cells: [cell] }));
      const r = vmlab(["run", nb, "--inplace"]);
      expect(r.stdout.trim().split("\n").at(-1)).toBe("1 passed, 0 failed (of 1 notebook)");
      const out = JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: { outputs: { text: string[] }[] }[] };
      expect(out.cells[0].outputs[0].text).toEqual(["function\n"]);
    } finally {
      fs.rmSync(course, { recursive: true, force: true });
    }
  });

  it("the longest --timeout Node's timers hold lets a correct notebook pass; a longer one is refused in one line", () => {
    const r = vmlab(["run", path.join(FIXTURES, "tags.ipynb"), "--timeout", "2147483"]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("1 passed, 0 failed (of 1 notebook)");
    expect(r.status).toBe(0);
    const over = vmlab(["run", path.join(FIXTURES, "tags.ipynb"), "--timeout", "1e9"]);
    expect([over.status, over.stderr]).toEqual([2, 'vmlab: --timeout "1e9": expected a number of seconds from 0.001 to 2147483 (about 24 days)\n']);
  });

  it("--inplace writes the executed notebook over its source", () => {
    const copy = path.join(tmp, "inplace.ipynb");
    fs.copyFileSync(path.join(FIXTURES, "tags.ipynb"), copy);
    expect(vmlab(["run", copy, "--inplace"]).status).toBe(0);
    const nb = JSON.parse(fs.readFileSync(copy, "utf8")) as { cells: { outputs?: unknown[] }[] };
    expect(nb.cells[0].outputs).toEqual([{ name: "stdout", output_type: "stream", text: ["before\n"] }]);
  });
});

describe("vmlab run --inplace on a failing notebook", () => {
  it("keeps the saved outputs and counts of the cells after the failure, which did not run", () => {
    const copy = path.join(tmp, "failing.ipynb");
    const saved = { name: "stdout", output_type: "stream", text: ["saved before\n"] };
    const cells = ['console.log("runs")', 'throw new Error("stops here")', 'console.log("never runs")'].map((source, i) => ({
      cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: i === 2 ? [saved] : [], execution_count: i === 2 ? 9 : null,
    }));
    fs.writeFileSync(copy, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } }, cells }));
    expect(vmlab(["run", copy, "--inplace"]).status).toBe(1);
    const nb = JSON.parse(fs.readFileSync(copy, "utf8")) as { cells: { outputs: unknown[]; execution_count: number | null }[] };
    expect(nb.cells[0].outputs).toEqual([{ name: "stdout", output_type: "stream", text: ["runs\n"] }]);
    expect([nb.cells[2].outputs, nb.cells[2].execution_count]).toEqual([[saved], 9]);
  });
});

describe("vmlab kernel install", () => {
  it("writes a kernelspec Jupyter lists, pointing at this install's tslab", () => {
    const prefix = path.join(tmp, "prefix");
    const r = vmlab(["kernel", "install", "--prefix", prefix]);
    expect(r.status).toBe(0);
    const dir = path.join(prefix, "share", "jupyter", "kernels", "tslab");
    expect(r.stdout).toBe(`installed kernelspec "tslab" (TypeScript) in ${dir}\n`);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")) as { argv: string[]; display_name: string; language: string };
    // The same command `vmlab run` starts: node with the kernel's V8 flags, then tslab.
    expect(spec.argv.slice(0, 3)).toEqual([process.execPath, "--interrupt-budget=2000000", "--single-threaded"]);
    // Its iopub queue and compile cache loaded before tslab, so no output is lost in Jupyter either.
    const preload = (file: string): string[] => ["--require", path.join(ROOT, "dist", "notebook", file)];
    expect(spec.argv.slice(3, 7)).toEqual([...preload("iopub-queue.js"), ...preload("compile-cache.js")]);
    expect(spec.argv.slice(8)).toEqual(["kernel", "--config-path", "{connection_file}"]);
    expect(fs.realpathSync(spec.argv[7])).toBe(fs.realpathSync(path.join(ROOT, "node_modules", "tslab", "bin", "tslab")));
    expect([spec.display_name, spec.language]).toEqual(["TypeScript", "typescript"]);
    expect(fs.readFileSync(path.join(dir, "logo-64x64.png")).subarray(1, 4).toString()).toBe("PNG");
    const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") },
    });
    if (list.error) throw new Error("jupyter is not installed: apt-get install jupyter-client (.ci/run does)");
    const specs = JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: { display_name: string } }> };
    expect(specs.kernelspecs.tslab.resource_dir).toBe(dir);
    expect(specs.kernelspecs.tslab.spec.display_name).toBe("TypeScript");
  });
});

/**
 * How fast `vmlab export` turns executed chapters into handouts, beside
 * Debian's `jupyter nbconvert --to html` on the same notebooks in the same
 * run. Both are timed as a reader's command would run them: one process
 * for all the notebooks into an empty folder (so vmlab's time includes
 * copying its assets), best of three, interleaved.
 *
 *   vmlab_s          `vmlab export NB... --out DIR`
 *   nbconvert_s      `jupyter nbconvert --to html NB... --output-dir DIR`
 *   speedup          nbconvert_s / vmlab_s (goal: >= 3)
 *   bytes_per_page   median vmlab page, without the shared assets/
 *   nbconvert_bytes_per_page   the same for nbconvert (it inlines its CSS)
 *   pages            how many notebooks were exported
 *
 * The chapters are executed first (not timed) by the runner into a scratch
 * folder; with no chapter written yet, the test fixtures stand in.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bestOf, median, type BenchSuite } from "vmlab/dist/benchmark";
import { loadCourse } from "vmlab/dist/courseware/course";
import { runNotebooks } from "vmlab/dist/notebook/run";

const ROOT = path.resolve(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const NBCONVERT = "/usr/bin/jupyter-nbconvert";
const FIXTURES = path.join(ROOT, "test", "courseware", "fixtures");

async function executedChapters(scratch: string, report: (line: string) => void): Promise<string[]> {
  const chapters = loadCourse(path.join(ROOT, "course")).chapters.map((c) => c.file).filter((f) => fs.existsSync(f));
  if (chapters.length === 0) {
    report("no chapter notebooks yet: exporting the test fixtures instead");
    return fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(FIXTURES, f));
  }
  report(`executing ${chapters.length} chapter(s) (not timed)`);
  const dir = path.join(scratch, "executed");
  const runs = await runNotebooks(chapters, { outDir: dir, allowErrors: true, jobs: 2 });
  for (const r of runs) if (!r.ok) report(`  ${path.basename(r.path)} has failing cells; exported as it is`);
  return runs.filter((r) => r.written).map((r) => r.written as string);
}

function pageSizes(dir: string): number[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith(".html") && f !== "index.html").map((f) => fs.statSync(path.join(dir, f)).size);
}

export const suite: BenchSuite = {
  name: "handouts",
  description: "vmlab export beside jupyter nbconvert --to html on the executed chapters",
  async run(report) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-bench-handouts-"));
    try {
      const notebooks = await executedChapters(scratch, report);
      if (notebooks.length === 0) throw new Error("no notebook to export");
      // A fresh folder each time: vmlab's timing includes copying its assets.
      let vmlabOut = "";
      let nbOut = "";
      const quiet = { stdio: ["ignore", "ignore", "pipe"] as ("ignore" | "pipe")[] };
      const vmlab = (): void => void execFileSync(process.execPath, [VMLAB, "export", ...notebooks, "--out", vmlabOut], quiet);
      const nbconvert = (): void => void execFileSync(NBCONVERT, ["--to", "html", ...notebooks, "--output-dir", nbOut], quiet);
      let vmlab_s = Infinity;
      let nbconvert_s = Infinity;
      for (let i = 0; i < 3; i++) {
        vmlabOut = path.join(scratch, `vmlab-${i}`);
        nbOut = path.join(scratch, `nbconvert-${i}`);
        vmlab_s = Math.min(vmlab_s, await bestOf(1, vmlab));
        nbconvert_s = Math.min(nbconvert_s, await bestOf(1, nbconvert));
      }
      report(`vmlab ${vmlab_s.toFixed(3)} s, nbconvert ${nbconvert_s.toFixed(3)} s for ${notebooks.length} notebook(s)`);
      return {
        vmlab_s,
        nbconvert_s,
        speedup: nbconvert_s / vmlab_s,
        bytes_per_page: median(pageSizes(vmlabOut)),
        nbconvert_bytes_per_page: median(pageSizes(nbOut)),
        pages: notebooks.length,
      };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/**
 * How fast `vmlab run` executes the chapters, beside Debian's
 * `jupyter nbconvert --execute` on the same chapters in the same run, both
 * driving the same tslab kernel:
 *
 *   vmlab_s      `vmlab run CHAPTERS... --jobs 2 --out DIR` (one process)
 *   nbconvert_s  `jupyter nbconvert --to notebook --execute CH --output-dir DIR`,
 *                once per chapter, one after the other (how a Makefile or CI
 *                script runs it)
 *   speedup      nbconvert_s / vmlab_s (goal: >= 2)
 *   notebooks    how many chapters were run
 *
 * Where vmlab's time goes less: two kernels at once; the next kernel starts
 * while the current notebook runs; no Python interpreter and no nbconvert
 * import per notebook; the kernel is told to stop and reaped at once.
 * Both start the kernel with the same command line (the kernelspec's argv,
 * KERNEL_NODE_FLAGS included), so the kernels do the same work.
 * The two commands alternate (vmlab, nbconvert, vmlab, nbconvert) and each
 * keeps its best of three, so load from elsewhere on the machine hurts both
 * alike. With no chapter written yet, the runner's fixtures stand in.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seconds, type BenchSuite } from "vmlab/dist/benchmark";
import { installKernelSpec } from "vmlab/dist/notebook/kernelspec";

const ROOT = path.resolve(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const NBCONVERT = "jupyter-nbconvert";
const REPEATS = 3;

function notebooks(report: (line: string) => void): string[] {
  const dir = path.join(ROOT, "notebooks");
  const chapters = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f)) : [];
  if (chapters.length > 0) return chapters;
  report("no chapters yet: running the runner's fixtures instead");
  const fixtures = path.join(ROOT, "test", "notebook", "fixtures");
  return ["print.ipynb", "display.ipynb", "tags.ipynb"].map((f) => path.join(fixtures, f));
}

export const suite: BenchSuite = {
  name: "runner",
  description: "vmlab run (--jobs 2) against jupyter nbconvert --execute on the chapters",
  async run(report) {
    const nbs = notebooks(report);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-bench-runner-"));
    const prefix = path.join(scratch, "jupyter");
    installKernelSpec({ prefix });
    const env = { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_PLATFORM_DIRS: "1" };
    const quiet = (cmd: string, args: string[]): void => {
      const r = spawnSync(cmd, args, { env, stdio: "ignore" });
      if (r.error) throw new Error(`${cmd}: ${r.error.message} (apt-get install jupyter-nbconvert python3-nbclient)`);
      if (r.status !== 0) report(`  (${path.basename(cmd)} ${args[0]} exited with status ${r.status}: a notebook failed)`);
    };
    let vmlab = Infinity;
    let nbconvert = Infinity;
    try {
      for (let i = 0; i < REPEATS; i++) {
        const v = await seconds(() => quiet(process.execPath, [VMLAB, "run", ...nbs, "--jobs", "2", "--out", path.join(scratch, "vmlab")]));
        report(`  vmlab run, ${nbs.length} notebooks: ${v.toFixed(2)} s`);
        const n = await seconds(() => {
          for (const nb of nbs) quiet(NBCONVERT, ["--to", "notebook", "--execute", nb, "--output-dir", path.join(scratch, "nbconvert")]);
        });
        report(`  jupyter nbconvert --execute, one each: ${n.toFixed(2)} s`);
        vmlab = Math.min(vmlab, v);
        nbconvert = Math.min(nbconvert, n);
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return { vmlab_s: vmlab, nbconvert_s: nbconvert, speedup: nbconvert / vmlab, notebooks: nbs.length };
  },
};

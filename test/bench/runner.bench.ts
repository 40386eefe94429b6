/**
 * How fast `vmlab run` executes the chapters, beside Debian's
 * `jupyter nbconvert --execute` on the same chapters in the same run, both
 * driving the same tslab kernel:
 *
 *   vmlab_s      `vmlab run CHAPTERS... --jobs 2 --out DIR` (one process)
 *   nbconvert_s  `jupyter nbconvert --to notebook --execute CH --output-dir DIR`,
 *                once per chapter, one after the other (how a Makefile or CI
 *                script runs it)
 *   speedup      the median over rounds of nbconvert_s / vmlab_s, each
 *                round's pair run back to back (goal: >= 2)
 *   speedup_min, speedup_max   the lowest and highest round
 *   notebooks    how many chapters were run
 *
 * vmlab_s and nbconvert_s are medians over the rounds.
 *
 * Where vmlab's time goes less: two kernels at once; the next kernel starts
 * while the current notebooks run, and a lane takes its next notebook while
 * its last kernel dies; a kernel is killed as soon as it answers its
 * shutdown_request (tslab never exits by itself); no Python interpreter and
 * no nbconvert import per notebook.
 * Both start the kernel with the same command line (the kernelspec's argv,
 * KERNEL_NODE_FLAGS and the iopub queue included), so the kernels do the
 * same work.
 *
 * Robust on a shared, loaded machine: ROUNDS interleaved pairs (vmlab then
 * nbconvert, then nbconvert then vmlab, and so on, so neither side always
 * runs first); each pair's ratio compares two runs under the same load, and
 * the median ratio ignores a round that a burst of load from elsewhere hit
 * on one side only. With no chapter written yet, the runner's fixtures
 * stand in.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seconds, median, type BenchSuite } from "vmlab/dist/benchmark";
import { installKernelSpec } from "vmlab/dist/notebook/kernelspec";

const ROOT = path.resolve(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const NBCONVERT = "jupyter-nbconvert";
/** Interleaved pairs; VMLAB_BENCH_ROUNDS overrides (at least 1). */
const ROUNDS = Math.max(1, Number(process.env.VMLAB_BENCH_ROUNDS) || 5);

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
    const vmlab: number[] = [];
    const nbconvert: number[] = [];
    const runVmlab = async (): Promise<number> => {
      const v = await seconds(() => quiet(process.execPath, [VMLAB, "run", ...nbs, "--jobs", "2", "--out", path.join(scratch, "vmlab")]));
      report(`  vmlab run, ${nbs.length} notebooks: ${v.toFixed(2)} s`);
      return v;
    };
    const runNbconvert = async (): Promise<number> => {
      const n = await seconds(() => {
        for (const nb of nbs) quiet(NBCONVERT, ["--to", "notebook", "--execute", nb, "--output-dir", path.join(scratch, "nbconvert")]);
      });
      report(`  jupyter nbconvert --execute, one each: ${n.toFixed(2)} s`);
      return n;
    };
    try {
      for (let i = 0; i < ROUNDS; i++) {
        if (i % 2 === 0) {
          vmlab.push(await runVmlab());
          nbconvert.push(await runNbconvert());
        } else {
          nbconvert.push(await runNbconvert());
          vmlab.push(await runVmlab());
        }
        report(`  round ${i + 1} of ${ROUNDS}: speedup ${(nbconvert[i] / vmlab[i]).toFixed(2)}`);
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    const ratios = vmlab.map((v, i) => nbconvert[i] / v);
    return {
      vmlab_s: median(vmlab),
      nbconvert_s: median(nbconvert),
      speedup: median(ratios),
      speedup_min: Math.min(...ratios),
      speedup_max: Math.max(...ratios),
      notebooks: nbs.length,
    };
  },
};

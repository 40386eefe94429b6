/**
 * The tslab kernelspec, written without Python
 * (https://jupyter-client.readthedocs.io/en/latest/kernels.html#kernel-specs).
 *
 *   DIR/share/jupyter/kernels/tslab/     (--prefix DIR)
 *   ~/.local/share/jupyter/kernels/tslab/ (--user, the default; Linux)
 *     kernel.json      {"argv": [node, V8 flags, --require iopub-queue.js, --require compile-cache.js,
 *                       TSLAB_BIN, "kernel",
 *                       "--config-path", "{connection_file}"],
 *                       "display_name": "TypeScript", "language": "typescript"}
 *     logo-svg.svg     the logo JupyterLab's launcher shows
 *     logo-32x32.png, logo-64x64.png   the classic Notebook's logos
 *
 * argv names this install's node and tslab by absolute path, so Jupyter
 * starts the same kernel `vmlab run` does, whatever PATH says.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACKAGE_ROOT } from "./library-link";
import { logoPng, LOGO_SVG } from "./logo";

export const KERNEL_NAME = "tslab";

/** The tslab command of this install (node_modules/tslab/bin/tslab). */
function tslabBin(): string {
  const pkg = require.resolve("tslab/package.json");
  return path.join(path.dirname(pkg), "bin", "tslab");
}

/**
 * The node flags every tslab kernel runs with, whoever starts it (JupyterLab,
 * nbconvert, `vmlab run`), so all of them run the same kernel.
 *
 * --interrupt-budget: how much bytecode a function runs before V8 considers
 * optimizing it ("interrupt budget which should be used for the profiler
 * counter", `node --v8-options`; 67,584 by default in Node 20). A kernel
 * spends most of its life in tslab's TypeScript compiler, whose thousands of
 * lukewarm functions V8 would otherwise hand to its optimizing compiler on
 * background threads, work a short-lived kernel never earns back. Measured
 * on the chapters, 2,000,000 cuts a kernel's CPU time by a quarter to a
 * third: one kernel alone finishes in about the same time (it had idle cores
 * for that compiler), several at once finish a quarter sooner. The
 * simulator's hot loops still run optimized within milliseconds.
 *
 * --single-threaded: V8 does its garbage collection and optimizing
 * compilation on the kernel's own thread ("disable the use of background
 * tasks", `node --v8-options`), not on helper threads beside it. A kernel
 * alone takes as long as before (its cells wait for that work either way),
 * but it burns about a tenth less CPU in all, so kernels side by side on
 * two cores (`vmlab run --jobs 2`, `vmlab grade`) finish sooner. Measured
 * on the five chapters: 33 s of CPU against 37 s, 19.5 s against 21.2 s
 * with two jobs, 26.5 s with one job either way.
 */
export const KERNEL_NODE_FLAGS: readonly string[] = ["--interrupt-budget=2000000", "--single-threaded"];

/**
 * Loaded into every kernel before tslab: its iopub sends queue in order and
 * lose nothing (iopub-queue.ts), and its TypeScript compiler loads from V8's
 * code cache (compile-cache.ts). Always the compiled files (a kernel runs
 * JavaScript, even when vmlab itself runs from src/ under a test runner).
 */
function kernelPreloads(): string[] {
  return ["iopub-queue.js", "compile-cache.js"].flatMap((file) => ["--require", path.join(PACKAGE_ROOT, "dist", "notebook", file)]);
}

/** The command that starts a tslab kernel on a connection file. */
export function kernelCommand(connectionFile: string, preload: string[] = []): string[] {
  return [process.execPath, ...KERNEL_NODE_FLAGS, ...kernelPreloads(), ...preload, tslabBin(), "kernel", "--config-path", connectionFile];
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}

export function kernelSpec(): KernelSpec {
  return {
    argv: kernelCommand("{connection_file}"),
    display_name: "TypeScript",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { vmlab: { tslab: tslabVersion() } },
  };
}

function tslabVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(require.resolve("tslab/package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * Where Jupyter looks for kernelspecs (jupyter_core.paths): the user's data
 * directory ($JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
 * ~/.local/share/jupyter on Linux), or PREFIX/share/jupyter.
 */
export function kernelsDir(where: { prefix?: string }): string {
  if (where.prefix) return path.join(path.resolve(where.prefix), "share", "jupyter", "kernels");
  return path.join(jupyterDataDir(), "kernels");
}

function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  const xdg = process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(xdg, "jupyter");
}

/**
 * The tslab command a kernelspec's argv starts (the entry after node and
 * its flags, ending in bin/tslab), or undefined if it names none.
 */
export function tslabPathOf(spec: { argv?: unknown }): string | undefined {
  if (!Array.isArray(spec.argv)) return undefined;
  return spec.argv.find((arg): arg is string => typeof arg === "string" && /(^|[\\/])tslab$/.test(arg));
}

/** What an install at `where` would replace: nothing, an unreadable kernel.json, or a spec. */
export type InstalledSpec = { kind: "none" } | { kind: "unreadable"; file: string } | { kind: "spec"; file: string; tslab?: string };

export function installedKernelSpec(where: { prefix?: string } = {}): InstalledSpec {
  const file = path.join(kernelsDir(where), KERNEL_NAME, "kernel.json");
  if (!fs.existsSync(file)) return { kind: "none" };
  try {
    const spec = JSON.parse(fs.readFileSync(file, "utf8")) as { argv?: unknown };
    return { kind: "spec", file, tslab: tslabPathOf(spec) };
  } catch {
    return { kind: "unreadable", file };
  }
}

/** The tslab this install's kernelspec starts. */
export function thisTslab(): string {
  return tslabBin();
}

/** Writes the kernelspec; returns its directory. */
export function installKernelSpec(where: { prefix?: string } = {}): string {
  const dir = path.join(kernelsDir(where), KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 1) + "\n");
  fs.writeFileSync(path.join(dir, "logo-svg.svg"), LOGO_SVG);
  fs.writeFileSync(path.join(dir, "logo-32x32.png"), logoPng(32));
  fs.writeFileSync(path.join(dir, "logo-64x64.png"), logoPng(64));
  return dir;
}

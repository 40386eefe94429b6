/**
 * Loaded into every tslab kernel before tslab itself (kernelspec.ts, beside
 * iopub-queue.js): the TypeScript compiler tslab bundles (9 MB of
 * JavaScript, typescript-for-tslab) is compiled from V8's code cache
 * instead of from source, as Node 22's module.enableCompileCache() does for
 * every module ("V8 code cache ... skips the parsing and compilation",
 * Node's docs); Node 20, which the course runs on, has no such switch.
 *
 *   first kernel:  compile from source ── run ── after WARM_MS: createCachedData ──▶ FILE
 *   later kernels: FILE ──▶ new vm.Script(source, {cachedData}) (V8 checks the
 *                  source hash, its version and flags; a mismatch is a
 *                  rejection: compile from source, and FILE is rewritten)
 *
 * The cache is made once the kernel has started and run its first cells, so
 * it holds the functions V8 compiled lazily by then (createCachedData after
 * execution includes them): a kernel's start-up spends about a third less
 * CPU in the compiler. Measured: 1.2 s against 1.5-1.8 s to load the
 * compiler and build a program over the default libraries.
 *
 * Never in a kernel's way: any failure to read or write the cache falls
 * back to Node's own loading, silently; the file is written to a temporary
 * name and renamed, so two kernels writing at once leave one whole file.
 * The cache lives in vmlab's cache folder (cache-dir.ts).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import * as vm from "vm";
import { cacheDir, writeCacheFile } from "./cache-dir";

/** The compiler's file: the only module big enough to be worth caching. */
const CACHED = /[\\/]typescript-for-tslab[\\/]lib[\\/]typescript\.js$/;
/** How long after loading the compiler its cache is made (the kernel has started and run a few cells). */
const WARM_MS = 3000;

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}

const prototype = (Module as unknown as { prototype: CompilingModule }).prototype;
const nodeCompile = prototype._compile;

/**
 * The cache's file for this compiler and this node: V8 itself refuses data
 * from another V8 or other flags, but it checks only the source's length,
 * so the file's size and modification time are in the name.
 */
function cacheFile(filename: string): string {
  const { size, mtimeMs } = fs.statSync(filename);
  const key = crypto.createHash("sha256").update(`${process.version} ${filename} ${size} ${mtimeMs}`).digest("hex").slice(0, 16);
  return path.join(cacheDir(), `${path.basename(filename, ".js")}-${key}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, script: vm.Script): void {
  writeCacheFile(file, script.createCachedData()); // a cache we cannot write costs only speed
}

prototype._compile = function compile(this: CompilingModule, content: string, filename: string): unknown {
  if (!CACHED.test(filename)) return nodeCompile.call(this, content, filename);
  let file: string, script: vm.Script;
  try {
    file = cacheFile(filename);
    script = new vm.Script(Module.wrap(content), { filename, cachedData: readCache(file) });
  } catch {
    return nodeCompile.call(this, content, filename);
  }
  if (script.cachedDataRejected !== false) setTimeout(() => writeCache(file, script), WARM_MS).unref();
  const moduleRequire = (id: string): unknown => this.require(id);
  const wrapper = script.runInThisContext() as (exports: unknown, req: unknown, mod: unknown, file: string, dir: string) => unknown;
  return wrapper.call(this.exports, this.exports, moduleRequire, this, filename, path.dirname(filename));
};

/**
 * The kernels' compile cache (src/notebook/compile-cache.ts) is never in a
 * kernel's way: a first kernel writes it, a corrupt one is replaced, and
 * a folder that cannot be written is passed over; in every case the
 * TypeScript compiler loads and works. The compiler is required the way
 * tslab requires it, under the same preload the kernelspec gives.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");
const PRELOAD = path.join(ROOT, "dist", "notebook", "compile-cache.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-ccache-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Loads the compiler, transpiles a line, and stays up past the cache's warm-up. */
function loadCompiler(cacheDir: string): string {
  const script = `const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [require.resolve("tslab")] }));
    console.log(ts.transpile("const x: number = 6 * 7; x;").trim());
    setTimeout(() => undefined, 3500);`;
  const r = spawnSync(process.execPath, ["--require", PRELOAD, "-e", script], { cwd: ROOT, env: { ...process.env, VMLAB_CACHE_DIR: cacheDir, TMPDIR: tmp }, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

const cacheFiles = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith(".v8cache"));

describe("the kernels' compile cache", () => {
  it("is written by a first kernel and used by the next", () => {
    const dir = path.join(tmp, "fresh");
    expect(loadCompiler(dir)).toBe("var x = 6 * 7;\nx;");
    const [file] = cacheFiles(dir);
    expect(fs.statSync(path.join(dir, file)).size).toBeGreaterThan(1 << 20);
    const written = fs.statSync(path.join(dir, file)).mtimeMs;
    expect(loadCompiler(dir)).toBe("var x = 6 * 7;\nx;");
    expect(fs.statSync(path.join(dir, file)).mtimeMs).toBe(written); // accepted, so not rewritten
    expect(cacheFiles(dir)).toEqual([file]);
  }, 30_000);

  it("that is corrupt is refused by V8 and replaced", () => {
    const dir = path.join(tmp, "corrupt");
    loadCompiler(dir);
    const file = path.join(dir, cacheFiles(dir)[0]);
    fs.writeFileSync(file, Buffer.alloc(4096, 0xa5));
    expect(loadCompiler(dir)).toBe("var x = 6 * 7;\nx;");
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 0xa5))).toBe(false);
    expect(fs.statSync(file).size).toBeGreaterThan(1 << 20);
  }, 30_000);

  it("in a folder that is a file leaves the compiler working", () => {
    const notAFolder = path.join(tmp, "plain-file");
    fs.writeFileSync(notAFolder, "not a folder");
    expect(loadCompiler(notAFolder)).toBe("var x = 6 * 7;\nx;");
    expect(fs.readFileSync(notAFolder, "utf8")).toBe("not a folder");
  }, 30_000);
});

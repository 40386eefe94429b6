/** `vmlab kernel install` end to end (the built CLI), into a temporary prefix. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");
const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-kernelspec-"));
afterAll(() => fs.rmSync(prefix, { recursive: true, force: true }));
const specFile = path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json");

function install(...flags: string[]) {
  // JUPYTER_DATA_DIR inside the prefix: a regression that installs "for the user" stays here too.
  const env = { ...process.env, JUPYTER_DATA_DIR: path.join(prefix, "user-data") };
  const r = spawnSync(process.execPath, [BIN, "kernel", "install", ...flags], { encoding: "utf8", env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vmlab kernel install", () => {
  it("says what it replaces when the kernelspec there started another checkout's tslab", () => {
    expect(install("--prefix", prefix).stdout).not.toContain("replaced");
    const ours = (JSON.parse(fs.readFileSync(specFile, "utf8")) as { argv: string[] }).argv;
    const tslab = ours.find((a) => a.endsWith(path.join("bin", "tslab"))) as string;
    const other = "/home/someone/old-vmlab/node_modules/tslab/bin/tslab";
    fs.writeFileSync(specFile, JSON.stringify({ argv: ours.map((a) => (a === tslab ? other : a)), display_name: "TypeScript", language: "typescript" }));
    const r = install("--prefix", prefix);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`replaced the kernelspec of another install: tslab ${other} -> ${tslab}\n`);
    expect(fs.readFileSync(specFile, "utf8")).toContain(tslab);
    expect(install("--prefix", prefix).stdout).not.toContain("replaced"); // its own: nothing to say
  });

  it("says so when the kernel.json it replaces was not JSON", () => {
    fs.writeFileSync(specFile, "{ not json");
    expect(install("--prefix", prefix).stdout).toContain(`replaced ${specFile}, which was not valid JSON`);
  });

  it("refuses an empty --prefix instead of installing for the user", () => {
    const r = install("--prefix", "");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vmlab: --prefix needs a folder, not an empty string\n  leave --prefix out to install for your user (--user)\n");
  });
});

/**
 * Nothing of a `vmlab run` outlives it: whichever way the runner ends
 * (SIGINT, SIGTERM, SIGKILL) while a cell spins in a synchronous endless
 * loop, no kernel of that run keeps running and no /tmp/vmlab-k-* folder
 * stays behind. The runner gets a private TMPDIR so the check sees only its
 * own folders.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { alive } from "./alive";

const ROOT = path.join(__dirname, "..", "..");
const VMLAB = path.join(ROOT, "bin", "vmlab.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-life-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeNotebook(file: string, sources: string[]): void {
  const cells = sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }));
  const metadata = { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } };
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }));
}

/** The tslab kernels `runner` started (its children running tslab). */
function kernelsOf(runner: number): number[] {
  const ps = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  return ps
    .split("\n")
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === runner && m[3].includes("tslab"))
    .map((m) => Number(m[1]));
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return condition();
}

describe("a killed vmlab run leaves nothing behind", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    it(`${signal} while a cell spins: no kernel left running, no vmlab-k-* folder left`, async () => {
      const dir = fs.mkdtempSync(path.join(tmp, `${signal}-`));
      const markers = [path.join(dir, "spinning-1"), path.join(dir, "spinning-2")];
      // Three notebooks, two lanes: two kernels spin, the third one is started ahead.
      const spin = (marker: string) => [`require("fs").writeFileSync(${JSON.stringify(marker)}, "");\nwhile (true) {}`];
      writeNotebook(path.join(dir, "spin-1.ipynb"), spin(markers[0]));
      writeNotebook(path.join(dir, "spin-2.ipynb"), spin(markers[1]));
      writeNotebook(path.join(dir, "next.ipynb"), ['console.log("never reached")']);
      const tmpdir = path.join(dir, "tmp");
      fs.mkdirSync(tmpdir);
      const notebooks = ["spin-1", "spin-2", "next"].map((n) => path.join(dir, `${n}.ipynb`));
      const runner: ChildProcess = spawn(process.execPath, [VMLAB, "run", ...notebooks, "--jobs", "2", "--timeout", "600"], {
        env: { ...process.env, TMPDIR: tmpdir },
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => runner.on("exit", resolve));
      try {
        expect(await until(() => markers.every((m) => fs.existsSync(m)), 120_000)).toBe(true);
        expect(await until(() => kernelsOf(runner.pid as number).length === 3, 60_000)).toBe(true);
        const kernels = kernelsOf(runner.pid as number);
        expect(fs.readdirSync(tmpdir).filter((f) => f.startsWith("vmlab-k-"))).toHaveLength(3);
        runner.kill(signal);
        await exited;
        expect(await until(() => kernels.every((k) => !alive(k)), 10_000)).toBe(true);
        expect(await until(() => fs.readdirSync(tmpdir).length === 0, 5_000)).toBe(true);
      } finally {
        runner.kill("SIGKILL");
      }
    }, 240_000);
  }

  it("--jobs 1 runs one kernel at a time: none is started ahead beside a working one", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "one-"));
    const marker = path.join(dir, "spinning");
    writeNotebook(path.join(dir, "spin.ipynb"), [`require("fs").writeFileSync(${JSON.stringify(marker)}, "");\nwhile (true) {}`]);
    writeNotebook(path.join(dir, "next.ipynb"), ['console.log("not yet")']);
    const runner = spawn(process.execPath, [VMLAB, "run", path.join(dir, "spin.ipynb"), path.join(dir, "next.ipynb"), "--jobs", "1"], { stdio: "ignore" });
    const exited = new Promise((resolve) => runner.on("exit", resolve));
    try {
      expect(await until(() => fs.existsSync(marker), 120_000)).toBe(true);
      // A kernel started ahead would be up within a few seconds of the first one's first cell.
      expect(await until(() => kernelsOf(runner.pid as number).length > 1, 8_000)).toBe(false);
      expect(kernelsOf(runner.pid as number)).toHaveLength(1);
    } finally {
      runner.kill("SIGTERM");
      await exited;
    }
  }, 180_000);
});

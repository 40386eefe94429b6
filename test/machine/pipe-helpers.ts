/** Running the built `vmlab` with its output read the way `| head -1` reads it. */
import { spawn } from "child_process";
import * as path from "path";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");

/**
 * Runs `vmlab ARGS`, reads stdout until its first line, then closes the
 * pipe as `| head -1` does; resolves with the exit status and stderr (a
 * process still running after `limitMs` is killed and reported as such).
 */
export function untilFirstLine(
  args: string[],
  closing: "stdout" | "stderr" = "stdout",
  limitMs = 20_000,
): Promise<{ status: number | null; other: string; firstLine: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const [read, otherStream] = closing === "stdout" ? [child.stdout, child.stderr] : [child.stderr, child.stdout];
    let text = "";
    let other = "";
    let killed = false;
    const timer = setTimeout(() => ((killed = true), child.kill("SIGKILL")), limitMs);
    read.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) read.destroy();
    });
    otherStream.on("data", (chunk: Buffer) => void (other += chunk.toString()));
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, other, firstLine: text.split("\n")[0], killed });
    });
  });
}


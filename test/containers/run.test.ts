/**
 * Containers side by side on one kernel (src/containers/run.ts): each
 * sees pid 1, its own hostname and uid 0, and cannot rename its host; a
 * fork bomb in one stays at its pids.max while the others print exactly
 * what they print alone.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { containerRuntimeSource, runContainers } from "../../src/containers/run";

const program = (name: string) => ({ name, source: fs.readFileSync(path.join(__dirname, "programs", `${name}.s`), "utf8") });

describe("runContainers", () => {
  for (const platform of ["native", "software-tlb"] as const) {
    it(`runs containers that each see their own pid 1 and hostname, root inside only (${platform})`, () => {
      const run = runContainers({ platform, timerInterval: 0, containers: [{ program: program("whoami"), hostname: "web" }, { program: program("whoami"), hostname: "db" }] });
      expect(run.output).toBe("pid 1, hostname web, uid 0, rename: refused\npid 1, hostname db, uid 0, rename: refused\n");
      expect(`${run.result.reason} ${run.result.exitCode}`).toBe("halted 0");
    });
  }

  it("holds a fork bomb at its pids.max while the container beside it finishes with its exact output", () => {
    const alone = runContainers({ timerInterval: 0, containers: [{ program: program("whoami"), hostname: "web" }] });
    const run = runContainers({ timerInterval: 0, containers: [{ program: program("fork-bomb"), pidsMax: 3 }, { program: program("whoami"), hostname: "web" }] });
    expect(run.output.split("\n").filter((l) => l.startsWith("bomb"))).toEqual(["bomb made 2"]);
    expect(run.output.replace("bomb made 2\n", "")).toBe(alone.output);
    // The kernel halts with the number it killed: the bomb's two children, with their init.
    expect(`${run.result.reason} ${run.result.exitCode}`).toBe("halted 2");
  });

  it("refuses a bad hostname, a bad pids.max and too many containers with a message", () => {
    const hello = { program: "hello" };
    expect(() => containerRuntimeSource([{ ...hello, hostname: "no spaces" }])).toThrow(/hostname "no spaces"/);
    expect(() => containerRuntimeSource([{ ...hello, hostname: "a-very-long-hostname" }])).toThrow(/1-15/);
    expect(() => containerRuntimeSource([{ ...hello, pidsMax: -1 }])).toThrow(/pids.max -1/);
    expect(() => containerRuntimeSource(Array(8).fill(hello))).toThrow(/1 to 7/);
  });
});

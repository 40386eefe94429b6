/** `vmlab container run` (src/cli/commands/container.ts): thin over runContainers. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/container";
import { runCommand } from "../cli/run-command";

const container = (...args: string[]) => runCommand(register, ["container", "run", ...args]);
const whoami = path.join(__dirname, "programs", "whoami.s");

describe("vmlab container run", () => {
  it("runs each program in its own container and prints what the processes saw with --table", async () => {
    const r = await container(whoami, "hello", "--hostname", "web,db", "--timer", "0", "--table");
    expect(r.stdout).toBe("pid 1, hostname web, uid 0, rename: refused\nhello, world\n");
    expect(r.stderr).toContain("pid 3 (hello, reaped): pid 1 in pid namespace 2, hostname db, uid 0 (0 outside) in user namespace 2, group 0\n");
    expect(r.status).toBe(0);
  });

  it("refuses a bad hostname, too many hostnames and a bad --pids-max with one line each", async () => {
    await expect(container("hello", "--hostname", "a b")).rejects.toThrow(/hostname "a b"/);
    await expect(container("hello", "--hostname", "x,y")).rejects.toThrow(/names 2 containers, but 1 programs/);
    await expect(container("hello", "--pids-max", "0")).rejects.toThrow(/--pids-max/);
    await expect(container("hello", "--platform", "paravirtual")).rejects.toThrow(/native or software-tlb/);
  });
});

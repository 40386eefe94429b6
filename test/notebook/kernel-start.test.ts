/**
 * A kernel that starts but never answers its handshake (seen in CI on a
 * loaded machine: a whole submission graded 0) is killed, and one fresh
 * kernel is tried in its place. Here the first kernel of the test hangs
 * before tslab loads (a preload, through NODE_OPTIONS, that blocks its
 * thread forever the first time it runs); the second starts normally.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { alive } from "./alive";
import { Kernel } from "../../src/notebook/kernel";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-kstart-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("a kernel silent past the start timeout", () => {
  it("is killed, and a fresh kernel is started that runs the cells", async () => {
    const marker = path.join(tmp, "first-kernel.pid");
    const preload = path.join(tmp, "hang-once.js");
    fs.writeFileSync(
      preload,
      `if (process.argv.some((a) => a.endsWith("tslab")) && !require("fs").existsSync(${JSON.stringify(marker)})) {
         require("fs").writeFileSync(${JSON.stringify(marker)}, String(process.pid));
         const cell = new Int32Array(new SharedArrayBuffer(4));
         for (;;) Atomics.wait(cell, 0, 0); // alive, silent, forever
       }\n`,
    );
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${saved ?? ""} --require ${preload}`.trim();
    let kernel: Kernel | undefined;
    try {
      kernel = await Kernel.start(tmp, { startTimeoutSeconds: 15 });
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
    try {
      const first = Number(fs.readFileSync(marker, "utf8"));
      expect(first).toBeGreaterThan(0);
      expect(alive(first)).toBe(false);
      expect(kernel.pid).not.toBe(first);
      const printed: string[] = [];
      const reply = await kernel.execute('console.log("answered", 6 * 7)', (msg) => {
        if (msg.header.msg_type === "stream") printed.push(String(msg.content.text));
      });
      expect(reply?.status).toBe("ok");
      expect(printed.join("")).toContain("answered 42");
    } finally {
      await kernel.shutdown();
    }
  }, 60_000);
});

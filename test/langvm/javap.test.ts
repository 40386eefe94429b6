import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileTestPrograms } from "./javac";

const BIN = join(__dirname, "../../bin/vmlab.js");
const compiled = compileTestPrograms();
afterAll(() => rmSync(compiled.dir, { recursive: true, force: true }));

describe("vmlab javap against the JDK's javap -c", () => {
  it("compiled several classes, nested ones included", () => {
    expect(compiled.classes).toEqual(expect.arrayContaining(["Shapes.class", "Shapes$Square.class", "Shapes$Shape.class", "Wide.class"]));
  });

  for (const cls of compiled.classes) {
    it(`prints ${cls} byte for byte as javap -c does`, () => {
      const file = join(compiled.dir, cls);
      const real = spawnSync("javap", ["-c", file], { encoding: "utf8" });
      expect(real.status).toBe(0);
      const ours = spawnSync(process.execPath, [BIN, "javap", file], { encoding: "utf8" });
      expect(ours.stderr).toBe("");
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(real.stdout);
    });
  }
});

import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileTestPrograms } from "./javac";

const BIN = join(__dirname, "../../bin/vmlab.js");
const compiled = compileTestPrograms();
afterAll(() => rmSync(compiled.dir, { recursive: true, force: true }));

describe("vmlab javap against the JDK's javap -c", () => {
  it("compiled several classes, nested ones included", () => {
    expect(compiled.classes).toEqual(expect.arrayContaining(["Shapes.class", "Shapes$Square.class", "Shapes$Shape.class", "Wide.class", "ManyLocals.class", "Kinds.class", "Greeter.class", "Loud.class", "Animal.class"]));
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

describe("vmlab javap on bad input", () => {
  it("accepts javap's -c spelling", () => {
    const file = join(compiled.dir, "Wide.class");
    const ours = spawnSync(process.execPath, [BIN, "javap", "-c", file], { encoding: "utf8" });
    expect(ours.status).toBe(0);
    expect(ours.stdout).toContain("public static int many(int);");
  });

  it("reports a malformed class file in one line, naming file, offset and reason, with exit status 2", () => {
    const file = join(compiled.dir, "Truncated.class");
    writeFileSync(file, readFileSync(join(compiled.dir, "Wide.class")).subarray(0, 9));
    const ours = spawnSync(process.execPath, [BIN, "javap", file], { encoding: "utf8" });
    expect(ours.status).toBe(2);
    expect(ours.stdout).toBe("");
    expect(ours.stderr).toBe(`vmlab: ${file}: ClassFormatError at byte 8: truncated: constant_pool_count needs 2 bytes, 1 left\n`);
  });

  it("says which file it cannot read", () => {
    const ours = spawnSync(process.execPath, [BIN, "javap", join(compiled.dir, "Missing.class")], { encoding: "utf8" });
    expect(ours.status).toBe(2);
    expect(ours.stderr).toMatch(/^vmlab: cannot read .*Missing\.class: ENOENT\n$/);
  });
});

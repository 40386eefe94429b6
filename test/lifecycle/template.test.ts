/** Templates: N linked clones of one golden image share its disk space, measured from the files. */
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/boot";
import { FsImage, mkfs } from "../../src/guests/fs";
import { RawBlockDevice, cloneTemplate, createTemplate, importRaw, openImage, sharedSpace } from "../../src/lifecycle";
import { runCommand } from "../cli/run-command";
import { WRITER } from "../guests/disk-writer";
import { qemu, qemuCheck, seededBytes, tempDir } from "./helpers";


describe("templates and linked clones", () => {
  const dir = tempDir("vmlab-template-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("three clones boot and write, each to its own file; the golden image is untouched and its space shared", async () => {
    const src = path.join(dir, "src");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "writer.s"), WRITER);
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(src, `data${i}.bin`), seededBytes(200 * 1024, i)); // what the clones share
    const golden = path.join(dir, "web.qcow2");
    importRaw(new RawBlockDevice(mkfs(src, { size: 2 * 1024 * 1024 })), golden).close();
    const template = createTemplate(dir, "web", golden, { memoryBytes: 256 * 1024, programs: ["disk:/writer"], timerInterval: 0, platform: "native" });
    expect(JSON.parse(fs.readFileSync(template.file, "utf8"))).toMatchObject({ image: "web.qcow2", vm: { programs: ["disk:/writer"] } });
    const before = fs.readFileSync(golden);
    const clones = cloneTemplate(template, 3, dir);
    expect(clones.map((c) => path.basename(c.disk))).toEqual(["web-1.qcow2", "web-2.qcow2", "web-3.qcow2"]);
    for (const clone of clones) {
      const r = await runCommand(register, ["boot", "--disk", clone.disk, ...clone.vm.programs, "--memory", String(clone.vm.memoryBytes), "--timer", "0"]);
      expect(r.status).toBe(0);
      expect(qemuCheck(clone.disk).status).toBe(0);
      expect(qemu("qemu-img", "info", clone.disk).stdout).toContain("backing file: web.qcow2");
      const image = openImage(clone.disk);
      try {
        const fsImage = FsImage.fromBytes(image.read(0, image.size));
        expect(new TextDecoder().decode(fsImage.readFile("/out.txt"))).toBe("saved\n");
        expect(fsImage.readFile("/data5.bin")).toEqual(seededBytes(200 * 1024, 5));
      } finally {
        image.close();
      }
    }
    expect(fs.readFileSync(golden)).toEqual(before);
    const space = sharedSpace(template, clones);
    expect(space.perClone).toHaveLength(3);
    for (const own of space.perClone) expect(own).toBeLessThan(space.shared / 2);
    expect(space.total).toBeLessThan(space.fullCopies);
  });

  it("refuses a clone over an existing file and a template of a file that is not qcow2", () => {
    const template = { name: "web", file: path.join(dir, "web.template.json"), image: path.join(dir, "web.qcow2"), vm: { memoryBytes: 4096, programs: [], timerInterval: 0, platform: "native" as const } };
    expect(() => cloneTemplate(template, 1, dir)).toThrow(/cannot create the clone .*web-1\.qcow2: EEXIST/);
    fs.writeFileSync(path.join(dir, "junk.qcow2"), "not an image");
    expect(() => createTemplate(dir, "junk", path.join(dir, "junk.qcow2"), template.vm)).toThrow(/junk\.qcow2/);
  });
});

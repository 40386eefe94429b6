/** `vmlab boot --disk FILE.qcow2`: the kernel's file system on a qcow2 image, which qemu-img finds clean afterwards. */
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/boot";
import { FsImage, mkfs } from "../../src/guests/fs";
import { RawBlockDevice, importRaw, openImage } from "../../src/lifecycle";
import { runCommand } from "../cli/run-command";
import { WRITER } from "../guests/disk-writer";
import { createFile, qemu, qemuCheck, qemuRaw, tempDir } from "./helpers";

const boot = (...args: string[]) => runCommand(register, ["boot", ...args]);


describe("vmlab boot --disk FILE.qcow2", () => {
  const dir = tempDir("vmlab-boot-qcow2-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const echo = fs.readFileSync(path.join(__dirname, "..", "guests", "kernel-programs", "disk", "echo.s"), "utf8");

  /** A file system of echo and writer, imported into a new qcow2 image (P-to-V). */
  const qcow2 = (name: string): { file: string; raw: Uint8Array } => {
    const src = path.join(dir, `${name}-src`);
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, "echo.s"), echo);
    fs.writeFileSync(path.join(src, "writer.s"), WRITER);
    const raw = mkfs(src, { size: 256 * 1024 });
    const file = path.join(dir, `${name}.qcow2`);
    importRaw(new RawBlockDevice(raw), file).close();
    return { file, raw };
  };

  it("boots a program from the image, and the guest's writes land in it, clean for qemu-img check", async () => {
    const { file } = qcow2("write");
    const run = await boot("--disk", file, "disk:/echo one two");
    expect(run.stdout).toBe("echo argc=3 one two\n");
    expect((await boot("--disk", file, "disk:/writer")).status).toBe(0);
    const check = qemuCheck(file);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    const image = openImage(file);
    try {
      expect(new TextDecoder().decode(FsImage.fromBytes(image.read(0, image.size)).readFile("/out.txt"))).toBe("saved\n");
    } finally {
      image.close();
    }
    const asQemuReadsIt = FsImage.fromBytes(new Uint8Array(qemuRaw(file, path.join(dir, "write.raw"))));
    expect(new TextDecoder().decode(asQemuReadsIt.readFile("/out.txt"))).toBe("saved\n");
  });

  it("writes a linked clone, leaving its backing file as it was", async () => {
    const { file, raw } = qcow2("base");
    const clone = path.join(dir, "clone.qcow2");
    createFile(clone, { size: raw.length, backingFile: "base.qcow2" });
    const before = fs.readFileSync(file);
    expect((await boot("--disk", clone, "disk:/writer")).status).toBe(0);
    expect(fs.readFileSync(file)).toEqual(before);
    expect(qemuCheck(clone).status).toBe(0);
    expect(qemu("qemu-img", "compare", file, clone).status).toBe(1); // the clone differs: it has /out.txt
  });

  it("keeps the raw path: a raw image is still saved whole", async () => {
    const src = path.join(dir, "raw-src");
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, "writer.s"), WRITER);
    const file = path.join(dir, "disk.img");
    fs.writeFileSync(file, mkfs(src, { size: 256 * 1024 }));
    expect((await boot("--disk", file, "disk:/writer")).status).toBe(0);
    expect(new TextDecoder().decode(FsImage.open(file).readFile("/out.txt"))).toBe("saved\n");
  });

  it("refuses a hostile qcow2 image with a one-line message, touching nothing", async () => {
    const { file } = qcow2("hostile");
    const bytes = fs.readFileSync(file);
    bytes.writeUInt32BE(0x7fffffff, 36); // l1_size: an L1 table far past the file's end
    fs.writeFileSync(file, bytes);
    await expect(boot("--disk", file, "hello")).rejects.toThrow(/hostile\.qcow2: .*l1_size/);
    expect(fs.readFileSync(file)).toEqual(bytes);
    const empty = path.join(dir, "empty.qcow2");
    createFile(empty, { size: 256 * 1024 });
    await expect(boot("--disk", empty, "hello")).rejects.toThrow(/empty\.qcow2: block 1 \(superblock\)/);
    const huge = path.join(dir, "huge.qcow2");
    createFile(huge, { size: 2 ** 40 });
    await expect(boot("--disk", huge, "hello")).rejects.toThrow(/huge\.qcow2: a virtual disk of 1099511627776 bytes is larger than vmlab boot takes/);
  });
});

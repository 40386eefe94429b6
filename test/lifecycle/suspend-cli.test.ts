/**
 * `vmlab boot --suspend-at N --snapshot FILE` and `vmlab resume FILE`, in
 * two processes: what the two print together is what one uninterrupted
 * boot prints; a qcow2 disk is frozen under an overlay qemu-img reads.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { FsImage, mkfs } from "../../src/guests/fs";
import { RawBlockDevice, importRaw, openImage } from "../../src/lifecycle";
import { qemu, qemuCheck, tempDir } from "./helpers";
import { withKernelLib } from "../guests/kernel-lib";

const BIN = path.join(__dirname, "..", "..", "bin", "vmlab.js");

function vmlab(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vmlab boot --suspend-at, vmlab resume", () => {
  const dir = tempDir("vmlab-suspend-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a resume in another process prints on exactly where the suspended boot stopped", () => {
    const programs = ["hello", "compute", "ticker", "pingpong", "--timer", "2000"];
    const whole = vmlab(dir, "boot", ...programs);
    expect(whole.status).toBe(0);
    const first = vmlab(dir, "boot", ...programs, "--suspend-at", "150000", "--snapshot", "s.snap");
    expect(first.status).toBe(0);
    expect(first.stderr).toBe("vmlab: suspended at cycle 150000 to s.snap (vmlab resume s.snap)\n");
    const second = vmlab(dir, "resume", "s.snap");
    expect(second.status).toBe(0);
    expect(first.stdout.length).toBeGreaterThan(0);
    expect(first.stdout + second.stdout).toBe(whole.stdout);
  });

  it("freezes a qcow2 disk under a new overlay; the resumed guest writes there, the frozen image stays as it was", () => {
    const src = path.join(dir, "src");
    fs.mkdirSync(src);
    const files = withKernelLib("files.s", fs.readFileSync(path.join(__dirname, "..", "guests", "kernel-programs", "files.s"), "utf8"));
    fs.writeFileSync(path.join(src, "files.s"), files.source);
    fs.copyFileSync(path.join(__dirname, "..", "guests", "kernel-programs", "disk", "greeting.txt"), path.join(src, "greeting.txt"));
    importRaw(new RawBlockDevice(mkfs(src, { size: 256 * 1024 })), path.join(dir, "disk.qcow2")).close();
    const whole = vmlab(dir, "boot", "--disk", "disk.qcow2", "disk:/files");
    fs.rmSync(path.join(dir, "disk.qcow2"));
    importRaw(new RawBlockDevice(mkfs(src, { size: 256 * 1024 })), path.join(dir, "disk.qcow2")).close();
    const first = vmlab(dir, "boot", "--disk", "disk.qcow2", "disk:/files", "--suspend-at", "150000", "--snapshot", "d.snap");
    expect(first.stderr).toContain("its disk goes on in d.snap.disk.qcow2");
    const frozen = fs.readFileSync(path.join(dir, "disk.qcow2"));
    const second = vmlab(dir, "resume", "d.snap");
    expect(first.stdout + second.stdout).toBe(whole.stdout);
    expect(second.status).toBe(whole.status);
    expect(fs.readFileSync(path.join(dir, "disk.qcow2"))).toEqual(frozen);
    const overlay = path.join(dir, "d.snap.disk.qcow2");
    expect(qemuCheck(overlay).status).toBe(0);
    expect(qemu("qemu-img", "info", overlay).stdout).toMatch(/backing file: disk\.qcow2/);
    const image = openImage(overlay);
    try {
      FsImage.fromBytes(image.read(0, image.size), "the overlay's disk"); // a whole file system
    } finally {
      image.close();
    }
  });

  it("refuses a raw disk, half the flags, and a damaged snapshot, each in one line", () => {
    fs.writeFileSync(path.join(dir, "raw.img"), mkfs(path.join(dir, "src"), { size: 256 * 1024 }));
    expect(vmlab(dir, "boot", "--disk", "raw.img", "hello", "--suspend-at", "100", "--snapshot", "r.snap").stderr).toMatch(/raw image, which a snapshot cannot freeze/);
    expect(vmlab(dir, "boot", "hello", "--suspend-at", "100").stderr).toMatch(/--suspend-at and --snapshot go together/);
    vmlab(dir, "boot", "hello", "--suspend-at", "3000", "--snapshot", "c.snap");
    const bytes = fs.readFileSync(path.join(dir, "c.snap"));
    fs.writeFileSync(path.join(dir, "c.snap"), bytes.subarray(0, bytes.length - 7));
    const r = vmlab(dir, "resume", "c.snap");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/c\.snap: offset \d+: checksum 0x[0-9a-f]+ does not match/);
  });
});

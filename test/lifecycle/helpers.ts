/** Temporary folders, seeded bytes and QEMU's tools for the disk image tests. */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FileStorage, Qcow2Image, createImage, type CreateOptions } from "../../src/lifecycle";

export { seededBytes } from "../guests/fs/helpers";

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs qemu-img or qemu-io (Debian's qemu-utils); a missing tool fails the test saying what to install. */
export function qemu(tool: "qemu-img" | "qemu-io", ...args: string[]): ToolResult {
  const r = spawnSync(tool, args, { timeout: 30_000, encoding: "utf8" });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`${tool} is missing: apt-get install qemu-utils (.ci/run does)`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `qemu-img check FILE`: its exit status is 0 only when it found no error and no leak. */
export function qemuCheck(file: string): ToolResult {
  return qemu("qemu-img", "check", file);
}

/** A new qcow2 file made by our writer. */
export function createFile(file: string, options: CreateOptions): void {
  const storage = FileStorage.createNew(file);
  try {
    createImage(storage, options);
  } finally {
    storage.close();
  }
}

/** The whole virtual disk as qemu-img reads it (qemu-img convert -O raw). */
export function qemuRaw(file: string, out: string): Buffer {
  const r = qemu("qemu-img", "convert", "-O", "raw", file, out);
  if (r.status !== 0) throw new Error(`qemu-img convert ${file}: ${r.stderr}`);
  return fs.readFileSync(out);
}

/** Every byte of an image through our reader. */
export function ourBytes(image: Qcow2Image): Buffer {
  return Buffer.from(image.read(0, image.size));
}

/** A `vmlab host --once` process listening on the loopback: its port once it says so, its output so far, and its exit status. */
export interface HostProcess {
  readonly port: number;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

export async function hostProcess(): Promise<HostProcess> {
  const bin = path.join(__dirname, "..", "..", "bin", "vmlab.js");
  const child = spawn(process.execPath, [bin, "host", "--once"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", () => reject(new Error(`vmlab host exited: ${stderr}`)));
  });
  return { port, stdout: () => stdout, stderr: () => stderr, exited };
}

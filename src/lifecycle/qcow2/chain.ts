/**
 * Opening an image file and its backing chain: "If the image has a backing
 * file then the backing file name should be stored" in the first cluster;
 * a relative name is relative to the folder of the image that names it
 * (as qemu resolves it). The backing file's format comes from the backing
 * format extension, or from its first bytes when there is none. Backing
 * files are opened read-only, always. A chain that comes back to a file
 * already in it, one deeper than MAX_CHAIN, or a backing file that is
 * missing is refused naming the image that points at it.
 */
import * as fs from "fs";
import * as path from "path";
import type { BlockDevice } from "../block-device";
import { FileStorage, type Storage } from "../storage";
import { u32 } from "./bytes";
import { UserError } from "../../errors";
import { Qcow2Error } from "./errors";
import { FIELD, QCOW2_MAGIC, MAX_CLUSTER_BITS, decodeHeader } from "./header";
import { Qcow2Image } from "./image";
import { StorageBlockDevice } from "./raw-file";

export const MAX_CHAIN = 64;

/** Opens `file` (qcow2) and its backing chain; only `file` itself may be writable. */
export function openImage(file: string, options: { writable?: boolean } = {}): Qcow2Image {
  return openInChain(file, options.writable === true, []);
}

/** `file` as a block device whatever it holds: a qcow2 image (with its chain) or a raw disk. */
export function openAnyImage(file: string): BlockDevice {
  return isQcow2File(file) ? openImage(file) : new StorageBlockDevice(openStorage(file, false));
}

function openInChain(file: string, writable: boolean, chain: string[]): Qcow2Image {
  const storage = openStorage(file, writable);
  try {
    const real = fs.realpathSync(file);
    const header = decodeHeader(file, storage.read(0, Math.min(storage.length(), 2 ** MAX_CLUSTER_BITS)), storage.length());
    let backing: BlockDevice | undefined;
    if (header.backingFile !== undefined) backing = openBacking(file, header.backingFile, header.backingFormat, [...chain, real]);
    try {
      return Qcow2Image.open(storage, { writable, backing });
    } catch (e) {
      backing?.close();
      throw e;
    }
  } catch (e) {
    storage.close();
    throw e;
  }
}

function openBacking(file: string, name: string, format: string | undefined, chain: string[]): BlockDevice {
  const target = path.resolve(path.dirname(file), name);
  const refuse = (what: string, hint?: string): never => {
    throw new Qcow2Error(file, "backing_file_offset", FIELD.backing_file_offset, what, hint);
  };
  if (!fs.existsSync(target)) refuse(`its backing file "${name}" (${target}) does not exist`, "put the backing file back where the image says, or `qemu-img rebase -u -b NEW` the image");
  const real = fs.realpathSync(target);
  if (chain.includes(real)) refuse(`the backing chain loops: ${[...chain, real].map((p) => path.basename(p)).join(" -> ")}`);
  if (chain.length >= MAX_CHAIN) refuse(`the backing chain is deeper than ${MAX_CHAIN} images`);
  const kind = format ?? (isQcow2File(target) ? "qcow2" : "raw");
  if (kind === "qcow2") return openInChain(target, false, chain);
  if (kind === "raw") return new StorageBlockDevice(openStorage(target, false));
  return refuse(`its backing file's format is "${kind}"; vmlab reads qcow2 and raw backing files`);
}

/** Opens a regular file only: a FIFO or a device named as a disk (a hostile backing name) would block or never end. */
function openStorage(file: string, writable: boolean): Storage {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === "ENOENT" ? "no such file" : `cannot open it (${code ?? String(e)})`}`);
  }
  if (!stat.isFile()) throw new UserError(`${file}: not a regular file (${stat.isDirectory() ? "a folder" : "a device, FIFO or socket"}); a disk image is a file`);
  try {
    return FileStorage.open(file, writable);
  } catch (e) {
    throw new UserError(`${file}: cannot open it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Whether `file` starts with qcow2's magic. */
export function isQcow2File(file: string): boolean {
  let storage: FileStorage | undefined;
  try {
    if (!fs.statSync(file).isFile()) return false;
    storage = FileStorage.open(file, false);
    return storage.length() >= 4 && u32(storage.read(0, 4), 0) === QCOW2_MAGIC;
  } catch {
    return false;
  } finally {
    storage?.close();
  }
}


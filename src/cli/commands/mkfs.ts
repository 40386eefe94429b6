/**
 * `vmlab mkfs IMAGE DIR [--size BYTES] [--swap BYTES] [--force]`: build a
 * toy32 file system image whose root holds DIR's contents (as `mkfs.ext4
 * -d DIR` does), toy32 `.s` programs assembled into executables on the way
 * (src/guests/fs/mkfs.ts). The image is built whole in memory, then
 * written beside IMAGE and renamed over it, so a failure leaves what was
 * there; an existing IMAGE that is not a toy32 file system is replaced
 * only with --force.
 */
import * as fs from "fs";
import * as path from "path";
import type { Command } from "commander";
import { UserError } from "../../errors";
import { BSIZE, FS_MAGIC, SB, SUPERBLOCK_BLOCK } from "../../guests/fs/layout";
import { DEFAULT_IMAGE_BYTES, mkfs } from "../../guests/fs/mkfs";
import { checkImage } from "../../guests/fs/check";

interface MkfsFlags {
  size?: string;
  swap?: string;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command("mkfs")
    .description("build a toy32 file system image holding a folder (.s programs assembled into executables)")
    .argument("<image>", "the image file to write")
    .argument("<dir>", "the folder whose contents become the image's root")
    .option("--size <bytes>", `image size, a multiple of 1024 (K, M suffixes: 1024s); default ${DEFAULT_IMAGE_BYTES / (1 << 20)}M or what DIR needs`)
    .option("--swap <bytes>", "swap area at the end of the disk, a multiple of 4096; default a quarter of the disk")
    .option("--force", "replace IMAGE even if it is not a toy32 file system image")
    .action((image: string, dir: string, flags: MkfsFlags) => {
      const size = flags.size === undefined ? undefined : bytesOf(flags.size, "--size");
      const swapBytes = flags.swap === undefined ? undefined : bytesOf(flags.swap, "--swap");
      refuseToClobber(image, flags.force === true);
      const bytes = mkfs(dir, { size, swapBytes });
      const summary = checkImage(bytes, image);
      writeReplacing(image, bytes);
      const sb = summary.superblock;
      process.stdout.write(
        `${image}: ${bytes.length} bytes, ${summary.files} files and ${summary.directories} folders from ${dir}; ` +
          `${summary.dataBlocksUsed} of ${sb.NDATA} data blocks used, ${sb.SWAPBLOCKS * BSIZE} bytes of swap\n`,
      );
    });
}

/** "4096", "64K", "4M", "1_048_576": bytes. */
export function bytesOf(text: string, flag: string): number {
  const m = /^([0-9][0-9_]*)\s*([KMG]i?B?)?$/i.exec(text.trim());
  const scale = m?.[2] ? 1024 ** ("KMG".indexOf(m[2][0].toUpperCase()) + 1) : 1;
  const n = m ? Number(m[1].replace(/_/g, "")) * scale : NaN;
  if (!Number.isSafeInteger(n)) throw new UserError(`${flag} wants a number of bytes (like 4194304 or 4M), not "${text}"`);
  return n;
}

/** Refuses to replace a folder, or a file that is not a toy32 image unless `force`. */
function refuseToClobber(image: string, force: boolean): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(image);
  } catch {
    return; // nothing there
  }
  if (stat.isDirectory()) throw new UserError(`${image} is a folder; vmlab mkfs writes an image file`, "name a file, e.g. disk.img");
  if (force || isToy32Image(image)) return;
  throw new UserError(`${image} exists and is not a toy32 file system image; not replacing it`, "pass --force to replace it, or name another file");
}

function isToy32Image(file: string): boolean {
  const head = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const read = fs.readSync(fd, head, 0, 4, SUPERBLOCK_BLOCK * BSIZE + SB.MAGIC);
    return read === 4 && head.readUInt32LE(0) === FS_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes beside `file`, then renames over it: the old file stays whole if anything fails. */
function writeReplacing(file: string, bytes: Uint8Array): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new UserError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

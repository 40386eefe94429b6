/**
 * `vmlab image create|info|convert|import`: qcow2 disk images
 * (src/lifecycle/qcow2), the commands `qemu-img` users know:
 *
 *   vmlab image create FILE.qcow2 --size BYTES         an empty disk
 *   vmlab image create FILE.qcow2 --backing BASE       a linked clone: writes go to FILE, reads fall through
 *   vmlab image info FILE [--json]                     sizes, clusters, backing chain
 *   vmlab image convert FILE OUT.raw                   V-to-P: the whole disk as a raw file
 *   vmlab image import RAW OUT.qcow2                   P-to-V: a raw disk (`vmlab mkfs`'s) as qcow2
 *
 * No command writes over a file that exists, and none writes to an image
 * it only reads (info, convert, the backing file of a clone).
 */
import * as fs from "fs";
import * as path from "path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { UserError } from "../../errors";
import { SECTOR_BYTES } from "../../lifecycle/block-device";
import { FileStorage } from "../../lifecycle/storage";
import { createImage, maxVirtualSize } from "../../lifecycle/qcow2/create";
import { exportRaw, importRaw } from "../../lifecycle/qcow2/convert";
import { isQcow2File, openAnyImage, openImage } from "../../lifecycle/qcow2/chain";
import { DEFAULT_CLUSTER_BITS, MAX_CLUSTER_BITS, MIN_CLUSTER_BITS } from "../../lifecycle/qcow2/header";
import { imageInfo, type ImageInfo } from "../../lifecycle/qcow2/info";
import { StorageBlockDevice } from "../../lifecycle/qcow2/raw-file";
import { asWriteError } from "../../notebook/output-guard";
import { bytesOf } from "./mkfs";

interface CreateFlags {
  size?: string;
  backing?: string;
  clusterSize?: string;
}

export function register(program: Command): void {
  const group = program.command("image").description("qcow2 disk images: create (or clone), info, convert to raw, import from raw");
  group
    .command("create")
    .description("create an empty qcow2 image, or a linked clone of BASE (--backing)")
    .argument("<file>", "the image to create (never overwritten)")
    .option("--size <bytes>", "virtual size (K, M, G suffixes: 1024s), rounded up to 512; default: the backing file's")
    .option("--backing <base>", "a backing image (qcow2 or raw): the new image starts as its copy and only holds what is written")
    .option("--cluster-size <bytes>", "cluster size, a power of 2 from 512 to 2M", "64K")
    .action((file: string, flags: CreateFlags) => create(file, flags));
  group
    .command("info")
    .description("what an image holds: virtual and disk size, cluster size, backing chain, allocated clusters")
    .argument("<file>", "a qcow2 image")
    .option("--json", "print one JSON object")
    .action((file: string, flags: { json?: boolean }) => {
      const image = openImage(file);
      try {
        const info = imageInfo(image);
        process.stdout.write(flags.json ? `${JSON.stringify(info)}\n` : formatInfo(info));
      } finally {
        image.close();
      }
    });
  group
    .command("convert")
    .description("write the whole virtual disk (backing chain included) to a new raw file")
    .argument("<file>", "a qcow2 image")
    .argument("<out>", "the raw file to create (never overwritten)")
    .action((file: string, out: string) => {
      refuseExisting(out);
      const image = openImage(file);
      try {
        const bar = progressBar("converting");
        const bytes = writingNew(out, () => bar.around(() => exportRaw(image, out, bar.update)));
        process.stdout.write(`${out}: ${bytes} bytes, raw, from ${file}\n`);
      } finally {
        image.close();
      }
    });
  group
    .command("import")
    .description("make a qcow2 image of a raw disk (P-to-V); clusters of zeros are not stored")
    .argument("<raw>", "a raw disk image, e.g. what `vmlab mkfs` writes")
    .argument("<out>", "the qcow2 image to create (never overwritten)")
    .option("--cluster-size <bytes>", "cluster size, a power of 2 from 512 to 2M", "64K")
    .action((raw: string, out: string, flags: { clusterSize: string }) => {
      const clusterBits = clusterBitsOf(flags.clusterSize);
      refuseExisting(out);
      if (isQcow2File(raw)) throw new UserError(`${raw} is a qcow2 image, not a raw disk`, `\`vmlab image convert ${raw} OUT.raw\` makes a raw disk of it`);
      const source = openRaw(raw);
      try {
        const bar = progressBar("importing");
        writingNew(out, () => bar.around(() => importRaw(source, out, clusterBits, bar.update).close()));
        const image = openImage(out); // read back: the check runs over what was written
        const info = imageInfo(image);
        image.close();
        process.stdout.write(`${out}: qcow2, virtual size ${sizeText(info.virtualSize)}, ${info.allocatedClusters} of ${info.guestClusters} clusters stored (the rest are zeros), from ${raw}\n`);
      } finally {
        source.close();
      }
    });
}

function create(file: string, flags: CreateFlags): void {
  const clusterBits = clusterBitsOf(flags.clusterSize ?? "64K");
  if (flags.size === undefined && flags.backing === undefined) throw new UserError("vmlab image create needs --size BYTES (e.g. --size 4M) or --backing BASE.qcow2");
  refuseExisting(file);
  let backingFile: string | undefined;
  let backingFormat: "qcow2" | "raw" | undefined;
  let size = flags.size === undefined ? undefined : bytesOf(flags.size, "--size");
  if (flags.backing !== undefined) {
    const base = openAnyImage(flags.backing); // the whole chain is checked before anything is written
    size ??= base.size;
    base.close();
    backingFormat = isQcow2File(flags.backing) ? "qcow2" : "raw";
    backingFile = path.relative(path.dirname(path.resolve(file)), path.resolve(flags.backing)); // qemu resolves it from the image's folder
  }
  const rounded = Math.ceil((size ?? 0) / SECTOR_BYTES) * SECTOR_BYTES;
  if (rounded > maxVirtualSize(clusterBits)) throw new UserError(`--size ${size}: at most ${maxVirtualSize(clusterBits)} bytes with clusters of ${2 ** clusterBits} bytes`, "a larger --cluster-size maps a larger disk");
  writingNew(file, () => {
    const storage = FileStorage.createNew(file);
    try {
      createImage(storage, { size: rounded, clusterBits, backingFile, backingFormat });
    } finally {
      storage.close();
    }
  });
  const backing = flags.backing === undefined ? "" : `, backing file ${backingFile} (${backingFormat})`;
  process.stdout.write(`${file}: qcow2, virtual size ${sizeText(rounded)}, clusters of ${sizeText(2 ** clusterBits)}${backing}\n`);
}

/** A bar on stderr in MiB, shown on a terminal only (cli-progress writes nothing elsewhere), and only for disks of 64 MiB or more. */
function progressBar(label: string): { update: (done: number, total: number) => void; around: <T>(step: () => T) => T } {
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} MiB | {eta_formatted} left`, stream: process.stderr, clearOnComplete: true, etaBuffer: 16 });
  let started = false;
  return {
    update: (done, total) => {
      if (total < 64 << 20) return;
      if (!started) bar.start(Math.ceil(total / (1 << 20)), 0);
      started = true;
      bar.update(Math.floor(done / (1 << 20)));
    },
    around: (step) => {
      try {
        return step();
      } finally {
        if (started) bar.stop();
      }
    },
  };
}

function clusterBitsOf(text: string): number {
  const bytes = bytesOf(text, "--cluster-size");
  const bits = Math.log2(bytes);
  if (!Number.isInteger(bits) || bits < MIN_CLUSTER_BITS || bits > MAX_CLUSTER_BITS) {
    throw new UserError(`--cluster-size ${text}: a cluster is a power of 2 from 512 to 2M bytes (default ${2 ** DEFAULT_CLUSTER_BITS / 1024}K)`);
  }
  return bits;
}

function refuseExisting(out: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(out);
  } catch {
    return;
  }
  throw new UserError(`${out} exists (${stat.isDirectory() ? "a folder" : "a file"}); vmlab image never writes over it`, "name a new file, or move that one away first");
}

/** Runs a step that creates `out`; if it fails, the part of `out` it made is removed and the failure is one line. */
function writingNew<T>(out: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") fs.rmSync(out, { force: true });
    throw asWriteError(out, err);
  }
}

function openRaw(raw: string): StorageBlockDevice {
  try {
    const stat = fs.statSync(raw);
    if (stat.isDirectory()) throw new UserError(`${raw} is a folder, not a raw disk image`);
    if (!stat.isFile()) throw new UserError(`${raw} is not a regular file (a device, FIFO or socket); a raw disk image is a file`);
    return new StorageBlockDevice(FileStorage.open(raw, false));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${raw}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((e as Error).message)}`);
  }
}

/** "64 MiB (67108864 bytes)", as qemu-img prints sizes. */
export function sizeText(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let u = 0;
  let v = bytes;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  const shown = u === 0 ? `${bytes} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
  return u === 0 ? shown : `${shown} (${bytes} bytes)`;
}

function formatInfo(i: ImageInfo): string {
  const pct = i.guestClusters === 0 ? 0 : (100 * i.allocatedClusters) / i.guestClusters;
  const rows: [string, string][] = [
    ["image", i.image],
    ["file format", `qcow2 (version ${i.version}${i.version === 3 ? ", compat 1.1" : ", compat 0.10"})`],
    ["virtual size", sizeText(i.virtualSize)],
    ["disk size", sizeText(i.diskSize)],
    ["cluster_size", String(i.clusterSize)],
    ...(i.backingFile === undefined ? [] : [["backing file", i.backingFile] as [string, string], ["backing file format", i.backingFormat ?? "(probed)"] as [string, string]]),
    ...(i.backingChain.length > 1 ? [["backing chain", i.backingChain.join(" -> ")] as [string, string]] : []),
    ["allocated clusters", `${i.allocatedClusters} of ${i.guestClusters} (${pct.toFixed(2)}%)${i.zeroClusters ? `, ${i.zeroClusters} marked all zeros` : ""}`],
    ["refcount bits", String(i.refcountBits)],
    ["leaked clusters", String(i.leakedClusters)],
    ["corrupt", String(i.corrupt)],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(21)}${v}\n`).join("");
}

/**
 * What `qemu-img info` says of an image, from our reader: virtual size,
 * the file's size on the host's disk, cluster size, backing chain, and
 * how many of the guest's clusters this image holds itself.
 */
import * as fs from "fs";
import * as path from "path";
import { clusterSize } from "./header";
import { Qcow2Image } from "./image";
import { StorageBlockDevice } from "./raw-file";

export interface ImageInfo {
  readonly image: string;
  readonly format: "qcow2";
  readonly version: 2 | 3;
  readonly virtualSize: number;
  /** Bytes the file takes on the host's disk (its allocated blocks). */
  readonly diskSize: number;
  readonly fileSize: number;
  readonly clusterSize: number;
  readonly refcountBits: number;
  readonly backingFile?: string;
  readonly backingFormat?: string;
  /** Every image below this one, nearest first. */
  readonly backingChain: string[];
  /** Guest clusters with data in this file, and how many the disk has. */
  readonly allocatedClusters: number;
  readonly zeroClusters: number;
  readonly guestClusters: number;
  readonly leakedClusters: number;
  readonly dirty: boolean;
  readonly corrupt: boolean;
}

export function imageInfo(image: Qcow2Image): ImageInfo {
  const h = image.header;
  const stat = fs.statSync(image.file);
  const chain: string[] = [];
  for (let b = image.backing; b; b = b instanceof Qcow2Image ? b.backing : undefined) {
    chain.push(b instanceof Qcow2Image ? b.file : b instanceof StorageBlockDevice ? `${b.name} (raw)` : "(raw)");
  }
  return {
    image: image.file, format: "qcow2", version: h.version, virtualSize: h.size, diskSize: stat.blocks * 512, fileSize: stat.size,
    clusterSize: clusterSize(h), refcountBits: 2 ** h.refcountOrder, backingFile: h.backingFile, backingFormat: h.backingFormat,
    backingChain: chain.map((f) => path.relative(process.cwd(), f) || f),
    allocatedClusters: image.report.dataClusters, zeroClusters: image.report.zeroClusters, guestClusters: Math.ceil(h.size / clusterSize(h)),
    leakedClusters: image.report.leaks, dirty: (h.incompatibleFeatures & 1n) !== 0n, corrupt: (h.incompatibleFeatures & 2n) !== 0n,
  };
}


/**
 * Templates: a golden disk image and a VM configuration from which many
 * VMs are made as linked clones (Silberschatz 16.5: "templating: ... a
 * standard VM image ... from which new VMs are created"; the Ars Technica
 * guide: templates make deploying a server minutes, not days). Each clone
 * is a qcow2 overlay whose backing file is the template's image, so a
 * clone costs only the clusters it writes; the template's image is never
 * written again (it is opened read-only as every clone's backing file).
 *
 *   web.template.json  { image: "web.qcow2", vm: { memoryBytes, programs, ... } }
 *   web.qcow2  <- backing --  web-1.qcow2   (clone 1's writes)
 *              <- backing --  web-2.qcow2   (clone 2's writes)
 *              <- backing --  ...
 *
 * Disk space is measured from the files (their allocated blocks, as
 * `du` and qemu-img's "disk size" count), never estimated.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import { FileStorage } from "./storage";
import { createImage } from "./qcow2/create";
import { openImage } from "./qcow2/chain";

/** What every VM made from the template starts with. */
export interface TemplateVmConfig {
  readonly memoryBytes: number;
  /** Kernel programs (names, or `disk:PATH` as vmlab boot takes them). */
  readonly programs: readonly string[];
  readonly timerInterval: number;
  readonly platform: "native" | "software-tlb" | "paravirtual";
}

export interface Template {
  readonly name: string;
  /** The template's file (JSON). */
  readonly file: string;
  /** The golden image, absolute. */
  readonly image: string;
  readonly vm: TemplateVmConfig;
}

export interface Clone {
  readonly name: string;
  /** The clone's disk: a qcow2 overlay on the template's image. */
  readonly disk: string;
  readonly vm: TemplateVmConfig;
}

/** Records `image` (a qcow2 file) and `vm` as template `name` in `dir`/NAME.template.json. */
export function createTemplate(dir: string, name: string, image: string, vm: TemplateVmConfig): Template {
  openImage(image).close(); // a sound qcow2 image, or a one-line refusal
  const file = path.join(dir, `${name}.template.json`);
  if (fs.existsSync(file)) throw new UserError(`${file} exists: a template is made once`, "choose another name");
  fs.writeFileSync(file, JSON.stringify({ image: path.relative(dir, path.resolve(image)), vm }, null, 2) + "\n", { flag: "wx" });
  return { name, file, image: path.resolve(image), vm };
}

/** Makes `count` linked clones NAME-1.qcow2 ... in `dir`. */
export function cloneTemplate(template: Template, count: number, dir: string): Clone[] {
  if (!Number.isInteger(count) || count < 1) throw new UserError(`clone count ${count} is not a whole number >= 1`);
  const base = openImage(template.image);
  const size = base.size;
  base.close();
  const clones: Clone[] = [];
  for (let i = 1; i <= count; i++) {
    const disk = path.join(dir, `${template.name}-${i}.qcow2`);
    let storage: FileStorage;
    try {
      storage = FileStorage.createNew(disk);
    } catch (e) {
      throw new UserError(`cannot create the clone ${disk}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "a clone is never written over");
    }
    try {
      createImage(storage, { size, backingFile: path.relative(path.dirname(disk), template.image), backingFormat: "qcow2" });
    } finally {
      storage.close();
    }
    clones.push({ name: `${template.name}-${i}`, disk, vm: template.vm });
  }
  return clones;
}

export interface SpaceReport {
  /** Bytes the template's image takes on the host's disk. */
  readonly shared: number;
  /** Bytes each clone's own file takes. */
  readonly perClone: readonly number[];
  /** shared + every clone's own. */
  readonly total: number;
  /** What full copies of the template's image, one a clone, would take. */
  readonly fullCopies: number;
}

/** The files' allocated bytes (st_blocks * 512). */
export function diskUsage(file: string): number {
  return fs.statSync(file).blocks * 512;
}

/** The disk space of a template and its clones, from the files. */
export function sharedSpace(template: Template, clones: readonly Clone[]): SpaceReport {
  const shared = diskUsage(template.image);
  const perClone = clones.map((c) => diskUsage(c.disk));
  return { shared, perClone, total: shared + perClone.reduce((a, b) => a + b, 0), fullCopies: shared * clones.length };
}

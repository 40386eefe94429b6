/**
 * What a command may write. Every command that writes (run --out, build,
 * export, release, grade, feedback) asks here first, so that no output
 * ever lands on what the user wrote by hand:
 *
 *   refused                                   because
 *   ----------------------------------------  ------------------------------
 *   an output that is a source file or        it would overwrite the sources
 *   folder, or resolves to one through a      (a release into notebooks/,
 *   symlink (however many links deep)         `run --out` via a link to them)
 *   a path through a regular file             `--out notes.txt/sub`
 *   a folder where a file goes, or the        `gradebook.csv/`, `feedback`
 *   other way round                           that is a file
 *
 * Each is one line naming the path and what to do. `writing` turns what
 * the file system still refuses later (permissions, a path that became a
 * file) into the same kind of line instead of "internal error: ENOTDIR".
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";

export interface PlannedOutput {
  /** The path the command will write. */
  readonly path: string;
  /** Whether it is written as a file or as a folder of files. */
  readonly kind: "file" | "folder";
}

/** What resolving a path found on the way. */
interface Resolved {
  /** The absolute path with every existing symlink followed. */
  readonly real: string;
  /** An existing component that is not a folder, yet has more path below it. */
  readonly throughFile?: string;
}

const MAX_LINKS = 40; // Linux's MAXSYMLINKS

/** `p` with every symlink that exists followed, even when its end does not exist yet. */
function resolve(p: string, depth = 0): Resolved {
  const parts = path.resolve(p).split(path.sep).filter((s) => s !== "");
  let real = path.parse(path.resolve(p)).root;
  for (let i = 0; i < parts.length; i++) {
    const next = path.join(real, parts[i]);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(next);
    } catch {
      return { real: path.join(next, ...parts.slice(i + 1)) }; // the rest does not exist yet
    }
    if (stat.isSymbolicLink() && depth < MAX_LINKS) {
      const target = resolve(path.resolve(real, fs.readlinkSync(next)), depth + 1);
      if (target.throughFile) return target;
      real = target.real;
    } else {
      real = next;
    }
    if (i < parts.length - 1 && !isFolder(real)) return { real: path.join(real, ...parts.slice(i + 1)), throughFile: real };
  }
  return { real };
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return true; // does not exist yet: it will be made a folder
  }
}

/** A path relative to the working directory when inside it, else absolute. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(p) : rel;
}

/**
 * Refuses, before anything is written, an output that would overwrite a
 * source (a file, or a folder of them) or cannot be written where it is.
 * `hint` says what to do instead (e.g. "choose another --out").
 */
export function guardOutputs(outputs: readonly PlannedOutput[], sources: readonly string[], hint = "choose another output folder"): void {
  const protectedPaths = sources.map((s) => ({ given: s, real: resolve(s).real }));
  for (const out of outputs) {
    const { real, throughFile } = resolve(out.path);
    if (throughFile) throw new UserError(`cannot write ${shown(out.path)}: a part of the path is a file (${shown(throughFile)})`);
    const hit = protectedPaths.find((s) => s.real === real);
    if (hit) {
      const how = real === path.resolve(out.path) ? "it is" : `it resolves (through a symlink) to ${shown(real)},`;
      const what = isFolder(hit.real) ? "folder" : "file";
      throw new UserError(`refusing to write ${shown(out.path)}: ${how} the source ${what} ${shown(hit.given)}, which would be overwritten`, hint);
    }
    const kind = existingKind(real);
    if (kind !== undefined && kind !== out.kind) throw new UserError(`cannot write ${shown(out.path)}: it is a ${kind}, not a ${out.kind}`, `move it away or ${hint}`);
  }
}

function existingKind(p: string): "file" | "folder" | undefined {
  try {
    return fs.statSync(p).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

/** The notebooks given and the folders holding them: what `run --out` or `export --out` must not write over. */
export function sourcesOf(files: readonly string[]): string[] {
  return [...new Set(files.flatMap((f) => [path.resolve(f), path.dirname(path.resolve(f))]))];
}

/** Runs a file-system step, turning its failure (a path that is a file, no permission) into a UserError. */
export function writing<T>(target: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw asWriteError(target, err);
  }
}

/** The UserError for a failed write of `target`, or `err` itself when it is not the file system's. */
export function asWriteError(target: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== "string" || err instanceof UserError) return err;
  const why =
    e.code === "ENOTDIR" ? "a part of the path is a file" :
    e.code === "EISDIR" ? "it is a folder, not a file" :
    e.code === "EEXIST" ? "a file is in the way of a folder" :
    e.code === "EACCES" || e.code === "EPERM" ? "permission denied" :
    e.code === "ENOSPC" ? "no space left on the device" :
    e.code === "EROFS" ? "the file system is read-only" : e.message;
  return new UserError(`cannot write ${target}: ${why}`);
}

/**
 * Refuses writing into `outDir` (copies or pages of `files`) when `outDir`
 * is, or resolves to, the folder of any of them or when a copy would land
 * on one: `run --out`, `export --out` and `build --out` ask this.
 */
export function guardCopies(outDir: string, files: readonly string[], hint = "choose another --out"): void {
  const copies = files.map((f): PlannedOutput => ({ path: path.join(outDir, path.basename(f)), kind: "file" }));
  guardOutputs([{ path: outDir, kind: "folder" }, ...copies], sourcesOf(files), hint);
}

/**
 * Reading a toy32 file system image on the host (layout.ts): list a
 * directory, read a file back byte for byte, stat an inode. An image is
 * checked whole (check.ts) when it is opened, so a corrupt one is refused
 * with the checker's message before anything is read from it; path
 * lookups are then bounded by the path's components, as xv6's namei is.
 */
import * as fs from "fs";
import { UserError } from "../../errors";
import { checkImage, type CheckedImage } from "./check";
import { fileBlock, readContents, readDirents } from "./contents";
import { BSIZE, INODE_TYPE, ROOT_INUM, readInode, type Inode, type Superblock } from "./layout";

export type EntryKind = "directory" | "file";

export interface DirectoryEntry {
  readonly name: string;
  readonly inum: number;
  readonly kind: EntryKind;
  readonly size: number;
}

/** An inode's fields, as `vmlab fs stat` prints them. */
export interface InodeStat {
  readonly path: string;
  readonly inum: number;
  readonly kind: EntryKind;
  readonly nlink: number;
  readonly size: number;
  /** The data blocks holding the contents, in file order (0 = hole). */
  readonly blocks: readonly number[];
  readonly indirect: number;
}

const decoder = new TextDecoder("utf-8");

export class FsImage {
  readonly superblock: Superblock;

  private constructor(private readonly bytes: Uint8Array, readonly name: string, readonly summary: CheckedImage) {
    this.superblock = summary.superblock;
  }

  /** Checks `bytes` and opens them; FsImageError if the image is corrupt. */
  static fromBytes(bytes: Uint8Array, name = "the image"): FsImage {
    return new FsImage(bytes, name, checkImage(bytes, name));
  }

  /** Reads and checks the image file at `file`. */
  static open(file: string): FsImage {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new UserError(`cannot read the image ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    return FsImage.fromBytes(bytes, file);
  }

  /** The entries of the directory at `path` ("." and ".." left out), by name. */
  list(path: string): DirectoryEntry[] {
    const dir = this.lookup(path);
    if (dir.type !== INODE_TYPE.DIR) throw new UserError(`${this.name}: ${normalize(path)} is a file, not a directory`, "use `vmlab fs cat` to read it");
    return this.entries(dir)
      .filter((e) => e.name !== "." && e.name !== "..")
      .map((e) => {
        const inode = this.inode(e.inum);
        return { name: e.name, inum: e.inum, kind: kindOf(inode), size: inode.size };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The file at `path`, byte for byte. */
  readFile(path: string): Uint8Array {
    const inode = this.lookup(path);
    if (inode.type !== INODE_TYPE.FILE) throw new UserError(`${this.name}: ${normalize(path)} is a directory, not a file`, "use `vmlab fs ls` to list it");
    return readContents(this.bytes, inode);
  }

  stat(path: string): InodeStat {
    const inode = this.lookup(path);
    const blocks: number[] = [];
    for (let i = 0; i * BSIZE < inode.size; i++) blocks.push(fileBlock(this.bytes, inode, i));
    return { path: normalize(path), inum: inode.inum, kind: kindOf(inode), nlink: inode.nlink, size: inode.size, blocks, indirect: inode.indirect };
  }

  /** The inode a path names, from the root ("/" or "" is the root). */
  lookup(path: string): Inode {
    let inode = this.inode(ROOT_INUM);
    const walked: string[] = [];
    for (const part of path.split("/").filter((p) => p !== "" && p !== ".")) {
      if (inode.type !== INODE_TYPE.DIR) throw new UserError(`${this.name}: /${walked.join("/")} is a file, so ${normalize(path)} does not exist`);
      const next = this.entries(inode).find((e) => e.name === part);
      if (next === undefined) {
        throw new UserError(`${this.name}: no ${normalize(path)}: /${walked.join("/")} has no entry "${part}"`, "list it with `vmlab fs ls IMAGE PATH`");
      }
      inode = this.inode(next.inum);
      walked.push(part);
    }
    return inode;
  }

  private inode(inum: number): Inode {
    return readInode(this.bytes, this.superblock, inum);
  }

  private entries(dir: Inode): { name: string; inum: number }[] {
    return readDirents(readContents(this.bytes, dir))
      .filter((e) => e.inum !== 0)
      .map((e) => ({ name: decoder.decode(e.name), inum: e.inum }));
  }
}

function kindOf(inode: Inode): EntryKind {
  return inode.type === INODE_TYPE.DIR ? "directory" : "file";
}

function normalize(path: string): string {
  return "/" + path.split("/").filter((p) => p !== "" && p !== ".").join("/");
}

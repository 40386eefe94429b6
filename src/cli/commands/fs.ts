/**
 * `vmlab fs ls IMAGE [PATH]`, `vmlab fs cat IMAGE PATH`, `vmlab fs stat
 * IMAGE PATH`: read a toy32 file system image on the host
 * (src/guests/fs/image.ts). The image is checked whole before anything is
 * read; a corrupt one is refused with what is wrong and where (block,
 * inode, byte offset). `cat` writes the file's bytes to stdout exactly.
 */
import type { Command } from "commander";
import { FsImage, type DirectoryEntry } from "../../guests/fs/image";

export function register(program: Command): void {
  const group = program.command("fs").description("read a toy32 file system image (ls, cat, stat)");
  group
    .command("ls")
    .description("list a folder of the image (or one file): kind, inode, size, name")
    .argument("<image>", "the image file")
    .argument("[path]", "a path in the image", "/")
    .action((image: string, at: string) => {
      const fsImage = FsImage.open(image);
      const inode = fsImage.lookup(at);
      const entries = fsImage.stat(at).kind === "directory" ? fsImage.list(at) : [{ name: at.split("/").filter(Boolean).pop() ?? at, inum: inode.inum, kind: "file" as const, size: inode.size }];
      process.stdout.write(formatListing(entries));
    });
  group
    .command("cat")
    .description("write a file of the image to stdout, byte for byte")
    .argument("<image>", "the image file")
    .argument("<path>", "a file in the image")
    .action((image: string, at: string) => {
      process.stdout.write(FsImage.open(image).readFile(at));
    });
  group
    .command("stat")
    .description("print the inode of a path in the image: number, type, links, size, blocks")
    .argument("<image>", "the image file")
    .argument("<path>", "a path in the image")
    .action((image: string, at: string) => {
      const s = FsImage.open(image).stat(at);
      const rows: [string, string][] = [
        ["path", s.path],
        ["inode", String(s.inum)],
        ["type", s.kind],
        ["links", String(s.nlink)],
        ["size", `${s.size} bytes`],
        ["blocks", s.blocks.length === 0 ? "(none)" : s.blocks.join(" ")],
        ["indirect", s.indirect === 0 ? "(none)" : String(s.indirect)],
      ];
      process.stdout.write(rows.map(([k, v]) => `${k.padEnd(9)}${v}\n`).join(""));
    });
}

/** One line an entry: "d" or "-", inode, size, name (a folder's with "/"). */
export function formatListing(entries: readonly DirectoryEntry[]): string {
  const width = Math.max(1, ...entries.map((e) => String(e.size).length));
  const inumWidth = Math.max(1, ...entries.map((e) => String(e.inum).length));
  return entries
    .map((e) => `${e.kind === "directory" ? "d" : "-"} ${String(e.inum).padStart(inumWidth)} ${String(e.size).padStart(width)} ${e.name}${e.kind === "directory" ? "/" : ""}\n`)
    .join("");
}

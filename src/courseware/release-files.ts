/**
 * Writing a release over an earlier one without losing an instructor's
 * hand edit. manifest.json records the sha256 of every file a release
 * wrote; the next release compares each file in the folder with it:
 *
 *   the file in the release folder            this release
 *   ----------------------------------------  --------------------------------
 *   absent                                    writes it               "new"
 *   already what this release would write     leaves it               "unchanged"
 *   what the last release wrote               replaces it             "replaced"
 *   anything else (edited by hand, or not     refuses, naming each file, unless
 *   written by a release: no checksum)        --force: then keeps the old file
 *                                             as NAME.ipynb.~N~ and replaces it
 *
 * The backup names follow GNU's numbered backups (`cp --backup=numbered`,
 * Emacs's `version-control`): the first free N, so no backup is ever
 * overwritten either. Nothing is written until every file has been
 * checked, so a refused release changes nothing.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../errors";
import { writing } from "../notebook/output-guard";

export const MANIFEST_FILE = "manifest.json";

export const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** One file a release means to write. */
export interface PlannedFile {
  readonly file: string;
  readonly text: string;
}

export interface ReleaseAction {
  /** The file's name in the release folder. */
  file: string;
  action: "new" | "unchanged" | "replaced" | "replaced-edited";
  /** Where the hand-edited file was kept (replaced-edited only). */
  backup?: string;
}

/** The checksums the last release recorded, by file name (none: an empty map). */
export function readManifest(outDir: string): Map<string, string> {
  const recorded = new Map<string, string>();
  try {
    const json = JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST_FILE), "utf8")) as { notebooks?: { file?: unknown; sha256?: unknown }[] };
    for (const nb of json.notebooks ?? []) {
      if (typeof nb.file === "string" && typeof nb.sha256 === "string") recorded.set(nb.file, nb.sha256);
    }
  } catch {
    // no earlier release, or a manifest too damaged to trust: every existing file counts as edited
  }
  return recorded;
}

/** What is in the way of writing `file`: nothing, this very text, the last release's, or a hand edit. */
function stateOf(file: PlannedFile, recorded: ReadonlyMap<string, string>): ReleaseAction["action"] {
  let current: Buffer;
  try {
    current = fs.readFileSync(file.file);
  } catch {
    return "new";
  }
  const sum = sha256(current);
  if (sum === sha256(file.text)) return "unchanged";
  return recorded.get(path.basename(file.file)) === sum ? "replaced" : "replaced-edited";
}

/** The first free `FILE.~N~`. */
function backupName(file: string): string {
  for (let n = 1; ; n++) {
    const candidate = `${file}.~${n}~`;
    if (!fs.existsSync(candidate)) return candidate;
  }
}

/** Writes the planned files as the table above says; returns what it did to each. */
export function writeReleaseFiles(outDir: string, planned: readonly PlannedFile[], recorded: ReadonlyMap<string, string>, force: boolean): ReleaseAction[] {
  const states = planned.map((f) => ({ f, action: stateOf(f, recorded) }));
  const edited = states.filter((s) => s.action === "replaced-edited").map((s) => path.basename(s.f.file));
  if (edited.length > 0 && !force) {
    throw new UserError(
      `${outDir}: ${edited.join(", ")} ${edited.length === 1 ? "was" : "were"} changed since the last release wrote ${edited.length === 1 ? "it" : "them"} (the checksum in ${MANIFEST_FILE} differs); nothing was written`,
      "edit the sources instead, or rerun with --force to replace them (each edited file is kept as NAME.ipynb.~N~)",
    );
  }
  writing(outDir, () => fs.mkdirSync(outDir, { recursive: true }));
  return states.map(({ f, action }): ReleaseAction => {
    const name = path.basename(f.file);
    if (action === "unchanged") return { file: name, action };
    let backup: string | undefined;
    if (action === "replaced-edited") {
      backup = backupName(f.file);
      writing(backup, () => fs.copyFileSync(f.file, backup as string, fs.constants.COPYFILE_EXCL));
    }
    const tmp = `${f.file}.${process.pid}.tmp`;
    writing(f.file, () => {
      fs.writeFileSync(tmp, f.text);
      fs.renameSync(tmp, f.file);
    });
    return backup ? { file: name, action, backup: path.basename(backup) } : { file: name, action };
  });
}

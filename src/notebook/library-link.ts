/**
 * The kernel's view of the library: cells `import ... from "vmlab"`, which
 * both Node (require) and tslab's TypeScript (moduleResolution Node10, no
 * NODE_PATH) resolve by walking up from the kernel's working directory to a
 * node_modules/vmlab. A notebook inside this package finds the package's own
 * link (package.json's `"vmlab": "file:."`); one in a course folder
 * elsewhere (`--course`, submissions, autograded/) finds nothing, so its
 * folder gets node_modules/vmlab, a symbolic link to this package. Every
 * kernel vmlab starts (run, build, grade) comes through here.
 *
 * Nothing the user has is replaced: an existing node_modules/vmlab (even a
 * broken one) is left as it is.
 */
import * as fs from "fs";
import * as path from "path";

/** This package's root folder (dist/notebook/ -> ../..). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** Makes `import ... from "vmlab"` resolve for a kernel working in `dir`. */
export function ensureLibraryResolves(dir: string): void {
  if (resolvesFrom(dir)) return;
  const link = path.join(dir, "node_modules", "vmlab");
  try {
    fs.lstatSync(link);
    return; // something is there already: not ours to replace
  } catch {
    // nothing there: link it
  }
  try {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(PACKAGE_ROOT, link, "dir");
  } catch {
    // a read-only folder: the kernel will say "Cannot find module 'vmlab'" itself
  }
}

function resolvesFrom(dir: string): boolean {
  try {
    return path.dirname(require.resolve("vmlab/package.json", { paths: [dir] })) !== "";
  } catch {
    return false;
  }
}

/**
 * Where vmlab keeps what only saves time (V8's code cache for the kernels'
 * compiler, how long each notebook last ran): VMLAB_CACHE_DIR if set, else
 * the package's node_modules/.cache/vmlab (the folder babel and eslint
 * use), or the system's temporary folder when that is not writable. Losing
 * any of it costs only speed, so every failure here is silent.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function cacheDir(): string {
  const base = process.env.VMLAB_CACHE_DIR || path.join(__dirname, "..", "..", "node_modules", ".cache", "vmlab");
  return writable(base) ? base : path.join(os.tmpdir(), `vmlab-cache-${os.userInfo().uid}`);
}

function writable(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes to a temporary name and renames, so two writers at once leave one whole file; false if it could not. */
export function writeCacheFile(file: string, data: string | Uint8Array): boolean {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

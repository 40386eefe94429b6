/** Temporary folders for the file system tests. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A fresh temporary folder; the caller removes it (afterAll). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `files` (relative path -> contents) under `root`, folders made as needed; a name ending "/" is an empty folder. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): string {
  for (const [rel, data] of Object.entries(files)) {
    const at = path.join(root, rel);
    if (rel.endsWith("/")) {
      fs.mkdirSync(at, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.writeFileSync(at, data);
  }
  return root;
}

/** `n` bytes from a seeded generator (xorshift32), every value 0..255 appearing. */
export function seededBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

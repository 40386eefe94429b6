/**
 * The real peer the I/O tests hold src/io against (DESIGN.md, "Real
 * peers"): test/io/c/xenring.c built by gcc against Debian's libxen-dev
 * headers (/usr/include/xen/io/ring.h, io/blkif.h). A missing compiler or
 * header fails the test naming the package; .ci/run installs them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BlkifRequest, BlkifResponse } from "../../src/io";

const SOURCE = path.join(__dirname, "c", "xenring.c");
let built: string | undefined;

/** Compiles xenring.c once per test file; the path of the executable. */
export function xenring(): string {
  if (built !== undefined) return built;
  if (!fs.existsSync("/usr/include/xen/io/ring.h")) throw new Error("Xen's public headers are missing: apt-get install libxen-dev (.ci/run does)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmlab-xenring-"));
  const out = path.join(dir, "xenring");
  const r = spawnSync("gcc", ["-Wall", "-Wextra", "-Werror", "-O1", "-o", out, SOURCE], { encoding: "utf8" });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error("gcc is missing: apt-get install gcc libc6-dev (.ci/run does)");
  if (r.status !== 0) throw new Error(`gcc could not build xenring.c:\n${r.stderr}`);
  built = out;
  return out;
}

/** Runs xenring with `args` and `input` on stdin; its stdout, or a throw with its stderr. */
export function runXenring(args: readonly string[], input = ""): string {
  const r = spawnSync(xenring(), args, { input, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`xenring ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** A request line as xenring.c's print_request writes it. */
export function requestLine(index: number, r: BlkifRequest & { nrSegments?: number }): string {
  const segs = r.segments.map((s) => ` ${s.gref >>> 0}:${s.firstSect}-${s.lastSect}`).join("");
  return `req ${index >>> 0} op=${r.operation} nr=${r.nrSegments ?? r.segments.length} handle=${r.handle} id=${r.id} sector=${r.sector}${segs}`;
}

/** A response line as xenring.c's print_response writes it. */
export function responseLine(index: number, r: BlkifResponse): string {
  return `rsp ${index >>> 0} id=${r.id} op=${r.operation} status=${r.status}`;
}

/** A small deterministic generator (mulberry32) for the random sequences. */
export function seededRandom(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n | 0;
  };
}
